// Charts of a workflow's daily statistics (recharts); loaded with React.lazy from StatsTab so
// that no other page ships recharts.
import {
  Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis,
} from "recharts";
import type { DailyStat } from "./labels";

const COLORS = {
  success: "#1e8e4e",
  failed: "#c0392b",
  skipped: "#8a93a6",
  rejected: "#b7791f",
  cancelled: "#5b6475",
};
const STATUSES = ["success", "failed", "skipped", "rejected", "cancelled"] as const;

const shortDate = (d: string) => {
  const date = new Date(`${d}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? d : date.toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
};

function ChartFigure({ title, summary, children }: { title: string; summary: string; children: React.ReactElement }) {
  return (
    <figure className="card wf-chart" aria-label={title}>
      <figcaption>
        <strong>{title}</strong> <span className="hint">{summary}</span>
      </figcaption>
      <div className="wf-chart-box">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export default function StatsCharts({ days }: { days: DailyStat[] }) {
  const total = days.reduce((n, d) => n + d.total, 0);
  const success = days.reduce((n, d) => n + d.success, 0);
  // Fast workflows run in milliseconds: pick the unit from the slowest p95 of the range.
  const slowest = Math.max(0, ...days.map((d) => d.p95_duration_seconds ?? d.p50_duration_seconds ?? 0));
  const inMs = slowest < 1;
  const scale = (v: number | null) => (v === null || v === undefined ? null : inMs ? Math.round(v * 10000) / 10 : Math.round(v * 100) / 100);
  const unit = inMs ? "ms" : "s";
  const data = days.map((d) => ({
    ...d,
    label: shortDate(d.date),
    // Days without finished runs have no rate or duration: leave a gap, not a 0.
    rate: d.total > 0 ? d.success_rate : null,
    p50: scale(d.p50_duration_seconds),
    p95: scale(d.p95_duration_seconds),
  }));
  return (
    <div className="wf-charts">
      <ChartFigure title="Runs per day" summary={`${total} finished runs, ${success} succeeded`}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" minTickGap={16} />
          <YAxis allowDecimals={false} width={40} />
          <Tooltip />
          <Legend />
          {STATUSES.map((s) => (
            <Bar key={s} dataKey={s} name={s} stackId="runs" fill={COLORS[s]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ChartFigure>
      <ChartFigure title="Success rate" summary="percentage of finished runs that succeeded">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" minTickGap={16} />
          <YAxis domain={[0, 100]} unit="%" width={52} />
          <Tooltip formatter={(v) => (typeof v === "number" ? `${v.toFixed(1)} %` : String(v))} />
          <Line type="monotone" dataKey="rate" name="success rate" stroke={COLORS.success} dot={{ r: 2 }} connectNulls isAnimationActive={false} />
        </LineChart>
      </ChartFigure>
      <ChartFigure title="Duration" summary={`median (p50) and p95, in ${inMs ? "milliseconds" : "seconds"}`}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" minTickGap={16} />
          <YAxis unit={` ${unit}`} width={76} />
          <Tooltip formatter={(v) => (typeof v === "number" ? `${v} ${unit}` : String(v))} />
          <Legend />
          <Line type="monotone" dataKey="p50" name="p50" stroke="#2f5bd3" dot={{ r: 2 }} connectNulls isAnimationActive={false} />
          <Line type="monotone" dataKey="p95" name="p95" stroke="#b7791f" dot={{ r: 2 }} connectNulls isAnimationActive={false} />
        </LineChart>
      </ChartFigure>
    </div>
  );
}
