// The saved version and the editor's draft run on the same input, side by side.
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { StatusBadge } from "../../components/common";
import type { CompareReport, CompareSide, SimulationOut } from "./types";
import { statusOrAsIs } from "./wording";

/** A side's value in a difference: a step's status, an outcome, an approval chain (emails per level). */
function show(t: TFunction<"simulation">, value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) {
    if (value.length === 0) return t("compare.nobody");
    return value.map((level) => (Array.isArray(level) ? level.join(", ") || t("compare.nobody") : String(level))).join(" → ");
  }
  return typeof value === "string" ? statusOrAsIs(value) : JSON.stringify(value);

}

function SideBadge({ side }: { side: CompareSide | undefined }) {
  const { t } = useTranslation("simulation");
  if (side?.status === "invalid") return <span className="badge badge-invalid">{t("badges.invalid")}</span>;
  if (side?.outcome) return <StatusBadge status={side.outcome} />;
  if (side?.would_trigger === false) return <span className="badge badge-skipped">{t("badges.notTriggered")}</span>;
  return <span className="badge">{t("badges.unknown")}</span>;
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
  const { t } = useTranslation("simulation");
  if (sim.status !== "completed") {
    return <div className="error-box" role="alert"><p>{t("compare.failed", { reason: sim.error ?? sim.status })}</p></div>;
  }
  const report = (sim.report ?? {}) as CompareReport;
  const differences = report.differences ?? [];
  return (
    <section className="sim-compare" aria-label={t("compare.label")}>
      <dl className="sim-figures">
        <Side title={report.a?.version ? t("compare.savedVersion", { version: report.a.version }) : t("compare.saved")} side={report.a} />
        <Side title={t("compare.draft")} side={report.b} />
      </dl>
      {(report.b?.validation_errors?.length ?? 0) > 0 && (
        <p className="error">
          {t("compare.draftInvalid", { problems: report.b!.validation_errors!.map((e) => `${e.path}: ${e.message}`).join("; ") })}
        </p>
      )}
      {differences.length === 0 ? (
        <p>{t("compare.same")}</p>
      ) : (
        <table className="sim-table" aria-label={t("compare.differences")}>
          <thead><tr><th>{t("compare.step")}</th><th>{t("compare.saved")}</th><th>{t("compare.draft")}</th></tr></thead>
          <tbody>
            {differences.map((d, i) => (
              <tr key={`${d.path}-${i}`}>
                <td>{d.name || labelOfPath(d.path)}</td>
                <td>{show(t, d.a)}</td>
                <td>{show(t, d.b)}</td>

              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
