// Whom the run would ask, level by level: the approvers as written, who they resolve to, the
// mode (everyone, anyone, a quorum), the timeout and what happens then.
import type { ApprovalLevel, ApproverUser } from "./types";

function modeText(level: ApprovalLevel): string {
  switch (level.mode) {
    case "all": return "everyone must approve";
    case "any": return "anyone can approve";
    case "quorum": return `${level.quorum ?? "?"} of them must approve`;
    default: return level.quorum ? `${level.mode} (${level.quorum})` : level.mode;
  }
}

const ON_TIMEOUT: Record<string, string> = {
  escalate: "escalated", approve: "approved automatically", reject: "rejected",
};

function userText(user: ApproverUser): string {
  const name = typeof user.name === "string" && user.name ? user.name : null;
  const email = typeof user.email === "string" ? user.email : null;
  if (name && email) return `${name} <${email}>`;
  return name ?? email ?? (user.id !== undefined ? `user #${user.id}` : "someone");
}

export function ApprovalChain({ levels }: { levels: ApprovalLevel[] }) {
  if (levels.length === 0) return null;
  return (
    <ol className="sim-approvals" aria-label="Approval chain">
      {levels.map((level, i) => (
        <li key={`${level.path}-${i}`} className="sim-approval">
          <p className="sim-approval-head">
            <strong>Level {i + 1}{level.name ? `: ${level.name}` : ""}</strong>{" "}
            <span className="hint">({modeText(level)})</span>
          </p>
          {level.users.length > 0 ? (
            <ul className="sim-approvers">
              {level.users.map((u, j) => <li key={j}>{userText(u)}</li>)}
            </ul>
          ) : (
            !level.error && <p className="hint">Nobody resolved.</p>
          )}
          <p className="hint">
            Asked: {level.approvers.join(", ") || "—"}
            {" · "}
            {level.timeout
              ? `Timeout ${level.timeout}, then ${ON_TIMEOUT[level.on_timeout] ?? level.on_timeout}`
              : "No timeout"}
          </p>
          {level.error && <p className="error">{level.error}</p>}
        </li>
      ))}
    </ol>
  );
}
