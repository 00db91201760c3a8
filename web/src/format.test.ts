// Formatting follows the interface's language: numbers, money, rates, dates and durations; relative
// times keep English words without a language (as before languages), the language's with one.
import { afterEach, describe, expect, it } from "vitest";
import {
  formatDateTime, formatDuration, formatMoney, formatNumber, formatPercent, formatRelative, formatSeconds,
} from "./format";
import i18n from "./i18n";

// Intl writes a narrow no-break space in French numbers ("82 000 €"): compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

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

describe("locale formatting", () => {
  afterEach(async () => {
    await i18n.changeLanguage("en");
  });

  it("writes numbers, money and rates the English way", () => {
    expect(formatNumber(82000)).toBe("82,000");
    expect(formatMoney(82000)).toBe("€82,000");
    expect(formatMoney(1234.5)).toBe("€1,234.50");
    expect(formatPercent(3.5)).toBe("3.5%");
    expect(formatPercent(100)).toBe("100%");
    expect(formatPercent(null)).toBe("—");
  });

  it("follows the interface's language when it is French", async () => {
    await i18n.changeLanguage("fr");
    expect(plain(formatNumber(82000))).toBe("82 000");
    expect(plain(formatMoney(82000))).toBe("82 000 €");
    expect(plain(formatPercent(3.5))).toBe("3,5 %");
    expect(plain(formatPercent(0))).toBe("0 %");
    expect(plain(formatDuration(2400))).toBe("2,4 s");
    expect(formatDuration(185_000)).toBe("3 min 5 s");
    expect(plain(formatSeconds(4.5))).toBe("4,5 s");
    expect(formatSeconds(3 * 86400 + 4 * 3600)).toBe("3 j 4 h");
  });

  it("writes durations with English units and decimals in English", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(2.5)).toBe("2.5 ms");
    expect(formatDuration(2400)).toBe("2.4 s");
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe("2 h 5 min");
    expect(formatSeconds(3 * 86400 + 4 * 3600)).toBe("3 d 4 h");
    expect(formatSeconds(-90)).toBe("−1 min 30 s");
  });

  it("writes dates in the language, with seconds on request", async () => {
    const at = new Date(2026, 11, 7, 18, 55, 3).toISOString();
    expect(formatDateTime(at)).toBe("Dec 7, 2026, 6:55 PM");
    await i18n.changeLanguage("fr");
    expect(formatDateTime(at)).toBe("7 déc. 2026 18:55");
    expect(formatDateTime(at, undefined, { seconds: true })).toBe("7 déc. 2026 18:55:03");
    expect(formatDateTime(at, "en")).toBe("Dec 7, 2026, 6:55 PM");
    expect(formatDateTime(null)).toBe("—");
  });
});
