// /runs: every run of every workflow, newest first, paginated on the server; filters by status,
// workflow, date range and record, all kept in the query string.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router-dom";
import { api, unwrap } from "../api/client";
import { ErrorMessage, Loading, Pager, StatusBadge } from "../components/common";
import { formatDateTime, formatDuration, formatRelative } from "../format";
import i18n from "../i18n";
import { RecordCell } from "./runs/RecordCell";
import { apiQuery, isFiltered, readFilters, RECORD_TYPES, recordTypeLabel } from "./runs/filters";
import { IDLE_POLL_MS, POLL_MS } from "./workflows/ExecutionsTab";
import { EXECUTION_STATUSES, IN_FLIGHT, statusLabel, stepsFailedText, triggerLabel } from "./workflows/labels";
import { useWorkflowNames } from "./workflows/useWorkflowNames";
import "./workflows/workflows.css";
import "./operations/operations.css";

const PAGE_SIZE = 25;

export default function RunsPage() {
  const { t } = useTranslation("runs");
  const id = useId();
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const workflows = useWorkflowNames();

  /** Change some filters (an empty value removes one); any filter change goes back to page 1. */
  function update(changes: Record<string, string>, replace = false) {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        if (!("page" in changes)) next.delete("page");
        return next;
      },
      { replace },
    );
  }

  // The record id updates the URL 400 ms after the last keystroke.
  const [recordId, setRecordId] = useState(filters.recordId ? String(filters.recordId) : "");
  const urlRecordId = filters.recordId ? String(filters.recordId) : "";
  useEffect(() => setRecordId(urlRecordId), [urlRecordId]);
  useEffect(() => {
    const wanted = /^\d+$/.test(recordId.trim()) && Number(recordId) > 0 ? String(Number(recordId)) : "";
    if (wanted === urlRecordId) return;
    const timer = setTimeout(() => update({ record_id: wanted }, true), 400);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [recordId]);

  const list = useQuery({
    queryKey: ["executions", filters],
    queryFn: () => unwrap(api.GET("/api/v1/executions", { params: { query: apiQuery(filters, PAGE_SIZE) } })),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.items.some((e) => IN_FLIGHT.has(e.status)) ? POLL_MS : filters.page === 1 ? IDLE_POLL_MS : false,
  });

  const filtered = isFiltered(filters);
  const failedOnly = filters.status === "failed";
  const badRange = !!(filters.since && filters.until && filters.until < filters.since);

  return (
    <section className="runs-page" aria-labelledby="runs-title">
      <div className="row wf-head">
        <h1 id="runs-title">{t("title")}</h1>
      </div>
      <form
        className="row wf-filters runs-filters"
        role="search"
        aria-label={t("filters.label")}
        onSubmit={(e) => e.preventDefault()}
      >
        <button
          type="button"
          className="wf-clear"
          aria-pressed={failedOnly}
          onClick={() => update({ status: failedOnly ? "" : "failed" })}
        >
          {t("filters.failed")}
        </button>
        <div className="field">
          <label htmlFor={`${id}-status`}>{t("filters.status")}</label>
          <select id={`${id}-status`} value={filters.status} onChange={(e) => update({ status: e.target.value })}>
            <option value="">{t("filters.allStatuses")}</option>
            {EXECUTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-workflow`}>{t("filters.workflow")}</label>
          <select id={`${id}-workflow`} value={filters.workflowId ?? ""} onChange={(e) => update({ workflow_id: e.target.value })}>
            <option value="">{t("filters.allWorkflows")}</option>
            {/* A workflow named in the URL but not in the list (deleted, or past the first 500). */}
            {filters.workflowId && !workflows.items.some((w) => w.id === filters.workflowId) && (
              <option value={filters.workflowId}>{workflows.name(filters.workflowId)}</option>
            )}
            {workflows.items.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-since`}>{t("filters.since")}</label>
          <input
            id={`${id}-since`}
            type="date"
            value={filters.since}
            max={filters.until || undefined}
            onChange={(e) => update({ since: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-until`}>{t("filters.until")}</label>
          <input
            id={`${id}-until`}
            type="date"
            value={filters.until}
            min={filters.since || undefined}
            aria-invalid={badRange || undefined}
            onChange={(e) => update({ until: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t("filters.recordType")}</label>
          <select id={`${id}-type`} value={filters.recordType} onChange={(e) => update({ record_type: e.target.value })}>
            <option value="">{t("filters.anyRecord")}</option>
            {RECORD_TYPES.map((type) => (
              <option key={type} value={type}>
                {recordTypeLabel(type)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-record`}>{t("filters.recordId")}</label>
          <input
            id={`${id}-record`}
            type="number"
            min={1}
            inputMode="numeric"
            value={recordId}
            onChange={(e) => setRecordId(e.target.value)}
          />
        </div>
        {filtered && (
          <button
            type="button"
            className="wf-clear"
            onClick={() => {
              setRecordId("");
              setParams({});
            }}
          >
            {t("filters.clear")}
          </button>
        )}
      </form>
      {badRange && <p className="field-error" role="alert">{t("filters.badRange")}</p>}
      {workflows.truncated && (
        <p className="hint">{t("filters.truncated", { count: workflows.items.length })}</p>
      )}

      {list.isPending ? (
        <Loading label={t("loading")} />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <div className="card wf-empty">
          {filters.page > 1 ? (
            <p>
              {t("emptyPage", { page: filters.page })}{" "}
              <button type="button" className="link" onClick={() => update({ page: "" })}>
                {t("firstPage")}
              </button>
            </p>
          ) : (
            <p>{t(filtered ? "noMatch" : "noRuns")}</p>
          )}
        </div>
      ) : (
        <>
          <div className="wf-table-wrap" aria-busy={list.isFetching && list.isPlaceholderData}>
            <table className="wf-table stack-table">
              <caption className="visually-hidden">
                {t("caption", { page: list.data.page, pages: list.data.pages })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("columns.run")}</th>
                  <th scope="col">{t("columns.workflow")}</th>
                  <th scope="col">{t("columns.status")}</th>
                  <th scope="col">{t("columns.record")}</th>
                  <th scope="col">{t("columns.started")}</th>
                  <th scope="col" className="num">{t("columns.duration")}</th>
                  <th scope="col">{t("columns.error")}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((ex) => (
                  <tr key={ex.id}>
                    <td data-label={t("columns.run")}>
                      <Link to={`/workflows/${ex.workflow_id}/executions/${ex.id}`}>#{ex.id}</Link>
                      <div className="hint">
                        {triggerLabel(ex.trigger_type)}
                        {ex.rerun_of_id ? t("rerunOf", { id: ex.rerun_of_id }) : ""}
                      </div>
                    </td>
                    <td data-label={t("columns.workflow")}>
                      <Link to={`/workflows/${ex.workflow_id}`}>{workflows.name(ex.workflow_id)}</Link>
                      <div className="hint">
                        <Link to={`/workflows/${ex.workflow_id}?tab=versions&version=${ex.version}`}>{t("version", { version: ex.version })}</Link>
                      </div>
                    </td>
                    <td data-label={t("columns.status")}>
                      <StatusBadge status={ex.status} />
                      {ex.waiting_for && <span className="hint"> {ex.waiting_for}</span>}
                      {ex.steps_failed > 0 && <div className="hint">{stepsFailedText(ex.steps_failed)}</div>}
                    </td>
                    <td data-label={t("columns.record")}>
                      <RecordCell run={ex} />
                    </td>
                    <td data-label={t("columns.started")}>
                      <time dateTime={ex.started_at ?? ex.created_at} title={formatRelative(ex.started_at ?? ex.created_at, undefined, i18n.language)}>
                        {formatDateTime(ex.started_at ?? ex.created_at, i18n.language)}
                      </time>
                    </td>
                    <td className="num" data-label={t("columns.duration")}>{formatDuration(ex.duration_ms)}</td>
                    <td className="wf-error-cell" data-label={t("columns.error")} title={ex.error_message ?? undefined}>
                      {ex.error_message ?? ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            page={list.data.page}
            pages={list.data.pages}
            total={list.data.total}
            onPage={(p) => update({ page: p > 1 ? String(p) : "" })}
          />
        </>
      )}
    </section>
  );
}
