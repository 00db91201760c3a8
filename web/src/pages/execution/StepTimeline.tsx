// The vertical timeline of an execution's steps, nested by path, each expandable.
import type { TFunction } from "i18next";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { decisionSentence, type ConditionField, type DecisionData } from "../../components/conditionWords";
import { DecisionWords, useConditionFields } from "../../components/DecisionWords";
import { ValuesWithRaw, type References } from "../../components/LabelledValues";
import { StatusBadge } from "../../components/common";
import { formatDateTime, formatDuration } from "../../format";
import i18n from "../../i18n";
import { ApprovalInline } from "./ApprovalInline";
import { useStepTypeName } from "../workflows/DefinitionView";
import type { Lane, StepNode, StepRecord } from "./tree";

export type ApprovalInfo = Schemas["ApprovalListItem"] & Partial<Schemas["ApprovalDetail"]>;

interface SharedProps {
  approvals: Map<string, ApprovalInfo>;
  /** Names of the records and users steps refer to by id (the execution's `references`). */
  references?: References;
  expanded: Set<string>;
  onToggle: (path: string) => void;
}
type TimelineProps = SharedProps & { nodes: StepNode[] };

/** A list of steps (the top level or one lane). */
export function StepTimeline({ nodes, approvals, references, expanded, onToggle, label }: TimelineProps & { label?: string }) {
  return (
    <ol className="timeline" aria-label={label}>
      {nodes.map((node) => (
        <StepItem key={node.path} node={node} approvals={approvals} references={references} expanded={expanded} onToggle={onToggle} />
      ))}
    </ol>
  );
}

function laneLabel(t: TFunction<"execution">, node: StepNode, lane: Lane): string {
  if (lane.kind === "else") {
    return t((node.record?.output as { taken?: unknown } | null)?.taken === "else" ? "lane.elseTaken" : "lane.else");
  }
  if (lane.kind === "on_reject") return t("lane.onReject");
  const i = lane.index ?? 0;
  const record = node.record;
  if (record?.type === "branch") {
    const taken = (record.output as { taken?: unknown } | null)?.taken;
    return t(taken === i ? "lane.branchTaken" : "lane.branch", { n: i + 1 });
  }
  const branches = (record?.output as { branches?: { index: number; name?: string | null }[] } | null)
    ?.branches;
  const name = branches?.find((b) => b.index === i)?.name;
  return name ? t("lane.namedPath", { n: i + 1, name }) : t("lane.path", { n: i + 1 });
}

/** The `when` that skipped the step (kept in its output), or null. */
function skippingDecision(record: StepRecord | null | undefined): DecisionData | null {
  const decision = record?.status === "skipped" ? (record.output as { decision?: unknown } | null)?.decision : null;
  return decision && typeof decision === "object" && "rule" in decision ? (decision as DecisionData) : null;
}

function attemptsOf(record: StepRecord): Record<string, unknown>[] {
  return Array.isArray(record.attempts) ? (record.attempts as Record<string, unknown>[]) : [];
}

