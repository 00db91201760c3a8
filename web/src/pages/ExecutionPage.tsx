// One execution: its trigger, why it ran, a live timeline of its steps and its approvals.
import { useQueries, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";
import { ErrorMessage, Loading, StatusBadge, statusText } from "../components/common";
import { formatDateTime, formatDuration, formatRelative } from "../format";
import { ExecutionControls } from "./execution/ExecutionControls";
import { StepTimeline, initiallyExpanded, useExpanded, type ApprovalInfo } from "./execution/StepTimeline";
import { buildStepTree, flatten } from "./execution/tree";
import { IN_FLIGHT, stepsFailedText } from "./workflows/labels";
import "./execution/execution.css";

type Execution = Schemas["WorkflowExecutionResponse"];

/** How often a running execution is polled. */
export const POLL_MS = 1000;

export default function ExecutionPage() {
  const params = useParams();
  const workflowId = Number(params.workflowId);
  const executionId = Number(params.executionId);
  const { user } = useSession();
  const canControl = user?.role === "admin" || user?.role === "editor";

  const execution = useQuery({
    queryKey: ["execution", workflowId, executionId],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/workflows/{workflow_id}/executions/{execution_id}", {
          params: { path: { workflow_id: workflowId, execution_id: executionId } },
        }),
      ),
    refetchInterval: (query) =>
      query.state.data && IN_FLIGHT.has(query.state.data.status) ? POLL_MS : false,
    staleTime: 0,
  });
  const running = !!execution.data && IN_FLIGHT.has(execution.data.status);

  const workflow = useQuery({
    queryKey: ["workflow", workflowId],
    queryFn: () =>
      unwrap(api.GET("/api/v1/workflows/{workflow_id}", { params: { path: { workflow_id: workflowId } } })),
    enabled: Number.isFinite(workflowId),
    retry: false,
  });

  // The approvals of the run; polled with it, and fetched once more when it finishes.
  const status = execution.data?.status;
  const approvalsList = useQuery({
    queryKey: ["execution-approvals", executionId, "list"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/approvals", { params: { query: { execution_id: executionId, size: 100 } } })),
    enabled: !!execution.data && execution.data.steps.some((s) => s.type === "approval"),
    refetchInterval: running ? POLL_MS * 3 : false,
  });
  useEffect(() => {
    if (status && !IN_FLIGHT.has(status)) void approvalsList.refetch();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);
  const approvalItems = approvalsList.data?.items ?? [];
  const details = useQueries({
    queries: approvalItems.map((item) => ({
      queryKey: ["execution-approvals", executionId, "detail", item.id, item.status, item.decided_at],
      queryFn: () =>
        unwrap(api.GET("/api/v1/approvals/{approval_id}", { params: { path: { approval_id: item.id } } })),
      staleTime: 30_000,
    })),
  });
  const approvals = useMemo(() => {
    const map = new Map<string, ApprovalInfo>();
    approvalItems.forEach((item, i) => {
      const detail = details[i]?.data;
      const merged: ApprovalInfo = detail ? { ...item, ...detail } : item;
      const previous = map.get(item.step_path);
      // A retried approval asks again: show the newest request at the step.
      if (!previous || previous.id < item.id) map.set(item.step_path, merged);
    });
    return map;
  }, [approvalItems, details]);

  const tree = useMemo(() => buildStepTree(execution.data?.steps ?? []), [execution.data?.steps]);
  const { expanded, setExpanded, toggle } = useExpanded();
  const seeded = useRef<Set<string>>(new Set());
  useEffect(() => {
    // Open failed and waiting steps the first time they show up.
    const fresh = initiallyExpanded(tree).filter((p) => !seeded.current.has(p));
    if (fresh.length) {
      fresh.forEach((p) => seeded.current.add(p));
      setExpanded((prev) => new Set([...prev, ...fresh]));
    }
  }, [tree, setExpanded]);

  // Announce status changes to screen readers.
  const [announcement, setAnnouncement] = useState("");
  const lastStatus = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!status) return;
    if (lastStatus.current && lastStatus.current !== status) {
      setAnnouncement(`Execution #${executionId} is now ${statusText(status)}.`);
    }
    lastStatus.current = status;
  }, [status, executionId]);

  const workflowName = workflow.data?.name ?? `Workflow #${workflowId}`;
  const breadcrumb = (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <ol>
        <li><Link to="/workflows">Workflows</Link></li>
        <li><Link to={`/workflows/${workflowId}?tab=executions`}>{workflowName}</Link></li>
        <li aria-current="page">Execution #{executionId}</li>
      </ol>
    </nav>
  );

  if (execution.isPending) return (<>{breadcrumb}<Loading label="Loading the execution…" /></>);
  if (execution.isError)
    return (<>{breadcrumb}<ErrorMessage error={execution.error} onRetry={() => void execution.refetch()} /></>);

  const data = execution.data;
  const all = flatten(tree);
  return (
    <div className="execution-page">
      {breadcrumb}
      <p className="visually-hidden" role="status" aria-live="polite">{announcement}</p>
      <header className="exec-header">
        <div>
          <h1>
            Execution #{data.id} <StatusBadge status={data.status} />
          </h1>
          <p className="hint">
            {workflowName} ·{" "}
            <Link to={`/workflows/${workflowId}?tab=versions&version=${data.version}`} title="What this version changed">
              version {data.version}
            </Link>{" "}
            · {data.trigger_type.replace(/_/g, " ")}
            {running && <> · <span className="live-dot">live</span></>}
          </p>
        </div>
        <span className="spacer" />
        {canControl && <ExecutionControls execution={data} />}
      </header>

      {data.steps_failed > 0 && (
        <div className="exec-banner exec-banner-partial" role="note" aria-label="Failed steps">
          <strong>{stepsFailedText(data.steps_failed)}</strong>; the run went on (their <code>on_error</code> is{" "}
          <code>continue</code>).
        </div>
      )}
      {data.status === "waiting" && (
        <div className="exec-banner exec-banner-waiting">
          Waiting for <strong>{data.waiting_for ?? "its turn"}</strong>
          {data.resume_at ? <> · resumes {formatRelative(data.resume_at)} ({formatDateTime(data.resume_at)})</> : " · until someone decides"}
        </div>
      )}
      {data.error_message && (
        <div className={`exec-banner ${data.status === "cancelled" ? "exec-banner-muted" : "exec-banner-error"}`} role="note" aria-label="Execution error">
          <strong>{data.status === "cancelled" ? "Cancelled:" : data.status === "failed" ? "Error:" : "Note:"}</strong>{" "}
          {data.error_message}
        </div>
      )}

      <div className="exec-grid">
        <section className={`card exec-timeline${running ? "" : " exec-finished"}`} aria-labelledby="steps-title">
          <div className="row">
            <h2 id="steps-title">Steps <span className="hint">({data.steps.length} recorded)</span></h2>
            <span className="spacer" />
            {all.length > 0 && (
              <>
                <button type="button" className="link" onClick={() => setExpanded(new Set(all.map((n) => n.path)))}>Expand all</button>
                <button type="button" className="link" onClick={() => setExpanded(new Set())}>Collapse all</button>
              </>
            )}
          </div>
          {tree.length === 0 ? (
            <p className="hint">No step has run{data.status === "skipped" ? ": the conditions did not match." : " yet."}</p>
          ) : (
            <StepTimeline nodes={tree} approvals={approvals} expanded={expanded} onToggle={toggle} label="Step timeline" />
          )}
          {approvalsList.isError && <ErrorMessage error={approvalsList.error} onRetry={() => void approvalsList.refetch()} />}
        </section>

        <aside className="exec-side">
          <section className="card" aria-labelledby="summary-title">
            <h2 id="summary-title">Summary</h2>
            <dl className="kv">
              <dt>Trigger</dt>
              <dd>{data.trigger_type}</dd>
              <dt>Record</dt>
              <dd>{data.trigger_entity_type ? `${data.trigger_entity_type} #${data.trigger_entity_id}` : "—"}</dd>
              <dt>Started</dt>
              <dd>{formatDateTime(data.started_at)}</dd>
              <dt>Completed</dt>
              <dd>{formatDateTime(data.completed_at)}</dd>
              <dt>Duration</dt>
              <dd>{formatDuration(data.duration_ms)}</dd>
              <dt>Actions run</dt>
              <dd>{data.actions_executed}</dd>
              {data.steps_failed > 0 && (<><dt>Steps failed</dt><dd>{data.steps_failed}</dd></>)}
              <dt>Worker attempts</dt>
              <dd>{data.attempt}</dd>
              {data.causation_depth > 0 && (<><dt>Causation depth</dt><dd>{data.causation_depth}</dd></>)}
              {data.rerun_of_id !== null && data.rerun_of_id !== undefined && (
                <>
                  <dt>Re-run of</dt>
                  <dd><Link to={`/workflows/${workflowId}/executions/${data.rerun_of_id}`}>execution #{data.rerun_of_id}</Link></dd>
                </>
              )}
            </dl>
          </section>
          <DecisionCard decision={data.decision} />
          <section className="card" aria-labelledby="trigger-title">
            <h2 id="trigger-title">Trigger data</h2>
            <pre className="json" tabIndex={0} aria-labelledby="trigger-title">{JSON.stringify(data.trigger_data, null, 2)}</pre>
          </section>
        </aside>
      </div>

      <LogsCard logs={data.execution_logs} />
    </div>
  );
}

