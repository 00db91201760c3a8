// The "add a step" dialog: control steps and the catalog's actions, filtered by a search box.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useModalDialog } from "../components/useModalDialog";
import { CONTROL_LABELS } from "./steps";
import type { CatalogEntry, StepTypeInfo } from "./types";

export interface AddStepDialogProps {
  open: boolean;
  /** e.g. `Add step after "Send email"`. */
  title: string;
  stepTypes: StepTypeInfo[];
  catalog: CatalogEntry[];
  onPick: (type: string) => void;
  onClose: () => void;
}

export function AddStepDialog({ open, title, stepTypes, catalog, onPick, onClose }: AddStepDialogProps) {
  const { t } = useTranslation("editor");
  const [query, setQuery] = useState("");
  const ref = useModalDialog(open, () => setQuery(""));
  const q = query.trim().toLowerCase();
  const match = (...texts: string[]) => !q || texts.some((t) => t.toLowerCase().includes(q));
  const controls = (stepTypes.length ? stepTypes : Object.entries(CONTROL_LABELS).map(([type, label]) => ({ type, label, description: "" })))
    .filter((s) => match(s.type, s.label, s.description));
  const actions = catalog.filter((a) => match(a.action_type, a.name, a.description));
  return (
    <dialog
      ref={ref}
      className="dialog add-step-dialog"
      aria-labelledby="add-step-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {open && (
        <>
          <h2 id="add-step-title">{title}</h2>
          <div className="field">
            <label htmlFor="add-step-search"><span>{t("addStep.search")}</span></label>
            <input id="add-step-search" type="text" autoFocus value={query} onChange={(e) => setQuery(e.target.value)} />
          </div>
          <div className="add-step-lists">
            <section aria-labelledby="add-step-controls">
              <h3 id="add-step-controls">{t("addStep.controls")}</h3>
              <ul className="pick-list">
                {controls.map((s) => (
                  <li key={s.type}>
                    <button type="button" aria-describedby={`add-desc-${s.type}`} onClick={() => onPick(s.type)}>
                      {s.label}
                    </button>
                    <span className="hint" id={`add-desc-${s.type}`}>{s.description.replace(/`/g, "")}</span>
                  </li>
                ))}
                {controls.length === 0 && <li className="hint">{t("addStep.noControl")}</li>}
              </ul>
            </section>
            <section aria-labelledby="add-step-actions">
              <h3 id="add-step-actions">{t("addStep.actions")}</h3>
              <ul className="pick-list">
                {actions.map((a) => (
                  <li key={a.action_type}>
                    <button type="button" aria-describedby={`add-desc-${a.action_type}`} onClick={() => onPick(a.action_type)}>
                      {a.name}
                    </button>
                    <span className="hint" id={`add-desc-${a.action_type}`}>{a.description}</span>
                  </li>
                ))}
                {actions.length === 0 && <li className="hint">{t("addStep.noAction")}</li>}
              </ul>
            </section>
          </div>
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>{t("addStep.cancel")}</button>

          </div>
        </>
      )}
    </dialog>
  );
}
