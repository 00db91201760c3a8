// Relative times: English words without a language (as before languages), the language's with one.
import { describe, expect, it } from "vitest";
import { formatRelative } from "./format";

const now = new Date("2026-12-07T12:00:00Z");

describe("formatRelative", () => {
  it("keeps its English words when no language is given", () => {
    expect(formatRelative("2026-12-07T11:57:00Z", now)).toBe("3 minutes ago");
    expect(formatRelative(null, now)).toBe("never");
  });

  it("speaks the given language", () => {
    expect(formatRelative("2026-12-07T11:57:00Z", now, "fr")).toBe("il y a 3 minutes");
    expect(formatRelative("2026-12-09T12:00:00Z", now, "fr")).toBe("dans 2 jours");
    expect(formatRelative("2026-12-07T11:59:50Z", now, "fr")).toBe("à l'instant");
    expect(formatRelative(undefined, now, "fr")).toBe("jamais");
    expect(formatRelative("2026-12-07T10:00:00Z", now, "en")).toBe("2 hours ago");
  });
});
