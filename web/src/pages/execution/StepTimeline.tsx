// The vertical timeline of an execution's steps, nested by path, each expandable.
import { useId, useState } from "react";
import type { Schemas } from "../../api/client";
import { StatusBadge } from "../../components/common";
import { formatDateTime, formatDuration } from "../../format";
import { ApprovalInline } from "./ApprovalInline";
import type { Lane, StepNode, StepRecord } from "./tree";

export type ApprovalInfo = Schemas["ApprovalListItem"] & Partial<Schemas["ApprovalDetail"]>;

interface SharedProps {
  approvals: Map<string, ApprovalInfo>;
  expanded: Set<string>;
  onToggle: (path: string) => void;
}
type TimelineProps = SharedProps & { nodes: StepNode[] };

/** A list of steps (the top level or one lane). */
export function StepTimeline({ nodes, approvals, expanded, onToggle, label }: TimelineProps & { label?: string }) {
  return (
    <ol className="timeline" aria-label={label}>
      {nodes.map((node) => (
        <StepItem key={node.path} node={node} approvals={approvals} expanded={expanded} onToggle={onToggle} />
      ))}
    </ol>
  );
}

function laneLabel(node: StepNode, lane: Lane): string {
  if (lane.kind === "else") return (node.record?.output as { taken?: unknown } | null)?.taken === "else" ? "Else (taken)" : "Else";
  if (lane.kind === "on_reject") return "On reject";
  const i = lane.index ?? 0;
  const record = node.record;
  if (record?.type === "branch") {
    const taken = (record.output as { taken?: unknown } | null)?.taken;
    return `Branch ${i + 1}${taken === i ? " (taken)" : ""}`;
  }
  const branches = (record?.output as { branches?: { index: number; name?: string | null }[] } | null)
    ?.branches;
  const name = branches?.find((b) => b.index === i)?.name;
  return name ? `Path ${i + 1}: ${name}` : `Path ${i + 1}`;
}

function attemptsOf(record: StepRecord): Record<string, unknown>[] {
  return Array.isArray(record.attempts) ? (record.attempts as Record<string, unknown>[]) : [];
}

function StepItem({ node, approvals, expanded, onToggle }: { node: StepNode } & SharedProps) {
  const detailId = useId();
  const record = node.record;
  const status = record?.status ?? "running";
  const open = expanded.has(node.path);
  const approval = approvals.get(node.path);
  const attempts = record ? attemptsOf(record) : [];
  const title = record?.name || (record ? record.type.replace(/_/g, " ") : "In progress");
  return (
    <li className={`tl-item tl-${status}`} data-path={node.path}>
      <span className="tl-dot" aria-hidden="true" />
      <div className="tl-body">
        <button
          type="button"
          className="tl-head"
          aria-expanded={open}
          aria-controls={detailId}
          onClick={() => onToggle(node.path)}
        >
          <span className="tl-chevron" aria-hidden="true">
            {open ? "▾" : "▸"}
          </span>
          <span className="tl-name">{title}</span>
          {record && <span className="tl-type">{record.type}</span>}
          <StatusBadge status={record ? status : "running"} />
          {record && record.attempt > 1 && (
            <span className="tl-attempt">attempt {record.attempt}</span>
          )}
          <span className="tl-meta">
            {record ? formatDuration(record.duration_ms) : "waiting for its paths"}
          </span>
        </button>
        {record?.message && !open && <p className="tl-summary">{record.message}</p>}
        {record?.error && !open && (
          <p className="tl-summary tl-error-line">
            <span className="visually-hidden">Error: </span>
            {record.error}
          </p>
        )}
        {approval && <ApprovalInline approval={approval} />}
        <div id={detailId} className="tl-detail" hidden={!open}>
          {open && (record ? <StepDetail record={record} attempts={attempts} /> : (
            <p className="hint">This step has no record yet: it is written when all its paths have ended.</p>
          ))}
        </div>
        {node.lanes.length > 0 && (
          <div className="tl-lanes">
            {node.lanes.map((lane) => (
              <section className={`tl-lane tl-lane-${lane.kind}`} key={lane.key} aria-label={`${title}: ${laneLabel(node, lane)}`}>
                <h4 className="tl-lane-title">{laneLabel(node, lane)}</h4>
                <StepTimeline nodes={lane.steps} approvals={approvals} expanded={expanded} onToggle={onToggle} />
              </section>
            ))}
          </div>
        )}
      </div>
    </li>
  );
}

function StepDetail({ record, attempts }: { record: StepRecord; attempts: Record<string, unknown>[] }) {
  return (
    <div className="tl-detail-inner">
      <dl className="kv">
        <dt>Path</dt>
        <dd><code>{record.path}</code></dd>
        {record.step_id && (<><dt>Id</dt><dd><code>{record.step_id}</code></dd></>)}
        <dt>Started</dt>
        <dd>{formatDateTime(record.started_at)}</dd>
        <dt>Finished</dt>
        <dd>{formatDateTime(record.finished_at)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(record.duration_ms)}</dd>
      </dl>
      {record.message && (
        <p className="tl-message"><strong>Message:</strong> {record.message}</p>
      )}
      {record.error && (
        <div className="tl-error" role="note" aria-label="Step error">
          <strong>{record.status === "pending" ? "Last attempt failed:" : "Error:"}</strong> {record.error}
        </div>
      )}
      <div className="tl-io">
        <div>
          <h5>Input</h5>
          {record.input ? <pre className="json" tabIndex={0} aria-label="Input">{JSON.stringify(record.input, null, 2)}</pre> : <p className="hint">No input.</p>}
        </div>
        <div>
          <h5>Output</h5>
          {record.output ? <pre className="json" tabIndex={0} aria-label="Output">{JSON.stringify(record.output, null, 2)}</pre> : <p className="hint">No output.</p>}
        </div>
      </div>
      {attempts.length > 0 && (
        <table className="attempts">
          <caption>Attempts of {record.name || record.type}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Status</th>
              <th scope="col">Error</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((a, i) => (
              <tr key={i}>
                <td>{String(a.attempt ?? i + 1)}</td>
                <td><StatusBadge status={String(a.status ?? "unknown")} /></td>
                <td className="attempt-error">{a.error ? String(a.error) : "—"}</td>
                <td>{formatDateTime(a.started_at as string | null)}</td>
                <td>{formatDuration(typeof a.duration_ms === "number" ? a.duration_ms : null)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Expanded by default: failed steps and steps that wait. */
export function initiallyExpanded(nodes: StepNode[]): string[] {
  const out: string[] = [];
  const walk = (list: StepNode[]) =>
    list.forEach((n) => {
      const r = n.record;
      // Failed steps, and waiting ones (but not approvals: their request shows already).
      if (r && (r.status === "failed" || (r.status === "pending" && r.type !== "approval"))) out.push(n.path);
      n.lanes.forEach((l) => walk(l.steps));
    });
  walk(nodes);
  return out;
}

export function useExpanded() {
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const toggle = (path: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  return { expanded, setExpanded, toggle };
}
