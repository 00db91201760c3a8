// Labels and option lists shared by the workflow list and detail pages.
import type { Schemas } from "../../api/client";
import { statusText } from "../../components/common";

export type Workflow = Schemas["WorkflowResponse"];
export type WorkflowListItem = Schemas["WorkflowListItem"];
export type ExecutionListItem = Schemas["WorkflowExecutionListItem"];
export type WorkflowStats = Schemas["WorkflowStats"];
export type DailyStat = Schemas["DailyStat"];
export type WorkflowVersion = Schemas["WorkflowVersionResponse"];

export const WORKFLOW_STATUSES: Schemas["WorkflowStatus"][] = ["draft", "active", "inactive"];

export const EXECUTION_STATUSES: Schemas["ExecutionStatus"][] = [
  "pending", "running", "waiting", "success", "partial", "failed", "skipped", "rejected", "cancelled",
];

/** `partial` → "Completed with errors", `success` → "Success" (for filters and headings). */
export function statusLabel(status: string): string {
  return humanize(statusText(status));
}

/** A run's `steps_failed`: "1 step failed", "2 steps failed". */
export function stepsFailedText(count: number): string {
  return `${count} step${count === 1 ? "" : "s"} failed`;
}

/** What the success rate counts, everywhere it is shown (the API's definition). */
export const SUCCESS_RATE_DEFINITION =
  "success ÷ (success + completed with errors + failed + rejected); skipped runs shown beside";

/** Runs in these states may still change: pages showing one poll it, and it can be cancelled. */
export const IN_FLIGHT = new Set(["pending", "running", "waiting"]);

export const TRIGGER_TYPES: Schemas["TriggerType"][] = [
  "organisation_created", "organisation_updated", "deal_created", "deal_updated",
  "deal_stage_changed", "task_completed", "activity_logged", "inactivity_delay", "scheduled",
  "webhook_received", "manual",
];

/** `deal_stage_changed` → "Deal stage changed" (any snake_case identifier). */
export function humanize(value: string | null | undefined): string {
  if (!value) return "—";
  const text = value.replace(/[_.]+/g, " ").trim().toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const triggerLabel = humanize;

/** Parse a positive integer from a query-string value, else `fallback`. */
export function intParam(value: string | null, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
