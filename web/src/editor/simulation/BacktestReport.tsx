// A back-test's report: what was replayed, what triggered and what was skipped (and why), the
// outcomes, the branches taken, the approvers asked, sample events, and the difference with the
// current version.
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { StatusBadge } from "../../components/common";
import { formatDateTime } from "../../format";
import i18n from "../../i18n";
import { outcomeText } from "./BranchExplorations";
import type { BacktestDiff, BacktestReport as Report, Counts } from "./types";
import { statusOrAsIs } from "./wording";

const DIFF_KEYS = { same: "same", only_draft: "onlyDraft", only_current: "onlyCurrent", different_outcome: "differentOutcome" } as const;

function total(counts: Counts | undefined): number {
  return Object.values(counts ?? {}).reduce((a, b) => a + (typeof b === "number" ? b : 0), 0);
}

function n(value: number | undefined | null): string {
  return typeof value === "number" ? value.toLocaleString(i18n.language) : "—";
}

/** A sample's key: a difference with the real runs, a status, or the server's words ("skipped: …"). */
function sampleLabel(key: string): string {
  if (Object.hasOwn(DIFF_KEYS, key)) return i18n.t(`report.${DIFF_KEYS[key as keyof typeof DIFF_KEYS]}`, { ns: "simulation" });
  return statusOrAsIs(key).replace(/_/g, " ");

}

function CountTable({ counts, head, label, render }: {
  counts: Counts;
  head: string;
  label: string;
  render?: (key: string) => ReactNode;
}) {
  const { t } = useTranslation("simulation");
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return <p className="hint">{t("report.none")}</p>;
  return (
    <table className="sim-table" aria-label={label}>
      <thead><tr><th>{head}</th><th className="num">{t("report.events")}</th></tr></thead>
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
          <dt>{sampleLabel(key)}</dt>
          <dd>{ids.map((id) => `#${id}`).join(", ")}</dd>
        </div>
      ))}
    </dl>
  );
}

function DiffView({ diff }: { diff: BacktestDiff }) {
  const { t } = useTranslation("simulation");
  return (
    <section aria-label={t("report.diffLabel")}>
      <h4>{t("report.compared", { version: diff.version ?? "?" })}</h4>
      <dl className="sim-figures">
        <div><dt>{t("report.same")}</dt><dd>{n(diff.same)}</dd></div>
        <div><dt>{t("report.onlyDraft")}</dt><dd>{n(diff.only_draft)}</dd></div>
        <div><dt>{t("report.onlyCurrent")}</dt><dd>{n(diff.only_current)}</dd></div>
        <div><dt>{t("report.differentOutcome")}</dt><dd>{n(diff.different_outcome)}</dd></div>
      </dl>
      {diff.note && <p className="hint">{t("report.note", { note: diff.note })}</p>}
      {diff.samples && <Samples samples={diff.samples} />}
    </section>
  );
}

export function BacktestReport({ report, labelOfPath }: { report: Report; labelOfPath: (path: string) => string }) {
  const { t, i18n: { language } } = useTranslation("simulation");
  const skippedByConditions = total(report.skipped?.conditions);
  const branches = Object.entries(report.branches ?? {});
  const approvers = Object.entries(report.approvers ?? {});
  return (
    <section className="sim-backtest-report" aria-label={t("report.label")}>
      {report.window && (
        <p className="hint">
          {t("report.window", {
            from: formatDateTime(report.window.from, language), to: formatDateTime(report.window.to, language),
          })}
        </p>
      )}
      <dl className="sim-figures">
        <div><dt>{t("report.considered")}</dt><dd>{n(report.events_considered)}</dd></div>
        <div><dt>{t("report.triggered")}</dt><dd>{n(report.triggered)}</dd></div>
        <div><dt>{t("report.skippedFilter")}</dt><dd>{n(report.skipped?.trigger_filter)}</dd></div>
        <div><dt>{t("report.skippedConditions")}</dt><dd>{n(skippedByConditions)}</dd></div>
      </dl>
      {skippedByConditions > 0 && (
        <>
          <h4>{t("report.byCondition")}</h4>
          <CountTable counts={report.skipped!.conditions!} head={t("report.conditionNotMet")} label={t("report.byReason")} />
        </>
      )}
      <h4>{t("report.outcomes")}</h4>
      <CountTable counts={report.outcomes ?? {}} head={t("report.outcome")} label={t("report.outcomes")}
        render={(s) => <StatusBadge status={s} />} />
      {branches.length > 0 && (
        <>
          <h4>{t("report.branches")}</h4>
          {branches.map(([path, counts]) => (
            <div key={path} className="sim-report-block">
              <p className="sim-report-label">{labelOfPath(path)}</p>
              <CountTable counts={counts} head={t("report.outcome")} label={t("report.branchesOf", { step: labelOfPath(path) })}
                render={(way) => outcomeText(t, way)} />
            </div>
          ))}
        </>
      )}
      {approvers.length > 0 && (
        <>
          <h4>{t("report.approvers")}</h4>
          {approvers.map(([path, counts]) => (
            <div key={path} className="sim-report-block">
              <p className="sim-report-label">{labelOfPath(path)}</p>
              <CountTable counts={counts} head={t("report.approver")} label={t("report.approversOf", { step: labelOfPath(path) })} />
            </div>
          ))}
        </>
      )}
      {report.samples && Object.keys(report.samples).length > 0 && (
        <>
          <h4>{t("report.samples")}</h4>
          <Samples samples={report.samples} />
        </>
      )}
      {report.diff ? <DiffView diff={report.diff} /> : "diff" in report && (
        <p className="hint">{t("report.notCompared")}</p>

      )}
    </section>
  );
}
