// The step tree of a workflow definition drawn as a graph, and pure operations on the tree.
// Node ids are the engine's step paths (`actions/2/branches/0/actions/1`); lanes are lists at
// `…/branches/<i>/actions`, `…/else` and `…/on_reject`. The definition stays the single source of
// truth: `definitionToGraph` is a view of it and `graphToDefinition` rebuilds it identically.
import type { Edge, Node } from "@xyflow/react";
import { sentenceCase } from "../format";
import i18n from "../i18n";
import { clip, conditionText, type SummaryLine } from "./summaries";
import type { Json, Lane, Step } from "./types";

/** A text of the graph (lane names, "+" buttons' names) in the interface's language. */
const g = (key: `graph.${string}`, values?: Record<string, string>): string =>
  (i18n.t as unknown as (key: string, values?: object) => string)(`editor:${key}`, values);



export const NODE_W = 240;
export const NODE_H = 72;
export const ADD_SIZE = 34;
export const JOIN_SIZE = 14;
export const TRIGGER_H = 44;
export const TRIGGER_LINE_H = 18;
const V_GAP = 46;
const H_GAP = 36;

// ------------------------------------------------------------------------------------ paths

type Segment = string | number;

function segments(path: string): Segment[] {
  return path.split("/").map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function getIn(root: unknown, segs: Segment[]): unknown {
  let current: unknown = root;
  for (const seg of segs) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[seg];
  }
  return current;
}

/** Return a copy of `root` with the value at `segs` replaced by `fn(old)` (containers created). */
function updateIn(root: unknown, segs: Segment[], fn: (old: unknown) => unknown): unknown {
  if (segs.length === 0) return fn(root);
  const [head, ...rest] = segs;
  if (typeof head === "number") {
    const list = Array.isArray(root) ? [...root] : [];
    list[head] = updateIn(list[head], rest, fn);
    return list;
  }
  const obj = root !== null && typeof root === "object" && !Array.isArray(root) ? { ...(root as object) } : {};
  (obj as Record<string, unknown>)[head] = updateIn((obj as Record<string, unknown>)[head], rest, fn);
  return obj;
}

/** Split a step path into the path of the list holding it and its index there. */
export function splitStepPath(stepPath: string): { listPath: string; index: number } {
  const cut = stepPath.lastIndexOf("/");
  return { listPath: stepPath.slice(0, cut), index: Number(stepPath.slice(cut + 1)) };
}

/** The steps of the list at `listPath` (`actions`, `actions/1/else`…), [] when missing. */
export function getList(actions: Step[], listPath: string): Step[] {
  const value = getIn({ actions }, segments(listPath));
  return Array.isArray(value) ? (value as Step[]) : [];
}

export function getStep(actions: Step[], stepPath: string): Step | undefined {
  const value = getIn({ actions }, segments(stepPath));
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Step) : undefined;
}

function setList(actions: Step[], listPath: string, list: Step[]): Step[] {
  return (updateIn({ actions }, segments(listPath), () => list) as { actions: Step[] }).actions;
}

/** Insert `step` at `index` of the list at `listPath` (created if missing). */
export function insertStep(actions: Step[], listPath: string, index: number, step: Step): Step[] {
  const list = [...getList(actions, listPath)];
  list.splice(Math.max(0, Math.min(index, list.length)), 0, step);
  return setList(actions, listPath, list);
}

/** Remove the step at `stepPath` (with everything nested in it). */
export function removeStep(actions: Step[], stepPath: string): Step[] {
  const { listPath, index } = splitStepPath(stepPath);
  const list = getList(actions, listPath).filter((_, i) => i !== index);
  return setList(actions, listPath, list);
}

/** Move a step up (-1) or down (+1) in its list; returns the new tree and the step's new path. */
export function moveStep(actions: Step[], stepPath: string, delta: number): { actions: Step[]; path: string } {
  const { listPath, index } = splitStepPath(stepPath);
  const list = [...getList(actions, listPath)];
  const target = index + delta;
  if (target < 0 || target >= list.length) return { actions, path: stepPath };
  [list[index], list[target]] = [list[target], list[index]];
  return { actions: setList(actions, listPath, list), path: `${listPath}/${target}` };
}