function StepItem({ node, approvals, references, expanded, onToggle }: { node: StepNode } & SharedProps) {
  const { t } = useTranslation("execution");
  const stepTypeName = useStepTypeName();
  const fields = useConditionFields();
  const detailId = useId();
  const record = node.record;
  const status = record?.status ?? "running";
  const open = expanded.has(node.path);
  const approval = approvals.get(node.path);
  const attempts = record ? attemptsOf(record) : [];
  const title = record?.name || (record ? stepTypeName(record.type) : t("step.inProgress"));
  // A step its `when` skipped says why in words rather than the server's "when: …" message.
  const skippedBy = skippingDecision(record);
  const summary = (skippedBy && decisionSentence(skippedBy, fields, "condition")) || record?.message;
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
          {record?.name && <span className="tl-type">{stepTypeName(record.type)}</span>}
          <StatusBadge status={record ? status : "running"} />
          {record && record.attempt > 1 && (
            <span className="tl-attempt">{t("step.attempt", { attempt: record.attempt })}</span>
          )}
          <span className="tl-meta">
            {record ? formatDuration(record.duration_ms) : t("step.waitingPaths")}
          </span>
        </button>
        {summary && !open && <p className="tl-summary">{summary}</p>}
        {record?.error && !open && (
          <p className="tl-summary tl-error-line">
            <span className="visually-hidden">{t("step.errorPrefix")}</span>
            {record.error}
          </p>
        )}
        {approval && <ApprovalInline approval={approval} />}
        <div id={detailId} className="tl-detail" hidden={!open}>
          {open && (record ? <StepDetail record={record} attempts={attempts} references={references} fields={fields} /> : (
            <p className="hint">{t("step.noRecord")}</p>
          ))}
        </div>
        {node.lanes.length > 0 && (
          <div className="tl-lanes">
            {node.lanes.map((lane) => (
              <section className={`tl-lane tl-lane-${lane.kind}`} key={lane.key} aria-label={t("lane.region", { step: title, lane: laneLabel(t, node, lane) })}>
                <h4 className="tl-lane-title">{laneLabel(t, node, lane)}</h4>
                <StepTimeline nodes={lane.steps} approvals={approvals} references={references} expanded={expanded} onToggle={onToggle} />
              </section>
            ))}
          </div>
        )}
      </div>
    </li>
  );
}

function StepDetail({ record, attempts, references, fields }: {
  record: StepRecord; attempts: Record<string, unknown>[]; references?: References; fields: readonly ConditionField[];
}) {
  const { t } = useTranslation("execution");
  const skippedBy = skippingDecision(record);
  return (
    <div className="tl-detail-inner">
      <dl className="kv">
        <dt>{t("step.path")}</dt>
        <dd><code>{record.path}</code></dd>
        {record.step_id && (<><dt>{t("step.id")}</dt><dd><code>{record.step_id}</code></dd></>)}
        <dt>{t("step.started")}</dt>
        <dd>{formatDateTime(record.started_at, i18n.language, { seconds: true })}</dd>
        <dt>{t("step.finished")}</dt>
        <dd>{formatDateTime(record.finished_at, i18n.language, { seconds: true })}</dd>
        <dt>{t("step.duration")}</dt>
        <dd>{formatDuration(record.duration_ms)}</dd>
      </dl>
      {skippedBy ? (
        <DecisionWords decision={skippedBy} fields={fields} kind="condition" className="tl-message" />
      ) : record.message && (
        <p className="tl-message"><strong>{t("step.message")}</strong> {record.message}</p>
      )}
      {record.error && (
        <div className="tl-error" role="note" aria-label={t("step.stepError")}>
          <strong>{t(record.status === "pending" ? "step.lastAttemptFailed" : "step.error")}</strong> {record.error}
        </div>
      )}
      <div className="tl-io">
        <div>
          <h5>{t("step.input")}</h5>
          {record.input ? <ValuesWithRaw value={record.input} references={references} label={t("step.input")} /> : <p className="hint">{t("step.noInput")}</p>}
        </div>
        <div>
          <h5>{t("step.output")}</h5>
          {record.output ? <ValuesWithRaw value={record.output} references={references} label={t("step.output")} /> : <p className="hint">{t("step.noOutput")}</p>}
        </div>
      </div>
      {attempts.length > 0 && (
        <table className="attempts">
          <caption>{t("step.attemptsOf", { name: record.name || record.type })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("step.number")}</th>
              <th scope="col">{t("step.status")}</th>
              <th scope="col">{t("step.errorColumn")}</th>
              <th scope="col">{t("step.started")}</th>
              <th scope="col">{t("step.duration")}</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((a, i) => (
              <tr key={i}>
                <td>{String(a.attempt ?? i + 1)}</td>
                <td><StatusBadge status={String(a.status ?? "unknown")} /></td>
                <td className="attempt-error">{a.error ? String(a.error) : "—"}</td>
                <td>{formatDateTime(a.started_at as string | null, i18n.language, { seconds: true })}</td>
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
