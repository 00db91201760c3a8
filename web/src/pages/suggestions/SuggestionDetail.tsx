// One suggestion in full: what it says, the evidence it was mined from, the change it proposes
// (diff and graph), the back-test of that change, and Accept / Reject with notes for writers.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
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
  if (s.status === "pending") return null;
  const who = s.decided_by && s.decided_by === me ? " by you" : "";
  const when = s.decided_at ? ` on ${formatDateTime(s.decided_at)}` : "";
  const notes = s.notes ? <p className="sg-notes">Notes: {s.notes}</p> : null;
  if (s.status === "rejected") {
    return (
      <div className="sg-outcome sg-outcome-rejected">
        <p>Rejected{who}{when}. The same pattern is not proposed again.</p>
        {notes}
      </div>
    );
  }
  const applied = s.applied_workflow_id;
  const copy = applied !== null && applied !== s.workflow_id;
  const what = !applied
    ? "Advice only: nothing was changed automatically."
    : s.status === "implemented"
      ? `Implemented: “${workflowName(applied)}” with this change is active.`
      : !s.workflow_id
        ? `The change was saved as a new draft workflow, “${workflowName(applied)}”.`
        : copy
          ? `The workflow is active, so the change was saved as a draft copy, “${workflowName(applied)}”.`
          : `The change was saved as version ${s.applied_version} of “${workflowName(applied)}”.`;
  return (
    <div className="sg-outcome">
      <p>
        Accepted{who}{when}. {what}{" "}
        {applied !== null && (
          <>
            <Link to={draftLink(s)}>{s.status === "implemented" ? "Open the workflow" : "Open the draft"}</Link>
            {s.status === "accepted" && <> · <Link to={`/workflows/${applied}/edit`}>Edit it</Link></>}
          </>
        )}
      </p>
      {notes}
    </div>
  );
}

export function SuggestionDetail({ id }: { id: number }) {
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
  if (query.isPending) return <Loading label="Loading the suggestion…" />;
  if (query.isError) {
    return (
      <>
        <p><Link to="/suggestions">← Suggestions</Link></p>
        <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  const s = query.data;
  return (
    <article className="sg-detail" aria-labelledby="sg-detail-title">
      <p className="sg-back"><Link to={`/suggestions?status=${s.status}`}>← Suggestions</Link></p>
      <h1 id="sg-detail-title">{s.title}</h1>
      <div className="row sg-meta">
        <KindBadge kind={s.kind} />
        <StatusBadge status={s.status} />
        <span>Confidence <ConfidenceValue score={s.confidence_score} /></span>
        <span>{frequencyText(s.pattern_frequency)}</span>
        {s.source === "llm" && <SourceBadge />}
        <span>
          {s.workflow_id ? <>Workflow <Link to={`/workflows/${s.workflow_id}`}>{names.name(s.workflow_id)}</Link></> : "A new workflow"}
        </span>
        <span className="hint">Mined {formatDateTime(s.updated_at)}</span>
      </div>
      <p className="sg-description">{s.description}</p>
      {s.source === "llm" && (
        <details className="sg-mined">
          <summary>The miners' own words</summary>
          <p><strong>{s.mined_title}</strong></p>
          <p>{s.mined_description}</p>
        </details>
      )}
      <p className="visually-hidden" role="status" aria-live="polite">{announcement}</p>
      <Outcome s={s} workflowName={names.name} me={user?.id} />
      {canWrite && s.status === "pending" && (
        <div className="row sg-actions">
          <button type="button" className="primary" onClick={() => setDeciding("accept")}>Accept</button>
          <button type="button" onClick={() => setDeciding("reject")}>Reject</button>
        </div>
      )}

      <section aria-labelledby="sg-evidence-title">
        <h2 id="sg-evidence-title">Evidence</h2>
        <EvidenceView suggestion={s} />
      </section>
      <section aria-labelledby="sg-change-title">
        <h2 id="sg-change-title">The change</h2>
        <ChangeView suggestion={s} />
      </section>
      <section aria-labelledby="sg-backtest-title">
        <h2 id="sg-backtest-title">Back-test</h2>
        {s.backtest ? (
          <>
            <p className="hint">The changed workflow replayed over the recorded events of the window (a dry run: nothing was done).</p>
            <BacktestReport report={s.backtest as Backtest} labelOfPath={stepPosition} />
          </>
        ) : (
          <p className="hint">Not back-tested: there is no change to replay.</p>
        )}
      </section>

      <DecideDialog
        suggestion={s}
        decision={deciding}
        onClose={() => setDeciding(null)}
        onDecided={(result, decision) => {
          setDeciding(null);
          setAnnouncement(decision === "accept" ? `Accepted “${result.title}”.` : `Rejected “${result.title}”.`);
        }}
      />
    </article>
  );
}
