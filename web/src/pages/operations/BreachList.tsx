// The breaches nobody has resolved yet (open, then acknowledged), with Acknowledge and Resolve.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { ErrorMessage, Loading, StatusBadge } from "../../components/common";
import { formatDateTime, formatRelative } from "../../format";
import { BreachDialog, type BreachAction } from "./BreachDialog";
import { marginText, type Breach } from "./labels";

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
  const breaches = useUnresolvedBreaches();
  const [target, setTarget] = useState<{ breach: Breach; action: BreachAction } | null>(null);
  const [notice, setNotice] = useState("");

  let body;
  if (breaches.isPending) body = <Loading label="Loading breaches…" />;
  else if (breaches.isError) {
    body = <ErrorMessage error={breaches.error} onRetry={() => void breaches.refetch()} />;
  } else {
    // Open ones first (someone has to take them), then those already acknowledged.
    const rows = [...breaches.data.items].sort((a, b) => Number(a.status !== "open") - Number(b.status !== "open"));
    const more = breaches.data.total - rows.length;
    body =
      rows.length === 0 ? (
        <p className="card wf-empty">No open breaches.</p>
      ) : (
        <>
          <div className="wf-table-wrap">
            <table className="wf-table ops-breaches stack-table" aria-label="Open breaches">
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">SLA</th>
                  <th scope="col">Run</th>
                  <th scope="col">Margin</th>
                  <th scope="col">Detected</th>
                  <th scope="col">Status</th>
                  {canWrite && <th scope="col"><span className="visually-hidden">Actions</span></th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((b) => (
                  <tr key={b.id}>
                    <td data-label="Severity"><span className={`badge badge-${b.severity}`}>{b.severity}</span></td>
                    <td data-label="SLA">
                      {b.sla_name}
                      <div className="hint">
                        <Link to={`/workflows/${b.workflow_id}?tab=slas`}>{b.workflow_name}</Link>
                        {b.step_path && <> · step <code>{b.step_path}</code></>}
                      </div>
                    </td>
                    <td data-label="Run">
                      <Link to={`/workflows/${b.workflow_id}/executions/${b.execution_id}`}>#{b.execution_id}</Link>
                      <div className="hint">
                        was <StatusBadge status={b.execution_status} />
                      </div>
                    </td>
                    <td data-label="Margin">{marginText(b)}</td>
                    <td data-label="Detected">
                      <time dateTime={b.detected_at} title={formatDateTime(b.detected_at)}>
                        {formatRelative(b.detected_at)}
                      </time>
                    </td>
                    <td data-label="Status">
                      <span className={`badge badge-breach-${b.status}`}>{b.status}</span>
                      {b.acknowledged_at && (
                        <div className="hint" title={formatDateTime(b.acknowledged_at)}>
                          {formatRelative(b.acknowledged_at)}
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
                              aria-label={`Acknowledge the ${b.severity} breach of ${b.sla_name} on run #${b.execution_id}`}
                              onClick={() => setTarget({ breach: b, action: "acknowledge" })}
                            >
                              Acknowledge
                            </button>
                          )}
                          <button
                            type="button"
                            aria-label={`Resolve the ${b.severity} breach of ${b.sla_name} on run #${b.execution_id}`}
                            onClick={() => setTarget({ breach: b, action: "resolve" })}
                          >
                            Resolve
                          </button>
                        </div>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {more > 0 && <p className="hint">The {rows.length} newest are shown; {more} more are not.</p>}
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
            setNotice(`Breach on run #${b.execution_id} ${action === "acknowledge" ? "acknowledged" : "resolved"}.`);
          }}
        />
      )}
    </>
  );
}
