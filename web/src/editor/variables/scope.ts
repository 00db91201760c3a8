// What the variable picker offers: the fields a run of the workflow's trigger can read, its
// trigger fields and earlier steps' results, from the editor schema the editor page loaded.
import { QueryClientContext } from "@tanstack/react-query";
import { createContext, useContext } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router-dom";
import type { EditorSchema, Lane, Step } from "../types";

/** The workflow a template belongs to: its trigger and its steps (those with an id). */
export interface VariableScope {
  schema: EditorSchema;
  triggerType: string | null;
  steps: Step[];
}

/** Lets a page give the draft's scope; without it the saved workflow's is used. */
export const VariableScopeContext = createContext<VariableScope | null>(null);

interface SavedWorkflow { trigger_type?: string; actions?: Step[] }

/** The scope of the template fields on screen, or null outside the workflow editor. */
export function useVariableScope(): VariableScope | null {
  const given = useContext(VariableScopeContext);
  const client = useContext(QueryClientContext);
  const { workflowId } = useParams();
  const { i18n } = useTranslation();
  if (given) return given;
  // Keyed ["editor", "schema"] or, worded in a language, ["editor", "schema", "fr"]: the
  // interface's language first.
  const cached = (client?.getQueriesData<EditorSchema>({ queryKey: ["editor", "schema"] }) ?? []).filter(([, d]) => d);
  const schema = (cached.find(([key]) => i18n.language.startsWith(String(key[2]))) ?? cached[0])?.[1];
  if (!schema) return null;
  const saved = workflowId ? client?.getQueryData<SavedWorkflow>(["editor", "workflow", workflowId]) : undefined;
  return { schema, triggerType: saved?.trigger_type ?? null, steps: saved?.actions ?? [] };
}

export interface Variable { path: string; label: string }
export interface VariableGroup {
  /** What the group is about: a record kind, a person of it (`deal.owner`), `trigger`, `steps`. */
  key: string;
  variables: Variable[];
}

function stepsWithIds(steps: Step[]): Step[] {
  const lanes = (s: Step): Step[][] => [
    ...((s.branches as Lane[] | undefined) ?? []).map((l) => l.actions ?? []),
    s.else ?? [],
    s.on_reject ?? [],
  ];
  return steps.flatMap((s) => [...(s.id ? [s] : []), ...lanes(s).flatMap(stepsWithIds)]);
}

/** The group of a field path: its record and person (`deal.owner.manager.email` -> `deal.owner.manager`). */
function groupOf(path: string): string {
  const parts = path.split(".");
  return parts.slice(0, -1).join(".") || parts[0];
}

/** The variables a template of this scope can read, grouped as the editor schema groups them. */
export function variableGroups({ schema, triggerType, steps }: VariableScope): VariableGroup[] {
  const kinds = triggerType ? schema.trigger_entities[triggerType] ?? [] : Object.keys(schema.entities);
  const groups = new Map<string, Variable[]>();
  const add = (key: string, v: Variable) => groups.set(key, [...(groups.get(key) ?? []), v]);
  for (const kind of kinds) {
    for (const f of schema.entities[kind] ?? []) add(groupOf(f.path), { path: f.path, label: f.label });
  }
  for (const f of schema.trigger_fields) add("trigger", { path: f.path, label: f.label });
  for (const s of stepsWithIds(steps)) {
    add("steps", { path: `steps.${s.id}.status`, label: s.name ?? s.id ?? "" });
    add("steps", { path: `steps.${s.id}.output`, label: s.name ?? s.id ?? "" });
  }
  add("run", { path: "now", label: "now" });
  return [...groups].map(([key, variables]) => ({ key, variables }));
}

/** The record a preview renders on: the trigger's (a manual workflow previews a deal). */
export function previewTarget(scope: VariableScope): { trigger_type?: string; record_type?: string } {
  if (scope.triggerType) return { trigger_type: scope.triggerType };
  const [first] = Object.keys(scope.schema.entities);
  return first ? { record_type: first } : {};
}
