// The visual editor's canvas: the step tree drawn with React Flow (a view of the definition).
// Steps and the trigger can be dragged; where they were put is kept apart from the definition
// (see layout.ts) and everything else keeps the automatic layout.
import {
  Controls, Panel, ReactFlow, ReactFlowProvider, useReactFlow, type Node, type NodeChange,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from "react";
import { useTranslation } from "react-i18next";
import { Actions, edgeTypes, nodeTypes } from "./FlowNodes";
import { definitionToGraph, withoutAddButtons, type NodeData } from "./graph";
import { arrange, type Positions, type XY } from "./layout";
import type { SummaryLine } from "./summaries";
import type { Step } from "./types";
import "./editor.css";

// With nothing to drag or select, React Flow would turn pointer events off on the "+" nodes
// (and so on the buttons inside them); a click handler keeps them on.
const keepPointerEvents = () => {};

const NO_POSITIONS: Positions = {};

export interface FlowCanvasProps {
  actions: Step[];
  selected: string | null;
  onSelect: (path: string) => void;
  /** A "+" was pressed; not needed when `readOnly`. */
  onAdd?: (listPath: string, index: number, title: string) => void;
  labelOf: (step: Step) => string;
  typeLabel: (type: string) => string;
  triggerLabel: string;
  /** The trigger's filter and the workflow's conditions, under its name. */
  triggerLines?: SummaryLine[];
  errorCounts: Record<string, number>;
  /** Marks of the last test run by step path (highlights its path); none when not given. */
  marks?: Record<string, string> | null;
  /** Nodes placed by hand; the others keep the automatic layout. */
  positions?: Positions;
  /** A node was dragged to `xy`; without it nothing can be dragged. */
  onMoveNode?: (id: string, xy: XY) => void;
  /** Put every node back in the automatic layout (the canvas's "Tidy layout" button). */
  onTidy?: () => void;
  /** A picture of the steps: no "+" buttons, steps named "Step …" rather than "Edit step …". */
  readOnly?: boolean;
  /** Steps to make stand out, by step path, with why (`changed`…). */
  highlights?: Record<string, string> | null;
}

const noAdd = () => {};

/** Show the graph from its top, centred, as large as fits (never below a readable zoom); again
 *  when its shape or the canvas's size changes. Smaller zooms remain a scroll or "fit view" away. */
function AutoFit({ shape, nodes, box, selected }: { shape: string; nodes: Node[]; box: RefObject<HTMLDivElement | null>; selected: string | null }) {
  const { setViewport } = useReactFlow();
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const place = useCallback(() => {
    const el = box.current;
    const list = nodesRef.current;
    if (!el || list.length === 0 || el.clientWidth === 0) return;
    const minX = Math.min(...list.map((n) => n.position.x));
    const maxX = Math.max(...list.map((n) => n.position.x + (n.width ?? 0)));
    const minY = Math.min(...list.map((n) => n.position.y));
    const maxY = Math.max(...list.map((n) => n.position.y + (n.height ?? 0)));
    const pad = 24;
    const fit = Math.min((el.clientWidth - 2 * pad) / (maxX - minX), (el.clientHeight - 2 * pad) / (maxY - minY));
    const zoom = Math.max(0.7, Math.min(1, fit));
    let x = el.clientWidth / 2 - ((minX + maxX) / 2) * zoom;
    let y = pad - minY * zoom;
    // Keep the selected step in view.
    const node = list.find((n) => n.id === selectedRef.current);
    if (node) {
      const left = node.position.x * zoom + x;
      const right = (node.position.x + (node.width ?? 0)) * zoom + x;
      const top = node.position.y * zoom + y;
      const bottom = (node.position.y + (node.height ?? 0)) * zoom + y;
      if (left < pad || right > el.clientWidth - pad) x = el.clientWidth / 2 - (node.position.x + (node.width ?? 0) / 2) * zoom;
      if (top < pad || bottom > el.clientHeight - pad) y = el.clientHeight / 2 - (node.position.y + (node.height ?? 0) / 2) * zoom;
    }
    void setViewport({ zoom, x, y });
  }, [box, setViewport]);
  useEffect(() => {
    const id = requestAnimationFrame(place);
    return () => cancelAnimationFrame(id);
  }, [shape, place]);
  const { getViewport } = useReactFlow();
  useEffect(() => {
    // A step selected outside the visible part of the graph (from the keyboard, an error link).
    const el = box.current;
    const node = nodesRef.current.find((n) => n.id === selected);
    if (!el || !node) return;
    const { x, y, zoom } = getViewport();
    const left = node.position.x * zoom + x;
    const top = node.position.y * zoom + y;
    const outside = left < 0 || top < 0 || left + (node.width ?? 0) * zoom > el.clientWidth || top + (node.height ?? 0) * zoom > el.clientHeight;
    if (outside) requestAnimationFrame(place);
  }, [selected, box, getViewport, place]);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    let last = el.clientWidth;
    const observer = new ResizeObserver(() => {
      if (Math.abs(el.clientWidth - last) > 4) {
        last = el.clientWidth;
        place();
      }
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [box, place]);
  return null;
}

export function FlowCanvas(props: FlowCanvasProps) {
  return (
    <ReactFlowProvider>
      <FlowCanvasInner {...props} />
    </ReactFlowProvider>
  );
}

function FlowCanvasInner({
  actions, selected, onSelect, onAdd = noAdd, labelOf, typeLabel, triggerLabel, triggerLines, errorCounts, marks,
  positions = NO_POSITIONS, onMoveNode, onTidy, readOnly = false, highlights,
}: FlowCanvasProps) {
  const { t, i18n } = useTranslation("editor");
  const language = i18n.language;
  const graph = useMemo(() => {
    const full = definitionToGraph(actions, { labelOf, triggerLabel, triggerLines, errorCounts, marks, highlights });
    return readOnly ? withoutAddButtons(full) : full;
    // The language too: the graph's lane names and "+" buttons' names are in it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [actions, labelOf, triggerLabel, triggerLines, errorCounts, marks, highlights, readOnly, language]);
  // Where the nodes being dragged are now; handed to onMoveNode when the drag ends.
  const [dragged, setDragged] = useState<Positions>(NO_POSITIONS);
  const nodes = useMemo(() => arrange(graph.nodes, { ...positions, ...dragged }), [graph.nodes, positions, dragged]);
  const onNodesChange = useCallback((changes: NodeChange<Node<NodeData>>[]) => {
    const moving: Positions = {};
    const ended: string[] = [];
    for (const change of changes) {
      if (change.type !== "position" || !change.position) continue;
      if (change.dragging) moving[change.id] = change.position;
      else {
        ended.push(change.id);
        onMoveNode?.(change.id, change.position);
      }
    }
    if (Object.keys(moving).length || ended.length) {
      setDragged((current) => {
        const next = { ...current, ...moving };
        for (const id of ended) delete next[id];
        return next;
      });
    }
  }, [onMoveNode]);
  // Tidy shows the whole graph again, like a change of shape does.
  const [tidied, setTidied] = useState(0);
  const tidy = () => {
    onTidy?.();
    setTidied((n) => n + 1);
  };
  const placedByHand = Object.keys(positions).length > 0;
  const box = useRef<HTMLDivElement>(null);
  const shape = `${nodes.map((n) => n.id).join(",")}#${tidied}`;
  const context = useMemo(() => ({ selected, select: onSelect, add: onAdd, typeLabel, readOnly }), [selected, onSelect, onAdd, typeLabel, readOnly]);
  return (
    <Actions.Provider value={context}>
      <div className="flow-canvas" role="region" aria-label={t("canvas.label")} ref={box}>
        <ReactFlow
          nodes={nodes}
          edges={graph.edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          nodesDraggable={onMoveNode !== undefined}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          onNodeClick={keepPointerEvents}
          minZoom={0.2}
          defaultEdgeOptions={{ type: "smoothstep" }}
        >
          <Controls showInteractive={false} />
          {onTidy && (
            <Panel position="top-right">
              <button type="button" className="flow-tidy" onClick={tidy} disabled={!placedByHand}
                title={placedByHand ? t("canvas.tidyTitle") : t("canvas.tidyDone")}>
                {t("canvas.tidy")}

              </button>
            </Panel>
          )}
          <AutoFit shape={shape} nodes={nodes} box={box} selected={selected} />
        </ReactFlow>
      </div>
    </Actions.Provider>
  );
}
