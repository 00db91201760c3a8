// Every decision point of the workflow (trigger filter, conditions, a step's `when`, a branch)
// with the ways it can go; "Try this" re-runs the test with an input that takes an alternative.
import { kindLabel } from "./highlight";
import type { BranchExploration, Example } from "./types";

function decisionTitle(point: BranchExploration): string {
  const kind = kindLabel(point.kind);
  if (point.kind === "trigger" || point.kind === "conditions") return kind;
  return `${kind}: ${point.name || point.path}`;
}

export function BranchExplorations({ points, onTry, busy }: {
  points: BranchExploration[];
  onTry: (example: Example) => void;
  busy?: boolean;
}) {
  if (points.length === 0) return <p className="hint">This workflow has no decisions.</p>;
  return (
    <ul className="sim-explorations">
      {points.map((point, i) => {
        const title = decisionTitle(point);
        return (
          <li key={`${point.path}-${i}`} className="sim-exploration">
            <section aria-label={`Decision: ${title}`}>
              <p className="sim-exploration-head">
                <strong>{title}</strong>{" "}
                {point.reached
                  ? point.taken && <span className="hint">went “{point.taken}”</span>
                  : <span className="badge">not reached</span>}
              </p>
              {point.explanation && <p className="hint">{point.explanation}</p>}
              <ul className="sim-alternatives">
                {point.alternatives.map((alt, j) => {
                  const taken = alt.taken || (point.reached && point.taken === alt.outcome);
                  return (
                    <li key={j} className={`sim-alternative${taken ? " taken" : ""}`}>
                      <span className="sim-outcome">{alt.outcome}</span>
                      <span className="sim-predicate">{alt.predicate}</span>
                      {taken && <span className="badge badge-running">taken</span>}
                      {!alt.reachable && <span className="badge">unreachable</span>}
                      {!taken && !alt.example && alt.why_not && <span className="hint">No example: {alt.why_not}</span>}
                      {!taken && alt.example && (
                        <button type="button" disabled={busy} onClick={() => onTry(alt.example as Example)}
                          aria-label={`Try this: ${title}, ${alt.outcome}`}>
                          Try this
                        </button>
                      )}
                    </li>
                  );
                })}
              </ul>
            </section>
          </li>
        );
      })}
    </ul>
  );
}
