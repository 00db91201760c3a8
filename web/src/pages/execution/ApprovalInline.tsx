// An approval request shown at its step of the timeline: mode, approvers, who decided what.
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { StatusBadge, statusText } from "../../components/common";
import { formatDateTime } from "../../format";
import i18n from "../../i18n";
import type { ApprovalInfo } from "./StepTimeline";

/** The approval mode in words, in the current language (the approvals page shows it too). */
export function modeLabel(mode: string, quorum: number): string {
  const t = i18n.getFixedT(null, "execution");
  if (mode === "all") return t("approval.all");
  if (mode === "quorum") return t("approval.quorum", { quorum });
  return t("approval.any");
}

export function ApprovalInline({ approval }: { approval: ApprovalInfo }) {
  const { t } = useTranslation("execution");
  const decisions = approval.decisions ?? [];
  const approvers = approval.approvers ?? [];
  return (
    <section className={`tl-approval tl-approval-${approval.status}`} aria-label={t("approval.region", { name: approval.name })}>
      <div className="row tl-approval-head">
        <strong>{t("approval.title", { name: approval.name })}</strong>
        <StatusBadge status={approval.status} />
        <span className="hint">{modeLabel(approval.mode, approval.quorum)}</span>
        {approval.expires_at && approval.status === "pending" && (
          <span className="hint">{t("approval.deadline", { at: formatDateTime(approval.expires_at, i18n.language) })}</span>
        )}
        <span className="spacer" />
        {approval.status === "pending" && (
          <Link to={`/approvals?id=${approval.id}`}>{t("approval.decide")}</Link>
        )}
      </div>
      {approvers.length > 0 && (
        <p className="tl-approvers">
          <span className="hint">{t("approval.approvers")}</span>
          {approvers.map((a, i) => (
            <span key={`${a.user_id}-${a.round}`} className={a.active ? "" : "inactive"}>
              {i > 0 && ", "}
              {a.name || a.email}
              {a.decided
                ? t("approval.decided", { decision: statusText(a.decided) })
                : t(!a.active ? "approval.replaced" : approval.status === "pending" ? "approval.notYet" : "approval.didNotDecide")}
            </span>
          ))}
        </p>
      )}
      {decisions.length > 0 ? (
        <ul className="decisions">
          {decisions.map((d, i) => (
            <li key={i}>
              <StatusBadge status={d.decision} />{" "}
              <strong>{d.user_id === null ? t("approval.system") : d.name || d.email}</strong>
              {d.override && <span className="badge badge-override">{t("approval.override")}</span>}{" "}
              <span className="hint">{formatDateTime(d.decided_at, i18n.language)}</span>
              {d.comment && <q className="decision-comment">{d.comment}</q>}
            </li>
          ))}
        </ul>
      ) : (
        approval.status === "pending" && <p className="hint">{t("approval.noDecision")}</p>
      )}
    </section>
  );
}
