// For tests of a page in French: the interface in French during each test, back in English after,
// and the test fails if any text was missing from the catalogues. Call inFrench() at the top level.
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach, expect, vi } from "vitest";
import i18n from "../i18n";

export function inFrench() {
  let errors: ReturnType<typeof vi.spyOn>;
  beforeEach(async () => {
    errors = vi.spyOn(console, "error");
    await i18n.changeLanguage("fr");
  });
  afterEach(async () => {
    cleanup();
    await i18n.changeLanguage("en");
    vi.unstubAllGlobals();
    // A missing text is logged as "missing translation: ns:key".
    expect(errors.mock.calls.map((c) => String(c[0])).filter((m) => m.includes("missing translation"))).toEqual([]);
    errors.mockRestore();
  });
}
