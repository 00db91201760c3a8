// Types of the simulation API: the generated client's (src/crmflow/simulation/schemas.py), and
// the shapes of what the API leaves free-form (an alternative's example, the predicted duration,
// the `report` of a back-test or a comparison), as the simulation service fills them.
import type { Schemas } from "../../api/client";

export type SimulationOut = Schemas["SimulationOut"];
export type SimulationStatus = Schemas["SimulationStatus"];
export type PathStep = Schemas["PathStep"];
export type ApprovalLevel = Schemas["ApprovalLevel"];
export type Alternative = Schemas["Alternative"];
export type BranchExploration = Schemas["BranchExploration"];
export type Issue = Schemas["Issue"];
export type TriggerInput = Schemas["TriggerInput"];
export type SimulationCreate = Schemas["SimulationCreate"];
export type CompareCreate = Schemas["CompareCreate"];
/** `days` and `max_events` have server defaults (the generated type makes them required). */
export type BacktestCreate = Omit<Schemas["BacktestCreate"], "days" | "max_events">
  & Partial<Pick<Schemas["BacktestCreate"], "days" | "max_events">>;

/** The record a run would see: made up (`input_data`), or an existing one (`entity_*`). */
export type SimulationInputs = Pick<SimulationCreate, "input_data" | "entity_type" | "entity_id" | "trigger">;
/** A saved workflow (a version of it), or an unsaved definition: exactly one of the two. */
export type SimulationSubject = Pick<SimulationCreate, "workflow_id" | "version" | "definition">;

/** An approver as resolved: `{id, email, name}`. */
export type ApproverUser = ApprovalLevel["users"][number];

/** An input (`{input_data, trigger}`) that takes an alternative. */
export interface Example {
  input_data?: Record<string, unknown>;
  trigger?: TriggerInput;
}

/** A decision: `{result, explanation}` (the trigger filter's), with the deciding `rule` and the
 *  `actual` value it saw for the conditions and a step's `when`. */
export interface Decision {
  result?: unknown;
  rule?: unknown;
  actual?: unknown;
  explanation?: string | null;
}

export interface StepDuration {
  path: string;
  p50?: number | null;
  p90?: number | null;
  basis?: string | null;
}

export interface PredictedDuration {
  p50?: number | null;
  p90?: number | null;
  steps?: StepDuration[];
}

// ----------------------------------------------------------------- reports (free-form dicts)

/** `{key: count}`, e.g. outcomes by status. */
export type Counts = Record<string, number>;

export interface BacktestDiff {
  version?: number | null;
  same?: number;
  only_draft?: number;
  only_current?: number;
  different_outcome?: number;
  samples?: Record<string, number[]>;
  note?: string | null;
}

export interface BacktestReport {
  window?: { from?: string | null; to?: string | null; days?: number };
  events_considered?: number;
  triggered?: number;
  skipped?: { trigger_filter?: number; conditions?: Counts };
  outcomes?: Counts;
  branches?: Record<string, Counts>;
  approvers?: Record<string, Counts>;
  samples?: Record<string, number[]>;
  diff?: BacktestDiff | null;
}

export interface CompareSide {
  version?: number | null;
  status?: string | null;
  outcome?: string | null;
  would_trigger?: boolean | null;
  validation_errors?: Issue[];
  path?: { path: string; name?: string | null; type?: string; status?: string }[];
  /** Per approval level, the emails it would ask. */
  approval_chain?: string[][];
}

export interface CompareReport {
  a?: CompareSide;
  b?: CompareSide;
  differences?: { path: string; name?: string | null; a?: unknown; b?: unknown }[];
}
