// The operations page's tables: the workflows that fail most, the slowest ones, and each
// active SLA's compliance against its objective.
import { Link } from "react-router-dom";
import { formatDuration } from "../../format";
import type { Overview } from "./labels";

const seconds = (v: number | null | undefined) => formatDuration(v === null || v === undefined ? v : v * 1000);

/** A 0–1 share as a percentage with at most one decimal: 0.2 -> "20 %", 0.0417 -> "4.2 %". */
export function shareText(share: number): string {
  return `${Number((share * 100).toFixed(1)).toLocaleString()} %`;
}

export function FailingTable({ rows }: { rows: Overview["top_failing"] }) {
  if (rows.length === 0) return <p className="card wf-empty">No failed runs in this window.</p>;
  return (
    <div className="wf-table-wrap">
      <table className="wf-table stack-table" aria-label="Top failing workflows">
        <thead>
          <tr>
            <th scope="col">Workflow</th>
            <th scope="col" className="num">Failed</th>
            <th scope="col" className="num">Completed with errors</th>
            <th scope="col" className="num" title="success + completed with errors + failed + rejected">Runs that acted</th>
            <th scope="col" className="num" title="(failed + completed with errors) ÷ runs that acted">Failure share</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f.workflow_id}>
              <td data-label="Workflow"><Link to={`/workflows/${f.workflow_id}`}>{f.name}</Link></td>
              <td className="num" data-label="Failed">{f.failed.toLocaleString()}</td>
              <td className="num" data-label="Completed with errors">{f.partial.toLocaleString()}</td>
              <td className="num" data-label="Runs that acted">{f.acted.toLocaleString()}</td>
              <td className="num" data-label="Failure share">{shareText(f.failure_share)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SlowestTable({ rows }: { rows: Overview["slowest"] }) {
  if (rows.length === 0) return <p className="card wf-empty">No timed runs in this window.</p>;
  return (
    <div className="wf-table-wrap">
      <table className="wf-table stack-table" aria-label="Slowest workflows">
        <thead>
          <tr>
            <th scope="col">Workflow</th>
            <th scope="col" className="num">Runs</th>
            <th scope="col" className="num">Median (p50)</th>
            <th scope="col" className="num">p95</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.workflow_id}>
              <td data-label="Workflow"><Link to={`/workflows/${s.workflow_id}`}>{s.name}</Link></td>
              <td className="num" data-label="Runs">{s.runs.toLocaleString()}</td>
              <td className="num" data-label="Median (p50)">{seconds(s.p50_seconds)}</td>
              <td className="num" data-label="p95">{seconds(s.p95_seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Compliance against the objective: below it is marked, no run yet is said so. */
export function ObjectiveBadge({ meets }: { meets: boolean | null | undefined }) {
  if (meets === null || meets === undefined) return <span className="hint">—</span>;
  return meets ? (
    <span className="badge badge-success">meets objective</span>
  ) : (
    <span className="badge badge-failed">below objective</span>
  );
}

export function Compliance({ value }: { value: number | null | undefined }) {
  if (value === null || value === undefined) return <span className="hint">no runs yet</span>;
  return <>{formatSlo(value)}</>;
}

/** An SLO percentage with the precision it needs, rounded down (99.999 % is not 100 %). */
export function formatSlo(value: number): string {
  const step = value >= 99 ? 100 : 10;
  return `${(Math.floor(value * step + 1e-9) / step).toLocaleString()} %`;
}

export function SloTable({ rows }: { rows: Overview["slos"] }) {
  if (rows.length === 0) {
    return <p className="card wf-empty">No active SLA. Add one on a workflow's SLAs tab.</p>;
  }
  return (
    <div className="wf-table-wrap">
      <table className="wf-table stack-table" aria-label="SLO compliance">
        <thead>
          <tr>
            <th scope="col">SLA</th>
            <th scope="col">Workflow</th>
            <th scope="col" className="num">Compliance</th>
            <th scope="col" className="num">Objective</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">Open breaches</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.sla_id} className={s.meets_objective === false ? "ops-below" : undefined}>
              <td data-label="SLA">{s.sla_name}</td>
              <td data-label="Workflow"><Link to={`/workflows/${s.workflow_id}?tab=slas`}>{s.workflow_name}</Link></td>
              <td className="num ops-compliance" data-label="Compliance"><Compliance value={s.slo_percentage} /></td>
              <td className="num" data-label="Objective">{formatSlo(s.slo_target_percentage)}</td>
              <td data-label="Status"><ObjectiveBadge meets={s.meets_objective} /></td>
              <td className="num" data-label="Open breaches">{s.open_breaches.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
