// /workflows/:workflowId: a workflow's header actions and five tabs (details, executions,
// statistics, SLAs, versions); the tab and its filters live in the query string.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { api, ApiError, unwrap } from "../api/client";
import { useSession } from "../auth/session";
import { ErrorMessage, Loading, StatusBadge } from "../components/common";
import { formatDateTime, formatRelative } from "../format";
import { DefinitionView } from "./workflows/DefinitionView";
import { ExecutionsTab, IDLE_POLL_MS } from "./workflows/ExecutionsTab";
import { intParam, triggerLabel, type Workflow } from "./workflows/labels";
import { PublishBlueprintDialog } from "./workflows/PublishBlueprintDialog";
import { RunNowDialog } from "./workflows/RunNowDialog";
import { TagEditor } from "./workflows/tags";
import { SlaTab } from "./workflows/SlaTab";
import { RANGES, StatsTab } from "./workflows/StatsTab";
import { panelId, tabId, Tabs, type TabDef } from "./workflows/Tabs";
import { useWorkflowActions, WorkflowActionButtons } from "./workflows/useWorkflowActions";
import { VersionsTab } from "./workflows/VersionsTab";
import { useWorkflowExport, type WorkflowPageState } from "./workflows/workflowTransfer";
import "./workflows/workflows.css";

type TabKey = "details" | "executions" | "statistics" | "slas" | "versions";
const TABS: TabDef<TabKey>[] = [
  { key: "details", label: "Details" },
  { key: "executions", label: "Executions" },
  { key: "statistics", label: "Statistics" },
  { key: "slas", label: "SLAs" },
  { key: "versions", label: "Versions" },
];

