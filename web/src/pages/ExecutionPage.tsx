// One execution: its trigger, why it ran, a live timeline of its steps and its approvals.
import { useQueries, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";
import type { DecisionData } from "../components/conditionWords";
import { DecisionWords, useConditionFields } from "../components/DecisionWords";
import { knownValueText, Reference, ValuesWithRaw } from "../components/LabelledValues";
import { ErrorMessage, Loading, StatusBadge, statusText } from "../components/common";
import { formatDateTime, formatDuration, formatRelative } from "../format";
import i18n from "../i18n";
import { ExecutionControls } from "./execution/ExecutionControls";
import { StepTimeline, initiallyExpanded, useExpanded, type ApprovalInfo } from "./execution/StepTimeline";
import { buildStepTree, flatten } from "./execution/tree";
import { recordTypeLabel } from "./runs/filters";
import { IN_FLIGHT, stepsFailedText, triggerLabel } from "./workflows/labels";
import "./execution/execution.css";

type Execution = Schemas["WorkflowExecutionResponse"];

/** How often a running execution is polled. */
export const POLL_MS = 1000;

export default function ExecutionPage() {
  const params = useParams();
  const workflowId = Number(params.workflowId);
  const executionId = Number(params.executionId);
  const { t } = useTranslation(["execution", "common"]);
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
      setAnnouncement(t("nowStatus", { id: executionId, status: statusText(status) }));
    }
    lastStatus.current = status;
  }, [status, executionId, t]);

  const workflowName = workflow.data?.name ?? t("workflowFallback", { id: workflowId });
  const breadcrumb = (
    <nav aria-label={t("breadcrumb")} className="breadcrumb">
      <ol>
        <li><Link to="/workflows">{t("nav.workflows", { ns: "common" })}</Link></li>
        <li><Link to={`/workflows/${workflowId}?tab=executions`}>{workflowName}</Link></li>
        <li aria-current="page">{t("title", { id: executionId })}</li>
      </ol>
    </nav>
  );

  if (execution.isPending) return (<>{breadcrumb}<Loading label={t("loading")} /></>);
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
            {t("title", { id: data.id })} <StatusBadge status={data.status} />
          </h1>
          <p className="hint">
            {workflowName} ·{" "}
            <Link to={`/workflows/${workflowId}?tab=versions&version=${data.version}`} title={t("versionTitle")}>
              {t("version", { version: data.version })}
            </Link>{" "}
            · {triggerLabel(data.trigger_type)}
            {running && <> · <span className="live-dot">{t("live")}</span></>}
          </p>
        </div>
        <span className="spacer" />
        {canControl && <ExecutionControls execution={data} />}
      </header>

      {data.steps_failed > 0 && (
        <div className="exec-banner exec-banner-partial" role="note" aria-label={t("banner.failedSteps")}>
          <Trans
            t={t}
            i18nKey="banner.partial"
            values={{ failed: stepsFailedText(data.steps_failed) }}
            components={{ strong: <strong /> }}
          />
        </div>
      )}
      {data.status === "waiting" && (
        <div className="exec-banner exec-banner-waiting">
          <Trans
            t={t}
            i18nKey="banner.waitingFor"
            values={{ what: data.waiting_for ?? t("banner.itsTurn") }}
            components={{ strong: <strong /> }}
          />
          {data.resume_at
            ? t("banner.resumes", { when: formatRelative(data.resume_at, undefined, i18n.language), at: formatDateTime(data.resume_at, i18n.language) })
            : t("banner.untilDecided")}
        </div>
      )}
      {data.error_message && (
        <div className={`exec-banner ${data.status === "cancelled" ? "exec-banner-muted" : "exec-banner-error"}`} role="note" aria-label={t("banner.error")}>
          <strong>{t(data.status === "cancelled" ? "banner.cancelled" : data.status === "failed" ? "banner.failed" : "banner.note")}</strong>{" "}
          {data.error_message}
        </div>
      )}

      <div className="exec-grid">
        <section className={`card exec-timeline${running ? "" : " exec-finished"}`} aria-labelledby="steps-title">
          <div className="row">
            <h2 id="steps-title">{t("steps.title")} <span className="hint">{t("steps.recorded", { count: data.steps.length })}</span></h2>
            <span className="spacer" />
            {all.length > 0 && (
              <>
                <button type="button" className="link" onClick={() => setExpanded(new Set(all.map((n) => n.path)))}>{t("steps.expandAll")}</button>
                <button type="button" className="link" onClick={() => setExpanded(new Set())}>{t("steps.collapseAll")}</button>
              </>
            )}
          </div>
          {tree.length === 0 ? (
            <p className="hint">{t(data.status === "skipped" ? "steps.noneSkipped" : "steps.noneYet")}</p>
          ) : (
            <StepTimeline nodes={tree} approvals={approvals} references={data.references} expanded={expanded} onToggle={toggle} label={t("steps.timeline")} />
          )}
          {approvalsList.isError && <ErrorMessage error={approvalsList.error} onRetry={() => void approvalsList.refetch()} />}
        </section>

        <aside className="exec-side">
          <section className="card" aria-labelledby="summary-title">
            <h2 id="summary-title">{t("summary.title")}</h2>
            <dl className="kv">
              <dt>{t("summary.trigger")}</dt>
              <dd>{triggerLabel(data.trigger_type)}</dd>
              <dt>{t("summary.record")}</dt>
              <dd>
                {data.trigger_entity_type && data.trigger_entity_id != null ? (
                  <>
                    <Reference kind={data.trigger_entity_type} id={data.trigger_entity_id} references={data.references} />
                    {data.record_label && <span className="hint"> · {recordTypeLabel(data.trigger_entity_type)}</span>}
                  </>
                ) : data.trigger_entity_type ? (
                  t("summary.recordValue", { type: recordTypeLabel(data.trigger_entity_type), id: "?" })
                ) : "—"}
              </dd>
              <dt>{t("summary.started")}</dt>
              <dd>{formatDateTime(data.started_at, i18n.language)}</dd>
              <dt>{t("summary.completed")}</dt>
              <dd>{formatDateTime(data.completed_at, i18n.language)}</dd>
              <dt>{t("summary.duration")}</dt>
              <dd>{formatDuration(data.duration_ms)}</dd>
              <dt>{t("summary.actionsRun")}</dt>
              <dd>{data.actions_executed}</dd>
              {data.steps_failed > 0 && (<><dt>{t("summary.stepsFailed")}</dt><dd>{data.steps_failed}</dd></>)}
              <dt>{t("summary.attempts")}</dt>
              <dd>{data.attempt}</dd>
              {data.causation_depth > 0 && (<><dt>{t("summary.causationDepth")}</dt><dd>{data.causation_depth}</dd></>)}
              {data.rerun_of_id !== null && data.rerun_of_id !== undefined && (
                <>
                  <dt>{t("summary.rerunOf")}</dt>
                  <dd><Link to={`/workflows/${workflowId}/executions/${data.rerun_of_id}`}>{t("summary.executionLink", { id: data.rerun_of_id })}</Link></dd>
                </>
              )}
            </dl>
          </section>
          <DecisionCard decision={data.decision} />
          <section className="card" aria-labelledby="trigger-title">
            <h2 id="trigger-title">{t("summary.triggerData")}</h2>
            {Object.keys(data.trigger_data).length > 0 ? (
              <ValuesWithRaw value={data.trigger_data} references={data.references} label={t("summary.triggerData")} />
            ) : (
              <p className="hint">{t("summary.noTriggerData")}</p>
            )}
          </section>
        </aside>
      </div>

      <LogsCard logs={data.execution_logs} />
    </div>
  );
}

