// The Test panel's inputs as typed, and how they become a simulation request: the trigger's
// record made up from a form (flat `input_data`, {"amount": 75000}) or an existing record, the
// trigger's changes (field -> [old, new]) and payload, and the subject (saved workflow or draft).
import i18n from "../../i18n";
import type { Definition, EditorSchema, FieldInfo } from "../types";
import type { Example, SimulationInputs, SimulationSubject } from "./types";
import { recordKey } from "./wording";

const t = i18n.getFixedT(null, "simulation");

export interface ChangeRow { field: string; from: string; to: string }
export interface ExtraRow { key: string; value: string }

export interface TestInputState {
  source: "form" | "record";
  /** The record type, for triggers that do not fix one (manual); "" when none. */
  entityOverride: string;
  /** Form values as typed, by flat key (`amount`). */
  values: Record<string, string>;
  /** Other keys (dotted paths of related records: `organisation.name`), value as typed. */
  extras: ExtraRow[];
  record: { id: number; label: string } | null;
  changes: ChangeRow[];
  /** The trigger's payload (`trigger.data`) as JSON text. */
  payload: string;
}

export const EMPTY_INPUTS: TestInputState = {
  source: "form", entityOverride: "", values: {}, extras: [], record: null, changes: [], payload: "",
};

/** Record types a manual run may be given (the "Use an existing record" picker can search them). */
export const RECORD_TYPES = ["organisation", "deal", "contact", "task", "activity"];

const PREFIX_ENTITY: [string, string][] = [
  ["organisation_", "organisation"], ["deal_", "deal"], ["task_", "task"], ["activity_", "activity"],
];

/** The record type the trigger runs on (null for manual, scheduled and webhook triggers). */
export function triggerEntity(def: Pick<Definition, "trigger_type" | "trigger_config">, schema: EditorSchema | undefined): string | null {
  if (def.trigger_type === "inactivity_delay") {
    const watched = def.trigger_config?.entity_type;
    return typeof watched === "string" && watched ? watched : "organisation";
  }
  const info = schema?.triggers.find((t) => t.type === def.trigger_type);
  if (info) return info.entity_type ?? null;
  return PREFIX_ENTITY.find(([prefix]) => def.trigger_type.startsWith(prefix))?.[1] ?? null;
}

/** Whether a run of this trigger may be given any record (the user picks its type). */
export function picksEntity(triggerType: string): boolean {
  return triggerType === "manual";
}

/** Triggers whose event carries field changes ({field: [old, new]}). */
export function hasChanges(triggerType: string): boolean {
  return triggerType === "organisation_updated" || triggerType === "deal_updated" || triggerType === "deal_stage_changed";
}

/** Triggers whose event carries a payload (`trigger.data`). */
export function hasPayload(triggerType: string): boolean {
  return triggerType === "webhook_received" || triggerType === "manual" || triggerType === "scheduled";
}

const HIDDEN = new Set(["id", "created_at", "updated_at"]);

export interface InputField extends FieldInfo { key: string }

/** The record's own fields (the editor schema's list, as the condition builder has it), keyed flat. */
export function inputFields(schema: EditorSchema | undefined, entity: string | null): InputField[] {
  if (!schema || !entity) return [];
  return (schema.entities[entity] ?? [])
    .map((f) => ({ ...f, key: f.path.slice(entity.length + 1) }))
    .filter((f) => f.path.startsWith(`${entity}.`) && !f.key.includes(".") && !HIDDEN.has(f.key));
}

