// Types of a blueprint (the API's process template) and of its typed inputs, which the API
// sends as loose JSON (`variables`, `graph_spec`): typed here once for the whole page.
import type { Schemas } from "../../api/client";

export type Blueprint = Schemas["BlueprintOut"];

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What the UI draws for an input (the API's `x-widget`). */
export type Widget =
  | "text" | "textarea" | "number" | "amount" | "percent" | "duration" | "boolean" | "select"
  | "email" | "user" | "title" | "tag" | "stage"
  | "record:organisation" | "record:contact" | "record:deal";

export type InputType = "string" | "number" | "integer" | "boolean" | "array";

/** One input of a blueprint: a JSON Schema property with a UI hint. */
export interface InputSpec {
  type: InputType;
  title?: string;
  description?: string;
  default?: Json;
  enum?: Json[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  items?: { type?: string; enum?: Json[]; pattern?: string; minLength?: number; maxLength?: number };
  minItems?: number;
  maxItems?: number;
  "x-widget"?: Widget;
}

/** A blueprint's inputs: `{type: "object", properties, required}`. */
export interface InputsSchema {
  type?: "object";
  properties: Record<string, InputSpec>;
  required: string[];
}

export type InputValues = Record<string, Json | undefined>;

/** A node of the graph spec: `trigger` or a step path such as `actions/2/on_reject/0`. */
export interface GraphNode {
  id: string;
  type: string;
  x: number;
  y: number;
}

export interface GraphSpec {
  layout?: string;
  nodes: GraphNode[];
  edges: { from: string; to: string }[];
}

/** A blueprint's inputs schema, whatever the API sent (an empty one when missing). */
export function inputsOf(blueprint: Pick<Blueprint, "variables">): InputsSchema {
  const raw = (blueprint.variables ?? {}) as Partial<InputsSchema>;
  return { type: "object", properties: raw.properties ?? {}, required: raw.required ?? [] };
}

/** A blueprint's graph spec, with empty lists when the API sent none. */
export function graphOf(blueprint: Pick<Blueprint, "graph_spec">): GraphSpec {
  const raw = (blueprint.graph_spec ?? {}) as Partial<GraphSpec>;
  return { layout: raw.layout, nodes: raw.nodes ?? [], edges: raw.edges ?? [] };
}

/** The widget an input is drawn with: its `x-widget`, else one that fits its type. */
export function widgetOf(spec: InputSpec): Widget {
  if (spec["x-widget"]) return spec["x-widget"];
  if (spec.enum || spec.items?.enum) return "select";
  if (spec.type === "boolean") return "boolean";
  if (spec.type === "number" || spec.type === "integer") return "number";
  if (spec.format === "email") return "email";
  return "text";
}

/** The label of an input: its title, else its name in words. */
export function inputLabel(name: string, spec: InputSpec): string {
  if (spec.title) return spec.title;
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Every installed version of a blueprint's name, newest first (at least its own). */
export function versionsOf(blueprint: Pick<Blueprint, "version" | "versions">): string[] {
  return blueprint.versions?.length ? blueprint.versions : [blueprint.version];
}
