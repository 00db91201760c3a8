// The simulated run's steps in order, indented by depth: status, the `when` decision, message,
// error, and the rendered input and predicted output on demand.
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { StatusBadge } from "../../components/common";
import { decisionSentence, type ConditionField } from "../../components/conditionWords";
import { DecisionWords } from "../../components/DecisionWords";
import { ValuesWithRaw } from "../../components/LabelledValues";
import type { Decision, PathStep } from "./types";

function decisionText(t: TFunction<"simulation">, decision: PathStep["decision"]): string | null {
  if (!decision) return null;
  const result = decision.result;
  const verdict = result === true ? t("path.holds")
    : result === false ? t("path.doesNotHold")
    : result !== undefined && result !== null ? t("path.result", { result: String(result) }) : "";
  const why = typeof decision.explanation === "string" ? decision.explanation : "";
  return [verdict, why].filter(Boolean).join(": ") || null;
}

export function ExecutionPath({ steps, typeLabel, onShowStep, fields = [] }: {
  steps: PathStep[];
  typeLabel: (type: string) => string;
  onShowStep?: (path: string) => void;
  /** The fields' labels, for a `when` in words. */
  fields?: readonly ConditionField[];
}) {
  const { t } = useTranslation("simulation");
  if (steps.length === 0) return <p className="hint">{t("path.none")}</p>;
  return (
    <ol className="sim-path" aria-label={t("path.label")}>
      {steps.map((step) => {
        const label = step.name || typeLabel(step.type);
        // A `when` in words, with its details; anything else (a branch's choice) as the server put it.
        const worded = !!step.decision && decisionSentence(step.decision as Decision, fields, "condition") !== null;
        const decision = worded ? null : decisionText(t, step.decision);
        // A step its `when` skipped has the server's "when: …" as its message: the words say it already.
        const message = worded && step.status === "skipped" ? null : step.message;
        return (
          <li key={step.path} className={`sim-path-step sim-status-${step.status}`} style={{ marginLeft: `${Math.max(0, step.depth) * 1.25}rem` }}>
            <div className="row tight sim-path-head">
              <StatusBadge status={step.status} />
              {onShowStep ? (
                <button type="button" className="link sim-step-name" onClick={() => onShowStep(step.path)}
                  aria-label={t("path.showStep", { label })}>
                  {label}
                </button>
              ) : (
                <span className="sim-step-name">{label}</span>
              )}
              <span className="hint">{typeLabel(step.type)}</span>
            </div>
            {worded && <DecisionWords decision={step.decision as Decision} fields={fields} kind="condition" className="sim-decision" />}
            {decision && <p className="sim-decision">{decision}</p>}
            {message && <p className="sim-message">{message}</p>}
            {step.error && <p className="error">{step.error}</p>}
            {(step.input || step.output) && (
              <details className="sim-io">
                <summary>{t("path.io")}</summary>
                {step.input && <><h5>{t("path.input")}</h5><ValuesWithRaw value={step.input} label={t("path.input")} /></>}
                {step.output && <><h5>{t("path.output")}</h5><ValuesWithRaw value={step.output} label={t("path.output")} /></>}

              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
