// One simulated run: the predicted outcome, whether it would trigger and why, problems, the
// execution path, the approval chain, the predicted duration and the decisions it could take.
import { ApprovalChain } from "./ApprovalChain";
import { BranchExplorations } from "./BranchExplorations";
import { DurationView, formatPredicted as fmt, readDuration } from "./DurationView";
import { ExecutionPath } from "./ExecutionPath";
import { triggerExplanation } from "./highlight";
import { IssueList } from "./IssueList";
import { OutcomeBadge, WouldTrigger } from "./OutcomeBadge";
import type { Example, SimulationOut } from "./types";

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
}

export function SimulationResult({ sim, typeLabel, labelOfPath, onGoTo, onShowStep, onTry, busy, stale }: SimulationResultProps) {
  const walked = sim.status === "completed";
  const explanation = walked ? triggerExplanation(sim) : "";
  const duration = readDuration(sim.predicted_duration_ms);
  return (
    <section className="sim-result" aria-label="Test result">
      <dl className="sim-figures sim-summary">
        <div><dt>Predicted outcome</dt><dd><OutcomeBadge sim={sim} /></dd></div>
        {walked && <div><dt>Would trigger</dt><dd><WouldTrigger value={sim.would_trigger} /></dd></div>}
        {walked && duration && (
          <div><dt>Duration p50 / p90</dt><dd>{fmt(duration.p50)} / {fmt(duration.p90)}</dd></div>
        )}
      </dl>
      {explanation && (
        <p className="sim-explanation">
          {sim.would_trigger === false ? "Does not trigger: " : "Triggers: "}
          {explanation}
        </p>
      )}
      {stale && <p className="hint" role="note">The definition changed since this test ran: run it again to update the result.</p>}
      {sim.status === "invalid" && <p>Nothing was run: fix these problems first.</p>}
      {sim.status === "failed" && (
        <div className="error-box" role="alert"><p>The simulation failed: {sim.error ?? "no reason given"}</p></div>
      )}
      <IssueList issues={sim.validation_errors} kind="error" onGoTo={onGoTo} />
      <IssueList issues={sim.warnings} kind="warning" onGoTo={onGoTo} />
      {walked && (
        <>
          <h3>Execution path</h3>
          <ExecutionPath steps={sim.execution_path} typeLabel={typeLabel} onShowStep={onShowStep} />
          {sim.approval_chain.length > 0 && (
            <>
              <h3>Approval chain</h3>
              <ApprovalChain levels={sim.approval_chain} />
            </>
          )}
          {duration && (
            <>
              <h3>Predicted duration</h3>
              <DurationView duration={duration} labelOfPath={labelOfPath} />
            </>
          )}
          <h3>Decisions</h3>
          <BranchExplorations points={sim.branch_explorations} onTry={onTry} busy={busy} />
        </>
      )}
    </section>
  );
}
