// The suggestions API's types (generated schemas) and the shapes of what they leave open: the
// evidence each miner records, the change and the back-test (src/crmflow/suggestions/miners/).
import type { Schemas } from "../../api/client";
import i18n from "../../i18n";
import type { PatchOperation } from "./jsonPatch";

export type Suggestion = Schemas["SuggestionOut"];
export type SuggestionJob = Schemas["JobOut"];
export type SuggestionStatus = "pending" | "accepted" | "rejected" | "implemented";
export type SuggestionKind = "auto_approval" | "parallel_approvals" | "performance" | "error_handling" | "manual_work";

export const STATUSES: SuggestionStatus[] = ["pending", "accepted", "rejected", "implemented"];

export const KINDS: SuggestionKind[] = ["auto_approval", "parallel_approvals", "performance", "error_handling", "manual_work"];

/** A status in the interface's language: "Pending". */
export function statusLabel(status: SuggestionStatus): string {
  return i18n.t(`status.${status}`, { ns: "suggestions" });
}

/** A miner's kind in the interface's language; an unknown kind with spaces for underscores. */
export function kindLabel(kind: string): string {
  return (KINDS as string[]).includes(kind) ? i18n.t(`kind.${kind as SuggestionKind}`, { ns: "suggestions" }) : kind.replace(/_/g, " ");
}

/** The patch a suggestion proposes on an existing workflow. */
export interface PatchChange {
  type: "patch";
  workflow_id: number;
  base_version: number;
  patch: PatchOperation[];
}
/** A workflow a suggestion proposes to create. */
export interface NewWorkflowChange {
  type: "new_workflow";
  definition: Record<string, unknown>;
}
export type Change = PatchChange | NewWorkflowChange;

export function changeOf(suggestion: Pick<Suggestion, "change">): Change | null {
  const change = suggestion.change as Partial<Change> | null | undefined;
  if (change?.type === "patch" && Array.isArray((change as PatchChange).patch)) return change as PatchChange;
  if (change?.type === "new_workflow" && change.definition && typeof change.definition === "object") return change as NewWorkflowChange;
  return null;
}

// ---------------------------------------------------------------------------------- evidence

export interface EvidenceWindow {
  from?: string;
  to?: string;
  days?: number;
}
export interface StepRef {
  path: string;
  name?: string;
  type?: string;
}
/** An approval request quoted as an example: the run it belongs to and the record it was about. */
export interface ApprovalExample {
  approval_id?: number;
  execution_id: number;
  workflow_id: number;
  status?: string;
  record?: Record<string, unknown> | null;
}
export interface Counts {
  approved?: number;
  rejected?: number;
}

export interface AutoApprovalEvidence {
  window?: EvidenceWindow;
  step?: StepRef;
  segment?: { field: string; operator: string; value: unknown };
  requests?: number;
  in_segment?: Counts;
  outside_segment?: Counts;
  examples?: ApprovalExample[];
  counterexamples?: ApprovalExample[];
  median_wait_seconds?: number | null;
}

export interface ParallelApprovalsEvidence {
  window?: EvidenceWindow;
  steps?: StepRef[];
  runs_with_both?: number;
  first_approved?: number;
  first_decided?: number;
  saved_seconds?: { median?: number; p95?: number; total?: number };
  examples?: ApprovalExample[];
}

export interface ErrorHandlingEvidence {
  window?: EvidenceWindow;
  step?: StepRef;
  runs?: number;
  failed?: number;
  failure_rate?: number;
  errors_sampled?: number;
  most_common_error?: { shape: string; count: number };
  errors?: { shape: string; count: number }[];
  transient?: number;
  examples?: { execution_id: number; workflow_id: number; error?: string | null }[];
}

/** Slow approvals (`wait_seconds`) or a step slower than its peers (`p95_ms`). */
export interface PerformanceEvidence {
  window?: EvidenceWindow;
  step?: StepRef;
  decisions?: number;
  wait_seconds?: { p50?: number; p95?: number; max?: number };
  over_a_day?: number;
  examples?: { execution_id: number; workflow_id: number; wait_seconds?: number }[];
  runs?: number;
  p50_ms?: number;
  p95_ms?: number;
  peers_p95_ms?: number;
  peers?: number;
  slower_than_peers?: number;
}

export interface ManualWorkEvidence {
  window?: EvidenceWindow;
  event?: { type: string; reached?: string | null; count?: number };
  tasks?: number;
  record_type?: string;
  title_template?: string;
  median_due_days?: number;
  examples?: { task_id: number; title: string; record_id?: number | null }[];
}
