// No component shows words that are not in the catalogues: every text a person reads comes from
// web/src/i18n in English and French.
/// <reference types="vite/client" />
import { findHardcoded } from "./hardcoded";

// Every component's source, read by Vite at test time (tests and test helpers left out).
const sources = import.meta.glob<string>(["../**/*.tsx", "!../**/*.test.tsx", "!../**/test-utils.tsx"], {
  query: "?raw",
  import: "default",
  eager: true,
});
const files = Object.entries(sources).map(([path, source]) => ({ name: path.replace(/^\.\.\//, ""), source }));

describe("hard-coded texts", () => {
  it("finds JSX text and read attributes, not code", () => {
    const found = findHardcoded(
      "x.tsx",
      `const a = <p title="Hello there" className="big-title">Hi {name} — {"Yes sir"} {t("k")}<b>42 %</b></p>;`,
    );
    expect(found.map((f) => f.text)).toEqual(["Hello there", "Hi", "Yes sir"]);
  });

  it.each(files.map((f) => [f.name, f.source]))(
    "%s has every text in the catalogues",
    (name, source) => {
      expect(findHardcoded(name, source)).toEqual([]);
    },
  );
});