function DecisionCard({ decision }: { decision: Execution["decision"] }) {
  const { t } = useTranslation("execution");
  const fields = useConditionFields();
  if (!decision) return null;
  const d = decision as DecisionData;
  return (
    <section className="card" aria-labelledby="decision-title">
      <h2 id="decision-title">{t("decision.title")}</h2>
      <p>
        <span className={`badge ${d.result ? "badge-success" : "badge-skipped"}`}>{t(d.result ? "decision.matched" : "decision.notMatched")}</span>
      </p>
      <DecisionWords decision={d} fields={fields} />
    </section>
  );
}

function LogsCard({ logs }: { logs: Execution["execution_logs"] }) {
  const { t } = useTranslation("execution");
  if (!logs.length) return null;
  return (
    <details className="card exec-logs">
      <summary>{t("log.title", { count: logs.length })}</summary>
      <div className="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("log.time")}</th>
            <th scope="col">{t("log.level")}</th>
            <th scope="col">{t("log.step")}</th>
            <th scope="col">{t("log.message")}</th>
          </tr>
        </thead>
        <tbody>
          {logs.map((line, i) => (
            <tr key={i} className={`log-${String(line.level)}`}>
              <td>{formatDateTime(line.timestamp as string, i18n.language, { seconds: true })}</td>
              <td>{knownValueText("level", String(line.level ?? "")) ?? String(line.level ?? "")}</td>
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
