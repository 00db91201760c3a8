// The suggestions inbox: tabs by status, a kind filter (kept in the URL), most confident first;
// writers start a generation from here and follow its progress.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { useSession } from "../../auth/session";
import { ErrorMessage, Loading, Pager } from "../../components/common";
import { intParam } from "../workflows/labels";
import { panelId, tabId, Tabs } from "../workflows/Tabs";
import { useWorkflowNames } from "../workflows/useWorkflowNames";
import { GenerateDialog } from "./GenerateDialog";
import { GenerationStatus, storedJobId, storeJobId } from "./GenerationStatus";
import { ConfidenceValue, KindBadge, SourceBadge } from "./SuggestionBadges";
import { KINDS, kindLabel, STATUSES, statusLabel, type SuggestionKind, type SuggestionStatus } from "./types";
import { frequencyText } from "./wording";

const PAGE_SIZE = 20;

export function SuggestionInbox() {
  const { t } = useTranslation("suggestions");
  const id = useId();
  const { user } = useSession();
  const canWrite = !!user && user.role !== "viewer";
  const [params, setParams] = useSearchParams();
  const status = (STATUSES.find((s) => s === params.get("status")) ?? "pending") as SuggestionStatus;
  const kind = (KINDS.find((k) => k === params.get("kind")) ?? "") as SuggestionKind | "";
  const page = intParam(params.get("page"), 1);
  const names = useWorkflowNames();
  const [generating, setGenerating] = useState(false);
  const [jobId, setJobId] = useState<number | null>(storedJobId);

  const update = (changes: Record<string, string>) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      if (!("page" in changes)) next.delete("page");
      return next;
    });

  const list = useQuery({
    queryKey: ["suggestions", { status, kind, page }],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/workflow/workflow-suggestions/", {
          params: { query: { status, kind: kind || undefined, page, size: PAGE_SIZE } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const follow = (next: number | null) => {
    storeJobId(next);
    setJobId(next);
  };
  const items = list.data?.items ?? [];
  const tabs = STATUSES.map((key) => ({ key, label: statusLabel(key) }));

  return (
    <section className="sg-page" aria-labelledby={`${id}-title`}>
      <div className="row sg-head">
        <h1 id={`${id}-title`}>{t("title")}</h1>
        <span className="spacer" />
        {canWrite && (
          <button type="button" className="primary" onClick={() => setGenerating(true)}>
            {t("inbox.generate")}
          </button>
        )}
      </div>
      <p className="hint">{t("inbox.intro")}</p>
      {jobId !== null && <GenerationStatus key={jobId} jobId={jobId} onDismiss={() => follow(null)} />}

      <Tabs tabs={tabs} selected={status} onSelect={(key) => update({ status: key === "pending" ? "" : key })} label={t("inbox.byStatus")} />
      <div role="tabpanel" id={panelId(status)} aria-labelledby={tabId(status)} className="sg-panel">
        <div className="row sg-filters">
          <label htmlFor={`${id}-kind`}>{t("inbox.kind")}</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => update({ kind: e.target.value })}>
            <option value="">{t("inbox.allKinds")}</option>
            {KINDS.map((k) => <option key={k} value={k}>{kindLabel(k)}</option>)}
          </select>
        </div>
        {list.isPending ? (
          <Loading label={t("inbox.loading")} />
        ) : list.isError ? (
          <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
        ) : items.length === 0 ? (
          <div className="card empty-state">
            <p><strong>{kind ? t(`inbox.emptyOfKind.${status}`) : t(`inbox.empty.${status}`)}</strong></p>
            {status === "pending" && !kind && (
              <p className="hint">
                {canWrite ? t("inbox.emptyWriter") : t("inbox.emptyViewer")}
              </p>
            )}
          </div>
        ) : (
          <>
            <table className="sg-list stack-table" aria-label={t(`inbox.table.${status}`)}>
              <thead>
                <tr>
                  <th>{t("inbox.columns.kind")}</th>
                  <th>{t("inbox.columns.suggestion")}</th>
                  <th className="num">{t("inbox.columns.confidence")}</th>
                  <th>{t("inbox.columns.seen")}</th>
                  <th>{t("inbox.columns.workflow")}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <tr key={s.id}>
                    <td data-label={t("inbox.columns.kind")}><KindBadge kind={s.kind} /></td>
                    <td data-label={t("inbox.columns.suggestion")}>
                      <Link to={`/suggestions/${s.id}`}>{s.title}</Link>
                      {s.source === "llm" && <> <SourceBadge /></>}
                    </td>
                    <td className="num" data-label={t("inbox.columns.confidence")}><ConfidenceValue score={s.confidence_score} /></td>
                    <td data-label={t("inbox.columns.seen")}>{frequencyText(s.pattern_frequency)}</td>
                    <td data-label={t("inbox.columns.workflow")}>
                      {s.workflow_id ? <Link to={`/workflows/${s.workflow_id}`}>{names.name(s.workflow_id)}</Link> : <span className="hint">{t("inbox.newWorkflow")}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager page={list.data.page} pages={list.data.pages} total={list.data.total} onPage={(p) => update({ page: String(p) })} />
          </>
        )}
      </div>
      <GenerateDialog
        open={generating}
        onClose={() => setGenerating(false)}
        onStarted={(job) => {
          setGenerating(false);
          follow(job.id);
        }}
      />
    </section>
  );
}
