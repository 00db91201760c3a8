// The back-test: replay the company's recorded events of the last N days through the workflow
// (or the draft), with a progress bar while it runs, then its report.
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage } from "../../components/common";
import { BacktestReport } from "./BacktestReport";
import { IssueList } from "./IssueList";
import { OutcomeBadge } from "./OutcomeBadge";
import type { BacktestReport as Report } from "./types";
import type { TestSession } from "./useTestSession";

export function BacktestPanel({ backtest, subject, labelOfPath, onGoTo }: {
  backtest: TestSession["backtest"];
  /** What is replayed, in words ("this draft", "version 3"). */
  subject: string;
  labelOfPath: (path: string) => string;
  onGoTo?: (path: string) => void;
}) {
  const { t } = useTranslation("simulation");
  const id = useId();
  const sim = backtest.sim;
  const inFlight = !!sim && (sim.status === "queued" || sim.status === "running");
  const validDays = Number.isInteger(backtest.days) && backtest.days >= 1 && backtest.days <= 365;
  const progress = Math.max(0, Math.min(100, sim?.progress ?? 0));
  return (
    <div className="sim-backtest">
      <p className="hint">{t("backtest.intro", { subject })}</p>
      <form className="row" onSubmit={(e) => { e.preventDefault(); if (validDays) void backtest.start(); }}>
        <label className="field wf-inline-field" htmlFor={`${id}-days`}>
          <span>{t("backtest.days")}</span>
          <input id={`${id}-days`} type="number" min={1} max={365} value={Number.isNaN(backtest.days) ? "" : backtest.days}
            aria-invalid={!validDays || undefined} onChange={(e) => backtest.setDays(e.target.valueAsNumber)} />
        </label>
        <button type="submit" className="primary" disabled={!validDays || backtest.starting || inFlight}>
          {inFlight ? t("backtest.running") : t("backtest.start")}
        </button>
      </form>
      {!validDays && <p className="field-error">{t("backtest.daysRange")}</p>}
      {!!backtest.startError && <ErrorMessage error={backtest.startError} />}
      {!!backtest.pollError && <ErrorMessage error={backtest.pollError} />}
      {sim && inFlight && (
        <div className="sim-progress">
          <p className="hint" id={`${id}-progress`}>
            {sim.status === "queued" ? t("backtest.queued") : t("backtest.replaying", { percent: Math.round(progress) })}
          </p>
          <div className="progress" role="progressbar" aria-labelledby={`${id}-progress`}
            aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress)}>
            <div className="progress-bar" style={{ width: `${progress}%` }} />
          </div>
        </div>
      )}
      {sim && sim.status === "failed" && (
        <div className="error-box" role="alert"><p>{t("backtest.failed", { reason: sim.error ?? t("result.noReason") })}</p></div>
      )}
      {sim && sim.status === "invalid" && (
        <>
          <p>{t("backtest.notRun")} <OutcomeBadge sim={sim} /></p>

          <IssueList issues={sim.validation_errors} kind="error" onGoTo={onGoTo} />
        </>
      )}
      {sim && sim.status === "completed" && sim.report && (
        <BacktestReport report={sim.report as Report} labelOfPath={labelOfPath} />
      )}
    </div>
  );
}
