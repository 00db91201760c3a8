// Words for a version diff: a step's position ("step 1 in branch 2 of step 3"), a workflow
// field's name, any JSON value as one short line, and a definition as stable JSON.
import { parsePath } from "../execution/tree";
import { triggerLabel } from "./labels";

/** The workflow's own fields the diff reports, as the editor names them. */
const WORKFLOW_FIELDS: Record<string, string> = {
  name: "Name",
  description: "Description",
  trigger_type: "Trigger",
  trigger_config: "Trigger settings",
  conditions: "Conditions",
  run_policy: "Run policy",
};

export function workflowFieldLabel(field: string): string {
  return WORKFLOW_FIELDS[field] ?? field;
}

/**
 * A step path as people count: `actions[2]` → "step 3", `actions[1].branches[0].actions[0]` →
 * "step 1 in branch 1 of step 2". Takes the API's dotted form and the `actions/1/else/0` form.
 */
export function stepPosition(path: string): string {
  const slashed = path.replace(/\[(\d+)\]/g, "/$1").replace(/\./g, "/");
  const parts = parsePath(slashed);
  if (!parts) return path;
  const words = parts.map(([lane, index]) => {
    const step = `step ${index + 1}`;
    if (lane.startsWith("branches/")) return `${step} in branch ${Number(lane.split("/")[1]) + 1}`;
    if (lane === "else") return `${step} in the else path`;
    if (lane === "on_reject") return `${step} in the on-reject path`;
    return step;
  });
  // Innermost first: "step 1 in branch 1 of step 2".
  return words.reverse().join(" of ");
}

/** A value on one line: strings quoted, objects as compact JSON, long ones cut with "…". */
export function compactValue(value: unknown, max = 80): string {
  if (value === null || value === undefined) return "(none)";
  const text = typeof value === "string" ? `“${value}”` : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A value in full (the tooltip of a cut one). */
export function fullValue(value: unknown): string {
  if (value === null || value === undefined) return "(none)";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

/** A workflow field's value, with trigger types in words. */
export function workflowFieldValue(field: string, value: unknown): string {
  if (field === "trigger_type" && typeof value === "string") return triggerLabel(value);
  return compactValue(value);
}

/** Pretty JSON with object keys sorted, so the raw definition reads the same every time. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) ?? "null";
}
