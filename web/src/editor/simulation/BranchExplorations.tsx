// Every decision point of the workflow (trigger filter, conditions, a step's `when`, a branch)
// with the ways it can go; "Try this" re-runs the test with an input that takes an alternative.
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { kindLabel } from "./highlight";
import type { BranchExploration, Example } from "./types";

function decisionTitle(t: TFunction<"simulation">, point: BranchExploration): string {
  const kind = kindLabel(point.kind);
  if (point.kind === "trigger" || point.kind === "conditions") return kind;
  return t("decisions.titled", { kind, name: point.name || point.path });
}

export function BranchExplorations({ points, onTry, busy }: {
  points: BranchExploration[];
  onTry: (example: Example) => void;
  busy?: boolean;
}) {
  const { t } = useTranslation("simulation");
  if (points.length === 0) return <p className="hint">{t("decisions.none")}</p>;
  return (
    <ul className="sim-explorations">
      {points.map((point, i) => {
        const title = decisionTitle(t, point);
        return (
          <li key={`${point.path}-${i}`} className="sim-exploration">
            <section aria-label={t("decisions.label", { title })}>
              <p className="sim-exploration-head">
                <strong>{title}</strong>{" "}
                {point.reached
                  ? point.taken && <span className="hint">{t("decisions.went", { taken: point.taken })}</span>
                  : <span className="badge">{t("decisions.notReached")}</span>}
              </p>
              {point.explanation && <p className="hint">{point.explanation}</p>}
              <ul className="sim-alternatives">
                {point.alternatives.map((alt, j) => {
                  const taken = alt.taken || (point.reached && point.taken === alt.outcome);
                  return (
                    <li key={j} className={`sim-alternative${taken ? " taken" : ""}`}>
                      <span className="sim-outcome">{alt.outcome}</span>
                      <span className="sim-predicate">{alt.predicate}</span>
                      {taken && <span className="badge badge-running">{t("decisions.taken")}</span>}
                      {!alt.reachable && <span className="badge">{t("decisions.unreachable")}</span>}
                      {!taken && !alt.example && alt.why_not && (
                        <span className="hint">{t("decisions.noExample", { why: alt.why_not })}</span>
                      )}
                      {!taken && alt.example && (
                        <button type="button" disabled={busy} onClick={() => onTry(alt.example as Example)}
                          aria-label={t("decisions.tryLabel", { title, outcome: alt.outcome })}>
                          {t("decisions.try")}

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
