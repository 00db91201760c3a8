// The visual editor's canvas: the step tree drawn with React Flow (a view of the definition).
// Nodes hold buttons (select a step, add a step), so everything works with the keyboard.
import {
  BaseEdge, Controls, EdgeLabelRenderer, Handle, Position, ReactFlow, ReactFlowProvider, getSmoothStepPath, useReactFlow,
  type Edge, type EdgeProps, type Node, type NodeProps,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { createContext, memo, useCallback, useContext, useEffect, useMemo, useRef, type RefObject } from "react";
import { markText } from "./simulation/highlight";
import { definitionToGraph, type AddNodeData, type InsertEdgeData, type MarkerNodeData, type StepNodeData } from "./graph";
import type { Step } from "./types";
import "./editor.css";

interface CanvasActions {
  selected: string | null;
  select: (path: string) => void;
  add: (listPath: string, index: number, title: string) => void;
  typeLabel: (type: string) => string;
}

const Actions = createContext<CanvasActions>({ selected: null, select: () => {}, add: () => {}, typeLabel: (t) => t });

const TYPE_ICONS: Record<string, string> = { branch: "◆", parallel: "∥", delay: "◔", approval: "✓", stop: "■" };

const MARK_ICONS: Record<string, string> = { success: "✓", skipped: "↷", failed: "✕", unreached: "–" };

const StepNode = memo(function StepNode({ data }: NodeProps<Node<StepNodeData>>) {
  const { selected, select, typeLabel } = useContext(Actions);
  const type = String(data.step.type);
  const isSelected = selected === data.path;
  const described = [data.errors ? `${data.path}-errors` : "", data.mark ? `${data.path}-mark` : ""].filter(Boolean).join(" ");
  return (
    <div className={`flow-step flow-step-${TYPE_ICONS[type] ? type : "action"}${isSelected ? " selected" : ""}${data.errors ? " has-errors" : ""}${data.mark ? ` sim-mark sim-${data.mark}` : ""}`}
      data-mark={data.mark}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <button
        type="button"
        className="flow-step-button nodrag nopan"
        aria-label={`Edit step "${data.label}"`}
        aria-pressed={isSelected}
        aria-describedby={described || undefined}
        onClick={() => select(data.path)}
      >
        <span className="flow-step-icon" aria-hidden="true">{TYPE_ICONS[type] ?? "●"}</span>
        <span className="flow-step-text">
          <span className="flow-step-label">{data.label}</span>
          <span className="flow-step-type">{typeLabel(type)}{data.step.when ? " · conditional" : ""}</span>
        </span>
      </button>
      {data.mark && (
        <span className="flow-step-mark" id={`${data.path}-mark`} title={markText(data.mark)}>
          <span aria-hidden="true">{MARK_ICONS[data.mark] ?? "●"}</span>
          <span className="sr-only">{markText(data.mark)}</span>
        </span>
      )}
      {data.errors > 0 && (
        <span className="flow-step-errors" id={`${data.path}-errors`}>
          {data.errors} {data.errors === 1 ? "problem" : "problems"}
        </span>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

const AddNode = memo(function AddNode({ data }: NodeProps<Node<AddNodeData>>) {
  const { add } = useContext(Actions);
  return (
    <div className="flow-add">
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <button type="button" className="flow-plus nodrag nopan" aria-label={data.label} title={data.label}
        onClick={() => add(data.listPath, data.index, data.label)}>
        +
      </button>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

const MarkerNode = memo(function MarkerNode({ data }: NodeProps<Node<MarkerNodeData>>) {
  if (data.kind === "join") {
    return (
      <div className="flow-join" title={data.label}>
        <Handle type="target" position={Position.Top} isConnectable={false} />
        <Handle type="source" position={Position.Bottom} isConnectable={false} />
      </div>
    );
  }
  return (
    <div className="flow-start">
      <span aria-hidden="true">⚡</span> {data.label}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

function InsertEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd }: EdgeProps<Edge<InsertEdgeData>>) {
  const { add } = useContext(Actions);
  const [path, , labelY] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} />
      {data && (
        <EdgeLabelRenderer>
          <div className="flow-edge-label nodrag nopan" style={{ transform: `translate(-50%, -50%) translate(${targetX}px, ${(labelY + targetY) / 2 - 6}px)`, pointerEvents: "all" }}>
            {data.lane && <span className="lane-chip">{data.lane}</span>}
            <button type="button" className="flow-plus small" aria-label={data.label} title={data.label}
              onClick={() => add(data.listPath, data.index, data.label)}>
              +
            </button>
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

// With nothing to drag or select, React Flow would turn pointer events off on the nodes (and
// so on the buttons inside them); a click handler keeps them on.
const keepPointerEvents = () => {};

const nodeTypes = { step: StepNode, add: AddNode, marker: MarkerNode };
const edgeTypes = { insert: InsertEdge };

export interface FlowCanvasProps {
  actions: Step[];
  selected: string | null;
  onSelect: (path: string) => void;
  onAdd: (listPath: string, index: number, title: string) => void;
  labelOf: (step: Step) => string;
  typeLabel: (type: string) => string;
  triggerLabel: string;
  errorCounts: Record<string, number>;
  /** Marks of the last test run by step path (highlights its path); none when not given. */
  marks?: Record<string, string> | null;
}

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

function FlowCanvasInner({ actions, selected, onSelect, onAdd, labelOf, typeLabel, triggerLabel, errorCounts, marks }: FlowCanvasProps) {
  const { nodes, edges } = useMemo(
    () => definitionToGraph(actions, { labelOf, triggerLabel, errorCounts, marks }),
    [actions, labelOf, triggerLabel, errorCounts, marks],
  );
  const box = useRef<HTMLDivElement>(null);
  const shape = nodes.map((n) => n.id).join(",");
  const context = useMemo(() => ({ selected, select: onSelect, add: onAdd, typeLabel }), [selected, onSelect, onAdd, typeLabel]);
  return (
    <Actions.Provider value={context}>
      <div className="flow-canvas" role="region" aria-label="Workflow steps graph" ref={box}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          onNodeClick={keepPointerEvents}
          minZoom={0.2}
          defaultEdgeOptions={{ type: "smoothstep" }}
        >
          <Controls showInteractive={false} />
          <AutoFit shape={shape} nodes={nodes} box={box} selected={selected} />
        </ReactFlow>
      </div>
    </Actions.Provider>
  );
}
