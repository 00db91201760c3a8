// Formatting of dates, durations, numbers, money and rates for display, in the interface's
// language (i18n.language) unless a `language` is given: "82 000 €" and "3,5 %" in French.
import i18n from "./i18n";

/** The language to format in: the given one, else the interface's. */
function lang(language?: string): string {
  return language || i18n.language || "en";
}

/** A number in the language's digits: "82 000" (fr), "82,000" (en); `digits` fixes the decimals. */
export function formatNumber(value: number | null | undefined, language?: string, digits?: number): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  const fixed = digits === undefined ? { maximumFractionDigits: 2 } : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return value.toLocaleString(lang(language), fixed);
}

/** An amount of money: "82 000 €" (fr), "€82,000" (en); cents only when there are some. */
export function formatMoney(value: number | null | undefined, currency = "EUR", language?: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  const digits = Number.isInteger(value) ? 0 : 2;
  return new Intl.NumberFormat(lang(language), {
    style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(value);
}

/**
 * A date-time, or an em dash when missing: "7 déc. 2026 18:55" (fr), "Dec 7, 2026, 6:55 PM" (en);
 * `seconds` for times within a run, where steps a second apart must read apart.
 */
export function formatDateTime(value: string | null | undefined, language?: string, { seconds = false } = {}): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const code = lang(language);
  const day = new Intl.DateTimeFormat(code, { dateStyle: "medium" }).format(date);
  const time = new Intl.DateTimeFormat(code, { timeStyle: seconds ? "medium" : "short" }).format(date);
  return i18n.getFixedT(code, "values")("dateTime", { date: day, time });
}

/** "3 minutes ago" style relative time in `language` (default: the interface's; "fr": "il y a 3 minutes"). */
export function formatRelative(value: string | null | undefined, now: Date = new Date(), language?: string): string {
  return formatRelativeIn(language ?? i18n.language ?? "en", value, now);
}

function formatRelativeIn(language: string, value: string | null | undefined, now: Date): string {
  const t = i18n.getFixedT(language);
  if (!value) return t("states.never");
  const seconds = Math.round((now.getTime() - new Date(value).getTime()) / 1000);
  const words = new Intl.RelativeTimeFormat(language, { numeric: "always" });
  const units: [number, Intl.RelativeTimeFormatUnit][] = [
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [size, unit] of units) {
    if (Math.abs(seconds) >= size) return words.format(-Math.round(seconds / size), unit);
  }
  return t("states.justNow");
}

/** The language's short time units: "d" in English is "j" (jour) in French. */
function units(language?: string) {
  const t = i18n.getFixedT(lang(language), "values");
  return { s: t("units.s"), min: t("units.min"), h: t("units.h"), d: t("units.d"), ms: t("units.ms") };
}

/** A duration given in milliseconds: "850 ms", "2.4 s" ("2,4 s" in French), "3 min 5 s". */
export function formatDuration(ms: number | null | undefined, language?: string): string {
  if (ms === null || ms === undefined) return "—";
  const u = units(language);
  if (ms < 1000) return `${formatNumber(ms < 10 ? ms : Math.round(ms), language, ms < 10 ? 1 : 0)} ${u.ms}`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${formatNumber(seconds, language, 1)} ${u.s}`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} ${u.min} ${Math.round(seconds % 60)} ${u.s}`;
  return `${formatNumber(Math.floor(minutes / 60), language)} ${u.h} ${minutes % 60} ${u.min}`;
}

/** A 0–100 rate (the API's success_rate) as a percentage: "87.5%" (en), "87,5 %" (fr). */
export function formatPercent(value: number | null | undefined, language?: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  const digits = value >= 99.95 || value === 0 ? 0 : 1;
  return new Intl.NumberFormat(lang(language), {
    style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(value / 100);
}

/** `due_date` -> "Due date": underscores to spaces, first letter upper case. */
export function sentenceCase(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A duration given in seconds, to the two largest units: "45 s", "5 min", "4 min 10 s", "2 h 5 min",
 * "3 d 4 h" ("3 j 4 h" in French).
 */
export function formatSeconds(value: number | null | undefined, language?: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  const u = units(language);
  const s = Math.abs(value);
  const sign = value < 0 ? "−" : "";
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    `${sign}${formatNumber(big, language)} ${bigUnit}${small ? ` ${small} ${smallUnit}` : ""}`;
  if (s < 1) return `${sign}${Math.round(s * 1000)} ${u.ms}`;
  if (s < 10 && !Number.isInteger(s)) return `${sign}${formatNumber(s, language, 1)} ${u.s}`;
  if (s < 59.5) return `${sign}${Math.round(s)} ${u.s}`;
  if (s < 3570) {
    const total = Math.round(s);
    return two(Math.floor(total / 60), u.min, total % 60, u.s);
  }
  if (s < 86100) {
    const total = Math.round(s / 60);
    return two(Math.floor(total / 60), u.h, total % 60, u.min);
  }
  const total = Math.round(s / 3600);
  return two(Math.floor(total / 24), u.d, total % 24, u.h);
}
