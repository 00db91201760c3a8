// The editor's node positions: loaded and saved with the workflow, moved by dragging, cleared by
// Tidy, and carried along (see layout.ts) whenever the step tree changes. The placement itself is
// the caller's state (it lives in the editor's undo history); this hook keeps the saved baseline.
import { useCallback, useMemo, useRef, useState } from "react";
import { reconcilePositions, prunePositions, samePositions, withPosition, type Positions, type XY } from "./layout";
import type { Step } from "./types";

export interface Placed {
  /** The tree the positions were made for; the current tree may have changed since. */
  actions: Step[] | undefined;
  positions: Positions;
}

export const NOTHING_PLACED: Placed = { actions: undefined, positions: {} };

export interface GraphLayoutState {
  positions: Positions;
  /** Changed since loaded or saved. */
  dirty: boolean;
  /** Take `saved` as the saved positions of `actions` (after loading or saving); returns the placement to show. */
  reset: (saved: Positions | undefined, actions: Step[]) => Placed;
  move: (id: string, xy: XY) => void;
  tidy: () => void;
  /** The placement for the tree `next` a known edit (insert, remove, move) made from the current one. */
  follow: (remap: (positions: Positions) => Positions, next: Step[]) => Placed;
}

export function useGraphLayout(actions: Step[] | undefined, placed: Placed, onChange: (placed: Placed) => void): GraphLayoutState {
  const [baseline, setBaseline] = useState<Positions>({});
  const positions = useMemo(
    () => (actions && placed.actions ? reconcilePositions(placed.actions, actions, placed.positions) : placed.positions),
    [actions, placed],
  );
  // The latest tree, positions and setter, for callbacks that stay the same across renders.
  const latest = useRef({ actions, positions, onChange });
  latest.current = { actions, positions, onChange };

  const reset = useCallback((saved: Positions | undefined, tree: Step[]) => {
    const kept = prunePositions(saved ?? {}, tree);
    setBaseline(kept);
    return { actions: tree, positions: kept };
  }, []);
  const move = useCallback((id: string, xy: XY) => {
    const { actions: tree, positions: now, onChange: change } = latest.current;
    change({ actions: tree, positions: withPosition(now, id, xy) });
  }, []);
  const tidy = useCallback(() => latest.current.onChange({ actions: latest.current.actions, positions: {} }), []);
  const follow = useCallback(
    (remap: (p: Positions) => Positions, next: Step[]) => ({ actions: next, positions: remap(latest.current.positions) }),
    [],
  );
  return { positions, dirty: !samePositions(positions, baseline), reset, move, tidy, follow };
}
