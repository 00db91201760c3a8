// A back-test's report: what was replayed, what triggered and what was skipped (and why), the
// outcomes, the branches taken, the approvers asked, sample events, and the difference with the
// current version.
import type { ReactNode } from "react";
import { StatusBadge } from "../../components/common";
import { formatDateTime } from "../../format";
import type { BacktestDiff, BacktestReport as Report, Counts } from "./types";

function total(counts: Counts | undefined): number {
  return Object.values(counts ?? {}).reduce((a, b) => a + (typeof b === "number" ? b : 0), 0);
}

function n(value: number | undefined | null): string {
  return typeof value === "number" ? value.toLocaleString() : "—";
}

function CountTable({ counts, head, label, render }: {
  counts: Counts;
  head: string;
  label: string;
  render?: (key: string) => ReactNode;
}) {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return <p className="hint">None.</p>;
  return (
    <table className="sim-table" aria-label={label}>
      <thead><tr><th>{head}</th><th className="num">Events</th></tr></thead>
      <tbody>
        {rows.map(([key, count]) => (
          <tr key={key}><td>{render ? render(key) : key}</td><td className="num">{n(count)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

function Samples({ samples }: { samples: Record<string, number[]> }) {
  const entries = Object.entries(samples).filter(([, ids]) => Array.isArray(ids) && ids.length);
  if (entries.length === 0) return null;
  return (
    <dl className="sim-samples">
      {entries.map(([key, ids]) => (
        <div key={key}>
          <dt>{key.replace(/_/g, " ")}</dt>
          <dd>{ids.map((id) => `#${id}`).join(", ")}</dd>
        </div>
      ))}
    </dl>
  );
}

function DiffView({ diff }: { diff: BacktestDiff }) {
  return (
    <section aria-label="Difference with the real runs">
      <h4>Compared with what version {diff.version ?? "?"} really did</h4>
      <dl className="sim-figures">
        <div><dt>Same result</dt><dd>{n(diff.same)}</dd></div>
        <div><dt>Would run now, did not run then</dt><dd>{n(diff.only_draft)}</dd></div>
        <div><dt>Ran then, would not run now</dt><dd>{n(diff.only_current)}</dd></div>
        <div><dt>Different outcome</dt><dd>{n(diff.different_outcome)}</dd></div>
      </dl>
      {diff.note && <p className="hint">Note: {diff.note}.</p>}
      {diff.samples && <Samples samples={diff.samples} />}
    </section>
  );
}

export function BacktestReport({ report, labelOfPath }: { report: Report; labelOfPath: (path: string) => string }) {
  const skippedByConditions = total(report.skipped?.conditions);
  const branches = Object.entries(report.branches ?? {});
  const approvers = Object.entries(report.approvers ?? {});
  return (
    <section className="sim-backtest-report" aria-label="Back-test report">
      {report.window && (
        <p className="hint">
          Events from {formatDateTime(report.window.from)} to {formatDateTime(report.window.to)}
        </p>
      )}
      <dl className="sim-figures">
        <div><dt>Events considered</dt><dd>{n(report.events_considered)}</dd></div>
        <div><dt>Triggered</dt><dd>{n(report.triggered)}</dd></div>
        <div><dt>Skipped by the trigger filter</dt><dd>{n(report.skipped?.trigger_filter)}</dd></div>
        <div><dt>Skipped by the conditions</dt><dd>{n(skippedByConditions)}</dd></div>
      </dl>
      {skippedByConditions > 0 && (
        <>
          <h4>Skipped by the conditions, by the condition not met</h4>
          <CountTable counts={report.skipped!.conditions!} head="Condition not met" label="Skipped by reason" />
        </>
      )}
      <h4>Outcomes</h4>
      <CountTable counts={report.outcomes ?? {}} head="Outcome" label="Outcomes" render={(s) => <StatusBadge status={s} />} />
      {branches.length > 0 && (
        <>
          <h4>Branches taken</h4>
          {branches.map(([path, counts]) => (
            <div key={path} className="sim-report-block">
              <p className="sim-report-label">{labelOfPath(path)}</p>
              <CountTable counts={counts} head="Outcome" label={`Branches of ${labelOfPath(path)}`} />
            </div>
          ))}
        </>
      )}
      {approvers.length > 0 && (
        <>
          <h4>Approvers asked</h4>
          {approvers.map(([path, counts]) => (
            <div key={path} className="sim-report-block">
              <p className="sim-report-label">{labelOfPath(path)}</p>
              <CountTable counts={counts} head="Approver" label={`Approvers of ${labelOfPath(path)}`} />
            </div>
          ))}
        </>
      )}
      {report.samples && Object.keys(report.samples).length > 0 && (
        <>
          <h4>Sample events</h4>
          <Samples samples={report.samples} />
        </>
      )}
      {report.diff ? <DiffView diff={report.diff} /> : "diff" in report && (
        <p className="hint">
          Not compared with real runs: only the saved version, unchanged, can be (an unsaved draft is replayed on its own).
        </p>
      )}
    </section>
  );
}
