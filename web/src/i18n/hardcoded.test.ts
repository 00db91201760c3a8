// No component shows words that are not in the catalogues, except the files still listed in
// NOT_YET_TRANSLATED (each must still hold hard-coded text, so the list only shrinks).
/// <reference types="vite/client" />
import { findHardcoded } from "./hardcoded";
import { NOT_YET_TRANSLATED } from "./notYetTranslated";

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

  it.each(files.filter((f) => !NOT_YET_TRANSLATED.includes(f.name)).map((f) => [f.name, f.source]))(
    "%s has every text in the catalogues",
    (name, source) => {
      expect(findHardcoded(name, source)).toEqual([]);
    },
  );

  it("lists only files that still need translating, and only files that exist", () => {
    const names = new Set(files.map((f) => f.name));
    const stale = NOT_YET_TRANSLATED.filter((name) => {
      const file = files.find((f) => f.name === name);
      return !names.has(name) || (file && findHardcoded(name, file.source).length === 0);
    });
    expect(stale).toEqual([]);
  }, 60_000);
});
