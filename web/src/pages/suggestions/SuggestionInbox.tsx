// The suggestions inbox: tabs by status, a kind filter (kept in the URL), most confident first;
// writers start a generation from here and follow its progress.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
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
import { KINDS, STATUSES, type SuggestionKind, type SuggestionStatus } from "./types";
import { frequencyText } from "./wording";

const PAGE_SIZE = 20;

export function SuggestionInbox() {
  const id = useId();
  const { user } = useSession();
  const canWrite = !!user && user.role !== "viewer";
  const [params, setParams] = useSearchParams();
  const status = (STATUSES.find((s) => s.key === params.get("status"))?.key ?? "pending") as SuggestionStatus;
  const kind = (KINDS.find((k) => k.key === params.get("kind"))?.key ?? "") as SuggestionKind | "";
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
  const statusLabel = STATUSES.find((s) => s.key === status)!.label.toLowerCase();

  return (
    <section className="sg-page" aria-labelledby={`${id}-title`}>
      <div className="row sg-head">
        <h1 id={`${id}-title`}>Suggestions</h1>
        <span className="spacer" />
        {canWrite && (
          <button type="button" className="primary" onClick={() => setGenerating(true)}>
            Generate suggestions
          </button>
        )}
      </div>
      <p className="hint">
        Patterns mined from the recorded runs, approvals and tasks, most confident first, each with its evidence and a
        back-test of the change it proposes. Accepting one saves its change as a draft: nothing goes live until you activate it.
      </p>
      {jobId !== null && <GenerationStatus key={jobId} jobId={jobId} onDismiss={() => follow(null)} />}

      <Tabs tabs={STATUSES} selected={status} onSelect={(key) => update({ status: key === "pending" ? "" : key })} label="Suggestions by status" />
      <div role="tabpanel" id={panelId(status)} aria-labelledby={tabId(status)} className="sg-panel">
        <div className="row sg-filters">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => update({ kind: e.target.value })}>
            <option value="">All kinds</option>
            {KINDS.map((k) => <option key={k.key} value={k.key}>{k.label}</option>)}
          </select>
        </div>
        {list.isPending ? (
          <Loading label="Loading suggestions…" />
        ) : list.isError ? (
          <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
        ) : items.length === 0 ? (
          <div className="card empty-state">
            <p><strong>No {statusLabel} suggestions{kind ? " of this kind" : ""}.</strong></p>
            {status === "pending" && !kind && (
              <p className="hint">
                {canWrite ? "Generate suggestions to mine the history for patterns." : "An editor can generate suggestions from the history."}
              </p>
            )}
          </div>
        ) : (
          <>
            <table className="sg-list stack-table" aria-label={`${STATUSES.find((s) => s.key === status)!.label} suggestions`}>
              <thead>
                <tr>
                  <th>Kind</th>
                  <th>Suggestion</th>
                  <th className="num">Confidence</th>
                  <th>Seen</th>
                  <th>Workflow</th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <tr key={s.id}>
                    <td data-label="Kind"><KindBadge kind={s.kind} /></td>
                    <td data-label="Suggestion">
                      <Link to={`/suggestions/${s.id}`}>{s.title}</Link>
                      {s.source === "llm" && <> <SourceBadge /></>}
                    </td>
                    <td className="num" data-label="Confidence"><ConfidenceValue score={s.confidence_score} /></td>
                    <td data-label="Seen">{frequencyText(s.pattern_frequency)}</td>
                    <td data-label="Workflow">
                      {s.workflow_id ? <Link to={`/workflows/${s.workflow_id}`}>{names.name(s.workflow_id)}</Link> : <span className="hint">a new workflow</span>}
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
