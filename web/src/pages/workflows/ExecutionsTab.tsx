// The executions tab: a workflow's runs, filtered by status, paginated on the server, polled
// every 3 s while a shown run may still change.
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { api, unwrap, type Schemas } from "../../api/client";
import { ErrorMessage, Loading, Pager, StatusBadge } from "../../components/common";
import { formatDateTime, formatDuration } from "../../format";
import { RecordCell } from "../runs/RecordCell";
import { EXECUTION_STATUSES, IN_FLIGHT, statusLabel } from "./labels";

const PAGE_SIZE = 25;
export const POLL_MS = 3000;
/** How often the first page looks for new runs when none shown is in flight. */
export const IDLE_POLL_MS = 5000;

export function ExecutionsTab({
  workflowId,
  status,
  page,
  onChange,
}: {
  workflowId: number;
  status: string;
  page: number;
  onChange: (changes: { status?: string; page?: number }) => void;
}) {
  const { t, i18n } = useTranslation("workflow", { keyPrefix: "executions" });
  const list = useQuery({
    queryKey: ["workflow", workflowId, "executions", { status, page }],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/workflows/{workflow_id}/executions", {
          params: {
            path: { workflow_id: workflowId },
            query: {
              page,
              size: PAGE_SIZE,
              status: (status || undefined) as Schemas["ExecutionStatus"] | undefined,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
    // New runs show up on the first page without a reload; shown runs in flight update faster.
    refetchInterval: (query) =>
      query.state.data?.items.some((e) => IN_FLIGHT.has(e.status)) ? POLL_MS : page === 1 ? IDLE_POLL_MS : false,
  });

  const live = list.data?.items.some((e) => IN_FLIGHT.has(e.status));

  // When a poll brings a new run or a run's new status, the page header's run count and last run
  // are refetched with it, so the two never disagree.
  const queryClient = useQueryClient();
  const seen = useRef<string | null>(null);
  const runs = list.data ? `${list.data.total}:${list.data.items.map((e) => `${e.id}=${e.status}`).join(",")}` : null;
  useEffect(() => {
    if (runs === null) return;
    if (seen.current !== null && seen.current !== runs) {
      void queryClient.invalidateQueries({ queryKey: ["workflow", workflowId], exact: true });
    }
    seen.current = runs;
  }, [runs, workflowId, queryClient]);

  return (
    <div>
      <div className="row wf-filters">
        <label className="field">
          <span>{t("statusFilter")}</span>
          <select value={status} onChange={(e) => onChange({ status: e.target.value, page: 1 })}>
            <option value="">{t("allStatuses")}</option>
            {EXECUTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        {live && <span className="hint" role="status">{t("refreshing")}</span>}
      </div>
      {list.isPending ? (
        <Loading label={t("loading")} />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <div className="card wf-empty">
          <p>{status ? t("noneWithStatus", { status: statusLabel(status) }) : t("noRuns")}</p>
        </div>
      ) : (
        <>
          <table className="wf-table stack-table">
            <caption className="visually-hidden">{t("caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("columns.execution")}</th>
                <th scope="col">{t("columns.status")}</th>
                <th scope="col">{t("columns.record")}</th>
                <th scope="col">{t("columns.started")}</th>
                <th scope="col">{t("columns.duration")}</th>
                <th scope="col">{t("columns.actions")}</th>
                <th scope="col">{t("columns.error")}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((ex) => (
                <tr key={ex.id}>
                  <td data-label={t("columns.execution")}>
                    <Link to={`/workflows/${workflowId}/executions/${ex.id}`}>#{ex.id}</Link>
                    {ex.rerun_of_id ? <span className="hint">{t("rerunOf", { id: ex.rerun_of_id })}</span> : null}{" "}
                    <Link
                      className="hint"
                      to={`/workflows/${workflowId}?tab=versions&version=${ex.version}`}
                      title={t("versionTitle", { version: ex.version })}
                    >
                      {t("versionShort", { version: ex.version })}
                    </Link>
                  </td>
                  <td data-label={t("columns.status")}>
                    <StatusBadge status={ex.status} />
                    {ex.waiting_for && <span className="hint"> {ex.waiting_for}</span>}
                    {ex.steps_failed > 0 && <span className="hint"> {t("stepsFailed", { count: ex.steps_failed })}</span>}
                  </td>
                  <td data-label={t("columns.record")}>
                    <RecordCell run={ex} />
                  </td>
                  <td data-label={t("columns.started")}>{formatDateTime(ex.started_at ?? ex.created_at, i18n.language)}</td>
                  <td className="num" data-label={t("columns.duration")}>{formatDuration(ex.duration_ms)}</td>
                  <td className="num" data-label={t("columns.actions")}>{ex.actions_executed}</td>
                  <td className="wf-error-cell" data-label={t("columns.error")} title={ex.error_message ?? undefined}>
                    {ex.error_message ?? ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            page={list.data.page}
            pages={list.data.pages}
            total={list.data.total}
            onPage={(p) => onChange({ page: p })}
          />
        </>
      )}
    </div>
  );
}