export default function WorkflowDetailPage() {
  const { workflowId: raw } = useParams();
  const workflowId = Number(raw);
  const valid = Number.isInteger(workflowId) && workflowId > 0;
  const { user } = useSession();
  const canWrite = !!user && user.role !== "viewer";
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get("tab");
  const tab: TabKey = TABS.some((t) => t.key === tabParam) ? (tabParam as TabKey) : "details";
  const [runOpen, setRunOpen] = useState(false);
  const [publishOpen, setPublishOpen] = useState(false);

  const workflow = useQuery({
    queryKey: ["workflow", workflowId],
    queryFn: () => unwrap(api.GET("/api/v1/workflows/{workflow_id}", { params: { path: { workflow_id: workflowId } } })),
    enabled: valid,
    // The header's run count and last run follow new runs as the executions table does (the
    // table also refreshes it the moment it sees a run change).
    refetchInterval: IDLE_POLL_MS,
  });
  const actions = useWorkflowActions({ afterDelete: () => navigate("/workflows", { replace: true }) });
  const exporter = useWorkflowExport();
  // What the page that opened this one has to say (e.g. "Imported 1 workflow as a draft.").
  const arrivalNotice = (useLocation().state as WorkflowPageState | null)?.notice ?? null;

  const setQuery = (changes: Record<string, string | number | null>, replace = false) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v === null || v === "" || v === undefined) next.delete(k);
          else next.set(k, String(v));
        }
        return next;
      },
      { replace },
    );

  const selectTab = (key: TabKey) => {
    // A tab's own filters do not carry over to another tab.
    setParams(key === "details" ? {} : { tab: key }, { replace: true });
  };

  if (!valid) return <p role="alert">This workflow does not exist.</p>;
  if (workflow.isPending) return <Loading label="Loading workflow…" />;
  if (workflow.isError) {
    const notFound = workflow.error instanceof ApiError && workflow.error.status === 404;
    return (
      <section>
        <p><Link to="/workflows">← Workflows</Link></p>
        {notFound ? (
          <p role="alert">Workflow #{workflowId} does not exist (or was deleted).</p>
        ) : (
          <ErrorMessage error={workflow.error} onRetry={() => void workflow.refetch()} />
        )}
      </section>
    );
  }
  const wf = workflow.data;

  return (
    <section className="wf-detail" aria-labelledby="wf-detail-title">
      <nav aria-label="Breadcrumb" className="hint">
        <Link to="/workflows">Workflows</Link> / #{wf.id}
      </nav>
      <div className="row wf-head">
        <h1 id="wf-detail-title">{wf.name}</h1>
        <StatusBadge status={wf.status} />
        {wf.is_template && <span className="badge">template</span>}
        <span className="spacer" />
        <button type="button" onClick={() => exporter.start(wf.id)} disabled={exporter.busy}>
          {exporter.busy ? "Exporting…" : "Export"}
        </button>
        {canWrite && (
          <button type="button" onClick={() => setPublishOpen(true)}>
            Publish as blueprint
          </button>
        )}
        {canWrite && (
          <>
            <button type="button" className="primary" onClick={() => setRunOpen(true)}>
              Run now
            </button>
            <WorkflowActionButtons target={wf} start={actions.start} busy={actions.busy} canWrite={canWrite} />
          </>
        )}
      </div>
      <p className="hint wf-meta">
        {/* The count covers finished runs only: one still waiting or running is not in it yet. */}
        {triggerLabel(wf.trigger_type)} · version {wf.version} · {finishedRunsText(wf.execution_count)} · last finished{" "}
        {wf.last_executed_at ? formatRelative(wf.last_executed_at) : "never"} · updated {formatDateTime(wf.updated_at)}
      </p>
      {wf.description && <p className="wf-description">{wf.description}</p>}
      <div aria-live="polite">
        {arrivalNotice && <p className="hint">{arrivalNotice}</p>}
        {actions.notice && <p className="hint">{actions.notice}</p>}
        {exporter.notice && <p className="hint">{exporter.notice}</p>}
      </div>
      {!!actions.error && <ErrorMessage error={actions.error} onRetry={actions.clearError} />}
      {!!exporter.error && <ErrorMessage error={exporter.error} onRetry={() => exporter.start(wf.id)} />}

      <Tabs tabs={TABS} selected={tab} onSelect={selectTab} label="Workflow sections" />
      <div role="tabpanel" id={panelId(tab)} aria-labelledby={tabId(tab)} tabIndex={0} className="wf-panel">
        {tab === "details" && <DetailsTab wf={wf} canWrite={canWrite} />}
        {tab === "executions" && (
          <ExecutionsTab
            workflowId={wf.id}
            status={params.get("status") ?? ""}
            page={intParam(params.get("page"), 1)}
            onChange={({ status, page }) =>
              setQuery({
                ...(status !== undefined ? { status } : {}),
                page: page && page > 1 ? page : null,
              })
            }
          />
        )}
        {tab === "statistics" && (
          <StatsTab
            workflowId={wf.id}
            days={RANGES.includes(Number(params.get("days"))) ? Number(params.get("days")) : 30}
            onDays={(days) => setQuery({ days: days === 30 ? null : days }, true)}
          />
        )}
        {tab === "slas" && <SlaTab workflow={wf} canWrite={canWrite} />}
        {tab === "versions" && (
          <VersionsTab
            workflowId={wf.id}
            currentVersion={wf.version}
            selected={params.get("version") ? Number(params.get("version")) : null}
            onSelect={(v) => setQuery({ version: v }, true)}
            canWrite={canWrite}
          />
        )}
      </div>
      {actions.dialog}
      {canWrite && <RunNowDialog workflowId={wf.id} status={wf.status} open={runOpen} onClose={() => setRunOpen(false)} />}
      {canWrite && <PublishBlueprintDialog workflow={wf} open={publishOpen} onClose={() => setPublishOpen(false)} />}
    </section>
  );
}

function finishedRunsText(count: number): string {
  return `${count.toLocaleString()} finished ${count === 1 ? "run" : "runs"}`;
}

function DetailsTab({ wf, canWrite }: { wf: Workflow; canWrite: boolean }) {
  return (
    <div className="wf-details">
      <TagEditor workflowId={wf.id} tags={wf.tags ?? []} canWrite={canWrite} />
      {wf.warnings && wf.warnings.length > 0 && (
        <div className="wf-warnings" role="note" aria-label="Loop warnings">
          <strong>Loop guard warnings</strong>
          <ul>
            {wf.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      {wf.trigger_type === "webhook_received" && (
        <div className="card wf-inbound">
          <h3>Inbound webhook</h3>
          {wf.inbound_url ? (
            <>
              <p>Other systems start a run by POSTing JSON to:</p>
              <p>
                <code className="wf-url">{wf.inbound_url}</code>{" "}
                <CopyButton text={wf.inbound_url} />
              </p>
              <p className="hint">
                {wf.inbound_signature_required
                  ? "Deliveries must carry an X-Crmflow-Signature header."
                  : "No signature is required."}
              </p>
            </>
          ) : (
            <p className="hint">No inbound URL yet: configure the hook to get one.</p>
          )}
        </div>
      )}
      <DefinitionView definition={wf} />
    </div>
  );
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  if (typeof navigator === "undefined" || !navigator.clipboard) return null;
  return (
    <button
      type="button"
      onClick={() =>
        void navigator.clipboard.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 2000);
        })
      }
    >
      {copied ? "Copied" : "Copy URL"}
    </button>
  );
}
