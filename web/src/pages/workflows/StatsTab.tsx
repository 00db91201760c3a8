// The statistics tab: summary cards from /stats and per-day charts from /stats/daily.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { ErrorMessage, Loading } from "../../components/common";
import { formatDateTime, formatDuration, formatPercent, formatRelative } from "../../format";
import type { workflow as english } from "../../i18n/en/workflow";
import StatsCharts from "./StatsCharts";

export const RANGES = [7, 30, 90];

/** A summary card's name in the catalogue (stats.cards.*); the notes are not cards. */
type Card = Exclude<keyof typeof english.stats.cards, "skippedNote" | "partialNote">;

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
  const { t, i18n: { language } } = useTranslation("workflow", { keyPrefix: "stats" });
  const count = (n: number) => n.toLocaleString(language);
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
  if (stats.isPending) summary = <Loading label={t("loading")} />;
  else if (stats.isError) summary = <ErrorMessage error={stats.error} onRetry={() => void stats.refetch()} />;
  else {
    const s = stats.data;
    const definition = t("rateDefinition");
    // [card, value, what it counts]: the success rate carries its definition.
    const cards: [Card, string, string?][] = [
      ["totalRuns", count(s.total_executions)],
      ["successRate", formatPercent(s.success_rate), definition],
      ["skipped", count(s.skipped_count), t("cards.skippedNote")],
      ["succeeded", count(s.success_count)],
      ["partial", count(s.partial_count), t("cards.partialNote")],
      ["failed", count(s.failed_count)],
      ["rejected", count(s.rejected_count)],
      ["cancelled", count(s.cancelled_count)],
      ["inProgress", count(s.pending_count + s.running_count + s.waiting_count)],
      ["averageDuration", s.total_executions ? seconds(s.avg_duration_seconds) : "—"],
      ["median", seconds(s.p50_duration_seconds)],
      ["p95", seconds(s.p95_duration_seconds)],
      ["lastRun", s.last_execution ? formatRelative(s.last_execution, undefined, language) : t("never")],
    ];
    summary = (
      <>
        <dl className="wf-cards" aria-label={t("summary")}>
          {cards.map(([card, value, note]) => (
            <div className="card wf-stat" key={card} title={note}>
              <dt>{t(`cards.${card}`)}</dt>
              <dd title={card === "lastRun" ? formatDateTime(s.last_execution, language) : undefined}>{value}</dd>
            </div>
          ))}
        </dl>
        <p className="hint">{t(s.success_rate === null ? "rateLineNone" : "rateLine", { definition })}</p>
        {s.total_executions > 0 && (
          <p className="hint">
            {t("inProgressLine", { pending: s.pending_count, running: s.running_count, waiting: s.waiting_count })}
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
        <h3>{t("perDay")}</h3>
        <span className="spacer" />
        <label className="field wf-inline-field">
          <span>{t("range")}</span>
          <select value={days} onChange={(e) => onDays(Number(e.target.value))}>
            {RANGES.map((d) => (
              <option key={d} value={d}>
                {t("lastDays", { count: d })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {daily.isPending ? (
        <Loading label={t("loadingDaily")} />
      ) : daily.isError ? (
        <ErrorMessage error={daily.error} onRetry={() => void daily.refetch()} />
      ) : !hasRuns ? (
        <div className="card wf-empty">
          <p>{t("noRuns", { count: days })}</p>
        </div>
      ) : (
        <StatsCharts days={daily.data.days} />
      )}
    </div>
  );
}
