// Types and small helpers shared by the operations page's parts.
import type { Schemas } from "../../api/client";
import { formatSeconds } from "../../format";
import i18n from "../../i18n";

export type Overview = Schemas["OperationsOverview"];
export type Breach = Schemas["BreachOut"];
export type SLO = Schemas["SLOStatus"];

/** The windows the page offers, in days (the API takes 1 to 90). */
export const WINDOWS = [1, 7, 30, 90];
export const DEFAULT_WINDOW = 7;

export function windowLabel(days: number): string {
  // The API counts whole UTC days, today included: one day is today.
  return days === 1 ? i18n.t("window.today", { ns: "operations" }) : i18n.t("window.last", { ns: "operations", days });
}

/** A breach's severity in words ("critical"); an unknown one as the API says it. */
export function severityText(severity: string): string {
  return severity === "warning" || severity === "critical" ? i18n.t(`severities.${severity}`, { ns: "operations" }) : severity;
}

/** A breach's status in words ("acknowledged"); an unknown one as the API says it. */
export function breachStatusText(status: string): string {
  return status === "open" || status === "acknowledged" || status === "resolved"
    ? i18n.t(`breachStatuses.${status}`, { ns: "operations" })
    : status;
}

/** "4 min past the 5 min critical threshold". */
export function marginText(breach: Pick<Breach, "breach_margin_seconds" | "threshold_seconds" | "severity">): string {
  return i18n.t("breaches.marginText", {
    ns: "operations",
    margin: formatSeconds(breach.breach_margin_seconds),
    threshold: formatSeconds(breach.threshold_seconds),
    severity: severityText(breach.severity),
  });
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
