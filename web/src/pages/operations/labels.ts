// Types and small helpers shared by the operations page's parts.
import type { Schemas } from "../../api/client";
import { formatSeconds } from "../../format";

export type Overview = Schemas["OperationsOverview"];
export type Breach = Schemas["BreachOut"];
export type SLO = Schemas["SLOStatus"];

/** The windows the page offers, in days (the API takes 1 to 90). */
export const WINDOWS = [1, 7, 30, 90];
export const DEFAULT_WINDOW = 7;

export function windowLabel(days: number): string {
  // The API counts whole UTC days, today included: one day is today.
  return days === 1 ? "Today" : `Last ${days} days`;
}

/** "4 min past the 5 min critical threshold". */
export function marginText(breach: Pick<Breach, "breach_margin_seconds" | "threshold_seconds" | "severity">): string {
  return `${formatSeconds(breach.breach_margin_seconds)} past the ${formatSeconds(breach.threshold_seconds)} ${breach.severity} threshold`;
}

/** The UTC days of the last `days` days, oldest first ("2026-12-05"), as the API counts them. */
export function dayKeys(days: number, today: Date = new Date()): string[] {
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i));
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}
