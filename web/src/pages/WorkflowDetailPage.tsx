// /workflows/:workflowId: a workflow's header actions and five tabs (details, executions,
// statistics, SLAs, versions); the tab and its filters live in the query string.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
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
const TAB_KEYS: TabKey[] = ["details", "executions", "statistics", "slas", "versions"];

export default function WorkflowDetailPage() {
  const { workflowId: raw } = useParams();
  const workflowId = Number(raw);
  const { t, i18n } = useTranslation("workflow");
  const tabs: TabDef<TabKey>[] = TAB_KEYS.map((key) => ({ key, label: t(`tabs.${key}`) }));
  const valid = Number.isInteger(workflowId) && workflowId > 0;
  const { user } = useSession();
  const canWrite = !!user && user.role !== "viewer";
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get("tab");
  const tab: TabKey = TAB_KEYS.some((key) => key === tabParam) ? (tabParam as TabKey) : "details";
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

  if (!valid) return <p role="alert">{t("page.invalid")}</p>;
  if (workflow.isPending) return <Loading label={t("page.loading")} />;
  if (workflow.isError) {
    const notFound = workflow.error instanceof ApiError && workflow.error.status === 404;
    return (
      <section>
        <p><Link to="/workflows">{t("page.back")}</Link></p>
        {notFound ? (
          <p role="alert">{t("page.gone", { id: workflowId })}</p>
        ) : (
          <ErrorMessage error={workflow.error} onRetry={() => void workflow.refetch()} />
        )}
      </section>
    );
  }
  const wf = workflow.data;

  return (
    <section className="wf-detail" aria-labelledby="wf-detail-title">
      <nav aria-label={t("page.breadcrumb")} className="hint">
        <Link to="/workflows">{t("page.crumbWorkflows")}</Link> / {t("page.crumbId", { id: wf.id })}
      </nav>
      <div className="row wf-head">
        <h1 id="wf-detail-title">{wf.name}</h1>
        <StatusBadge status={wf.status} />
        {wf.is_template && <span className="badge">{t("page.template")}</span>}
        <span className="spacer" />
        <button type="button" onClick={() => exporter.start(wf.id)} disabled={exporter.busy}>
          {exporter.busy ? t("page.exporting") : t("page.export")}
        </button>
        {canWrite && (
          <button type="button" onClick={() => setPublishOpen(true)}>
            {t("page.publish")}
          </button>
        )}
        {canWrite && (
          <>
            <button type="button" className="primary" onClick={() => setRunOpen(true)}>
              {t("page.runNow")}
            </button>
            <WorkflowActionButtons target={wf} start={actions.start} busy={actions.busy} canWrite={canWrite} />
          </>
        )}
      </div>
      <p className="hint wf-meta">
        {/* The count covers finished runs only: one still waiting or running is not in it yet. */}
        {t("page.meta", {
          trigger: triggerLabel(wf.trigger_type),
          version: wf.version,
          runs: t("page.finishedRuns", { count: wf.execution_count }),
          last: wf.last_executed_at ? formatRelative(wf.last_executed_at, undefined, i18n.language) : t("page.never"),
          updated: formatDateTime(wf.updated_at, i18n.language),
        })}
      </p>
      {wf.description && <p className="wf-description">{wf.description}</p>}
      <div aria-live="polite">
        {arrivalNotice && <p className="hint">{arrivalNotice}</p>}
        {actions.notice && <p className="hint">{actions.notice}</p>}
        {exporter.notice && <p className="hint">{exporter.notice}</p>}
      </div>
      {!!actions.error && <ErrorMessage error={actions.error} onRetry={actions.clearError} />}
      {!!exporter.error && <ErrorMessage error={exporter.error} onRetry={() => exporter.start(wf.id)} />}

      <Tabs tabs={tabs} selected={tab} onSelect={selectTab} label={t("tabs.label")} />
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

function DetailsTab({ wf, canWrite }: { wf: Workflow; canWrite: boolean }) {
  const { t } = useTranslation("workflow");
  return (
    <div className="wf-details">
      <TagEditor workflowId={wf.id} tags={wf.tags ?? []} canWrite={canWrite} />
      {wf.warnings && wf.warnings.length > 0 && (
        <div className="wf-warnings" role="note" aria-label={t("details.loopWarnings")}>
          <strong>{t("details.loopTitle")}</strong>
          <ul>
            {wf.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      {wf.trigger_type === "webhook_received" && (
        <div className="card wf-inbound">
          <h3>{t("details.inbound")}</h3>
          {wf.inbound_url ? (
            <>
              <p>{t("details.inboundIntro")}</p>
              <p>
                <code className="wf-url">{wf.inbound_url}</code>{" "}
                <CopyButton text={wf.inbound_url} />
              </p>
              <p className="hint">
                {wf.inbound_signature_required
                  ? t("details.signatureRequired")
                  : t("details.noSignature")}
              </p>
            </>
          ) : (
            <p className="hint">{t("details.noInboundUrl")}</p>
          )}
        </div>
      )}
      <DefinitionView definition={wf} />
    </div>
  );
}

function CopyButton({ text }: { text: string }) {
  const { t } = useTranslation("workflow");
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
      {copied ? t("details.copied") : t("details.copyUrl")}
    </button>
  );
}
