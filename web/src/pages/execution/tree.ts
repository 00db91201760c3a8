// Turn an execution's flat step records into a tree that follows the definition's paths.
import type { Schemas } from "../../api/client";

export type StepRecord = Schemas["ExecutionStepResponse"];

/** One lane of a step's children: a branch / parallel path, `else` or `on_reject`. */
export interface Lane {
  key: string; // "branches/0", "else", "on_reject"
  kind: "branch" | "else" | "on_reject";
  index: number | null;
  steps: StepNode[];
}

/** A step of the tree; `record` is null while a parent (e.g. an unjoined parallel) has none yet. */
export interface StepNode {
  path: string;
  index: number;
  record: StepRecord | null;
  lanes: Lane[];
}

const SEGMENT = /^\/(?:branches\/(\d+)\/actions|else|on_reject)\/(\d+)/;

/** Split a step path into (lane key, index) pairs: `actions/1/else/0` -> [["actions",1],["else",0]]. */
export function parsePath(path: string): [string, number][] | null {
  const top = /^actions\/(\d+)/.exec(path);
  if (!top) return null;
  const parts: [string, number][] = [["actions", Number(top[1])]];
  let rest = path.slice(top[0].length);
  while (rest) {
    const m = SEGMENT.exec(rest);
    if (!m) return null;
    const head = m[0].split("/")[1];
    const key = head === "branches" ? `branches/${m[1]}` : head;
    parts.push([key, Number(m[2])]);
    rest = rest.slice(m[0].length);
  }
  return parts;
}

function laneKind(key: string): Lane["kind"] {
  if (key === "else") return "else";
  if (key === "on_reject") return "on_reject";
  return "branch";
}

function laneOrder(key: string): number {
  if (key.startsWith("branches/")) return Number(key.slice(9));
  return key === "else" ? 10_000 : 20_000;
}

/** Build the tree; records whose path cannot be parsed go to the top level, in position order. */
export function buildStepTree(steps: StepRecord[]): StepNode[] {
  const roots: StepNode[] = [];
  const byPath = new Map<string, StepNode>();
  const extras: StepNode[] = [];

  const ensure = (parts: [string, number][]): StepNode => {
    let siblings = roots;
    let node: StepNode | undefined;
    let path = "";
    parts.forEach(([key, index], depth) => {
      path = depth === 0 ? `actions/${index}` : `${path}/${key === "else" || key === "on_reject" ? key : `${key}/actions`}/${index}`;
      if (depth > 0 && node) {
        let lane = node.lanes.find((l) => l.key === key);
        if (!lane) {
          lane = {
            key,
            kind: laneKind(key),
            index: key.startsWith("branches/") ? Number(key.slice(9)) : null,
            steps: [],
          };
          node.lanes.push(lane);
          node.lanes.sort((a, b) => laneOrder(a.key) - laneOrder(b.key));
        }
        siblings = lane.steps;
      }
      let found = byPath.get(path);
      if (!found) {
        found = { path, index, record: null, lanes: [] };
        byPath.set(path, found);
        siblings.push(found);
        siblings.sort((a, b) => a.index - b.index);
      }
      node = found;
    });
    return node!;
  };

  for (const step of [...steps].sort((a, b) => a.position - b.position)) {
    const parts = parsePath(step.path);
    if (!parts) {
      extras.push({ path: step.path, index: step.position, record: step, lanes: [] });
      continue;
    }
    const node = ensure(parts);
    // A step retried after a failure may have several records: the latest one wins.
    node.record = step;
  }
  return [...roots, ...extras];
}

/** Count the records of a tree (handy for summaries). */
export function flatten(nodes: StepNode[]): StepNode[] {
  return nodes.flatMap((n) => [n, ...n.lanes.flatMap((l) => flatten(l.steps))]);
}
