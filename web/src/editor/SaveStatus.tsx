// What the last save did: the version it made (and loop-guard warnings), or why it failed, each
// problem with a link to the field it names.
import { Link } from "react-router-dom";
import type { FieldError } from "../api/client";
import { sectionOf } from "./definition";
import { cleanLoc, errorText } from "./errors";
import type { SavedState } from "./WorkflowEditorPage";

export function SavedBanner({ saved, workflowId }: { saved: NonNullable<SavedState["saved"]>; workflowId?: string }) {
  return (
    <div className={`save-banner ${saved.warnings.length ? "warn" : ""}`} role="status">
      <p>
        {saved.fromBlueprint
          ? `Created from blueprint “${saved.fromBlueprint.name}” ${saved.fromBlueprint.version} as a draft.`
          : `Saved as version ${saved.version}.`}{" "}
        {workflowId && <Link to={`/workflows/${workflowId}`}>View workflow</Link>}
      </p>
      {saved.warnings.length > 0 && (
        <>
          <p><strong>Loop guard warnings</strong> (the workflow was saved anyway):</p>
          <ul>{saved.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </>
      )}
    </div>
  );
}

export function SaveErrors({ error, errors, onShow }: { error: unknown; errors: FieldError[]; onShow: (loc: string) => void }) {
  return (
    <div className="error-box" role="alert">
      <p>
        The workflow was not saved
        {errors.length ? `: ${errors.length} ${errors.length === 1 ? "problem" : "problems"}.` : `: ${(error as Error).message}`}
      </p>
      {errors.length > 0 && (
        <ul className="error-list">
          {errors.map((e, i) => (
            <li key={i}>
              <code>{cleanLoc(e.loc)}</code>: {errorText(e)}{" "}
              {sectionOf(e.loc) && <button type="button" className="link" onClick={() => onShow(e.loc)}>Show</button>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
