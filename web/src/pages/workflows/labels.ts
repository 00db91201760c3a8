// Labels and option lists shared by the workflow list and detail pages.
import type { Schemas } from "../../api/client";
import { statusText } from "../../components/common";
import i18n from "../../i18n";
import { workflows as englishWorkflows } from "../../i18n/en/workflows";

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

/** A run's `steps_failed` in the interface's language: "1 step failed", "2 étapes en échec". */
export function stepsFailedText(count: number): string {
  return i18n.t("executions.stepsFailed", { ns: "workflow", count });
}

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

/** A trigger type's name in the interface's language ("inactivity_delay" -> "Délai d'inactivité"), else humanised. */
export function triggerLabel(type: string | null | undefined): string {
  return type && Object.hasOwn(englishWorkflows.triggers, type)
    ? i18n.t(`triggers.${type as keyof typeof englishWorkflows.triggers}`, { ns: "workflows" })
    : humanize(type);
}

/** Parse a positive integer from a query-string value, else `fallback`. */
export function intParam(value: string | null, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
