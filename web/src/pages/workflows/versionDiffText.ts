// Words for a version diff: a step's position ("step 1 in branch 2 of step 3"), a workflow
// field's name, any JSON value as one short line, and a definition as stable JSON.
import { conditionWords, type ConditionField } from "../../components/conditionWords";
import i18n from "../../i18n";
import { workflow as en } from "../../i18n/en/workflow";
import { parsePath } from "../execution/tree";
import { triggerLabel } from "./labels";
import { runPolicyWords } from "./runPolicy";

type DiffField = keyof typeof en.diffText.fields;
type DiffTextKey = Exclude<keyof typeof en.diffText, "fields"> | `fields.${DiffField}`;

/** A text of the diff in the interface's language at the time of the call. */
const say = (key: DiffTextKey, values?: Record<string, string | number>): string =>
  (i18n.t as unknown as (key: string, values?: object) => string)(`workflow:diffText.${key}`, values);

/** A workflow field's name as the editor shows it ("Trigger settings"); an unknown field as it is. */
export function workflowFieldLabel(field: string): string {
  return Object.hasOwn(en.diffText.fields, field) ? say(`fields.${field as DiffField}`) : field;
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
    const step = say("step", { number: index + 1 });
    if (lane.startsWith("branches/")) return say("inBranch", { step, number: Number(lane.split("/")[1]) + 1 });
    if (lane === "else") return say("inElse", { step });
    if (lane === "on_reject") return say("inOnReject", { step });
    return step;
  });
  // Innermost first: "step 1 in branch 1 of step 2".
  return words.reverse().reduce((inner, outer) => say("of", { inner, outer }));
}

/** `text` cut to `max` characters, with "…" when cut. */
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A value on one line: strings quoted, objects as compact JSON, long ones cut with "…". */
export function compactValue(value: unknown, max = 80): string {
  if (value === null || value === undefined) return say("none");
  return cut(typeof value === "string" ? say("quoted", { value }) : JSON.stringify(value) ?? String(value), max);
}

/** Conditions in words ("Amount (Deal) is at least €1,000"), else as any value. */
function conditionsValue(value: unknown, fields: readonly ConditionField[], max = 80): string {
  const words = typeof value === "object" ? conditionWords(value, fields) : null;
  return words ? cut(words, max) : compactValue(value, max);
}

/** A value in full (the tooltip of a cut one). */
export function fullValue(value: unknown): string {
  if (value === null || value === undefined) return say("none");
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

/** A workflow field's value, with trigger types, conditions and run policies in words. */
export function workflowFieldValue(field: string, value: unknown, fields: readonly ConditionField[] = []): string {
  if (field === "trigger_type" && typeof value === "string") return triggerLabel(value);
  if (field === "conditions") return conditionsValue(value, fields);
  if (field === "run_policy" && value !== null && typeof value === "object" && !Array.isArray(value)) {
    const words = runPolicyWords(value);
    return `${words.mode} · ${words.reenrollment}`;
  }
  return compactValue(value);
}

/** A step field's value, with its `when` in words. */
export function stepFieldValue(field: string, value: unknown, fields: readonly ConditionField[] = []): string {
  return field === "when" ? conditionsValue(value, fields) : compactValue(value);
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
