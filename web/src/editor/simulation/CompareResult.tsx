// The saved version and the editor's draft run on the same input, side by side.
import { StatusBadge } from "../../components/common";
import type { CompareReport, CompareSide, SimulationOut } from "./types";

/** A side's value in a difference: a step's status, an outcome, an approval chain (emails per level). */
function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) {
    if (value.length === 0) return "nobody";
    return value.map((level) => (Array.isArray(level) ? level.join(", ") || "nobody" : String(level))).join(" → ");
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

function SideBadge({ side }: { side: CompareSide | undefined }) {
  if (side?.status === "invalid") return <span className="badge badge-invalid">invalid</span>;
  if (side?.outcome) return <StatusBadge status={side.outcome} />;
  if (side?.would_trigger === false) return <span className="badge badge-skipped">not triggered</span>;
  return <span className="badge">unknown</span>;
}

function Side({ title, side }: { title: string; side: CompareSide | undefined }) {
  return (
    <div>
      <dt>{title}</dt>
      <dd><SideBadge side={side} /></dd>
    </div>
  );
}

export function CompareResult({ sim, labelOfPath }: { sim: SimulationOut; labelOfPath: (path: string) => string }) {
  if (sim.status !== "completed") {
    return <div className="error-box" role="alert"><p>The comparison did not run: {sim.error ?? sim.status}</p></div>;
  }
  const report = (sim.report ?? {}) as CompareReport;
  const differences = report.differences ?? [];
  return (
    <section className="sim-compare" aria-label="Comparison with the saved version">
      <dl className="sim-figures">
        <Side title={`Saved version${report.a?.version ? ` ${report.a.version}` : ""}`} side={report.a} />
        <Side title="This draft" side={report.b} />
      </dl>
      {(report.b?.validation_errors?.length ?? 0) > 0 && (
        <p className="error">This draft is not valid: {report.b!.validation_errors!.map((e) => `${e.path}: ${e.message}`).join("; ")}</p>
      )}
      {differences.length === 0 ? (
        <p>Both take the same path on this input.</p>
      ) : (
        <table className="sim-table" aria-label="Differences">
          <thead><tr><th>Step</th><th>Saved version</th><th>This draft</th></tr></thead>
          <tbody>
            {differences.map((d, i) => (
              <tr key={`${d.path}-${i}`}>
                <td>{d.name || labelOfPath(d.path)}</td>
                <td>{show(d.a)}</td>
                <td>{show(d.b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
