// Words and numbers of the suggestions pages: confidence, frequency, windows, rates, outcomes.
import { formatPercent } from "../../format";
import type { EvidenceWindow } from "./types";

/** A 0–1 confidence as the inbox shows it, rounded down (it is a lower bound): "96 %". */
export function confidenceText(score: number): string {
  return `${Math.floor(score * 100)} %`;
}

/** What the confidence means (a Wilson 95 % lower bound of the pattern's rate). */
export function confidenceTooltip(score: number): string {
  return `95% sure the true rate is at least ${formatPercent(Math.floor(score * 1000) / 10)}`;
}

/** "seen once", "seen 98 times". */
export function frequencyText(count: number): string {
  return count === 1 ? "seen once" : `seen ${count.toLocaleString()} times`;
}

/** `count` of `total` as a percentage ("—" without a total). */
export function shareText(count: number | undefined, total: number | undefined): string {
  if (!total || count === undefined) return "—";
  return formatPercent((100 * count) / total);
}

/** A number with thousands separators, "—" when missing. */
export function num(value: number | undefined | null): string {
  return typeof value === "number" ? value.toLocaleString() : "—";
}

const day = (value: string | undefined) => {
  const date = value ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date.toLocaleDateString() : "?";
};

/** The mined history's window: "the last 30 days (11/5/2026 – 12/5/2026)". */
export function windowText(window: EvidenceWindow | undefined): string {
  if (!window) return "the mined history";
  const days = typeof window.days === "number" ? `the last ${window.days.toLocaleString()} ${window.days === 1 ? "day" : "days"}` : "the mined window";
  return window.from || window.to ? `${days} (${day(window.from)} – ${day(window.to)})` : days;
}

/** A segment or condition value in a sentence: strings quoted, the rest as JSON. */
export function valueText(value: unknown): string {
  if (typeof value === "string") return `“${value}”`;
  return JSON.stringify(value) ?? String(value);
}

/** "deal.discount_percent < 10". */
export function segmentText(segment: { field: string; operator: string; value: unknown } | undefined): string {
  if (!segment) return "the segment";
  return `${segment.field} ${segment.operator} ${typeof segment.value === "string" ? segment.value : valueText(segment.value)}`;
}
