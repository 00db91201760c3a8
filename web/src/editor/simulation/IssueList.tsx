// A simulation's validation errors or warnings, each at its path of the definition; "Show" goes
// to the section (and the step) the path names.
import { sectionOf } from "../definition";
import type { Issue } from "./types";

export function IssueList({ issues, kind, onGoTo }: {
  issues: Issue[];
  kind: "error" | "warning";
  onGoTo?: (path: string) => void;
}) {
  if (issues.length === 0) return null;
  const title = kind === "error"
    ? `The definition is not valid: ${issues.length} ${issues.length === 1 ? "problem" : "problems"}`
    : `${issues.length} ${issues.length === 1 ? "warning" : "warnings"}`;
  return (
    <div className={kind === "error" ? "error-box sim-issues" : "sim-warnings sim-issues"}
      role={kind === "error" ? "alert" : "note"} aria-label={kind === "error" ? "Validation errors" : "Warnings"}>
      <p><strong>{title}</strong></p>
      <ul className="error-list">
        {issues.map((issue, i) => (
          <li key={i}>
            {issue.path && <><code>{issue.path}</code>: </>}
            {issue.message}
            {onGoTo && sectionOf(issue.path) && (
              <>
                {" "}
                <button type="button" className="link" onClick={() => onGoTo(issue.path)}
                  aria-label={`Show ${issue.path}`}>
                  Show
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
