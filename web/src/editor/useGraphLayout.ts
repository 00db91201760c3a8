// The editor's node positions: loaded and saved with the workflow, moved by dragging, cleared by
// Tidy, and carried along (see layout.ts) whenever the step tree changes.
import { useCallback, useMemo, useRef, useState } from "react";
import { reconcilePositions, prunePositions, samePositions, withPosition, type Positions, type XY } from "./layout";
import type { Step } from "./types";

interface Placed {
  /** The tree the positions were made for; the current tree may have changed since. */
  actions: Step[] | undefined;
  positions: Positions;
}

export interface GraphLayoutState {
  positions: Positions;
  /** Changed since loaded or saved. */
  dirty: boolean;
  /** Start again from the saved positions of `actions` (after loading or saving). */
  reset: (saved: Positions | undefined, actions: Step[]) => void;
  move: (id: string, xy: XY) => void;
  tidy: () => void;
  /** Positions for the tree `next` a known edit (insert, remove, move) made from the current one. */
  follow: (remap: (positions: Positions) => Positions, next: Step[]) => void;
}

export function useGraphLayout(actions: Step[] | undefined): GraphLayoutState {
  const [placed, setPlaced] = useState<Placed>({ actions: undefined, positions: {} });
  const [baseline, setBaseline] = useState<Positions>({});
  const positions = useMemo(
    () => (actions && placed.actions ? reconcilePositions(placed.actions, actions, placed.positions) : placed.positions),
    [actions, placed],
  );
  // The latest tree and positions, for callbacks that stay the same across renders.
  const latest = useRef({ actions, positions });
  latest.current = { actions, positions };

  const reset = useCallback((saved: Positions | undefined, tree: Step[]) => {
    const kept = prunePositions(saved ?? {}, tree);
    setPlaced({ actions: tree, positions: kept });
    setBaseline(kept);
  }, []);
  const move = useCallback((id: string, xy: XY) => {
    setPlaced({ actions: latest.current.actions, positions: withPosition(latest.current.positions, id, xy) });
  }, []);
  const tidy = useCallback(() => setPlaced({ actions: latest.current.actions, positions: {} }), []);
  const follow = useCallback((remap: (p: Positions) => Positions, next: Step[]) => {
    setPlaced({ actions: next, positions: remap(latest.current.positions) });
  }, []);
  return { positions, dirty: !samePositions(positions, baseline), reset, move, tidy, follow };
}
