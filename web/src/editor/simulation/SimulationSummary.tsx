// A simulated run in brief (for the Run now dialog): outcome, whether it would trigger and why,
// problems, the steps it would take and whom it would ask.
import { sentenceCase } from "../../format";
import { ApprovalChain } from "./ApprovalChain";
import { ExecutionPath } from "./ExecutionPath";
import { triggerExplanation } from "./highlight";
import { IssueList } from "./IssueList";
import { OutcomeBadge, WouldTrigger } from "./OutcomeBadge";
import type { SimulationOut } from "./types";
import "./simulation.css";

export function SimulationSummary({ sim }: { sim: SimulationOut }) {
  const walked = sim.status === "completed";
  const explanation = walked ? triggerExplanation(sim) : "";
  return (
    <section className="sim-result sim-summary-box" aria-label="Test result">
      <dl className="sim-figures">
        <div><dt>Predicted outcome</dt><dd><OutcomeBadge sim={sim} /></dd></div>
        {walked && <div><dt>Would trigger</dt><dd><WouldTrigger value={sim.would_trigger} /></dd></div>}
      </dl>
      {explanation && <p className="sim-explanation">{explanation}</p>}
      {sim.status === "failed" && <p className="error">The simulation failed: {sim.error ?? "no reason given"}</p>}
      <IssueList issues={sim.validation_errors} kind="error" />
      <IssueList issues={sim.warnings} kind="warning" />
      {walked && sim.execution_path.length > 0 && (
        <>
          <h3>Steps it would take</h3>
          <ExecutionPath steps={sim.execution_path} typeLabel={sentenceCase} />
        </>
      )}
      {walked && sim.approval_chain.length > 0 && (
        <>
          <h3>Approval chain</h3>
          <ApprovalChain levels={sim.approval_chain} />
        </>
      )}
    </section>
  );
}
