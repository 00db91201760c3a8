// What a suggestion was mined from, in words and small tables, one view per kind of miner: counts,
// the window, the segment, waits in human units, error shapes, and examples linked to their runs.
import type { ReactNode } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { StatusBadge } from "../../components/common";
import i18n from "../../i18n";
import { formatDuration, formatSeconds } from "../../format";
import { humanize } from "../workflows/labels";
import type {
  ApprovalExample, AutoApprovalEvidence, ErrorHandlingEvidence, ManualWorkEvidence, ParallelApprovalsEvidence,
  PerformanceEvidence, StepRef, Suggestion,
} from "./types";
import { num, segmentText, shareText, windowText } from "./wording";

export function RunLink({ workflowId, executionId }: { workflowId: number; executionId: number }) {
  const { t } = useTranslation("suggestions");
  return <Link to={`/workflows/${workflowId}/executions/${executionId}`}>{t("evidence.run", { id: executionId })}</Link>;
}

function Figures({ items, label }: { items: [string, ReactNode][]; label: string }) {
  return (
    <dl className="sg-figures" aria-label={label}>
      {items.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

const stepName = (step: StepRef | undefined) =>
  i18n.t("evidence.quoted", { ns: "suggestions", name: step?.name || step?.path || i18n.t("evidence.theStep", { ns: "suggestions" }) });

/** The record an approval was about: its title or name. */
function recordName(record: Record<string, unknown> | null | undefined): string {
  const name = record?.title ?? record?.name;
  return typeof name === "string" && name ? name : "—";
}

/** Approval requests quoted as examples: the run, the record, the segment's field, the decision. */
function ApprovalExamples({ examples, field, label }: { examples: ApprovalExample[]; field?: string; label: string }) {
  const { t } = useTranslation("suggestions");
  const key = field?.split(".").slice(1).join(".");
  return (
    <table className="sg-table" aria-label={label}>
      <thead>
        <tr>
          <th>{t("evidence.columns.run")}</th>
          <th>{t("evidence.columns.record")}</th>
          {key && <th><code>{field}</code></th>}
          <th>{t("evidence.columns.decision")}</th>
        </tr>
      </thead>
      <tbody>
        {examples.map((ex) => (
          <tr key={ex.approval_id ?? ex.execution_id}>
            <td><RunLink workflowId={ex.workflow_id} executionId={ex.execution_id} /></td>
            <td>{recordName(ex.record)}</td>
            {key && <td className="num">{String(ex.record?.[key] ?? "—")}</td>}
            <td>{ex.status ? <StatusBadge status={ex.status} /> : "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AutoApproval({ e }: { e: AutoApprovalEvidence }) {
  const { t } = useTranslation("suggestions");
  const inside = e.in_segment ?? {};
  const outside = e.outside_segment ?? {};
  const inTotal = (inside.approved ?? 0) + (inside.rejected ?? 0);
  const outTotal = (outside.approved ?? 0) + (outside.rejected ?? 0);
  const segment = segmentText(e.segment);
  return (
    <>
      <p>
        <Trans t={t} i18nKey="evidence.autoApproval.summary" components={{ code: <code className="sg-segment" /> }} values={{
          step: stepName(e.step), requests: num(e.requests), window: windowText(e.window), segment,
          inApproved: num(inside.approved), inTotal: num(inTotal), inRate: shareText(inside.approved, inTotal),
          outApproved: num(outside.approved), outTotal: num(outTotal), outRate: shareText(outside.approved, outTotal),
        }} />
      </p>
      <table className="sg-table sg-counts" aria-label={t("evidence.autoApproval.table")}>
        <thead>
          <tr>
            <th>{t("evidence.columns.requests")}</th><th className="num">{t("evidence.columns.approved")}</th>
            <th className="num">{t("evidence.columns.rejected")}</th><th className="num">{t("evidence.columns.approvalRate")}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row"><Trans t={t} i18nKey="evidence.autoApproval.with" values={{ segment }} components={{ code: <code /> }} /></th>
            <td className="num">{num(inside.approved)}</td><td className="num">{num(inside.rejected)}</td>
            <td className="num">{shareText(inside.approved, inTotal)}</td>
          </tr>
          <tr>
            <th scope="row">{t("evidence.autoApproval.other")}</th>
            <td className="num">{num(outside.approved)}</td><td className="num">{num(outside.rejected)}</td>
            <td className="num">{shareText(outside.approved, outTotal)}</td>
          </tr>
        </tbody>
      </table>
      {e.median_wait_seconds != null && (
        <p>{t("evidence.autoApproval.wait", { wait: formatSeconds(e.median_wait_seconds) })}</p>
      )}
      <h4>{t("evidence.autoApproval.examples", { segment })}</h4>
      {e.examples?.length ? <ApprovalExamples examples={e.examples} field={e.segment?.field} label={t("evidence.examples")} /> : <p className="hint">{t("evidence.noneRecorded")}</p>}
      <h4>{t("evidence.autoApproval.counterexamples", { segment })}</h4>
      {e.counterexamples?.length ? (
        <ApprovalExamples examples={e.counterexamples} field={e.segment?.field} label={t("evidence.counterexamples")} />
      ) : (
        <p className="hint">{t("evidence.autoApproval.noCounterexamples")}</p>
      )}
    </>
  );
}

function ParallelApprovals({ e }: { e: ParallelApprovalsEvidence }) {
  const { t } = useTranslation("suggestions");
  const [first, second] = e.steps ?? [];
  const saved = e.saved_seconds ?? {};
  return (
    <>
      <p>
        {t("evidence.parallel.summary", {
          first: stepName(first), second: stepName(second), runs: num(e.runs_with_both), window: windowText(e.window),
        })}
      </p>
      <Figures label={t("evidence.figures")} items={[
        [t("evidence.parallel.runsWithBoth"), num(e.runs_with_both)],
        [t("evidence.parallel.approved", { step: stepName(first) }),
          t("evidence.parallel.ofRate", { part: num(e.first_approved), total: num(e.first_decided), rate: shareText(e.first_approved, e.first_decided) })],
        [t("evidence.parallel.savedMedian"), formatSeconds(saved.median)],
        [t("evidence.parallel.savedP95"), formatSeconds(saved.p95)],
        [t("evidence.parallel.savedTotal"), formatSeconds(saved.total)],
      ]} />
      <h4>{t("evidence.examples")}</h4>
      {e.examples?.length ? <ApprovalExamples examples={e.examples} label={t("evidence.examples")} /> : <p className="hint">{t("evidence.noneRecorded")}</p>}
    </>
  );
}

function ErrorHandling({ e }: { e: ErrorHandlingEvidence }) {
  const { t } = useTranslation("suggestions");
  const type = e.step?.type ? ` (${humanize(e.step.type)})` : "";
  return (
    <>
      <p>
        {t("evidence.errors.summary", {
          step: stepName(e.step), type, failed: num(e.failed), runs: num(e.runs), rate: shareText(e.failed, e.runs),
          window: windowText(e.window), transient: num(e.transient), sampled: num(e.errors_sampled ?? e.failed),
        })}
      </p>
      {e.most_common_error && (
        <p>
          <Trans t={t} i18nKey="evidence.errors.mostCommon" components={{ code: <code className="sg-error" /> }}
            values={{ shape: e.most_common_error.shape, times: num(e.most_common_error.count) }} />
        </p>
      )}
      {!!e.errors?.length && (
        <table className="sg-table" aria-label={t("evidence.errors.byShape")}>
          <thead><tr><th>{t("evidence.columns.errorShape")}</th><th className="num">{t("evidence.columns.times")}</th></tr></thead>
          <tbody>
            {e.errors.map((err) => (
              <tr key={err.shape}><td><code className="sg-error">{err.shape}</code></td><td className="num">{num(err.count)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>{t("evidence.examples")}</h4>
      {e.examples?.length ? (
        <table className="sg-table" aria-label={t("evidence.examples")}>
          <thead><tr><th>{t("evidence.columns.run")}</th><th>{t("evidence.columns.error")}</th></tr></thead>
          <tbody>
            {e.examples.map((ex) => (
              <tr key={ex.execution_id}>
                <td><RunLink workflowId={ex.workflow_id} executionId={ex.execution_id} /></td>
                <td className="sg-error-cell">{ex.error ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="hint">{t("evidence.noneRecorded")}</p>}
    </>
  );
}

function Performance({ e }: { e: PerformanceEvidence }) {
  const { t } = useTranslation("suggestions");
  if (e.wait_seconds) {
    const waits = e.wait_seconds;
    return (
      <>
        <p>
          {t("evidence.performance.waitSummary", {
            step: stepName(e.step), median: formatSeconds(waits.p50), decisions: num(e.decisions), window: windowText(e.window),
            overADay: num(e.over_a_day), rate: shareText(e.over_a_day, e.decisions),
          })}
        </p>
        <Figures label={t("evidence.performance.waits")} items={[
          [t("evidence.performance.medianWait"), formatSeconds(waits.p50)],
          [t("evidence.performance.p95"), formatSeconds(waits.p95)],
          [t("evidence.performance.longest"), formatSeconds(waits.max)],
          [t("evidence.performance.overADay"), t("evidence.performance.of", { part: num(e.over_a_day), total: num(e.decisions) })],
        ]} />
        <h4>{t("evidence.performance.longestWaits")}</h4>
        {e.examples?.length ? (
          <table className="sg-table" aria-label={t("evidence.examples")}>
            <thead><tr><th>{t("evidence.columns.run")}</th><th className="num">{t("evidence.columns.wait")}</th></tr></thead>
            <tbody>
              {e.examples.map((ex) => (
                <tr key={ex.execution_id}>
                  <td><RunLink workflowId={ex.workflow_id} executionId={ex.execution_id} /></td>
                  <td className="num">{formatSeconds(ex.wait_seconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <p className="hint">{t("evidence.noneRecorded")}</p>}
      </>
    );
  }
  return (
    <>
      <p>
        {t("evidence.performance.durationSummary", {
          step: stepName(e.step), p95: formatDuration(e.p95_ms), runs: num(e.runs), window: windowText(e.window),
          peersP95: formatDuration(e.peers_p95_ms), peers: num(e.peers),
        })}
      </p>
      <Figures label={t("evidence.performance.durations")} items={[
        [t("evidence.performance.median"), formatDuration(e.p50_ms)],
        [t("evidence.performance.p95"), formatDuration(e.p95_ms)],
        [t("evidence.performance.peersP95"), formatDuration(e.peers_p95_ms)],
        [t("evidence.performance.slower"), t("evidence.performance.of", { part: num(e.slower_than_peers), total: num(e.runs) })],
      ]} />
    </>
  );
}

function ManualWork({ e }: { e: ManualWorkEvidence }) {
  const { t } = useTranslation("suggestions");
  const type = e.event ? humanize(e.event.type).toLowerCase() : "";
  const event = !e.event
    ? t("evidence.manual.sameEvent")
    : e.event.reached ? t("evidence.manual.eventTo", { event: type, stage: e.event.reached }) : type;
  return (
    <>
      <p>
        {t("evidence.manual.summary", {
          title: e.title_template ?? "", tasks: num(e.tasks), event, events: num(e.event?.count), window: windowText(e.window),
        })}
      </p>
      <Figures label={t("evidence.figures")} items={[
        [t("evidence.manual.events", { event }), num(e.event?.count)],
        [t("evidence.manual.tasks"), num(e.tasks)],
        [t("evidence.manual.due"), e.median_due_days ? t("evidence.manual.daysLater", { days: num(e.median_due_days) }) : t("evidence.manual.none")],
      ]} />
      <h4>{t("evidence.examples")}</h4>
      {e.examples?.length ? (
        <table className="sg-table" aria-label={t("evidence.examples")}>
          <thead><tr><th>{t("evidence.columns.task")}</th><th>{t("evidence.columns.title")}</th><th>{t("evidence.columns.record")}</th></tr></thead>
          <tbody>
            {e.examples.map((ex) => (
              <tr key={ex.task_id}>
                <td>#{ex.task_id}</td>
                <td>{ex.title}</td>
                <td>{ex.record_id ? `${e.record_type ?? t("evidence.manual.record")} #${ex.record_id}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="hint">{t("evidence.noneRecorded")}</p>}
    </>
  );
}

/** The evidence of `suggestion`, as its kind of miner recorded it. */
export function EvidenceView({ suggestion }: { suggestion: Pick<Suggestion, "kind" | "evidence"> }) {
  const e = suggestion.evidence as never;
  switch (suggestion.kind) {
    case "auto_approval":
      return <AutoApproval e={e} />;
    case "parallel_approvals":
      return <ParallelApprovals e={e} />;
    case "error_handling":
      return <ErrorHandling e={e} />;
    case "performance":
      return <Performance e={e} />;
    case "manual_work":
      return <ManualWork e={e} />;
    default:
      return <pre className="json">{JSON.stringify(suggestion.evidence, null, 2)}</pre>;
  }
}
