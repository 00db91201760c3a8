// What a suggestion's change does to a workflow, in the Versions tab's words: the same structural
// diff as the server's (src/crmflow/workflows/versions.py, diff_definitions), computed here because
// the proposed definition is not a saved version. Steps are matched by `id`, else by type and name
// when that pair is unique, else by position; paths are step paths (`actions/0/else/1`).
import { jsonEqual } from "./jsonPatch";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export interface FieldChange {
  field: string;
  old?: unknown;
  new?: unknown;
}
export interface StepRef {
  path: string;
  step: string;
}
export interface DefinitionDiff {
  fields: FieldChange[];
  added: StepRef[];
  removed: StepRef[];
  moved: { step: string; from: string; to: string }[];
  changed: { path: string; step: string; changes: FieldChange[] }[];
  identical: boolean;
}

// The workflow's own fields a diff reports (the steps are compared one by one).
const TOP_FIELDS = ["name", "description", "trigger_type", "trigger_config", "conditions", "run_policy"];
// The keys of a step that hold further steps: compared as steps of their own.
const NESTED_STEP_KEYS = new Set(["branches", "else", "on_reject"]);

/** Every step of a step list, depth first in reading order, with its step path. */
export function walkSteps(items: unknown, prefix = "actions"): [string, Obj][] {
  const out: [string, Obj][] = [];
  (Array.isArray(items) ? items : []).forEach((step, index) => {
    if (!isObj(step)) return;
    const here = `${prefix}/${index}`;
    out.push([here, step]);
    (Array.isArray(step.branches) ? step.branches : []).forEach((branch, b) => {
      const inner = isObj(branch) ? branch.actions : branch;
      out.push(...walkSteps(inner, `${here}/branches/${b}/actions`));
    });
    out.push(...walkSteps(step.else, `${here}/else`));
    out.push(...walkSteps(step.on_reject, `${here}/on_reject`));
  });
  return out;
}

function keyed(definition: Obj): Map<string, [string, Obj]> {
  const flat = walkSteps(definition.actions);
  const pairs = flat.map(([, s]) => `${String(s.type)}\u0000${typeof s.name === "string" ? s.name : ""}`);
  const out = new Map<string, [string, Obj]>();
  flat.forEach(([path, step], i) => {
    const named = typeof step.name === "string" && step.name !== "";
    let key: string;
    if (step.id) key = `id:${String(step.id)}`;
    else if (named && pairs.filter((p) => p === pairs[i]).length === 1) key = `named:${pairs[i]}`;
    else key = `at:${path}`;
    out.set(key, [path, step]);
  });
  return out;
}

/** A step as the diff names it: its name, else its id, else its type. */
export function stepLabel(step: Obj): string {
  return String(step.name || step.id || step.type);
}

/** The leaves that differ between two values, as dotted fields (nested steps left out). */
function fieldChanges(old: unknown, now: unknown, prefix: string): FieldChange[] {
  if (isObj(old) && isObj(now)) {
    const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])];
    return keys
      .filter((key) => !NESTED_STEP_KEYS.has(key))
      .flatMap((key) => fieldChanges(old[key], now[key], prefix ? `${prefix}.${key}` : key));
  }
  return jsonEqual(old ?? null, now ?? null) ? [] : [{ field: prefix, old: old ?? null, new: now ?? null }];
}

/** What changed from `old` to `now`, in the words the editor uses. */
export function diffDefinitions(old: Obj, now: Obj): DefinitionDiff {
  const fields = TOP_FIELDS.filter((key) => !jsonEqual(old[key] ?? null, now[key] ?? null)).map((key) => ({
    field: key, old: old[key] ?? null, new: now[key] ?? null,
  }));
  const before = keyed(old);
  const after = keyed(now);
  const added = [...after].filter(([k]) => !before.has(k)).map(([, [path, step]]) => ({ path, step: stepLabel(step) }));
  const removed = [...before].filter(([k]) => !after.has(k)).map(([, [path, step]]) => ({ path, step: stepLabel(step) }));
  const moved: DefinitionDiff["moved"] = [];
  const changed: DefinitionDiff["changed"] = [];
  for (const [key, [oldPath, oldStep]] of before) {
    const match = after.get(key);
    if (!match) continue;
    const [newPath, newStep] = match;
    if (oldPath !== newPath) moved.push({ step: stepLabel(newStep), from: oldPath, to: newPath });
    const changes = fieldChanges(oldStep, newStep, "");
    if (changes.length) changed.push({ path: newPath, step: stepLabel(newStep), changes });
  }
  moved.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  changed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const identical = !(fields.length || added.length || removed.length || moved.length || changed.length);
  return { fields, added, removed, moved, changed, identical };
}

/** The steps of the new definition a diff points at, for the graph: step path → what happened. */
export function changedSteps(diff: DefinitionDiff): Record<string, string> {
  const marks: Record<string, string> = {};
  for (const m of diff.moved) marks[m.to] = "moved";
  for (const c of diff.changed) marks[c.path] = "changed";
  for (const a of diff.added) marks[a.path] = "added";
  return marks;
}
