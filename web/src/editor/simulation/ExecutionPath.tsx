// The simulated run's steps in order, indented by depth: status, the `when` decision, message,
// error, and the rendered input and predicted output on demand.
import { StatusBadge } from "../../components/common";
import type { PathStep } from "./types";

function decisionText(decision: PathStep["decision"]): string | null {
  if (!decision) return null;
  const result = decision.result;
  const verdict = result === true ? "holds" : result === false ? "does not hold" : result !== undefined && result !== null ? String(result) : "";
  const why = typeof decision.explanation === "string" ? decision.explanation : "";
  return [verdict && `Condition ${verdict}`, why].filter(Boolean).join(": ") || null;
}

export function ExecutionPath({ steps, typeLabel, onShowStep }: {
  steps: PathStep[];
  typeLabel: (type: string) => string;
  onShowStep?: (path: string) => void;
}) {
  if (steps.length === 0) return <p className="hint">No step would run.</p>;
  return (
    <ol className="sim-path" aria-label="Execution path">
      {steps.map((step) => {
        const label = step.name || typeLabel(step.type);
        const decision = decisionText(step.decision);
        return (
          <li key={step.path} className={`sim-path-step sim-status-${step.status}`} style={{ marginLeft: `${Math.max(0, step.depth) * 1.25}rem` }}>
            <div className="row tight sim-path-head">
              <StatusBadge status={step.status} />
              {onShowStep ? (
                <button type="button" className="link sim-step-name" onClick={() => onShowStep(step.path)}
                  aria-label={`Show step "${label}"`}>
                  {label}
                </button>
              ) : (
                <span className="sim-step-name">{label}</span>
              )}
              <span className="hint">{typeLabel(step.type)}</span>
            </div>
            {decision && <p className="sim-decision">{decision}</p>}
            {step.message && <p className="sim-message">{step.message}</p>}
            {step.error && <p className="error">{step.error}</p>}
            {(step.input || step.output) && (
              <details className="sim-io">
                <summary>Input and predicted output</summary>
                {step.input && <><h5>Input (rendered)</h5><pre className="json">{JSON.stringify(step.input, null, 2)}</pre></>}
                {step.output && <><h5>Predicted output</h5><pre className="json">{JSON.stringify(step.output, null, 2)}</pre></>}
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
