// The canvas's saved node positions (a workflow's `graph_layout`) and how they follow the step
// tree. A position belongs to the step at a path, so when the tree changes it moves to the step's
// new path or is dropped (the automatic layout takes over), never left on another step.
import type { Node } from "@xyflow/react";
import { allStepPaths, getStep, splitStepPath, stripLanes, type NodeData } from "./graph";
import type { Step } from "./types";

export interface XY {
  x: number;
  y: number;
}
/** Top-left corners by node id: `trigger` or a step path. */
export type Positions = Record<string, XY>;
export interface GraphLayout {
  positions: Positions;
}

export const TRIGGER_ID = "trigger";
// The API refuses coordinates past this (workflows/schemas.py).
const MAX_COORDINATE = 1_000_000;

/** `positions` re-keyed by `map` (the step's new path, or null when it is gone); the trigger stays. */
function remap(positions: Positions, map: (path: string) => string | null): Positions {
  const out: Positions = {};
  for (const [id, xy] of Object.entries(positions)) {
    const next = id === TRIGGER_ID ? id : map(id);
    if (next !== null) out[next] = xy;
  }
  return out;
}

/** Where `path` is in the list at `listPath` (its index there and the rest of the path), or null. */
function within(path: string, listPath: string): { index: number; rest: string } | null {
  if (!path.startsWith(`${listPath}/`)) return null;
  const match = /^(\d+)(\/.*)?$/.exec(path.slice(listPath.length + 1));
  return match ? { index: Number(match[1]), rest: match[2] ?? "" } : null;
}

/** Positions after a step was inserted at `index` of the list at `listPath` (later steps shift). */
export function positionsAfterInsert(positions: Positions, listPath: string, index: number): Positions {
  return remap(positions, (path) => {
    const at = within(path, listPath);
    return at && at.index >= index ? `${listPath}/${at.index + 1}${at.rest}` : path;
  });
}

/** Positions after the step at `stepPath` was removed (its own and its lanes' dropped). */
export function positionsAfterRemove(positions: Positions, stepPath: string): Positions {
  const { listPath, index } = splitStepPath(stepPath);
  return remap(positions, (path) => {
    const at = within(path, listPath);
    if (!at || at.index < index) return path;
    return at.index === index ? null : `${listPath}/${at.index - 1}${at.rest}`;
  });
}

/** Positions after the step at `from` swapped places with its sibling now at `to` (moveStep). */
export function positionsAfterMove(positions: Positions, from: string, to: string): Positions {
  const { listPath, index } = splitStepPath(from);
  const target = splitStepPath(to).index;
  return remap(positions, (path) => {
    const at = within(path, listPath);
    if (!at || (at.index !== index && at.index !== target)) return path;
    return `${listPath}/${at.index === index ? target : index}${at.rest}`;
  });
}

/** Only the positions of nodes `actions` has (the trigger and its step paths). */
export function prunePositions(positions: Positions, actions: Step[]): Positions {
  const paths = new Set(allStepPaths(actions));
  return remap(positions, (path) => (paths.has(path) ? path : null));
}

/** Positions carried from the tree `before` to `after` after any edit (JSON, a step's lanes):
 *  a step whose content is unique in both trees keeps its position at its new path; an unmatched
 *  step keeps it when its path still holds a step of its type that no other step claimed (an edit
 *  in place); any other position is dropped. */
export function reconcilePositions(before: Step[], after: Step[], positions: Positions): Positions {
  if (before === after) return positions;
  const fingerprints = (steps: Step[]) =>
    new Map(allStepPaths(steps).map((path) => [path, JSON.stringify(stripLanes(getStep(steps, path)!))]));
  const counts = (prints: Map<string, string>) => {
    const out = new Map<string, number>();
    for (const print of prints.values()) out.set(print, (out.get(print) ?? 0) + 1);
    return out;
  };
  const old = fingerprints(before);
  const now = fingerprints(after);
  const oldCounts = counts(old);
  const nowCounts = counts(now);
  const nowByPrint = new Map([...now].map(([path, print]) => [print, path]));
  const moved = new Map<string, string>();
  for (const [path, print] of old) {
    if (oldCounts.get(print) === 1 && nowCounts.get(print) === 1) moved.set(path, nowByPrint.get(print)!);
  }
  const claimed = new Set(moved.values());
  for (const path of old.keys()) {
    if (moved.has(path) || claimed.has(path) || !now.has(path)) continue;
    if (getStep(before, path)?.type === getStep(after, path)?.type) {
      moved.set(path, path);
      claimed.add(path);
    }
  }
  return remap(positions, (path) => moved.get(path) ?? null);
}

/** `positions` with node `id` at `xy` (rounded to whole pixels, within the API's bounds). */
export function withPosition(positions: Positions, id: string, xy: XY): Positions {
  const bound = (v: number) => Math.max(-MAX_COORDINATE, Math.min(MAX_COORDINATE, Math.round(v)));
  return { ...positions, [id]: { x: bound(xy.x), y: bound(xy.y) } };
}

export function samePositions(a: Positions, b: Positions): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] && b[k].x === a[k].x && b[k].y === a[k].y);
}

/** The `graph_layout` to save: null (the automatic layout) when no node was placed by hand. */
export function toGraphLayout(positions: Positions): GraphLayout | null {
  return Object.keys(positions).length ? { positions } : null;
}

/** The graph's nodes at their saved positions. A node without one keeps the automatic layout,
 *  except "+" and join nodes, which move with the node they hang from. */
export function arrange(nodes: Node<NodeData>[], positions: Positions): Node<NodeData>[] {
  // How far each moved node is from its automatic place (anchors come before their followers).
  const offsets = new Map<string, XY>();
  return nodes.map((node) => {
    const movable = node.data.kind === "step" || node.data.kind === "start";
    const anchor = typeof node.data.anchor === "string" ? offsets.get(node.data.anchor) : undefined;
    const position = movable && positions[node.id]
      ? positions[node.id]
      : anchor ? { x: node.position.x + anchor.x, y: node.position.y + anchor.y } : null;
    if (!position) return node;
    offsets.set(node.id, { x: position.x - node.position.x, y: position.y - node.position.y });
    return { ...node, position };
  });
}
