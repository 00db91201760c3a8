// One approval request as a card: what it is about, who decides, who decided, and the actions.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef } from "react";
import { Link } from "react-router-dom";
import { api, unwrap, type Schemas } from "../../api/client";
import { useSession } from "../../auth/session";
import { ErrorMessage, StatusBadge } from "../../components/common";
import { formatDateTime, formatRelative, sentenceCase } from "../../format";
import { modeLabel } from "../execution/ApprovalInline";
import type { Decision } from "./DecisionDialog";

type Item = Schemas["ApprovalListItem"];

const HIDDEN_FIELDS = new Set(["id", "owner_id", "created_at", "updated_at", "company_id"]);
const KEY_ORDER = ["name", "title", "amount", "potential_amount", "discount", "pipeline_stage", "stage", "status", "category", "email"];

function formatValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "number") {
    return /amount|price|value|revenue/.test(key)
      ? value.toLocaleString(undefined, { maximumFractionDigits: 2 })
      : String(value);
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string" && /_at$|_date$/.test(key)) return formatDateTime(value);
  return String(value);
}


function RecordFields({ record }: { record: Record<string, unknown> }) {
  const keys = Object.keys(record).filter((k) => !HIDDEN_FIELDS.has(k));
  const main = KEY_ORDER.filter((k) => keys.includes(k)).slice(0, 5);
  const rest = keys.filter((k) => !main.includes(k));
  return (
    <>
      <dl className="kv record-kv">
        {main.map((k) => (
          <div key={k} className="kv-pair">
            <dt>{sentenceCase(k)}</dt>
            <dd>{formatValue(k, record[k])}</dd>
          </div>
        ))}
      </dl>
      {rest.length > 0 && (
        <details className="record-more">
          <summary>All fields ({rest.length} more)</summary>
          <dl className="kv">
            {rest.map((k) => (
              <div key={k} className="kv-pair">
                <dt>{sentenceCase(k)}</dt>
                <dd>{formatValue(k, record[k])}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </>
  );
}

export function ApprovalCard({
  item,
  highlighted = false,
  onDecide,
}: {
  item: Item;
  highlighted?: boolean;
  onDecide: (item: Item, decision: Decision) => void;
}) {
  const titleId = useId();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    // A request opened from a notification: bring it into view.
    if (highlighted && typeof ref.current?.scrollIntoView === "function") ref.current.scrollIntoView({ block: "center" });
  }, [highlighted]);
  const { user } = useSession();
  const detail = useQuery({
    queryKey: ["approval", item.id, item.status, item.decided_at],
    queryFn: () => unwrap(api.GET("/api/v1/approvals/{approval_id}", { params: { path: { approval_id: item.id } } })),
  });
  // The step's name, from the execution's step records (the request keeps only its path).
  const execution = useQuery({
    queryKey: ["approval-execution", item.execution_id],
    queryFn: () =>
      unwrap(api.GET("/api/v1/executions/{execution_id}", { params: { path: { execution_id: item.execution_id } } })),
    staleTime: 60_000,
    retry: false,
  });
  const stepName = execution.data?.steps.find((s) => s.path === item.step_path)?.name;
  const d = detail.data;
  const context = (d?.context ?? {}) as { entity_type?: string; entity_id?: number; record?: Record<string, unknown> };
  const me = d?.approvers.find((a) => a.user_id === user?.id && a.active);
  const myDecision = d?.decisions.find((x) => x.user_id === user?.id);
  const isAdmin = user?.role === "admin";
  const pending = item.status === "pending";
  const canDecide = pending && !myDecision && (me !== undefined || isAdmin || !d);
  const overdue = item.expires_at && new Date(item.expires_at).getTime() < Date.now();

  return (
    <article ref={ref} className={`card approval-card${highlighted ? " highlighted" : ""}`} aria-labelledby={titleId}>
      <header className="approval-head">
        <div>
          <p className="approval-workflow">{item.workflow_name || `Workflow #${item.workflow_id}`}</p>
          <h2 id={titleId}>{item.name}</h2>
        </div>
        <StatusBadge status={item.status} />
      </header>

      <dl className="approval-facts">
        <div>
          <dt>Step</dt>
          <dd>
            {stepName ? <span title={item.step_path}>{stepName}</span> : <code>{item.step_path}</code>}
          </dd>
        </div>
        <div><dt>Requested</dt><dd title={formatDateTime(item.created_at)}>{formatRelative(item.created_at)}</dd></div>
        {pending ? (
          <div>
            <dt>Deadline</dt>
            <dd className={overdue ? "overdue" : undefined} title={formatDateTime(item.expires_at)}>
              {item.expires_at ? formatRelative(item.expires_at) : "none"}
              {d?.on_timeout && item.expires_at ? ` (then ${d.on_timeout})` : ""}
            </dd>
          </div>
        ) : (
          <div>
            <dt>{item.status === "cancelled" ? "Closed" : "Decided"}</dt>
            <dd title={formatDateTime(item.decided_at)}>{item.decided_at ? formatRelative(item.decided_at) : "—"}</dd>
          </div>
        )}
        <div><dt>Mode</dt><dd>{modeLabel(item.mode, item.quorum)} · {item.approvers_count} approver{item.approvers_count === 1 ? "" : "s"}</dd></div>
      </dl>

      {detail.isError && <ErrorMessage error={detail.error} onRetry={() => void detail.refetch()} />}
      {d && (
        <>
          {d.message && <p className="approval-message">{d.message}</p>}
          {context.entity_type && (
            <section className="approval-record" aria-label="Record">
              <h3>
                {sentenceCase(context.entity_type)} #{context.entity_id}
              </h3>
              {context.record && <RecordFields record={context.record} />}
            </section>
          )}
          <section className="approval-people" aria-label="Approvers and decisions">
            <h3>Approvers</h3>
            <ul className="approvers">
              {d.approvers.map((a) => (
                <li key={`${a.user_id}-${a.round}`} className={a.active ? "" : "inactive"}>
                  <span>{a.name || a.email}{a.user_id === user?.id ? " (you)" : ""}</span>{" "}
                  {a.decided ? <StatusBadge status={a.decided} /> : <span className="hint">{!a.active ? "replaced by escalation" : pending ? "not yet" : "did not decide"}</span>}
                </li>
              ))}
            </ul>
            {d.decisions.length > 0 && (
              <ul className="decisions">
                {d.decisions.map((x, i) => (
                  <li key={i}>
                    <StatusBadge status={x.decision} /> <strong>{x.user_id === null ? "System" : x.name || x.email}</strong>
                    {x.override && <span className="badge badge-override">admin override</span>}{" "}
                    <span className="hint">{formatDateTime(x.decided_at)}</span>
                    {x.comment && <q className="decision-comment">{x.comment}</q>}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
      {item.outcome_reason && <p className="hint">{item.outcome_reason}</p>}

      <footer className="approval-actions">
        <Link to={`/workflows/${item.workflow_id}/executions/${item.execution_id}`}>
          View execution #{item.execution_id}
        </Link>
        <span className="spacer" />
        {myDecision && <span className="hint">You {myDecision.decision} this request.</span>}
        {canDecide && (
          <>
            {isAdmin && d && !me && <span className="hint">As admin: recorded as an override</span>}
            <button type="button" className="danger" onClick={() => onDecide(item, "reject")} aria-describedby={titleId}>
              Reject
            </button>
            <button type="button" className="primary" onClick={() => onDecide(item, "approve")} aria-describedby={titleId}>
              Approve
            </button>
          </>
        )}
      </footer>
    </article>
  );
}
