// What the last save did: the version it made (and loop-guard warnings), or why it failed, each
// problem with a link to the field it names.
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { FieldError } from "../api/client";
import { sectionOf } from "./definition";
import { cleanLoc, errorText } from "./errors";
import type { SavedState } from "./WorkflowEditorPage";

export function SavedBanner({ saved, workflowId }: { saved: NonNullable<SavedState["saved"]>; workflowId?: string }) {
  const { t } = useTranslation("editor");
  return (
    <div className={`save-banner ${saved.warnings.length ? "warn" : ""}`} role="status">
      <p>
        {saved.fromBlueprint
          ? t("save.fromBlueprint", { name: saved.fromBlueprint.name, version: saved.fromBlueprint.version })
          : t("save.saved", { version: saved.version })}{" "}
        {workflowId && <Link to={`/workflows/${workflowId}`}>{t("save.viewWorkflow")}</Link>}
      </p>
      {saved.warnings.length > 0 && (
        <>
          <p><strong>{t("save.loopWarnings")}</strong>{t("save.savedAnyway")}</p>
          <ul>{saved.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </>
      )}
    </div>
  );
}

export function SaveErrors({ error, errors, onShow }: { error: unknown; errors: FieldError[]; onShow: (loc: string) => void }) {
  const { t } = useTranslation("editor");
  return (
    <div className="error-box" role="alert">
      <p>
        {errors.length
          ? t("save.notSavedProblems", { count: errors.length })
          : t("save.notSaved", { message: (error as Error).message })}
      </p>
      {errors.length > 0 && (
        <ul className="error-list">
          {errors.map((e, i) => (
            <li key={i}>
              <code>{cleanLoc(e.loc)}</code>: {errorText(e)}{" "}
              {sectionOf(e.loc) && <button type="button" className="link" onClick={() => onShow(e.loc)}>{t("save.show")}</button>}

            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
