// The canvas's node and edge components: steps (a button each, so everything works with the
// keyboard), "+" buttons, the trigger with its filter and conditions, joins, lane headers.
import {
  BaseEdge, EdgeLabelRenderer, Handle, Position, getSmoothStepPath, type Edge, type EdgeProps, type Node, type NodeProps,
} from "@xyflow/react";
import { createContext, memo, useContext } from "react";
import { useTranslation } from "react-i18next";
import { markText } from "./simulation/highlight";
import type { AddNodeData, InsertEdgeData, LaneEdgeData, MarkerNodeData, StepNodeData } from "./graph";

export interface CanvasActions {
  selected: string | null;
  select: (path: string) => void;
  add: (listPath: string, index: number, title: string) => void;
  typeLabel: (type: string) => string;
  /** A picture of the steps (a suggestion's change): pressing a step shows it, nothing edits it. */
  readOnly?: boolean;
}

export const Actions = createContext<CanvasActions>({ selected: null, select: () => {}, add: () => {}, typeLabel: (t) => t });

const TYPE_ICONS: Record<string, string> = { branch: "◆", parallel: "∥", delay: "◔", approval: "✓", stop: "■" };

const MARK_ICONS: Record<string, string> = { success: "✓", skipped: "↷", failed: "✕", unreached: "–" };

const StepNode = memo(function StepNode({ data }: NodeProps<Node<StepNodeData>>) {
  const { selected, select, typeLabel, readOnly } = useContext(Actions);
  const { t } = useTranslation("editor");
  const type = String(data.step.type);
  const isSelected = selected === data.path;
  const described = [
    data.highlight ? `${data.path}-highlight` : "", data.when ? `${data.path}-when` : "",
    data.errors ? `${data.path}-errors` : "", data.mark ? `${data.path}-mark` : "",
  ].filter(Boolean).join(" ");
  return (
    <div className={`flow-step flow-step-${TYPE_ICONS[type] ? type : "action"}${isSelected ? " selected" : ""}${data.errors ? " has-errors" : ""}${data.mark ? ` sim-mark sim-${data.mark}` : ""}${data.highlight ? ` flow-step-highlight flow-step-${data.highlight}` : ""}`}
      data-mark={data.mark} data-highlight={data.highlight}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      {/* Not `nodrag`: the whole step is the handle to drag it by (a click without moving selects). */}
      <button
        type="button"
        className="flow-step-button nopan"
        aria-label={readOnly ? t("canvas.step", { label: data.label }) : t("canvas.editStep", { label: data.label })}
        aria-pressed={isSelected}
        aria-describedby={described || undefined}
        title={data.when ? t("canvas.runsIf", { condition: data.when }) : undefined}
        onClick={() => select(data.path)}
      >
        <span className="flow-step-icon" aria-hidden="true">{TYPE_ICONS[type] ?? "●"}</span>
      </button>
      {/* The texts lie over the button, outside it: a labelled control must not show text its
          name lacks (axe), and screen readers get the name and, described, the condition. */}
      <span className="flow-step-text" aria-hidden="true">
        <span className="flow-step-label">{data.label}</span>
        <span className="flow-step-type">{typeLabel(type)}</span>
        {data.when && (
          <span className="flow-step-when" id={`${data.path}-when`} title={t("canvas.runsIf", { condition: data.when })}>{t("canvas.if", { condition: data.when })}</span>
        )}
      </span>
      {data.highlight && (
        <span className="flow-step-tag" id={`${data.path}-highlight`}>{data.highlight}</span>
      )}
      {data.mark && (
        <span className="flow-step-mark" id={`${data.path}-mark`} title={markText(data.mark)}>
          <span aria-hidden="true">{MARK_ICONS[data.mark] ?? "●"}</span>
          <span className="sr-only">{markText(data.mark)}</span>
        </span>
      )}
      {data.errors > 0 && (
        <span className="flow-step-errors" id={`${data.path}-errors`}>
          {t("canvas.problems", { count: data.errors })}

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
      <span className="flow-start-label"><span aria-hidden="true">⚡</span> {data.label}</span>
      {data.lines?.map((line) => (
        <span key={line.title} className="flow-start-line" title={line.title}>{line.text}</span>
      ))}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

/** A lane's header on the edge into its first node (cut short by CSS, whole in the tooltip). */
function LaneChip({ text }: { text: string }) {
  return <span className="lane-chip" title={text}>{text}</span>;
}

function InsertEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd }: EdgeProps<Edge<InsertEdgeData>>) {
  const { add } = useContext(Actions);
  const [path, , labelY] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} />
      {data && (
        <EdgeLabelRenderer>
          <div className="flow-edge-label nodrag nopan" style={{ transform: `translate(-50%, -50%) translate(${targetX}px, ${(labelY + targetY) / 2 - 6}px)`, pointerEvents: "all" }}>
            {data.lane && <LaneChip text={data.laneTitle ?? data.lane} />}
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

function LaneEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd }: EdgeProps<Edge<LaneEdgeData>>) {
  const [path, , labelY] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} />
      {data && (
        <EdgeLabelRenderer>
          <div className="flow-edge-label nodrag nopan" style={{ transform: `translate(-50%, -50%) translate(${targetX}px, ${(labelY + targetY) / 2 - 6}px)` }}>
            <LaneChip text={data.laneTitle} />
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const nodeTypes = { step: StepNode, add: AddNode, marker: MarkerNode };
export const edgeTypes = { insert: InsertEdge, lane: LaneEdge };
