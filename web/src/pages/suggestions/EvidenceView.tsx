// What a suggestion was mined from, in words and small tables, one view per kind of miner: counts,
// the window, the segment, waits in human units, error shapes, and examples linked to their runs.
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { StatusBadge } from "../../components/common";
import { formatDuration, formatSeconds } from "../../format";
import { humanize } from "../workflows/labels";
import type {
  ApprovalExample, AutoApprovalEvidence, ErrorHandlingEvidence, ManualWorkEvidence, ParallelApprovalsEvidence,
  PerformanceEvidence, StepRef, Suggestion,
} from "./types";
import { num, segmentText, shareText, windowText } from "./wording";

export function RunLink({ workflowId, executionId }: { workflowId: number; executionId: number }) {
  return <Link to={`/workflows/${workflowId}/executions/${executionId}`}>Run #{executionId}</Link>;
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

const stepName = (step: StepRef | undefined) => `“${step?.name || step?.path || "the step"}”`;

/** The record an approval was about: its title or name. */
function recordName(record: Record<string, unknown> | null | undefined): string {
  const name = record?.title ?? record?.name;
  return typeof name === "string" && name ? name : "—";
}

/** Approval requests quoted as examples: the run, the record, the segment's field, the decision. */
function ApprovalExamples({ examples, field, label }: { examples: ApprovalExample[]; field?: string; label: string }) {
  const key = field?.split(".").slice(1).join(".");
  return (
    <table className="sg-table" aria-label={label}>
      <thead>
        <tr>
          <th>Run</th>
          <th>Record</th>
          {key && <th><code>{field}</code></th>}
          <th>Decision</th>
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
  const inside = e.in_segment ?? {};
  const outside = e.outside_segment ?? {};
  const inTotal = (inside.approved ?? 0) + (inside.rejected ?? 0);
  const outTotal = (outside.approved ?? 0) + (outside.rejected ?? 0);
  const segment = segmentText(e.segment);
  return (
    <>
      <p>
        The approval step {stepName(e.step)} was decided {num(e.requests)} times over {windowText(e.window)}. When{" "}
        <code className="sg-segment">{segment}</code>, {num(inside.approved)} of {num(inTotal)} requests were approved (
        {shareText(inside.approved, inTotal)}); for the other requests, {num(outside.approved)} of {num(outTotal)} (
        {shareText(outside.approved, outTotal)}).
      </p>
      <table className="sg-table sg-counts" aria-label="Decisions in and outside the segment">
        <thead>
          <tr><th>Requests</th><th className="num">Approved</th><th className="num">Rejected</th><th className="num">Approval rate</th></tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">With <code>{segment}</code></th>
            <td className="num">{num(inside.approved)}</td><td className="num">{num(inside.rejected)}</td>
            <td className="num">{shareText(inside.approved, inTotal)}</td>
          </tr>
          <tr>
            <th scope="row">Other requests</th>
            <td className="num">{num(outside.approved)}</td><td className="num">{num(outside.rejected)}</td>
            <td className="num">{shareText(outside.approved, outTotal)}</td>
          </tr>
        </tbody>
      </table>
      {e.median_wait_seconds != null && (
        <p>Requests in the segment waited {formatSeconds(e.median_wait_seconds)} for a decision (median): the wait an automatic approval saves.</p>
      )}
      <h4>Examples: approved with {segment}</h4>
      {e.examples?.length ? <ApprovalExamples examples={e.examples} field={e.segment?.field} label="Examples" /> : <p className="hint">None recorded.</p>}
      <h4>Counterexamples: rejected with {segment}</h4>
      {e.counterexamples?.length ? (
        <ApprovalExamples examples={e.counterexamples} field={e.segment?.field} label="Counterexamples" />
      ) : (
        <p className="hint">None: every request in the segment was approved.</p>
      )}
    </>
  );
}

function ParallelApprovals({ e }: { e: ParallelApprovalsEvidence }) {
  const [first, second] = e.steps ?? [];
  const saved = e.saved_seconds ?? {};
  return (
    <>
      <p>
        {stepName(first)} and then {stepName(second)} were both asked in {num(e.runs_with_both)} runs over {windowText(e.window)}, one
        after the other. Asked at the same time, each run waits only for the slower of the two.
      </p>
      <Figures label="Figures" items={[
        ["Runs that asked both", num(e.runs_with_both)],
        [`${stepName(first)} approved`, `${num(e.first_approved)} of ${num(e.first_decided)} (${shareText(e.first_approved, e.first_decided)})`],
        ["Wait saved per run (median)", formatSeconds(saved.median)],
        ["Wait saved (95th percentile)", formatSeconds(saved.p95)],
        ["Wait saved in all", formatSeconds(saved.total)],
      ]} />
      <h4>Examples</h4>
      {e.examples?.length ? <ApprovalExamples examples={e.examples} label="Examples" /> : <p className="hint">None recorded.</p>}
    </>
  );
}

function ErrorHandling({ e }: { e: ErrorHandlingEvidence }) {
  const type = e.step?.type ? ` (${humanize(e.step.type)})` : "";
  return (
    <>
      <p>
        {stepName(e.step)}{type} failed in {num(e.failed)} of {num(e.runs)} runs ({shareText(e.failed, e.runs)}) over{" "}
        {windowText(e.window)}. {num(e.transient)} of the {num(e.errors_sampled ?? e.failed)} failures looked into were passing
        errors (time-outs, refused connections, 429 or 5xx answers) that a retry can get past.
      </p>
      {e.most_common_error && (
        <p>
          Most common error: <code className="sg-error">{e.most_common_error.shape}</code> ({num(e.most_common_error.count)} times).
        </p>
      )}
      {!!e.errors?.length && (
        <table className="sg-table" aria-label="Errors by shape">
          <thead><tr><th>Error (numbers and quoted values blanked)</th><th className="num">Times</th></tr></thead>
          <tbody>
            {e.errors.map((err) => (
              <tr key={err.shape}><td><code className="sg-error">{err.shape}</code></td><td className="num">{num(err.count)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>Examples</h4>
      {e.examples?.length ? (
        <table className="sg-table" aria-label="Examples">
          <thead><tr><th>Run</th><th>Error</th></tr></thead>
          <tbody>
            {e.examples.map((ex) => (
              <tr key={ex.execution_id}>
                <td><RunLink workflowId={ex.workflow_id} executionId={ex.execution_id} /></td>
                <td className="sg-error-cell">{ex.error ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="hint">None recorded.</p>}
    </>
  );
}

function Performance({ e }: { e: PerformanceEvidence }) {
  if (e.wait_seconds) {
    const waits = e.wait_seconds;
    return (
      <>
        <p>
          Requests of {stepName(e.step)} waited {formatSeconds(waits.p50)} for a decision (median) over {num(e.decisions)} decisions
          in {windowText(e.window)}; {num(e.over_a_day)} of them ({shareText(e.over_a_day, e.decisions)}) waited more than a day.
        </p>
        <Figures label="Waits" items={[
          ["Median wait", formatSeconds(waits.p50)],
          ["95th percentile", formatSeconds(waits.p95)],
          ["Longest", formatSeconds(waits.max)],
          ["Waited over a day", `${num(e.over_a_day)} of ${num(e.decisions)}`],
        ]} />
        <h4>The longest waits</h4>
        {e.examples?.length ? (
          <table className="sg-table" aria-label="Examples">
            <thead><tr><th>Run</th><th className="num">Wait</th></tr></thead>
            <tbody>
              {e.examples.map((ex) => (
                <tr key={ex.execution_id}>
                  <td><RunLink workflowId={ex.workflow_id} executionId={ex.execution_id} /></td>
                  <td className="num">{formatSeconds(ex.wait_seconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <p className="hint">None recorded.</p>}
      </>
    );
  }
  return (
    <>
      <p>
        {stepName(e.step)} took {formatDuration(e.p95_ms)} at the 95th percentile over {num(e.runs)} runs in {windowText(e.window)},
        against {formatDuration(e.peers_p95_ms)} usually for the {num(e.peers)} other steps of its type.
      </p>
      <Figures label="Durations" items={[
        ["Median (p50)", formatDuration(e.p50_ms)],
        ["95th percentile", formatDuration(e.p95_ms)],
        ["Its peers' usual p95", formatDuration(e.peers_p95_ms)],
        ["Runs slower than that", `${num(e.slower_than_peers)} of ${num(e.runs)}`],
      ]} />
    </>
  );
}

function ManualWork({ e }: { e: ManualWorkEvidence }) {
  const event = e.event ? `${humanize(e.event.type).toLowerCase()}${e.event.reached ? ` to ${e.event.reached}` : ""}` : "the same event";
  return (
    <>
      <p>
        People created the task “{e.title_template}” by hand {num(e.tasks)} times within a day after a “{event}” event (
        {num(e.event?.count)} such events over {windowText(e.window)}).
      </p>
      <Figures label="Figures" items={[
        [`Events: ${event}`, num(e.event?.count)],
        ["Tasks typed by hand after one", num(e.tasks)],
        ["Usual due date", e.median_due_days ? `${num(e.median_due_days)} days later` : "none"],
      ]} />
      <h4>Examples</h4>
      {e.examples?.length ? (
        <table className="sg-table" aria-label="Examples">
          <thead><tr><th>Task</th><th>Title</th><th>Record</th></tr></thead>
          <tbody>
            {e.examples.map((ex) => (
              <tr key={ex.task_id}>
                <td>#{ex.task_id}</td>
                <td>{ex.title}</td>
                <td>{ex.record_id ? `${e.record_type ?? "record"} #${ex.record_id}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="hint">None recorded.</p>}
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
