// Unsaved edits kept in localStorage (one draft per workflow, "new" for one not created yet), so a
// crash, a closed tab or a lost session costs nothing; the editor offers the draft back when it opens.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Positions } from "./layout";
import type { Definition } from "./types";

const PREFIX = "crmflow.editor-draft.";
/** Wait this long after the last edit before writing the draft. */
export const DRAFT_DELAY_MS = 800;
/** A draft longer than this (in characters) is not kept: localStorage holds about 5 MB per site. */
export const DRAFT_MAX_CHARS = 200_000;
/** Drafts kept at most, across workflows; the oldest go first. */
export const DRAFT_MAX_COUNT = 20;

export interface Draft {
  savedAt: string;
  /** The saved version the edits started from (null for a new workflow). */
  version: number | null;
  def: Definition;
  positions: Positions;
}

export function readDraft(key: string): Draft | null {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    const draft = raw ? (JSON.parse(raw) as Draft) : null;
    const valid = draft && typeof draft.savedAt === "string" && draft.def && Array.isArray(draft.def.actions);
    return valid ? { ...draft, positions: draft.positions ?? {} } : null;
  } catch {
    return null;
  }
}

export function clearDraft(key: string): void {
  localStorage.removeItem(PREFIX + key);
}

/** Keep `draft` under `key`; false (and no draft) when it is too big or storage refuses it. */
export function writeDraft(key: string, draft: Draft): boolean {
  const text = JSON.stringify(draft);
  if (text.length > DRAFT_MAX_CHARS) {
    clearDraft(key);
    return false;
  }
  const others = Object.keys(localStorage)
    .filter((k) => k.startsWith(PREFIX) && k !== PREFIX + key)
    .map((k) => ({ k, at: readDraft(k.slice(PREFIX.length))?.savedAt ?? "" }))
    .sort((a, b) => b.at.localeCompare(a.at));
  others.slice(DRAFT_MAX_COUNT - 1).forEach(({ k }) => localStorage.removeItem(k));
  try {
    localStorage.setItem(PREFIX + key, text);
    return true;
  } catch {
    clearDraft(key);
    return false;
  }
}

export interface LocalDraftOptions {
  key: string;
  /** What to keep; null while nothing is loaded. */
  current: { def: Definition; positions: Positions } | null;
  dirty: boolean;
  /** The saved version being edited: null for a new workflow, undefined while it loads. */
  version: number | null | undefined;
}

export function useLocalDraft({ key, current, dirty, version }: LocalDraftOptions) {
  // The draft found when the editor of `key` opened, until restored or discarded.
  const [found, setFound] = useState(() => ({ key, draft: readDraft(key) }));
  if (found.key !== key) setFound({ key, draft: readDraft(key) });
  const pending = found.key === key ? found.draft : null;
  // Edits started from an older version than the one saved since are not offered.
  const stale = pending !== null && version != null && (pending.version ?? 0) < version;
  const offer = pending && version !== undefined && !stale ? pending : null;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (stale) {
      clearDraft(key);
      setFound({ key, draft: null });
    }
  }, [stale, key]);
  useEffect(() => {
    // Never overwrite a draft that is still on offer.
    if (pending || !current || version === undefined) return;
    if (!dirty) {
      clearDraft(key);
      return;
    }
    timer.current = setTimeout(() => {
      writeDraft(key, { savedAt: new Date().toISOString(), version, def: current.def, positions: current.positions });
    }, DRAFT_DELAY_MS);
    return () => clearTimeout(timer.current);
  }, [pending, current, dirty, version, key]);

  /** Forget the draft (after saving, or when the user discards it). */
  const discard = useCallback(() => {
    clearTimeout(timer.current);
    clearDraft(key);
    setFound({ key, draft: null });
  }, [key]);
  /** Take the offered draft; it is written again as the edits go on. */
  const restore = useCallback(() => setFound({ key, draft: null }), [key]);
  return { offer, discard, restore };
}
