// The operations page's tables: the workflows that fail most, the slowest ones, and each
// active SLA's compliance against its objective.
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { formatDuration } from "../../format";
import i18n from "../../i18n";
import type { Overview } from "./labels";

/** A count in the current language's digits grouping ("1,234", "1 234"). */
export const count = (n: number) => n.toLocaleString(i18n.language);

const seconds = (v: number | null | undefined) => formatDuration(v === null || v === undefined ? v : v * 1000);

/** A 0–1 share as a percentage with at most one decimal: 0.2 -> "20 %", 0.0417 -> "4.2 %". */
export function shareText(share: number): string {
  return `${Number((share * 100).toFixed(1)).toLocaleString(i18n.language)} %`;
}

export function FailingTable({ rows }: { rows: Overview["top_failing"] }) {
  const { t } = useTranslation("operations");
  if (rows.length === 0) return <p className="card wf-empty">{t("failing.empty")}</p>;
  return (
    <div className="wf-table-wrap">
      <table className="wf-table stack-table" aria-label={t("failing.title")}>
        <thead>
          <tr>
            <th scope="col">{t("failing.workflow")}</th>
            <th scope="col" className="num">{t("failing.failed")}</th>
            <th scope="col" className="num">{t("failing.partial")}</th>
            <th scope="col" className="num" title={t("failing.actedHint")}>{t("failing.acted")}</th>
            <th scope="col" className="num" title={t("failing.shareHint")}>{t("failing.share")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f.workflow_id}>
              <td data-label={t("failing.workflow")}><Link to={`/workflows/${f.workflow_id}`}>{f.name}</Link></td>
              <td className="num" data-label={t("failing.failed")}>{count(f.failed)}</td>
              <td className="num" data-label={t("failing.partial")}>{count(f.partial)}</td>
              <td className="num" data-label={t("failing.acted")}>{count(f.acted)}</td>
              <td className="num" data-label={t("failing.share")}>{shareText(f.failure_share)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SlowestTable({ rows }: { rows: Overview["slowest"] }) {
  const { t } = useTranslation("operations");
  if (rows.length === 0) return <p className="card wf-empty">{t("slowest.empty")}</p>;
  return (
    <div className="wf-table-wrap">
      <table className="wf-table stack-table" aria-label={t("slowest.title")}>
        <thead>
          <tr>
            <th scope="col">{t("slowest.workflow")}</th>
            <th scope="col" className="num">{t("slowest.runs")}</th>
            <th scope="col" className="num">{t("slowest.median")}</th>
            <th scope="col" className="num">{t("slowest.p95")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.workflow_id}>
              <td data-label={t("slowest.workflow")}><Link to={`/workflows/${s.workflow_id}`}>{s.name}</Link></td>
              <td className="num" data-label={t("slowest.runs")}>{count(s.runs)}</td>
              <td className="num" data-label={t("slowest.median")}>{seconds(s.p50_seconds)}</td>
              <td className="num" data-label={t("slowest.p95")}>{seconds(s.p95_seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Compliance against the objective: below it is marked, no run yet is said so. */
export function ObjectiveBadge({ meets }: { meets: boolean | null | undefined }) {
  const { t } = useTranslation("operations");
  if (meets === null || meets === undefined) return <span className="hint">—</span>;
  return meets ? (
    <span className="badge badge-success">{t("slos.meets")}</span>
  ) : (
    <span className="badge badge-failed">{t("slos.below")}</span>
  );
}

export function Compliance({ value }: { value: number | null | undefined }) {
  const { t } = useTranslation("operations");
  if (value === null || value === undefined) return <span className="hint">{t("slos.noRuns")}</span>;
  return <>{formatSlo(value)}</>;
}

/** An SLO percentage with the precision it needs, rounded down (99.999 % is not 100 %). */
export function formatSlo(value: number): string {
  const step = value >= 99 ? 100 : 10;
  return `${(Math.floor(value * step + 1e-9) / step).toLocaleString(i18n.language)} %`;
}

export function SloTable({ rows }: { rows: Overview["slos"] }) {
  const { t } = useTranslation("operations");
  if (rows.length === 0) {
    return <p className="card wf-empty">{t("slos.empty")}</p>;
  }
  return (
    <div className="wf-table-wrap">
      <table className="wf-table stack-table" aria-label={t("slos.title")}>
        <thead>
          <tr>
            <th scope="col">{t("slos.sla")}</th>
            <th scope="col">{t("slos.workflow")}</th>
            <th scope="col" className="num">{t("slos.compliance")}</th>
            <th scope="col" className="num">{t("slos.objective")}</th>
            <th scope="col">{t("slos.status")}</th>
            <th scope="col" className="num">{t("slos.openBreaches")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.sla_id} className={s.meets_objective === false ? "ops-below" : undefined}>
              <td data-label={t("slos.sla")}>{s.sla_name}</td>
              <td data-label={t("slos.workflow")}><Link to={`/workflows/${s.workflow_id}?tab=slas`}>{s.workflow_name}</Link></td>
              <td className="num ops-compliance" data-label={t("slos.compliance")}><Compliance value={s.slo_percentage} /></td>
              <td className="num" data-label={t("slos.objective")}>{formatSlo(s.slo_target_percentage)}</td>
              <td data-label={t("slos.status")}><ObjectiveBadge meets={s.meets_objective} /></td>
              <td className="num" data-label={t("slos.openBreaches")}>{count(s.open_breaches)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
