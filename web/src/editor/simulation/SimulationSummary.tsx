// A simulated run in brief (for the Run now dialog): outcome, whether it would trigger and why,
// problems, the steps it would take and whom it would ask.
import { useTranslation } from "react-i18next";
import type { ConditionField } from "../../components/conditionWords";
import { sentenceCase } from "../../format";
import { ApprovalChain } from "./ApprovalChain";
import { ExecutionPath } from "./ExecutionPath";
import { triggerExplanation } from "./highlight";
import { IssueList } from "./IssueList";
import { OutcomeBadge, WouldTrigger } from "./OutcomeBadge";
import type { SimulationOut } from "./types";
import "./simulation.css";

/** `fields` (the editor schema's) label the fields of the conditions' decision. */
export function SimulationSummary({ sim, fields = [] }: { sim: SimulationOut; fields?: readonly ConditionField[] }) {
  const { t } = useTranslation("simulation");
  const walked = sim.status === "completed";
  const explanation = walked ? triggerExplanation(sim, fields) : "";
  return (
    <section className="sim-result sim-summary-box" aria-label={t("result.label")}>
      <dl className="sim-figures">
        <div><dt>{t("result.outcome")}</dt><dd><OutcomeBadge sim={sim} /></dd></div>
        {walked && <div><dt>{t("result.wouldTrigger")}</dt><dd><WouldTrigger value={sim.would_trigger} /></dd></div>}
      </dl>
      {explanation && <p className="sim-explanation">{explanation}</p>}
      {sim.status === "failed" && <p className="error">{t("result.failed", { reason: sim.error ?? t("result.noReason") })}</p>}
      <IssueList issues={sim.validation_errors} kind="error" />
      <IssueList issues={sim.warnings} kind="warning" />
      {walked && sim.execution_path.length > 0 && (
        <>
          <h3>{t("result.steps")}</h3>
          <ExecutionPath steps={sim.execution_path} typeLabel={sentenceCase} fields={fields} />
        </>
      )}
      {walked && sim.approval_chain.length > 0 && (
        <>
          <h3>{t("result.approvals")}</h3>

          <ApprovalChain levels={sim.approval_chain} />
        </>
      )}
    </section>
  );
}
