// One simulated run: the predicted outcome, whether it would trigger and why, problems, the
// execution path, the approval chain, the predicted duration and the decisions it could take.
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { ConditionField } from "../../components/conditionWords";
import type { Definition } from "../types";
import { ApprovalChain } from "./ApprovalChain";
import { BranchExplorations } from "./BranchExplorations";
import { DurationView, readDuration } from "./DurationView";
import { ExecutionPath } from "./ExecutionPath";
import { triggerExplanation } from "./highlight";
import { IssueList } from "./IssueList";
import { OutcomeBadge, WouldTrigger } from "./OutcomeBadge";
import type { Decision, Example, SimulationOut } from "./types";
import { formatPredicted as fmt } from "./wording";

export interface SimulationResultProps {
  sim: SimulationOut;
  typeLabel: (type: string) => string;
  labelOfPath: (path: string) => string;
  onGoTo?: (path: string) => void;
  onShowStep?: (path: string) => void;
  onTry: (example: Example) => void;
  busy?: boolean;
  /** The definition changed since this result was computed. */
  stale?: boolean;
  /** The fields' labels (the editor schema's), for decisions in words. */
  fields?: readonly ConditionField[];
  /** The definition the test ran on: its conditions word each way a decision can go. */
  definition?: Definition | null;
}

/** The decisions the run kept, by decision point: the conditions', and each step's `when`. */
function keptDecisions(sim: SimulationOut): Record<string, Decision> {
  const out: Record<string, Decision> = {};
  const conditions = sim.trigger_data?.conditions;
  if (conditions && typeof conditions === "object") out.conditions = conditions as Decision;
  for (const step of sim.execution_path) if (step.decision) out[step.path] = step.decision as Decision;
  return out;
}

export function SimulationResult({
  sim, typeLabel, labelOfPath, onGoTo, onShowStep, onTry, busy, stale, fields = [], definition = null,
}: SimulationResultProps) {
  const { t } = useTranslation("simulation");
  const walked = sim.status === "completed";
  const explanation = walked ? triggerExplanation(sim, fields) : "";
  const decisions = useMemo(() => keptDecisions(sim), [sim]);
  const duration = readDuration(sim.predicted_duration_ms);
  return (
    <section className="sim-result" aria-label={t("result.label")}>
      <dl className="sim-figures sim-summary">
        <div><dt>{t("result.outcome")}</dt><dd><OutcomeBadge sim={sim} /></dd></div>
        {walked && <div><dt>{t("result.wouldTrigger")}</dt><dd><WouldTrigger value={sim.would_trigger} /></dd></div>}
        {walked && duration && (
          <div><dt>{t("result.duration")}</dt><dd>{fmt(duration.p50)} / {fmt(duration.p90)}</dd></div>
        )}
      </dl>
      {explanation && (
        <p className="sim-explanation">
          {t(sim.would_trigger === false ? "result.doesNotTrigger" : "result.triggers", { why: explanation })}
        </p>
      )}
      {stale && <p className="hint" role="note">{t("result.stale")}</p>}
      {sim.status === "invalid" && <p>{t("result.invalid")}</p>}
      {sim.status === "failed" && (
        <div className="error-box" role="alert"><p>{t("result.failed", { reason: sim.error ?? t("result.noReason") })}</p></div>
      )}
      <IssueList issues={sim.validation_errors} kind="error" onGoTo={onGoTo} />
      <IssueList issues={sim.warnings} kind="warning" onGoTo={onGoTo} />
      {walked && (
        <>
          <h3>{t("result.path")}</h3>
          <ExecutionPath steps={sim.execution_path} typeLabel={typeLabel} onShowStep={onShowStep} fields={fields} />
          {sim.approval_chain.length > 0 && (
            <>
              <h3>{t("result.approvals")}</h3>
              <ApprovalChain levels={sim.approval_chain} />
            </>
          )}
          {duration && (
            <>
              <h3>{t("result.durationTitle")}</h3>
              <DurationView duration={duration} labelOfPath={labelOfPath} />
            </>
          )}
          <h3>{t("result.decisions")}</h3>

          <BranchExplorations points={sim.branch_explorations} onTry={onTry} busy={busy} decisions={decisions} fields={fields}
            definition={definition} />
        </>
      )}
    </section>
  );
}
