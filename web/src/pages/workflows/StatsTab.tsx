// The statistics tab: summary cards from /stats and per-day charts from /stats/daily.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { ErrorMessage, Loading } from "../../components/common";
import { formatDateTime, formatDuration, formatPercent, formatRelative } from "../../format";

import { SUCCESS_RATE_DEFINITION } from "./labels";
import StatsCharts from "./StatsCharts";

export const RANGES = [7, 30, 90];

/** A duration in seconds from the API, formatted as everywhere else in the app. */
function seconds(value: number | null | undefined): string {
  return formatDuration(value === null || value === undefined ? value : value * 1000);
}

export function StatsTab({
  workflowId,
  days,
  onDays,
}: {
  workflowId: number;
  days: number;
  onDays: (days: number) => void;
}) {
  const stats = useQuery({
    queryKey: ["workflow", workflowId, "stats"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/workflows/{workflow_id}/stats", { params: { path: { workflow_id: workflowId } } })),
  });
  const daily = useQuery({
    queryKey: ["workflow", workflowId, "stats-daily", days],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/workflows/{workflow_id}/stats/daily", {
          params: { path: { workflow_id: workflowId }, query: { days } },
        }),
      ),
    placeholderData: keepPreviousData,
  });

  let summary;
  if (stats.isPending) summary = <Loading label="Loading statistics…" />;
  else if (stats.isError) summary = <ErrorMessage error={stats.error} onRetry={() => void stats.refetch()} />;
  else {
    const s = stats.data;
    // [label, value, what it counts]: the success rate carries its definition.
    const cards: [string, string, string?][] = [
      ["Total runs", s.total_executions.toLocaleString()],
      ["Success rate", formatPercent(s.success_rate), SUCCESS_RATE_DEFINITION],
      ["Skipped", s.skipped_count.toLocaleString(), "not in the success rate"],
      ["Succeeded", s.success_count.toLocaleString()],
      ["Completed with errors", s.partial_count.toLocaleString(), "went on past failed steps"],
      ["Failed", s.failed_count.toLocaleString()],
      ["Rejected", s.rejected_count.toLocaleString()],
      ["Cancelled", s.cancelled_count.toLocaleString()],
      ["In progress", (s.pending_count + s.running_count + s.waiting_count).toLocaleString()],
      ["Average duration", s.total_executions ? seconds(s.avg_duration_seconds) : "—"],
      ["Median (p50)", seconds(s.p50_duration_seconds)],
      ["p95", seconds(s.p95_duration_seconds)],
      ["Last run", s.last_execution ? formatRelative(s.last_execution) : "never"],
    ];
    summary = (
      <>
        <dl className="wf-cards" aria-label="Summary">
          {cards.map(([label, value, note]) => (
            <div className="card wf-stat" key={label} title={note}>
              <dt>{label}</dt>
              <dd title={label === "Last run" ? formatDateTime(s.last_execution) : undefined}>{value}</dd>
            </div>
          ))}
        </dl>
        <p className="hint">
          Success rate = {SUCCESS_RATE_DEFINITION}
          {s.success_rate === null ? " (no run has acted yet)." : "."}
        </p>
        {s.total_executions > 0 && (
          <p className="hint">
            In progress: {s.pending_count} pending, {s.running_count} running, {s.waiting_count} waiting.
          </p>
        )}
      </>
    );
  }

  const hasRuns = daily.data?.days.some((d) => d.total > 0);
  return (
    <div>
      {summary}
      <div className="row wf-range">
        <h3>Per day</h3>
        <span className="spacer" />
        <label className="field wf-inline-field">
          <span>Range</span>
          <select value={days} onChange={(e) => onDays(Number(e.target.value))}>
            {RANGES.map((d) => (
              <option key={d} value={d}>
                Last {d} days
              </option>
            ))}
          </select>
        </label>
      </div>
      {daily.isPending ? (
        <Loading label="Loading daily statistics…" />
      ) : daily.isError ? (
        <ErrorMessage error={daily.error} onRetry={() => void daily.refetch()} />
      ) : !hasRuns ? (
        <div className="card wf-empty">
          <p>No finished runs in the last {days} days.</p>
        </div>
      ) : (
        <StatsCharts days={daily.data.days} />
      )}
    </div>
  );
}
