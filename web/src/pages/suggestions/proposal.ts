// A suggestion's change made concrete: the workflow as it is now (before), with the patch applied
// (after), what that changes in words, and which steps of the result to mark on the graph.
import { changedSteps, diffDefinitions, type DefinitionDiff } from "./definitionDiff";
import { applyPatch, PatchError } from "./jsonPatch";
import type { PatchChange } from "./types";

type Obj = Record<string, unknown>;

// The parts of a workflow a change may touch (src/crmflow/workflows/validation.py DEFINITION_KEYS).
export const DEFINITION_KEYS = ["name", "description", "trigger_type", "trigger_config", "conditions", "actions", "run_policy"] as const;

export function definitionOf(workflow: Obj): Obj {
  return Object.fromEntries(DEFINITION_KEYS.map((key) => [key, workflow[key] ?? null]));
}

export type Proposal =
  | { ok: true; before: Obj; after: Obj; diff: DefinitionDiff; highlights: Record<string, string> }
  | { ok: false; reason: string };

/** Apply `change` to the current `workflow`; when it no longer applies (the workflow moved on
 *  since mining, as the server's 409 would say), the reason instead. */
export function proposePatch(workflow: Obj, change: PatchChange): Proposal {
  const before = definitionOf(workflow);
  let after: Obj;
  try {
    after = applyPatch<Obj>(before, change.patch);
  } catch (error) {
    if (error instanceof PatchError) return { ok: false, reason: error.message };
    throw error;
  }
  const diff = diffDefinitions(before, after);
  return { ok: true, before, after, diff, highlights: changedSteps(diff) };
}
