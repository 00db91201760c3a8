// Words and numbers of the suggestions pages: confidence, frequency, windows, rates, outcomes,
// in the interface's language.
import i18n from "../../i18n";
import type { EvidenceWindow } from "./types";

const t = i18n.getFixedT(null, "suggestions");

/** A 0–100 rate as formatPercent shows it ("96.2 %", "100 %"), with the language's decimal sign. */
function percent(value: number): string {
  const digits = value >= 99.95 || value === 0 ? 0 : 1;
  return `${value.toLocaleString(i18n.language, { minimumFractionDigits: digits, maximumFractionDigits: digits })} %`;
}

/** A 0–1 confidence as the inbox shows it, rounded down (it is a lower bound): "96 %". */
export function confidenceText(score: number): string {
  return `${Math.floor(score * 100)} %`;
}

/** What the confidence means (a Wilson 95 % lower bound of the pattern's rate). */
export function confidenceTooltip(score: number): string {
  return t("wording.confidenceTooltip", { rate: percent(Math.floor(score * 1000) / 10) });
}

/** "seen once", "seen 98 times". */
export function frequencyText(count: number): string {
  return t("wording.seen", { count });
}

/** `count` of `total` as a percentage ("—" without a total). */
export function shareText(count: number | undefined, total: number | undefined): string {
  if (!total || count === undefined) return "—";
  return percent((100 * count) / total);
}

/** A number with the language's thousands separators, "—" when missing. */
export function num(value: number | undefined | null): string {
  return typeof value === "number" ? value.toLocaleString(i18n.language) : "—";
}

const day = (value: string | undefined) => {
  const date = value ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date.toLocaleDateString(i18n.language) : "?";
};

/** The mined history's window: "the last 30 days (11/5/2026 – 12/5/2026)". */
export function windowText(window: EvidenceWindow | undefined): string {
  if (!window) return t("wording.minedHistory");
  const days = typeof window.days === "number" ? t("wording.lastDays", { count: window.days }) : t("wording.minedWindow");
  return window.from || window.to ? t("wording.window", { days, from: day(window.from), to: day(window.to) }) : days;
}

/** A segment or condition value in a sentence: strings quoted, the rest as JSON. */
export function valueText(value: unknown): string {
  if (typeof value === "string") return `“${value}”`;
  return JSON.stringify(value) ?? String(value);
}

/** "deal.discount_percent < 10". */
export function segmentText(segment: { field: string; operator: string; value: unknown } | undefined): string {
  if (!segment) return t("wording.theSegment");
  return `${segment.field} ${segment.operator} ${typeof segment.value === "string" ? segment.value : valueText(segment.value)}`;
}
