// Why a suggestion's change no longer applies, in French (the paths and operations as they are).
import { describe, expect, it } from "vitest";
import { inFrench } from "../../test/inFrench";
import { applyPatch } from "./jsonPatch";

inFrench();

describe("applyPatch in French", () => {
  it("says which operation failed and why", () => {
    expect(() => applyPatch({ baz: "qux" }, [{ op: "test", path: "/baz", value: "bar" }])).toThrow(
      "patch[0] (test /baz) : /baz n'est plus ce qui était attendu",
    );
    expect(() => applyPatch({ foo: [1] }, [{ op: "add", path: "/foo/2", value: 3 }])).toThrow(
      "patch[0] (add /foo/2) : /foo/2 : l'indice 2 est hors limites",
    );
    expect(() => applyPatch({}, [{ op: "remove", path: "/nope" }])).toThrow(
      'patch[0] (remove /nope) : /nope : pas de "nope" dans le document',
    );
  });
});
