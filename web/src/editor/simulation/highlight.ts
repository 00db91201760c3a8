// What a simulation says about each step of the graph, and wording shared by the result views.
import { statusText } from "../../components/common";
import { decisionSentence, type ConditionField } from "../../components/conditionWords";
import i18n from "../../i18n";
import { allStepPaths, locToStep } from "../graph";
import type { Step } from "../types";
import type { BranchExploration, Decision, SimulationOut } from "./types";

/** A step's mark on the graph: the status it would get on the path, or "unreached". */
export type StepMark = string;

/** The mark of every step of `actions` (by step path) from a walked simulation; null when it
 *  did not walk (invalid, failed, still running). */
export function stepMarks(sim: SimulationOut | null | undefined, actions: Step[]): Record<string, StepMark> | null {
  if (!sim || sim.status !== "completed") return null;
  const marks: Record<string, StepMark> = {};
  for (const path of allStepPaths(actions)) marks[path] = "unreached";
  for (const step of sim.execution_path) marks[step.path] = markOf(step.status);
  return marks;
}

function markOf(status: string): StepMark {
  const s = status.toLowerCase().replace(/[^a-z_]/g, "");
  return s || "unknown";
}

const t = i18n.getFixedT(null, "simulation");

/** Words for a mark (node descriptions, the legend), in the interface's language. */
export function markText(mark: StepMark): string {
  switch (mark) {
    case "unreached":
    case "success":
    case "skipped":
    case "failed":
      return t(`marks.${mark}`);
    default: return t("marks.other", { status: statusText(mark).replace(/_/g, " ") });
  }
}

/** The step path an issue path (`actions[2].config.to`) or a step path names, or null. */
export function stepOfPath(path: string): string | null {
  if (/^actions\/\d+/.test(path)) return path;
  return locToStep(path)?.stepPath ?? null;
}

/** Why the run would (not) start: the trigger filter's and the conditions' decisions (kept in
 *  `trigger_data.decision` and `trigger_data.conditions`; the conditions' in words, labelled by
 *  `fields`), else their decision points. */
export function triggerExplanation(sim: SimulationOut, fields: readonly ConditionField[] = []): string {
  const data = sim.trigger_data ?? {};
  const decisions = [data.decision, data.conditions].map(asDecision).filter((d): d is Decision => d !== null);
  const pick = sim.would_trigger === false ? decisions.filter((d) => d.result === false) : decisions;
  let texts = pick.map((d) => decisionSentence(d, fields) ?? d.explanation).filter((t): t is string => !!t);
  if (texts.length === 0) {
    const gates = sim.branch_explorations.filter((b) => b.kind === "trigger" || b.kind === "conditions");
    const failing = sim.would_trigger === false ? gates.filter((b) => b.reached && !isTrue(b.taken)) : gates;
    texts = (failing.length ? failing : gates).map((b) => b.explanation).filter((t): t is string => !!t);
  }
  // A worded sentence ends with its own full stop; the server's run on with semicolons.
  if (texts.length) return texts.reduce((all, text) => (all ? `${all}${/[.!?]$/.test(all) ? " " : "; "}${text}` : text), "");
  if (sim.error) return sim.error;
  return sim.would_trigger === false ? t("result.notTriggered") : "";
}

function asDecision(value: unknown): Decision | null {
  if (!value || typeof value !== "object" || !("result" in value)) return null;
  const d = value as Record<string, unknown>;
  return { result: d.result, rule: d.rule, actual: d.actual, explanation: typeof d.explanation === "string" ? d.explanation : null };
}

function isTrue(taken: string | null | undefined): boolean {
  return taken === "true";
}

const KINDS: readonly string[] = ["trigger", "conditions", "when", "branch"] satisfies BranchExploration["kind"][];

/** A decision point's kind in the interface's language ("Trigger filter"). */
export function kindLabel(kind: BranchExploration["kind"]): string {
  return KINDS.includes(kind) ? t(`decisions.kinds.${kind}`) : kind;
}

