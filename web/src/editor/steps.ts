// Control step config schemas (mirroring engine/definition.py) and new-step defaults; their
// texts come from the editor catalogue, in the interface's language at the time they are read.
import i18n from "../i18n";
import type { CatalogEntry, FieldInfo, JsonSchema, Step } from "./types";

const t = (key: string, values?: Record<string, string>): string =>
  (i18n.t as unknown as (key: string, values?: object) => string)(`editor:${key}`, values);


/** The config schemas of the control steps that have settings (delay, approval, stop). */
export function controlSchemas(): Record<string, JsonSchema> {
  return {
    delay: {
      type: "object",
      additionalProperties: false,
      properties: {
        duration: { type: "string", title: t("schemas.duration"), description: t("schemas.durationHint") },
        until: { type: "string", title: t("schemas.until"), description: t("schemas.untilHint", { example: "{{ deal.close_date }}" }) },
        business_hours: {
          type: "object", title: t("schemas.businessHours"),
          description: t("schemas.businessHoursHint", { example: "{\"start\": \"09:00\", \"end\": \"18:00\"}" }),
        },
      },
    },
    approval: {
      type: "object",
      additionalProperties: false,
      required: ["approvers"],
      properties: {
        approvers: { type: "array", items: { type: "string" }, title: t("schemas.approvers"), description: t("schemas.approversHint") },
        mode: {
          type: "string", enum: ["any", "all", "quorum"], default: "any", title: t("schemas.mode"), description: t("schemas.modeHint"),
          "x-enum-labels": { any: t("schemas.modes.any"), all: t("schemas.modes.all"), quorum: t("schemas.modes.quorum") },
        },
        quorum: { type: "integer", title: t("schemas.quorum"), description: t("schemas.quorumHint") },
        timeout: { type: "string", title: t("schemas.timeout"), description: t("schemas.timeoutHint") },
        on_timeout: {
          type: "string", enum: ["escalate", "approve", "reject"], default: "reject", title: t("schemas.onTimeout"),
          "x-enum-labels": { escalate: t("schemas.onTimeouts.escalate"), approve: t("schemas.onTimeouts.approve"), reject: t("schemas.onTimeouts.reject") },
        },
        title: { type: "string", title: t("schemas.title"), description: t("schemas.titleHint") },
        message: { type: "string", title: t("schemas.message") },
      },
    },
    stop: {
      type: "object",
      additionalProperties: false,
      properties: {
        status: {
          type: "string", enum: ["success", "skipped", "failed"], default: "success", title: t("schemas.status"), description: t("schemas.statusHint"),
          "x-enum-labels": { success: t("schemas.statuses.success"), skipped: t("schemas.statuses.skipped"), failed: t("schemas.statuses.failed") },
        },
        reason: { type: "string", title: t("schemas.reason") },
      },
    },
  };
}

/** The schema of a step's `retry` settings. */
export function retrySchema(): JsonSchema {
  return {
    type: "object",
    additionalProperties: false,
    properties: {
      max_attempts: { type: "integer", default: 3, title: t("schemas.maxAttempts"), description: t("schemas.maxAttemptsHint") },
      backoff: { type: "string", enum: ["exponential", "fixed"], default: "exponential", title: t("schemas.backoff") },
      initial: { type: "string", default: "30s", title: t("schemas.initial") },
      max: { type: "string", default: "1h", title: t("schemas.max") },
    },
  };
}

const CONTROL_TYPES = ["branch", "parallel", "delay", "approval", "stop"] as const;

/** The control steps' names by type; each read gives the name in the interface's current language. */
export const CONTROL_LABELS: Record<string, string> = Object.defineProperties(
  {},
  Object.fromEntries(
    CONTROL_TYPES.map((type) => [type, { enumerable: true, get: () => i18n.t(`editor:controls.${type}`) }]),
  ),
);

// The engine's operators by the catalogue name of their label (keys cannot hold "==" or ".").
const OPERATOR_NAMES: Record<string, keyof typeof import("../i18n/en/editor").editor.operators> = {
  "==": "eq", "!=": "ne", ">": "gt", "<": "lt", ">=": "gte", "<=": "lte", contains: "contains",
  not_contains: "not_contains", in: "in", not_in: "not_in", starts_with: "starts_with", ends_with: "ends_with",
  is_empty: "is_empty", is_not_empty: "is_not_empty", between: "between", changed: "changed",
  changed_to: "changed_to", changed_from: "changed_from",
};

/** An operator's label in the interface's language; `fallback` (the server's) for one the catalogue lacks. */
export function operatorLabel(value: string, fallback: string = value): string {
  const name = OPERATOR_NAMES[value];
  return name ? i18n.t(`editor:operators.${name}`) : fallback;
}

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
      return {
        type: "parallel",
        branches: [{ name: t("panel.newPath", { number: "1" }), actions: [] }, { name: t("panel.newPath", { number: "2" }), actions: [] }],
      };
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
    ["==", 1], ["!=", 1], [">", 1], ["<", 1], [">=", 1], ["<=", 1], ["contains", 1], ["not_contains", 1],
    ["in", 1], ["not_in", 1], ["starts_with", 1], ["ends_with", 1], ["is_empty", 0], ["is_not_empty", 0],
    ["between", 2], ["changed", 0], ["changed_to", 1], ["changed_from", 1],
  ] as const
).map(([value, arity]) => ({
  value, get label() { return operatorLabel(value); }, arity, multiple: value === "in" || value === "not_in", types: [...ALL_TYPES],
}));


/** The trigger types (when the editor schema is not available). */
export const FALLBACK_TRIGGERS = [
  "organisation_created", "organisation_updated", "deal_created", "deal_updated", "deal_stage_changed",
  "task_completed", "activity_logged", "inactivity_delay", "scheduled", "webhook_received", "manual",
];
