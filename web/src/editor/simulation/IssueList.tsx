// A simulation's validation errors or warnings, each at its path of the definition; "Show" goes
// to the section (and the step) the path names.
import { useTranslation } from "react-i18next";
import { sectionOf } from "../definition";
import type { Issue } from "./types";

export function IssueList({ issues, kind, onGoTo }: {
  issues: Issue[];
  kind: "error" | "warning";
  onGoTo?: (path: string) => void;
}) {
  const { t } = useTranslation("simulation");
  if (issues.length === 0) return null;
  const title = kind === "error"
    ? t("issues.errors", { count: issues.length })
    : t("issues.warnings", { count: issues.length });
  return (
    <div className={kind === "error" ? "error-box sim-issues" : "sim-warnings sim-issues"}
      role={kind === "error" ? "alert" : "note"} aria-label={kind === "error" ? t("issues.errorsLabel") : t("issues.warningsLabel")}>
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
                  aria-label={t("issues.showPath", { path: issue.path })}>
                  {t("issues.show")}

                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
