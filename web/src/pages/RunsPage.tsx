// /runs: every run of every workflow, newest first, paginated on the server; filters by status,
// workflow, date range and record, all kept in the query string.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, unwrap } from "../api/client";
import { ErrorMessage, Loading, Pager, StatusBadge } from "../components/common";
import { formatDateTime, formatDuration, formatRelative } from "../format";
import { apiQuery, isFiltered, readFilters, RECORD_TYPES } from "./runs/filters";
import { IDLE_POLL_MS, POLL_MS } from "./workflows/ExecutionsTab";
import { EXECUTION_STATUSES, humanize, IN_FLIGHT, statusLabel, stepsFailedText, triggerLabel } from "./workflows/labels";
import { useWorkflowNames } from "./workflows/useWorkflowNames";
import "./workflows/workflows.css";
import "./operations/operations.css";

const PAGE_SIZE = 25;

export default function RunsPage() {
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
        <h1 id="runs-title">All runs</h1>
      </div>
      <form
        className="row wf-filters runs-filters"
        role="search"
        aria-label="Filter runs"
        onSubmit={(e) => e.preventDefault()}
      >
        <button
          type="button"
          className="wf-clear"
          aria-pressed={failedOnly}
          onClick={() => update({ status: failedOnly ? "" : "failed" })}
        >
          Failed
        </button>
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={filters.status} onChange={(e) => update({ status: e.target.value })}>
            <option value="">All statuses</option>
            {EXECUTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-workflow`}>Workflow</label>
          <select id={`${id}-workflow`} value={filters.workflowId ?? ""} onChange={(e) => update({ workflow_id: e.target.value })}>
            <option value="">All workflows</option>
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
          <label htmlFor={`${id}-since`}>From</label>
          <input
            id={`${id}-since`}
            type="date"
            value={filters.since}
            max={filters.until || undefined}
            onChange={(e) => update({ since: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-until`}>To (included)</label>
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
          <label htmlFor={`${id}-type`}>Record type</label>
          <select id={`${id}-type`} value={filters.recordType} onChange={(e) => update({ record_type: e.target.value })}>
            <option value="">Any record</option>
            {RECORD_TYPES.map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-record`}>Record ID</label>
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
            Clear filters
          </button>
        )}
      </form>
      {badRange && <p className="field-error" role="alert">The end date is before the start date: no run can match.</p>}
      {workflows.truncated && (
        <p className="hint">More than {workflows.items.length} workflows: some are shown by their number.</p>
      )}

      {list.isPending ? (
        <Loading label="Loading runs…" />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <div className="card wf-empty">
          {filters.page > 1 ? (
            <p>
              There is nothing on page {filters.page}.{" "}
              <button type="button" className="link" onClick={() => update({ page: "" })}>
                Go to the first page
              </button>
            </p>
          ) : (
            <p>{filtered ? "No run matches these filters." : "No workflow has run yet."}</p>
          )}
        </div>
      ) : (
        <>
          <div className="wf-table-wrap" aria-busy={list.isFetching && list.isPlaceholderData}>
            <table className="wf-table stack-table">
              <caption className="visually-hidden">
                Runs, newest first, page {list.data.page} of {list.data.pages}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Workflow</th>
                  <th scope="col">Status</th>
                  <th scope="col">Record</th>
                  <th scope="col">Started</th>
                  <th scope="col" className="num">Duration</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((ex) => (
                  <tr key={ex.id}>
                    <td data-label="Run">
                      <Link to={`/workflows/${ex.workflow_id}/executions/${ex.id}`}>#{ex.id}</Link>
                      <div className="hint">
                        {triggerLabel(ex.trigger_type)}
                        {ex.rerun_of_id ? ` · re-run of #${ex.rerun_of_id}` : ""}
                      </div>
                    </td>
                    <td data-label="Workflow">
                      <Link to={`/workflows/${ex.workflow_id}`}>{workflows.name(ex.workflow_id)}</Link>
                      <div className="hint">
                        <Link to={`/workflows/${ex.workflow_id}?tab=versions&version=${ex.version}`}>version {ex.version}</Link>
                      </div>
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={ex.status} />
                      {ex.waiting_for && <span className="hint"> {ex.waiting_for}</span>}
                      {ex.steps_failed > 0 && <div className="hint">{stepsFailedText(ex.steps_failed)}</div>}
                    </td>
                    <td data-label="Record">
                      {ex.trigger_entity_type ? (
                        `${ex.trigger_entity_type} #${ex.trigger_entity_id ?? "?"}`
                      ) : (
                        <span className="hint">—</span>
                      )}
                    </td>
                    <td data-label="Started">
                      <time dateTime={ex.started_at ?? ex.created_at} title={formatRelative(ex.started_at ?? ex.created_at)}>
                        {formatDateTime(ex.started_at ?? ex.created_at)}
                      </time>
                    </td>
                    <td className="num" data-label="Duration">{formatDuration(ex.duration_ms)}</td>
                    <td className="wf-error-cell" data-label="Error" title={ex.error_message ?? undefined}>
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