/** Replace the step at `stepPath`. */
export function updateStep(actions: Step[], stepPath: string, step: Step): Step[] {
  return (updateIn({ actions }, segments(stepPath), () => step) as { actions: Step[] }).actions;
}

/** Replace the config of the step at `stepPath`. */
export function updateConfig(actions: Step[], stepPath: string, config: Record<string, Json>): Step[] {
  const step = getStep(actions, stepPath);
  return step ? updateStep(actions, stepPath, { ...step, config }) : actions;
}

/** Parse an API error location (`actions[2].branches[0].actions[1].config.to`) into the step
 *  path it names (`actions/2/branches/0/actions/1`) and the rest (`config.to`); null if none. */
export function locToStep(loc: string): { stepPath: string; rest: string } | null {
  const parts = loc.replace(/^body\./, "").match(/[^.[\]]+/g) ?? [];
  if (parts[0] !== "actions" || !/^\d+$/.test(parts[1] ?? "")) return null;
  let end = 2;
  for (;;) {
    const [a, b, c, d] = parts.slice(end, end + 4);
    if (a === "branches" && /^\d+$/.test(b ?? "") && c === "actions" && /^\d+$/.test(d ?? "")) end += 4;
    else if ((a === "else" || a === "on_reject") && /^\d+$/.test(b ?? "")) end += 2;
    else break;
  }
  const restParts = parts.slice(end);
  let rest = "";
  for (const part of restParts) rest += /^\d+$/.test(part) ? `[${part}]` : rest ? `.${part}` : part;
  return { stepPath: parts.slice(0, end).join("/"), rest };
}

// ------------------------------------------------------------------------------------ lanes

export interface LaneInfo {
  listPath: string;
  /** Short name, also in the accessible names of the lane's "+" buttons. */
  label: string;
  /** Full text for the lane's header: a branch's name and its `when`. */
  title: string;
  kind: "branch" | "else" | "path" | "reject";
}

function laneActions(lane: Lane | Step[] | undefined): Step[] {
  if (Array.isArray(lane)) return lane;
  return Array.isArray(lane?.actions) ? lane.actions : [];
}

/** The lanes a control step opens (branch paths and else, parallel paths, approval's on_reject). */
export function lanesOf(step: Step, path: string): LaneInfo[] {
  const branches = Array.isArray(step.branches) ? step.branches : [];
  if (step.type === "branch") {
    return [
      ...branches.map((b, i) => {
        const condition = g("graph.if", { condition: conditionText(b.when) || "…" });
        return {
          listPath: `${path}/branches/${i}/actions`,
          label: b.name || clip(condition),
          title: b.name ? `${b.name}: ${condition}` : condition,
          kind: "branch" as const,
        };
      }),
      { listPath: `${path}/else`, label: g("graph.else"), title: g("graph.else"), kind: "else" },
    ];
  }
  if (step.type === "parallel") {
    return branches.map((b, i) => {
      const label = (!Array.isArray(b) && b.name) || g("graph.path", { number: String(i + 1) });
      return { listPath: `${path}/branches/${i}/actions`, label, title: label, kind: "path" as const };
    });
  }
  if (step.type === "approval") return [{ listPath: `${path}/on_reject`, label: g("graph.onReject"), title: g("graph.onReject"), kind: "reject" }];
  return [];
}

/** A copy of `step` without the steps nested in its lanes (the lane lists kept, emptied). */
export function stripLanes(step: Step): Step {
  const out: Step = { ...step };
  if (Array.isArray(step.branches)) {
    out.branches = step.branches.map((b) =>
      Array.isArray(b) ? ([] as unknown as Lane) : "actions" in b ? { ...b, actions: [] } : { ...b },
    );
  }
  if ("else" in step) out.else = [];
  if ("on_reject" in step) out.on_reject = [];
  return out;
}

// ------------------------------------------------------------------------------------ graph

