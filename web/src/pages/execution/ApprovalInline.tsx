// An approval request shown at its step of the timeline: mode, approvers, who decided what.
import { Link } from "react-router-dom";
import { StatusBadge } from "../../components/common";
import { formatDateTime } from "../../format";
import type { ApprovalInfo } from "./StepTimeline";

export function modeLabel(mode: string, quorum: number): string {
  if (mode === "all") return "all must approve";
  if (mode === "quorum") return `quorum of ${quorum}`;
  return "any one approver";
}

export function ApprovalInline({ approval }: { approval: ApprovalInfo }) {
  const decisions = approval.decisions ?? [];
  const approvers = approval.approvers ?? [];
  return (
    <section className={`tl-approval tl-approval-${approval.status}`} aria-label={`Approval: ${approval.name}`}>
      <div className="row tl-approval-head">
        <strong>Approval “{approval.name}”</strong>
        <StatusBadge status={approval.status} />
        <span className="hint">{modeLabel(approval.mode, approval.quorum)}</span>
        {approval.expires_at && approval.status === "pending" && (
          <span className="hint">deadline {formatDateTime(approval.expires_at)}</span>
        )}
        <span className="spacer" />
        {approval.status === "pending" && (
          <Link to={`/approvals?id=${approval.id}`}>Decide in Approvals</Link>
        )}
      </div>
      {approvers.length > 0 && (
        <p className="tl-approvers">
          <span className="hint">Approvers: </span>
          {approvers.map((a, i) => (
            <span key={`${a.user_id}-${a.round}`} className={a.active ? "" : "inactive"}>
              {i > 0 && ", "}
              {a.name || a.email}
              {a.decided ? ` (${a.decided})` : !a.active ? " (replaced)" : approval.status === "pending" ? " (not yet)" : " (did not decide)"}
            </span>
          ))}
        </p>
      )}
      {decisions.length > 0 ? (
        <ul className="decisions">
          {decisions.map((d, i) => (
            <li key={i}>
              <StatusBadge status={d.decision} />{" "}
              <strong>{d.user_id === null ? "System" : d.name || d.email}</strong>
              {d.override && <span className="badge badge-override">admin override</span>}{" "}
              <span className="hint">{formatDateTime(d.decided_at)}</span>
              {d.comment && <q className="decision-comment">{d.comment}</q>}
            </li>
          ))}
        </ul>
      ) : (
        approval.status === "pending" && <p className="hint">No decision yet.</p>
      )}
    </section>
  );
}
