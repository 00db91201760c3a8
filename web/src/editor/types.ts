// Types of the workflow definition the editor edits (mirrors src/crmflow/engine/definition.py)
// and of the editor schema / action catalog the API describes.
import type { Schemas } from "../api/client";

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A condition rule: `{"field", "operator", "value"?}`. */
export interface ConditionRule {
  field: string;
  operator: string;
  value?: Json;
}

/** A condition group: `{"operator": "AND"|"OR"|"NOT", "rules": [...]}`. */
export interface ConditionGroup {
  operator: "AND" | "OR" | "NOT";
  rules: ConditionNode[];
}

export type ConditionNode = ConditionRule | ConditionGroup;

/** One step of the tree; control steps carry lanes (`branches`, `else`, `on_reject`). */
export interface Step {
  type: string;
  id?: string;
  name?: string;
  when?: Json;
  on_error?: "continue" | "stop";
  retry?: { max_attempts?: number; backoff?: "exponential" | "fixed"; initial?: string; max?: string };
  config?: Record<string, Json>;
  branches?: Lane[];
  else?: Step[];
  on_reject?: Step[];
  [key: string]: unknown;
}

/** A branch's guarded path or a parallel path. */
export interface Lane {
  name?: string;
  when?: Json;
  on_error?: "continue" | "stop";
  actions?: Step[];
  [key: string]: unknown;
}

/** The part of a workflow the editor keeps as its single source of truth. */
export interface Definition {
  name: string;
  description: string;
  trigger_type: string;
  trigger_config: Record<string, Json>;
  conditions: Json;
  actions: Step[];
  run_policy: Record<string, Json>;
  status?: string;
  [key: string]: unknown;
}

export type FieldType =
  | "string" | "number" | "date" | "datetime" | "boolean" | "enum" | "list" | "json" | "user" | "reference";

export type FieldInfo = Schemas["ContextFieldInfo"];
export type OperatorInfo = Schemas["OperatorInfo"];
export type TriggerInfo = Schemas["TriggerInfo"];
export type StepTypeInfo = Schemas["StepTypeInfo"];
export type EditorSchema = Schemas["EditorSchema"];
export type CatalogEntry = Schemas["CatalogEntryOut"];
export type TemplateInfo = Schemas["TemplateInfo"];

/** A JSON Schema (the subset the generated forms understand; anything else falls back to JSON). */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: Json[];
  default?: Json;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
  minimum?: number;
  maximum?: number;
  [key: string]: unknown;
}

export const CONTROL_TYPES = ["branch", "parallel", "delay", "approval", "stop"] as const;

export function isControl(type: string): boolean {
  return (CONTROL_TYPES as readonly string[]).includes(type);
}

export function isGroup(node: unknown): node is ConditionGroup {
  return typeof node === "object" && node !== null && "rules" in node && !("field" in node);
}
