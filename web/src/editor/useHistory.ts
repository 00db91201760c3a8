// An undo/redo history over one value: every edit is an entry, a burst of edits with the same
// coalescing key (typing in one field) is one entry, and only the last HISTORY_LIMIT are kept.
import { useCallback, useMemo, useState } from "react";

/** How many edits can be undone; older ones are forgotten. */
export const HISTORY_LIMIT = 100;
/** Edits with the same key closer together than this are one entry (a burst of typing). */
export const COALESCE_MS = 1000;

interface Stack<T> {
  past: T[];
  present: T;
  future: T[];
  /** The coalescing key and time of the last edit, while it may still absorb the next one. */
  last: { key: string; at: number } | null;
}

export interface EditOptions {
  /** Merge with the previous edit when it had the same key and came less than COALESCE_MS ago. */
  coalesce?: string;
  /** Change the current entry instead of adding one (the same edits in another form, e.g. as saved). */
  amend?: boolean;
}

export interface History<T> {
  value: T;
  /** Record an edit (a value or an update of the current value). */
  set: (next: T | ((current: T) => T), options?: EditOptions) => void;
  /** Start again from `value` with nothing to undo or redo (after loading or saving). */
  reset: (value: T) => void;
  undo: () => void;
  redo: () => void;
  canUndo: boolean;
  canRedo: boolean;
}

export function useHistory<T>(initial: T, now: () => number = Date.now): History<T> {
  const [stack, setStack] = useState<Stack<T>>({ past: [], present: initial, future: [], last: null });

  const set = useCallback((next: T | ((current: T) => T), options: EditOptions = {}) => {
    const at = now();
    setStack((s) => {
      const value = typeof next === "function" ? (next as (current: T) => T)(s.present) : next;
      if (Object.is(value, s.present)) return s;
      const key = options.coalesce;
      const last = key === undefined ? null : { key, at };
      if (options.amend || (key !== undefined && s.last?.key === key && at - s.last.at < COALESCE_MS)) {
        return { ...s, present: value, future: [], last };
      }
      return { past: [...s.past, s.present].slice(-HISTORY_LIMIT), present: value, future: [], last };
    });
  }, [now]);
  const reset = useCallback((value: T) => setStack({ past: [], present: value, future: [], last: null }), []);
  const undo = useCallback(() => {
    setStack((s) => (s.past.length === 0 ? s : {
      past: s.past.slice(0, -1), present: s.past[s.past.length - 1], future: [s.present, ...s.future], last: null,
    }));
  }, []);
  const redo = useCallback(() => {
    setStack((s) => (s.future.length === 0 ? s : {
      past: [...s.past, s.present].slice(-HISTORY_LIMIT), present: s.future[0], future: s.future.slice(1), last: null,
    }));
  }, []);

  return useMemo(() => ({
    value: stack.present, set, reset, undo, redo, canUndo: stack.past.length > 0, canRedo: stack.future.length > 0,
  }), [stack, set, reset, undo, redo]);
}
