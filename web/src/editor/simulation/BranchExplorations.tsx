// Every decision point of the workflow (trigger filter, conditions, a step's `when`, a branch)
// with the ways it can go; "Try this" re-runs the test with an input that takes an alternative.
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { conditionWords, decisionSentence, type ConditionField } from "../../components/conditionWords";
import i18n from "../../i18n";
import { getStep } from "../graph";
import type { Definition } from "../types";
import { kindLabel } from "./highlight";
import type { Alternative, BranchExploration, Decision, Example } from "./types";

/** A way a decision point goes, in words: "yes" / "no" for a condition, "branch 1", "else". */
export function outcomeText(t: TFunction<"simulation">, outcome: string | null | undefined): string {
  if (outcome === "true" || outcome === "false") return t(outcome === "true" ? "decisions.outcomes.yes" : "decisions.outcomes.no");
  if (outcome === "else") return t("decisions.outcomes.else");
  const branch = /^branch (\d+)$/.exec(outcome ?? "");
  return branch ? t("decisions.outcomes.branch", { n: Number(branch[1]) + 1 }) : outcome ?? "";
}

/** The condition an outcome of a point stands for in the tested definition; undefined when unknown. */
function guardOf(point: BranchExploration, outcome: string, definition: Definition): unknown {
  if (point.kind === "conditions") return definition.conditions;
  const step = getStep(definition.actions, point.path);
  if (!step) return undefined;
  if (point.kind === "when") return step.when;
  const branch = point.kind === "branch" ? /^branch (\d+)$/.exec(outcome) : null;
  return branch ? step.branches?.[Number(branch[1])]?.when : undefined;
}

/** What an alternative asks, in words, from the tested definition's conditions (fields by label);
 *  the server's wording when the definition does not say (the trigger filter's). */
export function predicateText(
  point: BranchExploration, alt: Alternative, definition: Definition | null, fields: readonly ConditionField[],
): string {
  if (!definition || point.kind === "trigger") return alt.predicate;
  if (point.kind === "branch" && alt.outcome === "else") return i18n.t("simulation:decisions.noneHolds");
  const words = conditionWords(guardOf(point, point.kind === "branch" ? alt.outcome : "", definition), fields);
  if (!words) return alt.predicate;
  return alt.outcome === "false" ? i18n.t("editor:summary.not", { condition: `(${words})` }) : words;
}

/** Why the point went its way: the conditions' or the `when`'s decision in words when the run
 *  kept it, else the server's sentence. */
function explanationOf(point: BranchExploration, decisions: Record<string, Decision>, fields: readonly ConditionField[]): string | null | undefined {
  const decision = point.kind === "conditions" || point.kind === "when" ? decisions[point.path] : undefined;
  const words = decision ? decisionSentence(decision, fields, point.kind === "when" ? "condition" : "conditions") : null;
  return words ?? point.explanation;
}

function decisionTitle(t: TFunction<"simulation">, point: BranchExploration): string {
  const kind = kindLabel(point.kind);
  if (point.kind === "trigger" || point.kind === "conditions") return kind;
  return t("decisions.titled", { kind, name: point.name || point.path });
}

export function BranchExplorations({ points, onTry, busy, decisions = {}, fields = [], definition = null }: {
  points: BranchExploration[];
  onTry: (example: Example) => void;
  busy?: boolean;
  /** The decisions the run kept, by point path ("conditions", a step's path for its `when`). */
  decisions?: Record<string, Decision>;
  /** The fields' labels, for decisions in words. */
  fields?: readonly ConditionField[];
  /** The definition the test ran on, for each way's condition in words. */
  definition?: Definition | null;
}) {
  const { t } = useTranslation("simulation");
  if (points.length === 0) return <p className="hint">{t("decisions.none")}</p>;
  return (
    <ul className="sim-explorations">
      {points.map((point, i) => {
        const title = decisionTitle(t, point);
        const explanation = explanationOf(point, decisions, fields);
        return (
          <li key={`${point.path}-${i}`} className="sim-exploration">
            <section aria-label={t("decisions.label", { title })}>
              <p className="sim-exploration-head">
                <strong>{title}</strong>{" "}
                {point.reached
                  ? point.taken && <span className="hint">{t("decisions.went", { taken: outcomeText(t, point.taken) })}</span>
                  : <span className="badge">{t("decisions.notReached")}</span>}
              </p>
              {explanation && <p className="hint">{explanation}</p>}
              <ul className="sim-alternatives">
                {point.alternatives.map((alt, j) => {
                  const taken = alt.taken || (point.reached && point.taken === alt.outcome);
                  return (
                    <li key={j} className={`sim-alternative${taken ? " taken" : ""}`}>
                      <span className="sim-outcome">{outcomeText(t, alt.outcome)}</span>
                      <span className="sim-predicate">{predicateText(point, alt, definition, fields)}</span>
                      {taken && <span className="badge badge-running">{t("decisions.taken")}</span>}
                      {!alt.reachable && <span className="badge">{t("decisions.unreachable")}</span>}
                      {!taken && !alt.example && alt.why_not && (
                        <span className="hint">{t("decisions.noExample", { why: alt.why_not })}</span>
                      )}
                      {!taken && alt.example && (
                        <button type="button" disabled={busy} onClick={() => onTry(alt.example as Example)}
                          aria-label={t("decisions.tryLabel", { title, outcome: outcomeText(t, alt.outcome) })}>
                          {t("decisions.try")}

                        </button>
                      )}
                    </li>
                  );
                })}
              </ul>
            </section>
          </li>
        );
      })}
    </ul>
  );
}
