// One way to drive a native <dialog> from React state, shared by every modal of the app.
import { useEffect, useRef, type RefObject } from "react";

/**
 * Show the returned ref's <dialog> as a modal while `open` is true and close it otherwise;
 * `onOpen` runs each time it opens (to reset a form, move the focus). jsdom has no
 * showModal/close, so the `open` attribute stands in for them there.
 */
export function useModalDialog(open: boolean, onOpen?: () => void): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  const onOpenRef = useRef(onOpen);
  onOpenRef.current = onOpen;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
      onOpenRef.current?.();
    } else if (!open && dialog.open) {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
    }
  }, [open]);
  return ref;
}
