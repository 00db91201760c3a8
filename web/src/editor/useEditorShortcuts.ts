// The editor's keyboard shortcuts: Ctrl+S (Cmd+S on macOS) saves; Ctrl+Z undoes, Ctrl+Shift+Z and
// Ctrl+Y redo, except in a text field, where the browser's own text undo stays in charge.
import { useEffect, useRef } from "react";

const TEXT_INPUTS = new Set(["text", "search", "email", "url", "tel", "password", "number", "date", "datetime-local", "time"]);

/** Whether `target` is a field where typing happens (its own undo belongs to the browser). */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  return target instanceof HTMLInputElement && TEXT_INPUTS.has(target.type);
}

export interface Shortcuts {
  save: () => void;
  undo: () => void;
  redo: () => void;
}

export function useEditorShortcuts(shortcuts: Shortcuts) {
  const latest = useRef(shortcuts);
  latest.current = shortcuts;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.defaultPrevented) return;
      const key = e.key.toLowerCase();
      if (key === "s") {
        // Not the browser's "Save page as…".
        e.preventDefault();
        if (!e.repeat) latest.current.save();
        return;
      }
      if ((key !== "z" && key !== "y") || isTextField(e.target)) return;
      // A modal (add a step, leave without saving) has its own business.
      if (document.querySelector("dialog[open]")) return;
      e.preventDefault();
      if (key === "z" && !e.shiftKey) latest.current.undo();
      else latest.current.redo();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
