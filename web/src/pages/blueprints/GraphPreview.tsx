// A small read-only drawing of a blueprint's graph spec: its nodes where the spec places them
// (the editor's coordinates, 240 × 72 boxes) and its edges, scaled to fit. Plain SVG: the
// catalog should not load the graph editor's library to show a thumbnail.
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { stepAt, stepTypeText } from "./describe";
import type { GraphNode, GraphSpec } from "./types";

const NODE_W = 240;
const NODE_H = 72;
const PAD = 16;
const ROW = 118; // the layout's row height (graph_spec.py): a longer edge jumps over nodes

const SCALE = 0.5; // drawn at half the editor's size, smaller when the column is narrower

function clip(text: string, size = 20): string {
  return text.length > size ? `${text.slice(0, size - 1)}…` : text;
}

function nodeClass(type: string): string {
  if (type === "trigger") return "bp-node bp-node-trigger";
  if (["branch", "parallel", "delay", "approval", "stop"].includes(type)) return `bp-node bp-node-control bp-node-${type}`;
  return "bp-node";
}

export function GraphPreview({ graph, steps }: { graph: GraphSpec; steps: unknown }) {
  const { t } = useTranslation("blueprints");
  const markerId = `bp-arrow-${useId().replace(/:/g, "")}`;
  if (graph.nodes.length === 0) return null;
  const xs = graph.nodes.map((n) => n.x);
  const ys = graph.nodes.map((n) => n.y);
  const minX = Math.min(...xs) - PAD;
  const minY = Math.min(...ys) - PAD;
  const at = new Map(graph.nodes.map((n) => [n.id, n]));
  // A straight edge longer than a row would cross the nodes between: it bends aside, right.
  const bendOf = (a: GraphNode, b: GraphNode) => (a.x === b.x && b.y - a.y > ROW ? NODE_W : 0);
  const bends = graph.edges.some(({ from, to }) => at.has(from) && at.has(to) && bendOf(at.get(from)!, at.get(to)!) > 0);
  // The curve reaches about 3/4 of its bend beyond the node's middle.
  const width = Math.max(...xs) + NODE_W + PAD - minX + (bends ? NODE_W * 0.75 - NODE_W / 2 + 8 : 0);
  const height = Math.max(...ys) + NODE_H + PAD - minY;
  const label = (id: string, type: string) => {
    if (id === "trigger") return t("graph.trigger");
    const step = stepAt(steps, id);
    const name = step && typeof step.name === "string" && step.name ? step.name : "";
    return name || stepTypeText(type);
  };
  return (
    <svg className="bp-graph" viewBox={`${minX} ${minY} ${width} ${height}`} width={width * SCALE} role="img"
      aria-label={t("graph.label", { count: graph.nodes.length - 1 })}>
      <defs>
        <marker id={markerId} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="bp-arrow" />
        </marker>
      </defs>
      {graph.edges.map(({ from, to }) => {
        const a = at.get(from);
        const b = at.get(to);
        if (!a || !b) return null;
        const x1 = a.x + NODE_W / 2;
        const y1 = a.y + NODE_H;
        const x2 = b.x + NODE_W / 2;
        const y2 = b.y;
        const bend = bendOf(a, b);
        const mid = (y1 + y2) / 2;
        return (
          <path key={`${from}>${to}`} className="bp-edge" markerEnd={`url(#${markerId})`}
            d={`M ${x1} ${y1} C ${x1 + bend} ${mid}, ${x2 + bend} ${mid}, ${x2} ${y2}`} />
        );
      })}
      {graph.nodes.map((node) => {
        const text = label(node.id, node.type);
        return (
          <g key={node.id} className={nodeClass(node.type)}>
            <title>{node.id === "trigger" ? t("graph.trigger") : `${stepTypeText(node.type)}: ${text}`}</title>
            <rect x={node.x} y={node.y} width={NODE_W} height={NODE_H} rx={10} />
            <text x={node.x + NODE_W / 2} y={node.y + (node.id === "trigger" ? 44 : 30)} textAnchor="middle" className="bp-node-name">{clip(text)}</text>
            {node.id !== "trigger" && (
              <text x={node.x + NODE_W / 2} y={node.y + 54} textAnchor="middle" className="bp-node-type">{clip(stepTypeText(node.type), 24)}</text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
