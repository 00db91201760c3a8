// The breaches nobody has resolved yet (open, then acknowledged), with Acknowledge and Resolve.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { ErrorMessage, Loading, StatusBadge } from "../../components/common";
import { formatDateTime, formatRelative } from "../../format";
import i18n from "../../i18n";
import { BreachDialog, type BreachAction } from "./BreachDialog";
import { breachStatusText, marginText, severityText, type Breach } from "./labels";

const LIST_SIZE = 100;

/** The breaches nobody has resolved: open and acknowledged ones, newest first. */
function useUnresolvedBreaches() {
  return useQuery({
    queryKey: ["sla-breaches", "unresolved"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/workflow/sla-breaches/", { params: { query: { unresolved: true, size: LIST_SIZE } } })),
    refetchInterval: 30_000,
  });
}

export function BreachList({ canWrite }: { canWrite: boolean }) {
  const { t } = useTranslation("operations");
  const breaches = useUnresolvedBreaches();
  const [target, setTarget] = useState<{ breach: Breach; action: BreachAction } | null>(null);
  const [notice, setNotice] = useState("");

  let body;
  if (breaches.isPending) body = <Loading label={t("breaches.loading")} />;
  else if (breaches.isError) {
    body = <ErrorMessage error={breaches.error} onRetry={() => void breaches.refetch()} />;
  } else {
    // Open ones first (someone has to take them), then those already acknowledged.
    const rows = [...breaches.data.items].sort((a, b) => Number(a.status !== "open") - Number(b.status !== "open"));
    const more = breaches.data.total - rows.length;
    body =
      rows.length === 0 ? (
        <p className="card wf-empty">{t("breaches.empty")}</p>
      ) : (
        <>
          <div className="wf-table-wrap">
            <table className="wf-table ops-breaches stack-table" aria-label={t("breaches.title")}>
              <thead>
                <tr>
                  <th scope="col">{t("breaches.severity")}</th>
                  <th scope="col">{t("breaches.sla")}</th>
                  <th scope="col">{t("breaches.run")}</th>
                  <th scope="col">{t("breaches.margin")}</th>
                  <th scope="col">{t("breaches.detected")}</th>
                  <th scope="col">{t("breaches.status")}</th>
                  {canWrite && <th scope="col"><span className="visually-hidden">{t("breaches.actions")}</span></th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((b) => (
                  <tr key={b.id}>
                    <td data-label={t("breaches.severity")}><span className={`badge badge-${b.severity}`}>{severityText(b.severity)}</span></td>
                    <td data-label={t("breaches.sla")}>
                      {b.sla_name}
                      <div className="hint">
                        <Link to={`/workflows/${b.workflow_id}?tab=slas`}>{b.workflow_name}</Link>
                        {b.step_path && <>{t("breaches.step")}<code>{b.step_path}</code></>}
                      </div>
                    </td>
                    <td data-label={t("breaches.run")}>
                      <Link to={`/workflows/${b.workflow_id}/executions/${b.execution_id}`}>#{b.execution_id}</Link>
                      <div className="hint">
                        {t("breaches.was")}<StatusBadge status={b.execution_status} />
                      </div>
                    </td>
                    <td data-label={t("breaches.margin")}>{marginText(b)}</td>
                    <td data-label={t("breaches.detected")}>
                      <time dateTime={b.detected_at} title={formatDateTime(b.detected_at, i18n.language)}>
                        {formatRelative(b.detected_at, undefined, i18n.language)}
                      </time>
                    </td>
                    <td data-label={t("breaches.status")}>
                      <span className={`badge badge-breach-${b.status}`}>{breachStatusText(b.status)}</span>
                      {b.acknowledged_at && (
                        <div className="hint" title={formatDateTime(b.acknowledged_at, i18n.language)}>
                          {formatRelative(b.acknowledged_at, undefined, i18n.language)}
                        </div>
                      )}
                      {b.notes && <div className="ops-notes">{b.notes}</div>}
                    </td>
                    {canWrite && (
                      <td>
                        <div className="wf-actions">
                          {b.status === "open" && (
                            <button
                              type="button"
                              aria-label={t("breaches.acknowledgeLabel", { severity: severityText(b.severity), sla: b.sla_name, run: b.execution_id })}
                              onClick={() => setTarget({ breach: b, action: "acknowledge" })}
                            >
                              {t("breaches.acknowledge")}
                            </button>
                          )}
                          <button
                            type="button"
                            aria-label={t("breaches.resolveLabel", { severity: severityText(b.severity), sla: b.sla_name, run: b.execution_id })}
                            onClick={() => setTarget({ breach: b, action: "resolve" })}
                          >
                            {t("breaches.resolve")}
                          </button>
                        </div>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {more > 0 && <p className="hint">{t("breaches.more", { shown: rows.length, more })}</p>}
        </>
      );
  }

  return (
    <>
      <div aria-live="polite">{notice && <p className="hint" role="status">{notice}</p>}</div>
      {body}
      {canWrite && (
        <BreachDialog
          breach={target?.breach ?? null}
          action={target?.action ?? null}
          slaName={target?.breach.sla_name ?? ""}
          onClose={() => setTarget(null)}
          onDone={(b, action) => {
            setTarget(null);
            setNotice(t(action === "acknowledge" ? "breaches.acknowledged" : "breaches.resolved", { run: b.execution_id }));
          }}
        />
      )}
    </>
  );
}
