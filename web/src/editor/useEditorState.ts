// What the editor edits, with its undo history: the definition and the canvas's node positions
// move together, so undoing a removal brings back the step and where it was on the graph.
import { useCallback, useState } from "react";
import type { Positions } from "./layout";
import type { Definition, Step } from "./types";
import { useGraphLayout, NOTHING_PLACED, type Placed } from "./useGraphLayout";
import { useHistory } from "./useHistory";

export interface EditorState {
  def: Definition;
  placed: Placed;
}

export function useEditorState() {
  const history = useHistory<EditorState | null>(null);
  const { value, set } = history;
  // The definition last loaded or saved, to tell unsaved changes.
  const [baseline, setBaseline] = useState<string | null>(null);
  const def = value?.def ?? null;
  const placeLayout = useCallback((placed: Placed) => set((s) => (s ? { ...s, placed } : s)), [set]);
  const layout = useGraphLayout(def?.actions, value?.placed ?? NOTHING_PLACED, placeLayout);
  const defDirty = def !== null && baseline !== null && JSON.stringify(def) !== baseline;
  const { reset: resetLayout, follow } = layout;

  /** Start from a loaded or saved definition and its saved positions: nothing to undo, nothing unsaved. */
  const load = useCallback((loaded: Definition, saved?: Positions) => {
    setBaseline(JSON.stringify(loaded));
    history.reset({ def: loaded, placed: resetLayout(saved, loaded.actions) });
  }, [history.reset, resetLayout]);
  /** Take what the server saved as the saved state, keeping the undo history (undo goes on past a save). */
  const saved = useCallback((stored: Definition, positions?: Positions) => {
    setBaseline(JSON.stringify(stored));
    set({ def: stored, placed: resetLayout(positions, stored.actions) }, { amend: true });
  }, [set, resetLayout]);
  /** Change the definition; edits with the same `coalesce` key in a burst are one undo entry. */
  const edit = useCallback((change: (d: Definition) => Definition, coalesce?: string) => {
    set((s) => (s ? { ...s, def: change(s.def) } : s), { coalesce });
  }, [set]);
  /** The state after a structural edit of the steps (the positions follow the steps they belong to). */
  const restructured = useCallback((actions: Step[], remap: (p: Positions) => Positions): EditorState | null => (
    value ? { def: { ...value.def, actions }, placed: follow(remap, actions) } : null
  ), [value, follow]);

  return {
    def, state: value, layout, defDirty, dirty: defDirty || layout.dirty,
    load, saved, edit, restructured,
    /** Record a whole new state as one undo entry. */
    replace: useCallback((next: EditorState) => set(next), [set]),
    undo: history.undo, redo: history.redo, canUndo: history.canUndo, canRedo: history.canRedo,
  };
}