function DecisionCard({ decision }: { decision: Execution["decision"] }) {
  if (!decision) return null;
  const d = decision as { result?: boolean; rule?: unknown; actual?: unknown; explanation?: string };
  return (
    <section className="card" aria-labelledby="decision-title">
      <h2 id="decision-title">Conditions</h2>
      <p>
        <span className={`badge ${d.result ? "badge-success" : "badge-skipped"}`}>{d.result ? "matched" : "not matched"}</span>{" "}
        {d.explanation}
      </p>
      {d.rule != null && (
        <dl className="kv">
          <dt>Deciding rule</dt>
          <dd><code>{JSON.stringify(d.rule)}</code></dd>
          <dt>Actual value</dt>
          <dd><code>{JSON.stringify(d.actual)}</code></dd>
        </dl>
      )}
    </section>
  );
}

function LogsCard({ logs }: { logs: Execution["execution_logs"] }) {
  if (!logs.length) return null;
  return (
    <details className="card exec-logs">
      <summary>Execution log ({logs.length} lines)</summary>
      <div className="table-scroll">
      <table>
        <thead>
          <tr><th scope="col">Time</th><th scope="col">Level</th><th scope="col">Step</th><th scope="col">Message</th></tr>
        </thead>
        <tbody>
          {logs.map((line, i) => (
            <tr key={i} className={`log-${String(line.level)}`}>
              <td>{formatDateTime(line.timestamp as string)}</td>
              <td>{String(line.level ?? "")}</td>
              <td><code>{String(line.step ?? "")}</code></td>
              <td>{String(line.message ?? "")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </details>
  );
}
