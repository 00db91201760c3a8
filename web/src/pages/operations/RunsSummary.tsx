// The operations page's run counts: totals by final status, runs in flight, open breaches, and
// the runs per day by status as a stacked bar chart (the Statistics tab's chart).
import { useTranslation } from "react-i18next";
import { statusText } from "../../components/common";
import { COLORS, DayChart, shortDate, STATUSES } from "../workflows/StatsCharts";
import { statusLabel } from "../workflows/labels";
import { dayKeys, type Overview } from "./labels";
import { count } from "./OverviewTables";

export function Totals({ overview }: { overview: Overview }) {
  const { t } = useTranslation("operations");
  const finished = Object.values(overview.totals).reduce((n, c) => n + c, 0);
  const cards: [string, number, string?][] = [
    [t("totals.finished"), finished],
    ...STATUSES.map((s): [string, number, string] => [statusLabel(s), overview.totals[s] ?? 0, COLORS[s]]),
    [t("totals.inFlight"), overview.runs_in_flight],
    [t("totals.openBreaches"), overview.open_breaches],
  ];
  return (
    <dl className="wf-cards" aria-label={t("totals.label")}>
      {cards.map(([label, value, color]) => (
        <div className="card wf-stat" key={label}>
          <dt>
            {color && <span className="chart-swatch" style={{ background: color }} aria-hidden="true" />} {label}
          </dt>
          <dd>{count(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function RunsPerDayChart({ overview }: { overview: Overview }) {
  const { t } = useTranslation("operations");
  const counts = new Map<string, number>();
  for (const { day, status, count } of overview.runs_per_day) counts.set(`${day}|${status}`, count);
  // Every day of the window, with or without runs (and any day the server counted beyond it).
  const days = [...new Set([...dayKeys(overview.days), ...overview.runs_per_day.map((d) => d.day)])].sort();
  const total = overview.runs_per_day.reduce((n, d) => n + d.count, 0);
  const failed = overview.totals.failed ?? 0;
  const partial = overview.totals.partial ?? 0;
  if (total === 0) {
    return (
      <div className="card wf-empty">
        <p>{t("chart.empty")}</p>
      </div>
    );
  }
  return (
    <div className="wf-charts ops-chart">
      <DayChart
        title={t("chart.title")}
        summary={
          t("chart.finished", { count: total }) +
          (failed ? t("chart.failed", { count: failed }) : "") +
          (partial ? t("chart.partial", { count: partial }) : "")
        }
        labels={days.map(shortDate)}
        kind="stacked"
        integers
        series={STATUSES.map((s) => ({
          key: s,
          label: statusText(s),
          color: COLORS[s],
          values: days.map((d) => counts.get(`${d}|${s}`) ?? 0),
        }))}
      />
    </div>
  );
}