export interface StepNodeData extends Record<string, unknown> {
  kind: "step";
  path: string;
  step: Step;
  label: string;
  errors: number;
  /** What the last test run says about the step (`success`, `skipped`, `unreached`…). */
  mark?: string;
  /** Why the step stands out (a suggestion's change: `added`, `changed`, `moved`). */
  highlight?: string;
  /** The step's `when` in one line; "" when it always runs. */
  when: string;
}
export interface AddNodeData extends Record<string, unknown> {
  kind: "add";
  listPath: string;
  index: number;
  label: string;
  /** The node it hangs below (the list's last step or join, or the lane's step): it follows it. */
  anchor: string;
}
export interface MarkerNodeData extends Record<string, unknown> {
  kind: "start" | "join";
  label: string;
  /** start: the trigger's filter and the workflow's conditions. */
  lines?: SummaryLine[];
  /** join: the control step it closes (it follows it). */
  anchor?: string;
}
export type NodeData = StepNodeData | AddNodeData | MarkerNodeData;
export interface InsertEdgeData extends Record<string, unknown> {
  listPath: string;
  index: number;
  label: string;
  lane?: string;
  laneTitle?: string;
}
/** An edge into an empty lane's "+": only the lane's header. */
export interface LaneEdgeData extends Record<string, unknown> {
  lane: string;
  laneTitle: string;
}

export interface GraphOptions {
  labelOf?: (step: Step) => string;
  triggerLabel?: string;
  /** Lines under the trigger's name (see summaries.ts). */
  triggerLines?: SummaryLine[];
  errorCounts?: Record<string, number>;
  /** Test marks by step path (see simulation/highlight.ts); none when not given. */
  marks?: Record<string, string> | null;
  /** Steps to make stand out, by step path, with why (`changed`…); none when not given. */
  highlights?: Record<string, string> | null;
}

export function defaultLabel(step: Step): string {
  if (step.name) return step.name;
  return sentenceCase(String(step.type ?? "step"));
}

function listWidth(list: Step[], path: string): number {
  return Math.max(NODE_W, ...list.map((s, i) => stepWidth(s, `${path}/${i}`)));
}

function stepWidth(step: Step, path: string): number {
  const lanes = lanesOf(step, path);
  if (step.type === "approval") {
    return NODE_W + 2 * (H_GAP + listWidth(laneOfPath(step, lanes[0].listPath), lanes[0].listPath));
  }
  if (lanes.length === 0) return NODE_W;
  const sum = lanes.reduce((acc, l) => acc + listWidth(laneOfPath(step, l.listPath), l.listPath), 0);
  return Math.max(NODE_W, sum + H_GAP * (lanes.length - 1));
}

function listHeight(list: Step[], path: string): number {
  return list.reduce((acc, s, i) => acc + stepHeight(s, `${path}/${i}`) + V_GAP, 0) + ADD_SIZE;
}

function stepHeight(step: Step, path: string): number {
  const lanes = lanesOf(step, path);
  if (lanes.length === 0) return NODE_H;
  const tallest = Math.max(...lanes.map((l) => listHeight(laneOfPath(step, l.listPath), l.listPath)));
  if (step.type === "approval") return NODE_H + V_GAP + tallest;
  return NODE_H + V_GAP + tallest + V_GAP + JOIN_SIZE;
}

/** The steps of one of `step`'s lanes, given the lane's list path. */
function laneOfPath(step: Step, listPath: string): Step[] {
  if (listPath.endsWith("/else")) return Array.isArray(step.else) ? step.else : [];
  if (listPath.endsWith("/on_reject")) return Array.isArray(step.on_reject) ? step.on_reject : [];
  const match = /\/branches\/(\d+)\/actions$/.exec(listPath);
  return match ? laneActions(step.branches?.[Number(match[1])]) : [];
}

interface LaneHeader {
  label: string;
  title: string;
}

interface Entry {
  source: string;
  lane?: LaneHeader; // the lane this list is
  startLabel: string; // accessible name of the "+" before the first step
  emptyLabel: string; // accessible name of the end "+" of an empty list
}

