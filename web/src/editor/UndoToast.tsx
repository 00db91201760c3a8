// After a destructive edit (a step, a branch or a path removed): "Step removed. Undo" for a few
// seconds. It goes away as soon as anything else changes, so its Undo always undoes that edit.
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

export const TOAST_MS = 8000;

interface Toast<T> {
  message: string;
  /** The state the destructive edit made; the toast shows only while it is current. */
  after: T;
}

export function useUndoToast<T>(current: T) {
  const [toast, setToast] = useState<Toast<T> | null>(null);
  useEffect(() => {
    if (!toast) return;
    const id = setTimeout(() => setToast(null), TOAST_MS);
    return () => clearTimeout(id);
  }, [toast]);
  const show = useCallback((message: string, after: T) => setToast({ message, after }), []);
  return { message: toast && Object.is(toast.after, current) ? toast.message : null, show, hide: () => setToast(null) };
}

export function UndoToast({ message, onUndo }: { message: string | null; onUndo: () => void }) {
  const { t } = useTranslation("editor");
  // The live region stays in the page so screen readers announce the message when it appears.
  return (
    <div className="undo-toast-region" role="status" aria-live="polite">
      {message && (
        <div className="undo-toast">
          <span>{message}</span>
          <button type="button" onClick={onUndo}>{t("undoToast.undo")}</button>

        </div>
      )}
    </div>
  );
}
