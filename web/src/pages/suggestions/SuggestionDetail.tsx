// One suggestion in full: what it says, the evidence it was mined from, the change it proposes
// (diff and graph), the back-test of that change, and Accept / Reject with notes for writers.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { useSession } from "../../auth/session";
import { ErrorMessage, Loading, StatusBadge } from "../../components/common";
import { BacktestReport } from "../../editor/simulation/BacktestReport";
import type { BacktestReport as Backtest } from "../../editor/simulation/types";
import { formatDateTime } from "../../format";
import { useWorkflowNames } from "../workflows/useWorkflowNames";
import { stepPosition } from "../workflows/versionDiffText";
import { ChangeView } from "./ChangeView";
import { DecideDialog, type SuggestionDecision } from "./DecideDialog";
import { EvidenceView } from "./EvidenceView";
import { ConfidenceValue, KindBadge, SourceBadge } from "./SuggestionBadges";
import type { Suggestion } from "./types";
import { frequencyText } from "./wording";
import "../../editor/simulation/simulation.css";

/** Where "Open the draft" leads: a new version's changes, or the new workflow itself. */
export function draftLink(s: Pick<Suggestion, "applied_workflow_id" | "applied_version">): string {
  const id = s.applied_workflow_id;
  return s.applied_version && s.applied_version > 1 ? `/workflows/${id}?tab=versions&version=${s.applied_version}` : `/workflows/${id}`;
}

/** What became of a decided suggestion, with a link to what accepting it created. */
function Outcome({ s, workflowName, me }: { s: Suggestion; workflowName: (id: number) => string; me: number | undefined }) {
  const { t, i18n } = useTranslation("suggestions");
  if (s.status === "pending") return null;
  const who = s.decided_by && s.decided_by === me ? t("outcome.byYou") : "";
  const when = s.decided_at ? t("outcome.on", { when: formatDateTime(s.decided_at, i18n.language) }) : "";
  const notes = s.notes ? <p className="sg-notes">{t("outcome.notes", { notes: s.notes })}</p> : null;
  if (s.status === "rejected") {
    return (
      <div className="sg-outcome sg-outcome-rejected">
        <p>{t("outcome.rejected", { who, when })}</p>
        {notes}
      </div>
    );
  }
  const applied = s.applied_workflow_id;
  const copy = applied !== null && applied !== s.workflow_id;
  const name = applied ? workflowName(applied) : "";
  const what = !applied
    ? t("outcome.adviceOnly")
    : s.status === "implemented"
      ? t("outcome.implemented", { name })
      : !s.workflow_id
        ? t("outcome.newDraft", { name })
        : copy
          ? t("outcome.draftCopy", { name })
          : t("outcome.version", { version: s.applied_version ?? "", name });
  return (
    <div className="sg-outcome">
      <p>
        {t("outcome.accepted", { who, when })} {what}{" "}
        {applied !== null && (
          <>
            <Link to={draftLink(s)}>{s.status === "implemented" ? t("outcome.openWorkflow") : t("outcome.openDraft")}</Link>
            {s.status === "accepted" && <> · <Link to={`/workflows/${applied}/edit`}>{t("outcome.edit")}</Link></>}
          </>
        )}
      </p>
      {notes}
    </div>
  );
}

export function SuggestionDetail({ id }: { id: number }) {
  const { t, i18n } = useTranslation("suggestions");
  const { user } = useSession();
  const canWrite = !!user && user.role !== "viewer";
  const names = useWorkflowNames();
  const [deciding, setDeciding] = useState<SuggestionDecision | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const query = useQuery({
    queryKey: ["suggestion", id],
    queryFn: () =>
      unwrap(api.GET("/api/v1/workflow/workflow-suggestions/{suggestion_id}/", { params: { path: { suggestion_id: id } } })),
  });
  if (query.isPending) return <Loading label={t("detail.loading")} />;
  if (query.isError) {
    return (
      <>
        <p><Link to="/suggestions">{t("detail.back")}</Link></p>
        <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  const s = query.data;
  return (
    <article className="sg-detail" aria-labelledby="sg-detail-title">
      <p className="sg-back"><Link to={`/suggestions?status=${s.status}`}>{t("detail.back")}</Link></p>
      <h1 id="sg-detail-title">{s.title}</h1>
      <div className="row sg-meta">
        <KindBadge kind={s.kind} />
        <StatusBadge status={s.status} />
        <span>{t("detail.confidence")} <ConfidenceValue score={s.confidence_score} /></span>
        <span>{frequencyText(s.pattern_frequency)}</span>
        {s.source === "llm" && <SourceBadge />}
        <span>
          {s.workflow_id ? <>{t("detail.workflow")} <Link to={`/workflows/${s.workflow_id}`}>{names.name(s.workflow_id)}</Link></> : t("detail.newWorkflow")}
        </span>
        <span className="hint">{t("detail.mined", { when: formatDateTime(s.updated_at, i18n.language) })}</span>
      </div>
      <p className="sg-description">{s.description}</p>
      {s.source === "llm" && (
        <details className="sg-mined">
          <summary>{t("detail.minersWords")}</summary>
          <p><strong>{s.mined_title}</strong></p>
          <p>{s.mined_description}</p>
        </details>
      )}
      <p className="visually-hidden" role="status" aria-live="polite">{announcement}</p>
      <Outcome s={s} workflowName={names.name} me={user?.id} />
      {canWrite && s.status === "pending" && (
        <div className="row sg-actions">
          <button type="button" className="primary" onClick={() => setDeciding("accept")}>{t("detail.accept")}</button>
          <button type="button" onClick={() => setDeciding("reject")}>{t("detail.reject")}</button>
        </div>
      )}

      <section aria-labelledby="sg-evidence-title">
        <h2 id="sg-evidence-title">{t("detail.evidence")}</h2>
        <EvidenceView suggestion={s} />
      </section>
      <section aria-labelledby="sg-change-title">
        <h2 id="sg-change-title">{t("detail.change")}</h2>
        <ChangeView suggestion={s} />
      </section>
      <section aria-labelledby="sg-backtest-title">
        <h2 id="sg-backtest-title">{t("detail.backtest")}</h2>
        {s.backtest ? (
          <>
            <p className="hint">{t("detail.backtestIntro")}</p>
            <BacktestReport report={s.backtest as Backtest} labelOfPath={stepPosition} />
          </>
        ) : (
          <p className="hint">{t("detail.noBacktest")}</p>
        )}
      </section>

      <DecideDialog
        suggestion={s}
        decision={deciding}
        onClose={() => setDeciding(null)}
        onDecided={(result, decision) => {
          setDeciding(null);
          setAnnouncement(decision === "accept" ? t("detail.accepted", { title: result.title }) : t("detail.rejected", { title: result.title }));
        }}
      />
    </article>
  );
}