/** Map the step tree to React Flow nodes and edges, laid out top-down, lanes side by side. */
export function definitionToGraph(actions: Step[], options: GraphOptions = {}): { nodes: Node<NodeData>[]; edges: Edge[] } {
  const labelOf = options.labelOf ?? defaultLabel;
  const errors = options.errorCounts ?? {};
  const marks = options.marks ?? null;
  const highlights = options.highlights ?? null;
  const nodes: Node<NodeData>[] = [];
  const edges: Edge[] = [];

  const edge = (source: string, target: string, lane?: LaneHeader, insert?: Omit<InsertEdgeData, "lane" | "laneTitle">) => {
    const id = `${source}->${target}`;
    if (insert) {
      edges.push({ id, source, target, type: "insert", data: { ...insert, lane: lane?.label, laneTitle: lane?.title } });
    } else if (lane) {
      edges.push({ id, source, target, type: "lane", data: { lane: lane.label, laneTitle: lane.title } });
    } else {
      edges.push({ id, source, target, type: "smoothstep" });
    }
  };
  const APPROVED = { label: g("graph.approved"), title: g("graph.approved") };

  const placeList = (list: Step[], listPath: string, cx: number, top: number, entry: Entry): string => {
    let prev = entry.source;
    let prevLabel = "";
    let y = top;
    list.forEach((step, index) => {
      const path = `${listPath}/${index}`;
      const label = labelOf(step);
      nodes.push({
        id: path,
        type: "step",
        position: { x: cx - NODE_W / 2, y },
        width: NODE_W,
        height: NODE_H,
        data: {
          kind: "step", path, step: stripLanes(step), label, errors: errors[path] ?? 0, when: conditionText(step.when),
          ...(marks?.[path] ? { mark: marks[path] } : {}),
          ...(highlights?.[path] ? { highlight: highlights[path] } : {}),
        },
      });
      const insertLabel = index === 0 ? entry.startLabel : g("graph.addAfter", { label: prevLabel });
      const lane = index === 0 ? entry.lane : list[index - 1].type === "approval" ? APPROVED : undefined;
      edge(prev, path, lane, { listPath, index, label: insertLabel });
      const lanes = lanesOf(step, path);
      if (step.type === "approval") {
        const lane = lanes[0];
        const laneSteps = laneOfPath(step, lane.listPath);
        const laneW = listWidth(laneSteps, lane.listPath);
        placeList(laneSteps, lane.listPath, cx + NODE_W / 2 + H_GAP + laneW / 2, y + NODE_H + V_GAP, {
          source: path,
          lane,
          startLabel: g("graph.addLaneStart", { lane: lane.label, label }),
          emptyLabel: g("graph.addLane", { lane: lane.label, label }),
        });
        prev = path;
      } else if (lanes.length > 0) {
        const widths = lanes.map((l) => listWidth(laneOfPath(step, l.listPath), l.listPath));
        const total = widths.reduce((a, b) => a + b, 0) + H_GAP * (lanes.length - 1);
        let left = cx - total / 2;
        const laneTop = y + NODE_H + V_GAP;
        const tallest = Math.max(...lanes.map((l) => listHeight(laneOfPath(step, l.listPath), l.listPath)));
        const joinId = `${path}/join`;
        const ends: string[] = [];
        lanes.forEach((lane, i) => {
          ends.push(
            placeList(laneOfPath(step, lane.listPath), lane.listPath, left + widths[i] / 2, laneTop, {
              source: path,
              lane,
              startLabel: g("graph.addLaneStart", { lane: lane.label, label }),
              emptyLabel: g("graph.addLane", { lane: lane.label, label }),
            }),
          );
          left += widths[i] + H_GAP;
        });
        nodes.push({
          id: joinId,
          type: "marker",
          position: { x: cx - JOIN_SIZE / 2, y: laneTop + tallest + V_GAP },
          width: JOIN_SIZE,
          height: JOIN_SIZE,
          data: { kind: "join", label: g("graph.endOf", { label }), anchor: path },
          selectable: false,
          draggable: false,
        });
        ends.forEach((end) => edge(end, joinId));
        prev = joinId;
      } else {
        prev = path;
      }
      prevLabel = label;
      y += stepHeight(step, path) + V_GAP;
    });
    const addId = `${listPath}/+`;
    nodes.push({
      id: addId,
      type: "add",
      position: { x: cx - ADD_SIZE / 2, y },
      width: ADD_SIZE,
      height: ADD_SIZE,
      data: {
        kind: "add",
        listPath,
        index: list.length,
        label: list.length ? g("graph.addAfter", { label: prevLabel }) : entry.emptyLabel,
        anchor: prev,
      },
      selectable: false,
      draggable: false,
    });
    edge(prev, addId, list.length === 0 ? entry.lane : list[list.length - 1].type === "approval" ? APPROVED : undefined);
    return addId;
  };

  const width = listWidth(actions, "actions");
  const lines = options.triggerLines ?? [];
  const triggerH = TRIGGER_H + TRIGGER_LINE_H * lines.length;
  nodes.push({
    id: "trigger",
    type: "marker",
    position: { x: width / 2 - NODE_W / 2, y: 0 },
    width: NODE_W,
    height: triggerH,
    data: { kind: "start", label: options.triggerLabel ?? g("graph.trigger"), lines },
    selectable: false,
  });
  placeList(actions, "actions", width / 2, triggerH + V_GAP, {
    source: "trigger",
    startLabel: actions.length ? g("graph.addBefore", { label: labelOf(actions[0]) }) : g("graph.addFirst"),
    emptyLabel: g("graph.addFirst"),

  });
  return { nodes, edges };
}

