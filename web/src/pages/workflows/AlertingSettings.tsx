// Alerting on the SLAs tab: after how many failed runs in a row people are told (and whether the
// workflow is then deactivated), and the workflow's alerts still open (streaks, SLO burn rates).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { ErrorMessage, Loading } from "../../components/common";
import { formatRelative } from "../../format";

type Alerting = Schemas["AlertingOut"];
type WorkflowAlert = Schemas["WorkflowAlertOut"];

const KIND: Record<string, string> = {
  failure_streak: "Failed runs in a row",
  burn_rate_page: "SLO burning fast (page)",
  burn_rate_ticket: "SLO burning (ticket)",
};

function OpenAlerts({ workflowId }: { workflowId: number }) {
  const alerts = useQuery({
    queryKey: ["workflow-alerts", workflowId],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/workflow/workflow-alerts/", {
          params: { query: { open: true, workflow_id: workflowId, size: 50 } },
        }),
      ),
    refetchInterval: 30_000,
  });
  if (alerts.isPending) return <Loading label="Loading alerts…" />;
  if (alerts.isError) return <ErrorMessage error={alerts.error} onRetry={() => void alerts.refetch()} />;
  if (alerts.data.items.length === 0) return <p className="hint">No alert is open.</p>;
  return (
    <ul className="sla-alerts" aria-label="Open alerts">
      {alerts.data.items.map((a: WorkflowAlert) => (
        <li key={a.id}>
          <span className={`badge badge-${a.kind === "burn_rate_ticket" ? "warning" : "critical"}`}>
            {KIND[a.kind] ?? a.kind}
          </span>{" "}
          {a.message} <span className="hint">({formatRelative(a.opened_at)})</span>
        </li>
      ))}
    </ul>
  );
}

export function AlertingSettings({ workflowId, canWrite }: { workflowId: number; canWrite: boolean }) {
  const id = useId();
  const queryClient = useQueryClient();
  const current = useQuery({
    queryKey: ["workflow-alerting", workflowId],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/workflow/workflow-alerting/{workflow_id}/", {
          params: { path: { workflow_id: workflowId } },
        }),
      ),
  });
  const [enabled, setEnabled] = useState(true);
  const [streak, setStreak] = useState("3");
  const [deactivate, setDeactivate] = useState(false);
  const [notice, setNotice] = useState("");
  useEffect(() => {
    if (!current.data) return;
    setEnabled(current.data.failure_streak !== null);
    setStreak(String(current.data.failure_streak ?? 3));
    setDeactivate(current.data.deactivate_on_streak);
  }, [current.data]);
  const save = useMutation({
    mutationFn: (body: Schemas["AlertingSettings"]) =>
      unwrap(
        api.PUT("/api/v1/workflow/workflow-alerting/{workflow_id}/", {
          params: { path: { workflow_id: workflowId } },
          body,
        }),
      ),
    onSuccess: (saved: Alerting) => {
      queryClient.setQueryData(["workflow-alerting", workflowId], saved);
      setNotice(
        saved.failure_streak === null
          ? "Failed runs in a row no longer alert anyone."
          : `Alerts after ${saved.failure_streak} failed runs in a row${saved.deactivate_on_streak ? ", and the workflow is then deactivated" : ""}.`,
      );
    },
  });
  const count = Number(streak);
  const valid = !enabled || (Number.isInteger(count) && count >= 1 && count <= 100);

  return (
    <section className="card sla-alerting" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Alerts</h3>
      {current.isPending ? (
        <Loading label="Loading alert settings…" />
      ) : current.isError ? (
        <ErrorMessage error={current.error} onRetry={() => void current.refetch()} />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) save.mutate({ failure_streak: enabled ? count : null, deactivate_on_streak: enabled && deactivate });
          }}
        >
          <p className="row tight">
            <label htmlFor={`${id}-enabled`}>
              <input id={`${id}-enabled`} type="checkbox" checked={enabled} disabled={!canWrite}
                onChange={(e) => setEnabled(e.target.checked)} />{" "}
              Tell the owner and the admins when
            </label>
            <input id={`${id}-streak`} type="number" min={1} max={100} value={streak} aria-label="Failed runs in a row"
              aria-invalid={!valid || undefined} disabled={!canWrite || !enabled}
              onChange={(e) => setStreak(e.target.value)} />
            <span>runs in a row failed</span>
          </p>
          {!valid && <p className="field-error">Between 1 and 100 runs.</p>}
          <p>
            <label htmlFor={`${id}-deactivate`}>
              <input id={`${id}-deactivate`} type="checkbox" checked={deactivate} disabled={!canWrite || !enabled}
                onChange={(e) => setDeactivate(e.target.checked)} />{" "}
              and deactivate the workflow then
            </label>
          </p>
          {canWrite && (
            <button type="submit" disabled={!valid || save.isPending}>
              {save.isPending ? "Saving…" : "Save alert settings"}
            </button>
          )}
          {!!save.error && <ErrorMessage error={save.error} />}
          <div aria-live="polite">{notice && <p className="hint" role="status">{notice}</p>}</div>
        </form>
      )}
      <h4>Open alerts</h4>
      <OpenAlerts workflowId={workflowId} />
    </section>
  );
}
