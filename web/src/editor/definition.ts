// The definition the editor edits: its blank start, loading from a workflow or template, and
// which form section an API error location belongs to.
import { cleanLoc } from "./errors";
import { normaliseSteps } from "./graph";
import type { Definition, Json } from "./types";

// The form's sections in order; their names are in the editor catalogue (`sections.<key>`).
export const SECTIONS = [
  { key: "basics" },
  { key: "trigger" },
  { key: "conditions" },
  { key: "steps" },
  { key: "test" },
  { key: "json" },
] as const;

export type Section = (typeof SECTIONS)[number]["key"];

export const BLANK: Definition = {
  name: "",
  description: "",
  trigger_type: "manual",
  trigger_config: {},
  conditions: null,
  actions: [],
  run_policy: {},
  status: "draft",
};

/** A definition from a workflow or a template's definition (missing parts filled in). */
export function toDefinition(raw: Record<string, unknown>, fallbackName = ""): Definition {
  const obj = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, Json>) : {});
  return {
    name: typeof raw.name === "string" ? raw.name : fallbackName,
    description: typeof raw.description === "string" ? raw.description : "",
    trigger_type: typeof raw.trigger_type === "string" ? raw.trigger_type : "manual",
    trigger_config: obj(raw.trigger_config),
    conditions: (raw.conditions as Json | undefined) ?? null,
    actions: normaliseSteps(raw.actions),
    run_policy: obj(raw.run_policy),
    status: typeof raw.status === "string" ? raw.status : "draft",
  };
}

/** Which section of the form an API error location belongs to. */
export function sectionOf(loc: string): Section | null {
  const head = cleanLoc(loc).split(/[.[]/)[0];
  if (["name", "description", "status", "run_policy", "change_note", "is_template"].includes(head)) return "basics";
  if (head === "trigger_type" || head === "trigger_config") return "trigger";
  if (head === "conditions") return "conditions";
  if (head === "actions") return "steps";
  return null;
}

/** A trigger's config fields as a JSON Schema, so the generated form can edit them. */