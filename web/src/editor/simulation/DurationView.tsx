// How long the run would take (p50 / p90), and each step's share with where its figure comes from.
import { useTranslation } from "react-i18next";
import type { PredictedDuration, StepDuration } from "./types";
import { formatPredicted } from "./wording";

function asNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
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
  const { t } = useTranslation("simulation");
  const steps = duration.steps ?? [];
  return (
    <div className="sim-duration">
      <dl className="sim-figures">
        <div><dt>{t("duration.typical")}</dt><dd>{formatPredicted(duration.p50)}</dd></div>
        <div><dt>{t("duration.slow")}</dt><dd>{formatPredicted(duration.p90)}</dd></div>
      </dl>
      {steps.length > 0 && (
        <details>
          <summary>{t("duration.byStep")}</summary>
          <table className="sim-table">
            <thead>
              <tr><th>{t("duration.step")}</th><th className="num">p50</th><th className="num">p90</th><th>{t("duration.basedOn")}</th></tr>
            </thead>

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
