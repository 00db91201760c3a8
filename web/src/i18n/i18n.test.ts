// Both languages carry every text, with the same placeholders, and none is empty.
import { placeholders, textPaths } from "./catalog";
import { en } from "./en";
import { fr } from "./fr";
import i18n, { supported } from "./index";

function at(catalog: object, path: string): string {
  return path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], catalog) as string;
}

describe("catalogues", () => {
  const paths = textPaths(en);

  it("French has exactly the English texts", () => {
    expect(textPaths(fr).sort()).toEqual([...paths].sort());
  });

  it.each(paths)("%s: not empty, same placeholders in both", (path) => {
    const english = at(en, path);
    const french = at(fr, path);
    expect(english.trim()).not.toBe("");
    expect(french.trim()).not.toBe("");
    expect(placeholders(french)).toEqual(placeholders(english));
  });

  it("plural texts have one, many and other forms in both", () => {
    const plural = paths.filter((p) => /_(one|many|other)$/.test(p));
    const stems = new Set(plural.map((p) => p.replace(/_(one|many|other)$/, "")));
    for (const stem of stems) {
      for (const form of ["one", "many", "other"]) expect(paths).toContain(`${stem}_${form}`);
    }
  });
});

describe("languages", () => {
  it("reduces locales to a supported language", () => {
    expect(["fr-FR", "FR", "en-GB", "de", "", null].map(supported)).toEqual(["fr", "fr", "en", null, null, null]);
  });

  it("translates and reports a missing text", () => {
    expect(i18n.getFixedT("fr")("nav.workflows")).toBe("Workflows");
    expect(i18n.getFixedT("fr")("actions.save")).toBe("Enregistrer");
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    // @ts-expect-error: a key that no catalogue has
    i18n.getFixedT("fr")("nav.nowhere");
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("missing translation: common:nav.nowhere"));
    errors.mockRestore();
  });
});