/** The graph as a picture only: each "+" node cut out of the edges through it (what led into it
 *  leads to what followed it, lane header kept) and the insert edges' buttons gone. */
export function withoutAddButtons(graph: { nodes: Node<NodeData>[]; edges: Edge[] }): { nodes: Node<NodeData>[]; edges: Edge[] } {
  const adds = new Set(graph.nodes.filter((n) => n.data.kind === "add").map((n) => n.id));
  // A rejoined edge keeps the "+" in its id: two empty lanes of one step both rejoin its join.
  const plain = (edge: Edge, target = edge.target): Edge => {
    const data = edge.data as Partial<InsertEdgeData & LaneEdgeData> | undefined;
    const id = target === edge.target ? edge.id : `${edge.id}->${target}`;
    return data?.lane
      ? { id, source: edge.source, target, type: "lane", data: { lane: data.lane, laneTitle: data.laneTitle ?? data.lane } }
      : { id, source: edge.source, target, type: "smoothstep" };
  };
  const edges: Edge[] = [];
  for (const edge of graph.edges) {
    if (adds.has(edge.source)) continue; // rejoined below, from the edge into the "+"
    if (!adds.has(edge.target)) {
      edges.push(plain(edge));
      continue;
    }
    for (const next of graph.edges.filter((e) => e.source === edge.target)) edges.push(plain(edge, next.target));
  }
  return { nodes: graph.nodes.filter((n) => !adds.has(n.id)), edges };
}

function depth(path: string): number {
  return path.split("/").length;
}

/** Rebuild the step tree from the graph's step nodes (other nodes are layout only). */
export function graphToDefinition(nodes: Node<NodeData>[]): Step[] {
  const root: { actions: Step[] } = { actions: [] };
  const stepNodes = nodes
    .filter((n): n is Node<StepNodeData> => n.data.kind === "step")
    .sort((a, b) => depth(a.id) - depth(b.id));
  for (const node of stepNodes) {
    const { listPath, index } = splitStepPath(node.id);
    const list = getIn(root, segments(listPath));
    if (!Array.isArray(list)) throw new Error(`no list at ${listPath} for step ${node.id}`);
    list[index] = structuredClone(node.data.step);
  }
  return root.actions;
}

/** Canonical spelling of a definition's lanes (a parallel path given as a bare list). */
export function normaliseSteps(steps: unknown): Step[] {
  if (!Array.isArray(steps)) return [];
  return steps.map((raw) => {
    const step = { ...(raw as Step) };
    if (Array.isArray(step.branches)) {
      step.branches = step.branches.map((b) => {
        const lane: Lane = Array.isArray(b) ? { actions: b as Step[] } : { ...b };
        if (Array.isArray(lane.actions)) lane.actions = normaliseSteps(lane.actions);
        return lane;
      });
    }
    if (Array.isArray(step.else)) step.else = normaliseSteps(step.else);
    if (Array.isArray(step.on_reject)) step.on_reject = normaliseSteps(step.on_reject);
    return step;
  });
}

/** Every step path of the tree, depth first in reading order. */
export function allStepPaths(actions: Step[], listPath = "actions"): string[] {
  const out: string[] = [];
  actions.forEach((step, i) => {
    const path = `${listPath}/${i}`;
    out.push(path);
    for (const lane of lanesOf(step, path)) out.push(...allStepPaths(laneOfPath(step, lane.listPath), lane.listPath));
  });
  return out;
}
