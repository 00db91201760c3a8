// The modal every "decide with notes" action shares (accept or reject a suggestion, acknowledge
// or resolve a breach): optional notes, the server's refusal in words, Cancel while not sending.
import { useId, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useModalDialog } from "./useModalDialog";

export function NotesDialog({
  open,
  className,
  title,
  intro,
  notesHint,
  errorText,
  pending,
  submitLabel,
  pendingLabel,
  danger = false,
  onOpen,
  onSubmit,
  onClose,
}: {
  open: boolean;
  className: string;
  title: ReactNode;
  intro?: ReactNode;
  notesHint: string;
  /** The refusal to show, or null when there is none. */
  errorText: string | null;
  pending: boolean;
  submitLabel: string;
  pendingLabel: string;
  danger?: boolean;
  /** Runs each time the dialog opens (reset the caller's mutation). */
  onOpen: () => void;
  onSubmit: (notes: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const notesId = useId();
  const notesRef = useRef<HTMLTextAreaElement>(null);
  const [notes, setNotes] = useState("");
  const ref = useModalDialog(open, () => {
    setNotes("");
    onOpen();
    notesRef.current?.focus();
  });
  return (
    <dialog
      ref={ref}
      className={`dialog ${className}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!pending) onClose();
      }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit(notes);
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {intro}
        <div className="field">
          <label htmlFor={notesId}>
            <span className="field-label">{t("notes.label")}</span>
          </label>
          <textarea id={notesId} ref={notesRef} rows={4} maxLength={5000} value={notes}
            onChange={(e) => setNotes(e.target.value)} aria-describedby={`${notesId}-hint`} />
          <span id={`${notesId}-hint`} className="hint">{notesHint}</span>
        </div>
        {errorText !== null && (
          <div className="error-box" role="alert">
            {errorText}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={pending}>
            {errorText !== null ? t("actions.close") : t("actions.cancel")}
          </button>
          <button type="submit" className={danger ? "danger" : "primary"} disabled={pending}>
            {pending ? pendingLabel : submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
