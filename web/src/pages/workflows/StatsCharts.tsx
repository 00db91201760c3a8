// Charts of a workflow's daily statistics, drawn as plain SVG: runs per day by status (stacked
// bars), success rate and p50/p95 duration (lines). A chart library cost 450 kB and ~200 ms of
// script on this page for three simple charts. Each chart also carries its figures as a table
// for screen readers, and shows a day's figures on hover.
import { useLayoutEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import i18n from "../../i18n";
import { labelIndexes, linear, niceTicks, tickLabel } from "./chartScales";
import { statusText } from "../../components/common";
import type { DailyStat } from "./labels";

export const COLORS = {
  success: "#1e8e4e",
  partial: "#e8900c",
  failed: "#c0392b",
  skipped: "#8a93a6",
  rejected: "#7d4fa8",
  cancelled: "#5b6475",
};
export const STATUSES = ["success", "partial", "failed", "skipped", "rejected", "cancelled"] as const;
const HEIGHT = 220;
const MARGIN = { top: 10, right: 16, bottom: 26 };

export interface Series {
  key: string;
  label: string;
  color: string;
  values: (number | null)[];
}

export const shortDate = (d: string) => {
  const date = new Date(`${d}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? d : date.toLocaleDateString(i18n.language, { month: "short", day: "numeric", timeZone: "UTC" });
};

/** The width of the returned ref's element, kept current as it resizes. */
function useWidth() {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

export interface DayChartProps {
  title: string;
  summary: string;
  labels: string[];
  series: Series[];
  kind: "stacked" | "lines";
  /** Shown after each value (" %", " ms"). */
  unit?: string;
  /** A fixed top of the y axis (100 for percentages); else from the data. */
  yMax?: number;
  integers?: boolean;
  legend?: boolean;
}

/** One chart: axes, grid, bars or lines, a legend, a hover/focus tooltip and a data table. */
export function DayChart({ title, summary, labels, series, kind, unit = "", yMax, integers = false, legend = true }: DayChartProps) {
  const { t } = useTranslation("workflow", { keyPrefix: "charts" });
  const [box, width] = useWidth();
  const [hovered, setHovered] = useState<number | null>(null);
  const n = labels.length;
  const stackTotals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const dataMax = kind === "stacked" ? Math.max(0, ...stackTotals) : Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const ticks = yMax !== undefined ? niceTicks(yMax, 4, integers) : niceTicks(dataMax, 4, integers);
  const top = ticks[ticks.length - 1];
  const left = Math.max(28, 10 + 7 * Math.max(...ticks.map((t) => (tickLabel(t) + unit).length)));
  const plotRight = Math.max(left + 10, width - MARGIN.right);
  const band = (plotRight - left) / Math.max(n, 1);
  const y = linear(top, HEIGHT - MARGIN.bottom, MARGIN.top);
  const xMid = (i: number) => left + band * (i + 0.5);
  const show = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${tickLabel(v)}${unit}`);

  return (
    <figure className="card wf-chart" aria-label={title}>
      <figcaption>
        <strong>{title}</strong> <span className="hint">{summary}</span>
      </figcaption>
      <div className="wf-chart-box" ref={box}>
        {width > 0 && (
          <svg className="chart-svg" width={width} height={HEIGHT} aria-hidden="true" onMouseLeave={() => setHovered(null)}>
            {ticks.map((t) => (
              <g key={t}>
                <line className="chart-grid" x1={left} x2={plotRight} y1={y(t)} y2={y(t)} />
                <text className="chart-tick" x={left - 6} y={y(t)} dy="0.32em" textAnchor="end">
                  {tickLabel(t)}{unit}
                </text>
              </g>
            ))}
            <line className="chart-axis" x1={left} x2={plotRight} y1={y(0)} y2={y(0)} />
            {labelIndexes(n, band, 56).map((i) => (
              <text key={i} className="chart-tick" x={xMid(i)} y={HEIGHT - MARGIN.bottom + 16} textAnchor="middle">
                {labels[i]}
              </text>
            ))}
            {hovered !== null && <rect className="chart-hover" x={left + band * hovered} y={MARGIN.top} width={band} height={y(0) - MARGIN.top} />}
            {kind === "stacked"
              ? labels.map((_, i) => {
                let base = 0;
                const barWidth = Math.max(1, Math.min(band * 0.7, 28));
                return (
                  <g key={i}>
                    {series.map((s) => {
                      const v = s.values[i] ?? 0;
                      if (v <= 0) return null;
                      const y0 = y(base);
                      base += v;
                      return <rect key={s.key} x={xMid(i) - barWidth / 2} y={y(base)} width={barWidth} height={Math.max(0, y0 - y(base))} fill={s.color} />;
                    })}
                  </g>
                );
              })
              : series.map((s) => {
                const points = s.values.map((v, i) => (v === null ? null : ([xMid(i), y(v)] as const))).filter((p) => p !== null);
                return (
                  <g key={s.key}>
                    {/* Days without a value are skipped: the line joins the days around them. */}
                    <polyline className="chart-line" points={points.map(([px, py]) => `${px},${py}`).join(" ")} stroke={s.color} />
                    {points.map(([px, py], i) => <circle key={i} cx={px} cy={py} r={2.5} fill="#fff" stroke={s.color} />)}
                  </g>
                );
              })}
            {labels.map((_, i) => (
              <rect key={i} className="chart-hit" x={left + band * i} y={MARGIN.top} width={band} height={y(0) - MARGIN.top}
                onMouseEnter={() => setHovered(i)} />
            ))}
          </svg>
        )}
        {hovered !== null && width > 0 && (
          <div className="chart-tooltip" role="presentation" style={{ left: Math.min(xMid(hovered) + 12, width - 170), top: MARGIN.top }}>
            <strong>{labels[hovered]}</strong>
            {series.map((s) => (
              <div key={s.key}>
                <span className="chart-swatch" style={{ background: s.color }} /> {s.label}: {show(s.values[hovered])}
              </div>
            ))}
          </div>
        )}
      </div>
      {legend && (
        <ul className="chart-legend" aria-hidden="true">
          {series.map((s) => (
            <li key={s.key}>
              <span className="chart-swatch" style={{ background: s.color }} /> {s.label}
            </li>
          ))}
        </ul>
      )}
      {/* A table ignores overflow and height: unwrapped, its rows stretched the page below the charts. */}
      <div className="visually-hidden">
      <table>
        <caption>{t("perDay", { title })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("day")}</th>
            {series.map((s) => <th key={s.key} scope="col">{s.label}</th>)}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            <tr key={i}>
              <th scope="row">{label}</th>
              {series.map((s) => <td key={s.key}>{show(s.values[i])}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </figure>
  );
}

export default function StatsCharts({ days }: { days: DailyStat[] }) {
  const { t } = useTranslation("workflow", { keyPrefix: "charts" });
  const total = days.reduce((n, d) => n + d.total, 0);
  const success = days.reduce((n, d) => n + d.success, 0);
  const partial = days.reduce((n, d) => n + d.partial, 0);
  // Fast workflows run in milliseconds: pick the unit from the slowest p95 of the range.
  const slowest = Math.max(0, ...days.map((d) => d.p95_duration_seconds ?? d.p50_duration_seconds ?? 0));
  const inMs = slowest < 1;
  const scale = (v: number | null | undefined) =>
    v === null || v === undefined ? null : inMs ? Math.round(v * 10000) / 10 : Math.round(v * 100) / 100;
  const labels = days.map((d) => shortDate(d.date));
  return (
    <div className="wf-charts">
      <DayChart
        title={t("runsPerDay")}
        summary={t("finished", { count: total }) + t("succeeded", { count: success }) + (partial ? t("partial", { count: partial }) : "")}
        labels={labels}
        kind="stacked"
        integers
        series={STATUSES.map((s) => ({ key: s, label: statusText(s), color: COLORS[s], values: days.map((d) => d[s]) }))}
      />
      <DayChart
        title={t("successRate")}
        summary={t("rateSummary")}
        labels={labels}
        kind="lines"
        unit="%"
        yMax={100}
        legend={false}
        // Days on which no run acted (none, or only skipped) have no rate: a gap, not a 0.
        series={[{ key: "rate", label: t("rateSeries"), color: COLORS.success, values: days.map((d) => d.success_rate ?? null) }]}
      />
      <DayChart
        title={t("duration")}
        summary={t(inMs ? "durationMs" : "durationS")}
        labels={labels}
        kind="lines"
        unit={inMs ? " ms" : " s"}
        series={[
          { key: "p50", label: "p50", color: "#2f5bd3", values: days.map((d) => scale(d.p50_duration_seconds)) },
          { key: "p95", label: "p95", color: "#b7791f", values: days.map((d) => scale(d.p95_duration_seconds)) },
        ]}
      />
    </div>
  );
}
