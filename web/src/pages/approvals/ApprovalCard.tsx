// One approval request as a card: what it is about, who decides, who decided, and the actions.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { api, unwrap, type Schemas } from "../../api/client";
import { useSession } from "../../auth/session";
import { ErrorMessage, StatusBadge } from "../../components/common";
import { formatDateTime, formatRelative, sentenceCase } from "../../format";
import i18n from "../../i18n";
import type { Decision } from "./DecisionDialog";

type Item = Schemas["ApprovalListItem"];

const HIDDEN_FIELDS = new Set(["id", "owner_id", "created_at", "updated_at", "company_id"]);
const KEY_ORDER = ["name", "title", "amount", "potential_amount", "discount", "pipeline_stage", "stage", "status", "category", "email"];

/** A record's value as people read it, in `language` (numbers, dates, yes / no). */
function formatValue(key: string, value: unknown, language: string): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "number") {
    return /amount|price|value|revenue/.test(key)
      ? value.toLocaleString(language, { maximumFractionDigits: 2 })
      : String(value);
  }
  if (typeof value === "boolean") return i18n.t(value ? "states.yes" : "states.no", { lng: language });
  if (typeof value === "string" && /_at$|_date$/.test(key)) return formatDateTime(value, language);
  return String(value);
}

function RecordFields({ record }: { record: Record<string, unknown> }) {
  const { t, i18n: { language } } = useTranslation("approvals");
  const keys = Object.keys(record).filter((k) => !HIDDEN_FIELDS.has(k));
  const main = KEY_ORDER.filter((k) => keys.includes(k)).slice(0, 5);
  const rest = keys.filter((k) => !main.includes(k));
  return (
    <>
      <dl className="kv record-kv">
        {main.map((k) => (
          <div key={k} className="kv-pair">
            <dt>{sentenceCase(k)}</dt>
            <dd>{formatValue(k, record[k], language)}</dd>
          </div>
        ))}
      </dl>
      {rest.length > 0 && (
        <details className="record-more">
          <summary>{t("card.allFields", { count: rest.length })}</summary>
          <dl className="kv">
            {rest.map((k) => (
              <div key={k} className="kv-pair">
                <dt>{sentenceCase(k)}</dt>
                <dd>{formatValue(k, record[k], language)}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </>
  );
}

/** How the approvers decide: "all must approve", "quorum of 2", "any one approver". */
function modeText(mode: string, quorum: number): string {
  if (mode === "all") return i18n.t("approvals:mode.all");
  if (mode === "quorum") return i18n.t("approvals:mode.quorum", { quorum });
  return i18n.t("approvals:mode.any");
}

/** What happens when the deadline passes; an action no catalogue knows shows as it is. */
function timeoutText(action: string): string {
  return action === "approve" || action === "reject" || action === "escalate" ? i18n.t(`approvals:onTimeout.${action}`) : action;
}

/** "You approved this request." (a decision is recorded as approved or rejected). */
function youDecided(decision: string): string {
  if (decision === "approved") return i18n.t("approvals:card.youApproved");
  if (decision === "rejected") return i18n.t("approvals:card.youRejected");
  return decision;
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
  const { t, i18n: { language } } = useTranslation("approvals");
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
  const when = (value: string | null | undefined) => formatDateTime(value, language);
  const ago = (value: string) => formatRelative(value, new Date(), language);

  return (
    <article ref={ref} className={`card approval-card${highlighted ? " highlighted" : ""}`} aria-labelledby={titleId}>
      <header className="approval-head">
        <div>
          <p className="approval-workflow">{item.workflow_name || t("card.workflow", { id: item.workflow_id })}</p>
          <h2 id={titleId}>{item.name}</h2>
        </div>
        <StatusBadge status={item.status} />
      </header>

      <dl className="approval-facts">
        <div>
          <dt>{t("card.step")}</dt>
          <dd>
            {stepName ? <span title={item.step_path}>{stepName}</span> : <code>{item.step_path}</code>}
          </dd>
        </div>
        <div><dt>{t("card.requested")}</dt><dd title={when(item.created_at)}>{ago(item.created_at)}</dd></div>
        {pending ? (
          <div>
            <dt>{t("card.deadline")}</dt>
            <dd className={overdue ? "overdue" : undefined} title={when(item.expires_at)}>
              {item.expires_at ? ago(item.expires_at) : t("card.noDeadline")}
              {d?.on_timeout && item.expires_at ? t("card.then", { action: timeoutText(d.on_timeout) }) : ""}
            </dd>
          </div>
        ) : (
          <div>
            <dt>{item.status === "cancelled" ? t("card.closed") : t("card.decided")}</dt>
            <dd title={when(item.decided_at)}>{item.decided_at ? ago(item.decided_at) : "—"}</dd>
          </div>
        )}
        <div><dt>{t("card.mode")}</dt><dd>{modeText(item.mode, item.quorum)} · {t("card.approvers", { count: item.approvers_count })}</dd></div>
      </dl>

      {detail.isError && <ErrorMessage error={detail.error} onRetry={() => void detail.refetch()} />}
      {d && (
        <>
          {d.message && <p className="approval-message">{d.message}</p>}
          {context.entity_type && (
            <section className="approval-record" aria-label={t("card.record")}>
              <h3>{t("card.recordTitle", { type: sentenceCase(context.entity_type), id: context.entity_id ?? "" })}</h3>
              {context.record && <RecordFields record={context.record} />}
            </section>
          )}
          <section className="approval-people" aria-label={t("card.people")}>
            <h3>{t("card.approversTitle")}</h3>
            <ul className="approvers">
              {d.approvers.map((a) => (
                <li key={`${a.user_id}-${a.round}`} className={a.active ? "" : "inactive"}>
                  <span>{a.name || a.email}{a.user_id === user?.id ? t("card.you") : ""}</span>{" "}
                  {a.decided ? <StatusBadge status={a.decided} /> : <span className="hint">{!a.active ? t("card.replaced") : pending ? t("card.notYet") : t("card.didNotDecide")}</span>}
                </li>
              ))}
            </ul>
            {d.decisions.length > 0 && (
              <ul className="decisions">
                {d.decisions.map((x, i) => (
                  <li key={i}>
                    <StatusBadge status={x.decision} /> <strong>{x.user_id === null ? t("card.system") : x.name || x.email}</strong>
                    {x.override && <span className="badge badge-override">{t("card.override")}</span>}{" "}
                    <span className="hint">{when(x.decided_at)}</span>
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
          {t("card.viewExecution", { id: item.execution_id })}
        </Link>
        <span className="spacer" />
        {myDecision && <span className="hint">{youDecided(myDecision.decision)}</span>}
        {canDecide && (
          <>
            {isAdmin && d && !me && <span className="hint">{t("card.asAdmin")}</span>}
            <button type="button" className="danger" onClick={() => onDecide(item, "reject")} aria-describedby={titleId}>
              {t("card.reject")}
            </button>
            <button type="button" className="primary" onClick={() => onDecide(item, "approve")} aria-describedby={titleId}>
              {t("card.approve")}
            </button>
          </>
        )}
      </footer>
    </article>
  );
}
