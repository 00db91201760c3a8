// Control step config schemas (mirroring engine/definition.py) and new-step defaults.
import type { CatalogEntry, FieldInfo, JsonSchema, Step } from "./types";

export const CONTROL_SCHEMAS: Record<string, JsonSchema> = {
  delay: {
    type: "object",
    additionalProperties: false,
    properties: {
      duration: { type: "string", title: "Duration", description: "How long to wait, e.g. `3 days`, `2h`, `30m` (set this or Until)." },
      until: { type: "string", title: "Until", description: "Wait until a date: ISO 8601 or a template such as `{{ deal.close_date }}`." },
      business_hours: { type: "object", title: "Business hours", description: "Count only business time, e.g. {\"start\": \"09:00\", \"end\": \"18:00\"}." },
    },
  },
  approval: {
    type: "object",
    additionalProperties: false,
    required: ["approvers"],
    properties: {
      approvers: { type: "array", items: { type: "string" }, title: "Approvers", description: "`manager`, `owner`, `user:<id|email>`, `title:<title>`, `role:<role>` or a template." },
      mode: { type: "string", enum: ["any", "all", "quorum"], default: "any", title: "Mode", description: "Who must approve: any one, all, or a quorum." },
      quorum: { type: "integer", title: "Quorum", description: "With mode quorum: how many approvals are enough." },
      timeout: { type: "string", title: "Timeout", description: "e.g. `2 days`; empty: wait forever." },
      on_timeout: { type: "string", enum: ["escalate", "approve", "reject"], default: "reject", title: "On timeout" },
      title: { type: "string", title: "Title", description: "What approvers see as the request's title." },
      message: { type: "string", title: "Message" },
    },
  },
  stop: {
    type: "object",
    additionalProperties: false,
    properties: {
      status: { type: "string", enum: ["success", "skipped", "failed"], default: "success", title: "Status", description: "How the execution ends." },
      reason: { type: "string", title: "Reason" },
    },
  },
};

export const RETRY_SCHEMA: JsonSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    max_attempts: { type: "integer", default: 3, title: "Max attempts", description: "1 to 20." },
    backoff: { type: "string", enum: ["exponential", "fixed"], default: "exponential", title: "Backoff" },
    initial: { type: "string", default: "30s", title: "Initial delay" },
    max: { type: "string", default: "1h", title: "Maximum delay" },
  },
};

export const CONTROL_LABELS: Record<string, string> = {
  branch: "Branch (if / else)",
  parallel: "Parallel paths",
  delay: "Delay",
  approval: "Approval",
  stop: "Stop",
};

/** A new step of `type`, ready to be edited (control steps get their required parts). */
export function newStep(type: string, fields: FieldInfo[]): Step {
  const field = fields[0];
  switch (type) {
    case "branch":
      return {
        type: "branch",
        branches: [{ when: { operator: "AND", rules: [{ field: field?.path ?? "trigger.type", operator: "is_not_empty" }] }, actions: [] }],
        else: [],
      };
    case "parallel":
      return { type: "parallel", branches: [{ name: "Path 1", actions: [] }, { name: "Path 2", actions: [] }] };
    case "delay":
      return { type: "delay", config: { duration: "1 day" } };
    case "approval":
      return { type: "approval", config: { approvers: ["manager"], mode: "any" } };
    case "stop":
      return { type: "stop", config: { status: "success" } };
    default:
      return { type, config: {} };
  }
}

/** The label a step is shown with: its name, else its action's catalog name, else its type. */
export function stepLabel(step: Step, catalog: Map<string, CatalogEntry>): string {
  if (step.name) return step.name;
  const type = String(step.type ?? "step");
  return CONTROL_LABELS[type] ?? catalog.get(type)?.name ?? type.replace(/_/g, " ");
}

/** A JSON path (`actions[1].else[0]`) for a step path (`actions/1/else/0`), as API errors write it. */
export function stepLoc(path: string): string {
  return path.split("/").reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), "");
}

const ALL_TYPES = ["string", "number", "date", "datetime", "boolean", "enum", "list", "json", "user", "reference"] as const;

/** The engine's operators, for when the editor schema is not available (every type allowed). */
export const FALLBACK_OPERATORS = (
  [
    ["==", "equals", 1], ["!=", "does not equal", 1], [">", "greater than", 1], ["<", "less than", 1],
    [">=", "at least", 1], ["<=", "at most", 1], ["contains", "contains", 1], ["not_contains", "does not contain", 1],
    ["in", "is one of", 1], ["not_in", "is not one of", 1], ["starts_with", "starts with", 1], ["ends_with", "ends with", 1],
    ["is_empty", "is empty", 0], ["is_not_empty", "is not empty", 0], ["between", "between", 2],
    ["changed", "changed", 0], ["changed_to", "changed to", 1], ["changed_from", "changed from", 1],
  ] as const
).map(([value, label, arity]) => ({
  value, label, arity, multiple: value === "in" || value === "not_in", types: [...ALL_TYPES],
}));

/** The trigger types (when the editor schema is not available). */
export const FALLBACK_TRIGGERS = [
  "organisation_created", "organisation_updated", "deal_created", "deal_updated", "deal_stage_changed",
  "task_completed", "activity_logged", "inactivity_delay", "scheduled", "webhook_received", "manual",
];
