// Leaving the editor with unsaved changes: links and the back button ask first (an in-app dialog),
// closing or reloading the tab gets the browser's own prompt.
import { useCallback, useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useBlocker, type Blocker, type BlockerFunction } from "react-router-dom";
import { useModalDialog } from "../components/useModalDialog";

export function useUnsavedGuard(dirty: boolean) {
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  // Set just before a navigation the page makes itself once the work is safe (after saving).
  const allowed = useRef(false);
  const blocker = useBlocker(useCallback<BlockerFunction>(
    ({ currentLocation, nextLocation }) =>
      !allowed.current && dirtyRef.current && currentLocation.pathname !== nextLocation.pathname,
    [],
  ));
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
  const allowNavigation = useCallback(() => {
    allowed.current = true;
  }, []);
  return { blocker, allowNavigation };
}

/** "Leave without saving?" while `blocker` holds a navigation back: Stay or Leave. */
export function LeaveDialog({ blocker, onLeave }: { blocker: Blocker; onLeave: () => void }) {
  const { t } = useTranslation("editor");
  const open = blocker.state === "blocked";
  const stayRef = useRef<HTMLButtonElement>(null);
  const ref = useModalDialog(open, () => stayRef.current?.focus());
  const stay = () => blocker.state === "blocked" && blocker.reset();
  return (
    <dialog ref={ref} className="dialog leave-dialog" aria-labelledby="leave-title" aria-describedby="leave-text"
      onCancel={(e) => {
        e.preventDefault();
        stay();
      }}>
      {open && (
        <>
          <h2 id="leave-title">{t("leave.title")}</h2>
          <p id="leave-text">{t("leave.text")}</p>
          <div className="dialog-actions">
            <button type="button" ref={stayRef} className="primary" onClick={stay}>{t("leave.stay")}</button>
            <button type="button" className="danger" onClick={() => {
              onLeave();
              if (blocker.state === "blocked") blocker.proceed();
            }}>{t("leave.leave")}</button>

          </div>
        </>
      )}
    </dialog>
  );
}
