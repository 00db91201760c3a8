// Whom the run would ask, level by level: the approvers as written, who they resolve to, the
// mode (everyone, anyone, a quorum), the timeout and what happens then.
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { ApprovalLevel, ApproverUser } from "./types";

function modeText(t: TFunction<"simulation">, level: ApprovalLevel): string {
  switch (level.mode) {
    case "all": return t("approvals.all");
    case "any": return t("approvals.any");
    case "quorum": return t("approvals.quorum", { quorum: level.quorum ?? "?" });
    default: return level.quorum ? `${level.mode} (${level.quorum})` : level.mode;
  }
}

function onTimeoutText(t: TFunction<"simulation">, action: string): string {
  return action === "escalate" || action === "approve" || action === "reject" ? t(`approvals.onTimeout.${action}`) : action;
}

function userText(t: TFunction<"simulation">, user: ApproverUser): string {
  const name = typeof user.name === "string" && user.name ? user.name : null;
  const email = typeof user.email === "string" ? user.email : null;
  if (name && email) return `${name} <${email}>`;
  return name ?? email ?? (user.id !== undefined ? t("approvals.user", { id: String(user.id) })
 : t("approvals.someone"));
}

export function ApprovalChain({ levels }: { levels: ApprovalLevel[] }) {
  const { t } = useTranslation("simulation");
  if (levels.length === 0) return null;
  return (
    <ol className="sim-approvals" aria-label={t("approvals.label")}>
      {levels.map((level, i) => (
        <li key={`${level.path}-${i}`} className="sim-approval">
          <p className="sim-approval-head">
            <strong>{level.name ? t("approvals.levelNamed", { n: i + 1, name: level.name }) : t("approvals.level", { n: i + 1 })}</strong>{" "}
            <span className="hint">({modeText(t, level)})</span>
          </p>
          {level.users.length > 0 ? (
            <ul className="sim-approvers">
              {level.users.map((u, j) => <li key={j}>{userText(t, u)}</li>)}
            </ul>
          ) : (
            !level.error && <p className="hint">{t("approvals.nobody")}</p>
          )}
          <p className="hint">
            {t("approvals.asked", { approvers: level.approvers.join(", ") || "—" })}
            {" · "}
            {level.timeout
              ? t("approvals.timeout", { timeout: level.timeout, then: onTimeoutText(t, level.on_timeout) })
              : t("approvals.noTimeout")}

          </p>
          {level.error && <p className="error">{level.error}</p>}
        </li>
      ))}
    </ol>
  );
}