/** Parse what was typed for a field of `type` into the value the API expects. */
export function parseValue(text: string, type: string | undefined): unknown {
  const t = text.trim();
  if (type === "number" || type === "user" || type === "reference") {
    const n = Number(t);
    return t !== "" && Number.isFinite(n) ? n : text;
  }
  if (type === "boolean") return t === "true" ? true : t === "false" ? false : text;
  if (type === "list") return t ? t.split(",").map((s) => s.trim()).filter(Boolean) : [];
  if (type === "json" || type === undefined) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

/** A value as the form shows it. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value) && value.every((v) => typeof v !== "object" || v === null)) return value.join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export interface BuiltInputs { inputs: SimulationInputs; problems: string[] }

/** Turn the typed inputs into the request's input part (with what is wrong with them). */
export function buildInputs(state: TestInputState, fields: InputField[], entity: string | null): BuiltInputs {
  const problems: string[] = [];
  const input_data: Record<string, unknown> = {};
  for (const f of fields) {
    const text = state.values[f.key];
    if (text !== undefined && text.trim() !== "") input_data[f.key] = parseValue(text, f.type);
  }
  for (const row of state.extras) {
    if (row.key.trim()) input_data[row.key.trim()] = parseValue(row.value, undefined);
  }
  const inputs: SimulationInputs = { input_data };
  if (state.source === "record") {
    if (!entity) problems.push(t("form.chooseType"));
    else if (!state.record) problems.push(t(`records.${recordKey(entity)}.pick`));
    else {
      inputs.entity_type = entity;
      inputs.entity_id = state.record.id;
    }
  }
  const changes: Record<string, unknown> = {};
  const typeOf = (key: string) => fields.find((f) => f.key === key)?.type;
  for (const row of state.changes) {
    if (!row.field.trim()) continue;
    // An empty side is "no value" (a record created, a field cleared).
    const side = (text: string) => (text.trim() === "" ? null : parseValue(text, typeOf(row.field)));
    changes[row.field.trim()] = [side(row.from), side(row.to)];
  }
  let payload: Record<string, unknown> = {};
  if (state.payload.trim()) {
    try {
      const parsed: unknown = JSON.parse(state.payload);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) payload = parsed as Record<string, unknown>;
      else problems.push(t("form.payloadNotObject"));
    } catch {
      problems.push(t("form.payloadInvalid"));

    }
  }
  if (Object.keys(changes).length || Object.keys(payload).length) {
    inputs.trigger = {
      ...(Object.keys(changes).length ? { changes } : {}),
      ...(Object.keys(payload).length ? { payload } : {}),
    };
  }
  return { inputs, problems };
}

/** Load an alternative's example input into the form (the record picked, if any, stays). */
export function applyExample(state: TestInputState, example: Example, fields: InputField[]): TestInputState {
  const keys = new Set(fields.map((f) => f.key));
  const values: Record<string, string> = {};
  const extras: ExtraRow[] = [];
  for (const [key, value] of Object.entries(example.input_data ?? {})) {
    if (keys.has(key)) values[key] = formatValue(value);
    else extras.push({ key, value: typeof value === "string" ? value : JSON.stringify(value) });
  }
  const changes: ChangeRow[] = Object.entries(example.trigger?.changes ?? {}).map(([field, pair]) => {
    const [from, to] = Array.isArray(pair) ? pair : [undefined, pair];
    return { field, from: formatValue(from), to: formatValue(to) };
  });
  const payload = example.trigger?.payload && Object.keys(example.trigger.payload).length
    ? JSON.stringify(example.trigger.payload, null, 2) : "";
  return { ...state, values, extras, changes, payload };
}

/** What a definition sends as an unsaved draft. */
export function draftOf(def: Definition): Record<string, unknown> {
  return {
    name: def.name,
    trigger_type: def.trigger_type,
    trigger_config: def.trigger_config,
    conditions: def.conditions,
    actions: def.actions,
  };
}

/** The saved workflow when the editor shows it unchanged, else the editor's definition. */
export function subjectOf(def: Definition, workflowId: number | null, dirty: boolean): SimulationSubject {
  if (!workflowId) return { definition: draftOf(def) };
  // A draft of a saved workflow names it too: its history (durations, the back-test's diff
  // with what it really did) is that workflow's.
  return dirty ? { workflow_id: workflowId, definition: draftOf(def) } : { workflow_id: workflowId };
}
