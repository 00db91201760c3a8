// Checking a blueprint's inputs in the browser before asking the API, with the same rules the API
// applies (JSON Schema: type, required, enum, bounds, lengths, pattern, items), so most mistakes
// show next to their field at once; the API's own 422 (`loc: inputs.NAME`) is mapped the same way.
import type { FieldError } from "../../api/client";
import i18n from "../../i18n";
import type { InputSpec, InputsSchema, InputValues, Json } from "./types";

const TEMPLATE_SYNTAX = /\{\{|\{%|\{#/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
// The problems are said in the interface's language.
const t = i18n.getFixedT(null, "blueprints");

/** The values a form starts with: each input's default (copied, so editing never changes it). */
export function initialValues(schema: InputsSchema): InputValues {
  const values: InputValues = {};
  for (const [name, spec] of Object.entries(schema.properties)) {
    if (spec.default !== undefined) values[name] = structuredClone(spec.default);
  }
  return values;
}

/** The values to send: those set (an input left empty takes its default on the server). */
export function inputsToSend(values: InputValues): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== "") out[name] = value;
  }
  return out;
}

const isMissing = (value: Json | undefined) => value === undefined || value === null || value === "";

function typeProblem(value: Json, type: string | undefined): string | null {
  switch (type) {
    case "string":
      return typeof value === "string" ? null : t("problems.text");
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : t("problems.number");
    case "integer":
      return typeof value === "number" && Number.isInteger(value) ? null : t("problems.integer");
    case "boolean":
      return typeof value === "boolean" ? null : t("problems.boolean");
    case "array":
      return Array.isArray(value) ? null : t("problems.list");
    default:
      return null;
  }
}

function matches(pattern: string, text: string): boolean {
  try {
    // JSON Schema patterns are ECMA-262 and not anchored.
    return new RegExp(pattern, "u").test(text);
  } catch {
    return true; // a pattern this browser cannot read: leave the check to the server
  }
}

const same = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

/** What is wrong with one value of `spec` (the first problem), or null. */
function scalarProblem(value: Json, spec: Omit<InputSpec, "type"> & { type?: string }): string | null {
  const typed = typeProblem(value, spec.type);
  if (typed) return typed;
  if (spec.enum && !spec.enum.some((option) => same(option, value))) {
    return t("problems.oneOf", { options: spec.enum.map(String).join(", ") });
  }
  if (typeof value === "number") {
    if (spec.minimum !== undefined && value < spec.minimum) return t("problems.atLeast", { limit: spec.minimum });
    if (spec.maximum !== undefined && value > spec.maximum) return t("problems.atMost", { limit: spec.maximum });
    if (spec.exclusiveMinimum !== undefined && value <= spec.exclusiveMinimum) return t("problems.moreThan", { limit: spec.exclusiveMinimum });
    if (spec.exclusiveMaximum !== undefined && value >= spec.exclusiveMaximum) return t("problems.lessThan", { limit: spec.exclusiveMaximum });
  }
  if (typeof value === "string") {
    const length = [...value].length; // JSON Schema counts characters, not UTF-16 units
    if (spec.minLength !== undefined && length < spec.minLength) {
      return spec.minLength === 1 ? t("problems.notEmpty") : t("problems.minLength", { limit: spec.minLength });
    }
    if (spec.maxLength !== undefined && length > spec.maxLength) return t("problems.maxLength", { limit: spec.maxLength });
    if (spec.pattern && !matches(spec.pattern, value)) return t("problems.pattern", { pattern: spec.pattern });
    if (TEMPLATE_SYNTAX.test(value)) return t("problems.template", { braces: "{{ … }}" });
  }
  return null;
}

/** What is wrong with an input's value, or null; `required` says whether it must be given. */
export function inputProblem(spec: InputSpec, value: Json | undefined, required: boolean, widget?: string): string | null {
  if (isMissing(value)) return required && spec.default === undefined ? t("problems.required") : null;
  const problem = scalarProblem(value as Json, spec);
  if (problem) return problem;
  if (Array.isArray(value)) {
    if (spec.minItems !== undefined && value.length < spec.minItems) {
      return spec.minItems === 1 ? t("problems.chooseOne") : t("problems.chooseAtLeast", { limit: spec.minItems });
    }
    if (spec.maxItems !== undefined && value.length > spec.maxItems) return t("problems.chooseAtMost", { limit: spec.maxItems });
    for (const item of value) {
      const itemProblem = scalarProblem(item, spec.items ?? {});
      if (itemProblem) return t("problems.item", { item: String(item), problem: itemProblem });
    }
  }
  if ((widget === "email" || spec.format === "email") && typeof value === "string" && !EMAIL.test(value)) {
    return t("problems.email");
  }
  return null;
}

/** Every input's problem as field errors located like the API's (`inputs.NAME`). */
export function validateInputs(schema: InputsSchema, values: InputValues, widgetOf: (spec: InputSpec) => string): FieldError[] {
  const required = new Set(schema.required);
  const errors: FieldError[] = [];
  for (const [name, spec] of Object.entries(schema.properties)) {
    const problem = inputProblem(spec, values[name], required.has(name), widgetOf(spec));
    if (problem) errors.push({ loc: `inputs.${name}`, msg: problem });
  }
  return errors;
}

/** The input an API error names (`inputs.min_discount` → `min_discount`), else null. */
export function inputNamed(loc: string): string | null {
  const match = /^(?:body\.)?inputs\.([A-Za-z0-9_]+)/.exec(loc);
  return match ? match[1] : null;
}

/** An API message without the location it repeats in front (`inputs.x: 5 is less than…`). */
export function withoutLoc(error: FieldError): string {
  const prefix = `${error.loc}: `;
  return error.msg.startsWith(prefix) ? error.msg.slice(prefix.length) : error.msg;
}
