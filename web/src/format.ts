// Formatting of dates, durations and rates for display.
import i18n from "./i18n";

/** A date-time in `language` (default: the browser's locale), or an em dash when missing. */
export function formatDateTime(value: string | null | undefined, language?: string): string {
  if (!value) return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString(language);
}

/**
 * "3 minutes ago" style relative time; given a `language` ("fr": "il y a 3 minutes"), in that
 * language. Without one, English words (what every caller got before languages existed).
 */
export function formatRelative(value: string | null | undefined, now: Date = new Date(), language?: string): string {
  if (language) return formatRelativeIn(language, value, now);
  if (!value) return "never";
  const seconds = Math.round((now.getTime() - new Date(value).getTime()) / 1000);
  const units: [number, string][] = [
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [size, unit] of units) {
    if (Math.abs(seconds) >= size) {
      const n = Math.round(seconds / size);
      return n >= 0 ? `${n} ${unit}${n === 1 ? "" : "s"} ago` : `in ${-n} ${unit}${n === -1 ? "" : "s"}`;
    }
  }
  return "just now";
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

/** A duration given in milliseconds: "850 ms", "2.4 s", "3 min 5 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A 0–1 or 0–100 rate as a percentage; the API's success_rate is a percentage. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return `${value.toFixed(value >= 99.95 || value === 0 ? 0 : 1)} %`;
}

/** `due_date` -> "Due date": underscores to spaces, first letter upper case. */
export function sentenceCase(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A duration given in seconds, to the two largest units: "45 s", "5 min", "4 min 10 s", "2 h 5 min", "3 d 4 h". */
export function formatSeconds(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  const s = Math.abs(value);
  const sign = value < 0 ? "−" : "";
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    `${sign}${big} ${bigUnit}${small ? ` ${small} ${smallUnit}` : ""}`;
  if (s < 1) return `${sign}${Math.round(s * 1000)} ms`;
  if (s < 10 && !Number.isInteger(s)) return `${sign}${s.toFixed(1)} s`;
  if (s < 59.5) return `${sign}${Math.round(s)} s`;
  if (s < 3570) {
    const total = Math.round(s);
    return two(Math.floor(total / 60), "min", total % 60, "s");
  }
  if (s < 86100) {
    const total = Math.round(s / 60);
    return two(Math.floor(total / 60), "h", total % 60, "min");
  }
  const total = Math.round(s / 3600);
  return two(Math.floor(total / 24), "d", total % 24, "h");
}
