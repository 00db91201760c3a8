// Alerting on the SLAs tab: after how many failed runs in a row people are told (and whether the
// workflow is then deactivated), and the workflow's alerts still open (streaks, SLO burn rates).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { ErrorMessage, Loading } from "../../components/common";
import { formatRelative } from "../../format";
import { workflow as english } from "../../i18n/en/workflow";

type Alerting = Schemas["AlertingOut"];
type WorkflowAlert = Schemas["WorkflowAlertOut"];

const isKnownKind = (kind: string): kind is keyof typeof english.alerting.kinds =>
  Object.hasOwn(english.alerting.kinds, kind);

function OpenAlerts({ workflowId }: { workflowId: number }) {
  const { t, i18n: { language } } = useTranslation("workflow", { keyPrefix: "alerting" });
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
  if (alerts.isPending) return <Loading label={t("loadingAlerts")} />;
  if (alerts.isError) return <ErrorMessage error={alerts.error} onRetry={() => void alerts.refetch()} />;
  if (alerts.data.items.length === 0) return <p className="hint">{t("noneOpen")}</p>;
  return (
    <ul className="sla-alerts" aria-label={t("open")}>
      {alerts.data.items.map((a: WorkflowAlert) => (
        <li key={a.id}>
          <span className={`badge badge-${a.kind === "burn_rate_ticket" ? "warning" : "critical"}`}>
            {isKnownKind(a.kind) ? t(`kinds.${a.kind}`) : a.kind}
          </span>{" "}
          {a.message} <span className="hint">({formatRelative(a.opened_at, undefined, language)})</span>
        </li>
      ))}
    </ul>
  );
}

export function AlertingSettings({ workflowId, canWrite }: { workflowId: number; canWrite: boolean }) {
  const { t } = useTranslation("workflow", { keyPrefix: "alerting" });
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
          ? t("off")
          : t(saved.deactivate_on_streak ? "onDeactivate" : "on", { count: saved.failure_streak }),
      );
    },
  });
  const count = Number(streak);
  const valid = !enabled || (Number.isInteger(count) && count >= 1 && count <= 100);

  return (
    <section className="card sla-alerting" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("title")}</h3>
      {current.isPending ? (
        <Loading label={t("loading")} />
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
              {t("tellWhen")}
            </label>
            <input id={`${id}-streak`} type="number" min={1} max={100} value={streak} aria-label={t("streakLabel")}
              aria-invalid={!valid || undefined} disabled={!canWrite || !enabled}
              onChange={(e) => setStreak(e.target.value)} />
            <span>{t("streakAfter")}</span>
          </p>
          {!valid && <p className="field-error">{t("badStreak")}</p>}
          <p>
            <label htmlFor={`${id}-deactivate`}>
              <input id={`${id}-deactivate`} type="checkbox" checked={deactivate} disabled={!canWrite || !enabled}
                onChange={(e) => setDeactivate(e.target.checked)} />{" "}
              {t("deactivate")}
            </label>
          </p>
          {canWrite && (
            <button type="submit" disabled={!valid || save.isPending}>
              {save.isPending ? t("saving") : t("save")}
            </button>
          )}
          {!!save.error && <ErrorMessage error={save.error} />}
          <div aria-live="polite">{notice && <p className="hint" role="status">{notice}</p>}</div>
        </form>
      )}
      <h4>{t("open")}</h4>
      <OpenAlerts workflowId={workflowId} />
    </section>
  );
}
