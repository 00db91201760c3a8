// How long the run would take (p50 / p90), and each step's share with where its figure comes from.
import type { PredictedDuration, StepDuration } from "./types";

function asNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** A predicted duration: ms for quick steps, up to days for runs that wait (delays, approvals). */
export function formatPredicted(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

export function readDuration(raw: Record<string, unknown> | null | undefined): PredictedDuration | null {
  if (!raw) return null;
  const steps = Array.isArray(raw.steps) ? (raw.steps as StepDuration[]) : [];
  return { p50: asNumber(raw.p50), p90: asNumber(raw.p90), steps };
}

export function DurationView({ duration, labelOfPath }: {
  duration: PredictedDuration;
  labelOfPath: (path: string) => string;
}) {
  const steps = duration.steps ?? [];
  return (
    <div className="sim-duration">
      <dl className="sim-figures">
        <div><dt>Typical (p50)</dt><dd>{formatPredicted(duration.p50)}</dd></div>
        <div><dt>Slow (p90)</dt><dd>{formatPredicted(duration.p90)}</dd></div>
      </dl>
      {steps.length > 0 && (
        <details>
          <summary>By step</summary>
          <table className="sim-table">
            <thead><tr><th>Step</th><th className="num">p50</th><th className="num">p90</th><th>Based on</th></tr></thead>
            <tbody>
              {steps.map((s, i) => (
                <tr key={`${s.path}-${i}`}>
                  <td>{labelOfPath(s.path)}</td>
                  <td className="num">{formatPredicted(asNumber(s.p50))}</td>
                  <td className="num">{formatPredicted(asNumber(s.p90))}</td>
                  <td>{s.basis ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
