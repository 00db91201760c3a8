// The SLAs tab: a workflow's SLAs with their SLO metrics (compliance against the objective, the
// error budget left, burn rates, met and missed runs, open breaches); add, change, activate or
// deactivate, and delete (confirmed).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import i18n from "../../i18n";
import { api, unwrap, type Schemas } from "../../api/client";
import { ConfirmDialog, ErrorMessage, Loading } from "../../components/common";
import { formatSeconds } from "../../format";
import { Compliance, formatSlo, ObjectiveBadge } from "../operations/OverviewTables";
import { measuresText, stepChoices, type StepChoice } from "./sla";
import { AlertingSettings } from "./AlertingSettings";
import { SlaDialog } from "./SlaDialog";
import type { Workflow } from "./labels";
import "../operations/operations.css";

type SLA = Schemas["SLAOut"];
type Metrics = Schemas["SLAMetrics"];

// Texts outside components follow the current language (the tab re-renders when it changes).
const slaText = i18n.getFixedT(null, "workflow", "sla");

function windowText(hours: number): string {
  return hours % 24 === 0 ? slaText("days", { count: hours / 24 }) : slaText("hours", { count: hours });
}

function burnText(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "—" : `${rate.toLocaleString(i18n.language, { maximumFractionDigits: 2 })}×`;
}

function budgetText(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const text = `${value.toLocaleString(i18n.language, { maximumFractionDigits: 1 })} %`;
  return value < 0 ? slaText("overspent", { value: text.replace("-", "−") }) : text;
}

function breachesText(open: Record<string, number>): string {
  const parts = (["critical", "warning"] as const).filter((s) => open[s]).map((s) => slaText(`breaches.${s}`, { count: open[s] }));
  return parts.length ? parts.join(", ") : slaText("noBreach");
}

function MetricsCards({ sla, metrics }: { sla: SLA; metrics: Metrics }) {
  const below = metrics.slo_percentage !== null && metrics.slo_percentage !== undefined &&
    metrics.slo_percentage < metrics.slo_target_percentage;
  const { t } = useTranslation("workflow", { keyPrefix: "sla" });
  const burnNote = t("cards.burnNote");
  const cards: [string, ReactNode, string?, string?][] = [
    [
      t("cards.compliance"),
      <>
        <Compliance value={metrics.slo_percentage} />{" "}
        {metrics.slo_percentage !== null && metrics.slo_percentage !== undefined && (
          <ObjectiveBadge meets={!below} />
        )}
      </>,
      t("cards.complianceNote", { target: formatSeconds(sla.target_duration_seconds), slo: formatSlo(metrics.slo_target_percentage) }),
      below ? "sla-below" : undefined,
    ],
    [
      t("cards.budget"),
      budgetText(metrics.error_budget_remaining_percentage),
      t("cards.budgetNote"),
      (metrics.error_budget_remaining_percentage ?? 1) < 0 ? "sla-below" : undefined,
    ],
    [t("cards.burn1h"), burnText(metrics.burn_rate["1h"]), burnNote],
    [t("cards.burn6h"), burnText(metrics.burn_rate["6h"]), burnNote],
    [t("cards.burn3d"), burnText(metrics.burn_rate["3d"]), burnNote],
    [
      t("cards.metMissed"),
      `${metrics.met.toLocaleString(i18n.language)} / ${metrics.missed.toLocaleString(i18n.language)}`,
      t("cards.metMissedNote", { count: metrics.total }),
    ],
    [t("cards.pastTarget"), metrics.in_flight_past_target.toLocaleString(i18n.language), t("cards.pastTargetNote")],
    [t("cards.openBreaches"), breachesText(metrics.open_breaches)],
  ];
  return (
    <dl className="wf-cards" aria-label={t("metricsOf", { name: sla.name })}>
      {cards.map(([label, value, note, className]) => (
        <div className={`card wf-stat ${className ?? ""}`} key={label} title={note}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function SlaCard({
  sla,
  steps,
  canWrite,
  busy,
  onEdit,
  onToggle,
  onDelete,
}: {
  sla: SLA;
  steps: StepChoice[];
  canWrite: boolean;
  busy: boolean;
  onEdit: () => void;
  onToggle: () => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation("workflow", { keyPrefix: "sla" });
  const metrics = useQuery({
    queryKey: ["sla", sla.id, "metrics"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/workflow/workflow-slas/{sla_id}/metrics/", { params: { path: { sla_id: sla.id } } })),
    refetchInterval: 60_000,
  });
  const headingId = `sla-${sla.id}-name`;
  return (
    <article className="card sla-card" aria-labelledby={headingId}>
      <div className="row">
        <h3 id={headingId}>{sla.name}</h3>
        <span className={`badge badge-${sla.is_active ? "active" : "inactive"}`}>{sla.is_active ? t("active") : t("inactive")}</span>
        <span className="spacer" />
        {canWrite && (
          <div className="wf-actions">
            <button type="button" onClick={onEdit} disabled={busy} aria-label={t("editNamed", { name: sla.name })}>
              {t("edit")}
            </button>
            <button
              type="button"
              onClick={onToggle}
              disabled={busy}
              aria-label={t(sla.is_active ? "deactivateNamed" : "activateNamed", { name: sla.name })}
            >
              {sla.is_active ? t("deactivate") : t("activate")}
            </button>
            <button type="button" className="danger-outline" onClick={onDelete} disabled={busy} aria-label={t("deleteNamed", { name: sla.name })}>
              {t("delete")}
            </button>
          </div>
        )}
      </div>
      <p className="hint">
        {t("description", {
          measures: measuresText(sla.step_path, steps),
          target: formatSeconds(sla.target_duration_seconds),
          warning: formatSeconds(sla.warning_threshold_seconds),
          critical: formatSeconds(sla.critical_threshold_seconds),
          slo: formatSlo(sla.slo_target_percentage),
          window: windowText(sla.slo_window_hours),
        })}
        {!sla.is_active && t("notWatched")}
      </p>
      {metrics.isPending ? (
        <Loading label={t("loadingMetrics")} />
      ) : metrics.isError ? (
        <ErrorMessage error={metrics.error} onRetry={() => void metrics.refetch()} />
      ) : (
        <MetricsCards sla={sla} metrics={metrics.data} />
      )}
    </article>
  );
}

export function SlaTab({ workflow, canWrite }: { workflow: Workflow; canWrite: boolean }) {
  const { t } = useTranslation("workflow", { keyPrefix: "sla" });
  const queryClient = useQueryClient();
  const steps = useMemo(() => stepChoices(workflow.actions), [workflow.actions]);
  const [editing, setEditing] = useState<{ sla: SLA | null } | null>(null);
  const [deleting, setDeleting] = useState<SLA | null>(null);
  const [notice, setNotice] = useState("");

  const list = useQuery({
    queryKey: ["sla", "workflow", workflow.id],
    queryFn: () =>
      unwrap(api.GET("/api/v1/workflow/workflow-slas/", { params: { query: { workflow_id: workflow.id, size: 100 } } })),
  });

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["sla"] });
    void queryClient.invalidateQueries({ queryKey: ["operations"] });
  };
  const toggle = useMutation({
    mutationFn: (sla: SLA) =>
      unwrap(
        api.PATCH("/api/v1/workflow/workflow-slas/{sla_id}/", {
          params: { path: { sla_id: sla.id } },
          body: { is_active: !sla.is_active },
        }),
      ),
    onSuccess: (saved) => {
      setNotice(t(saved.is_active ? "nowActive" : "nowInactive", { name: saved.name }));
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (sla: SLA) =>
      unwrap(api.DELETE("/api/v1/workflow/workflow-slas/{sla_id}/", { params: { path: { sla_id: sla.id } } })),
    onSuccess: (_, sla) => {
      setNotice(t("deleted", { name: sla.name }));
      // Gone at once, before the list refetches.
      queryClient.setQueryData(["sla", "workflow", workflow.id], (old: typeof list.data) =>
        old ? { ...old, items: old.items.filter((s) => s.id !== sla.id), total: old.total - 1 } : old,
      );
      refresh();
    },
  });
  const busy = toggle.isPending || remove.isPending;
  const error = toggle.error ?? remove.error;

  return (
    <div>
      <div className="row sla-head">
        <p className="hint">{t("intro")}</p>
        <span className="spacer" />
        {canWrite && (
          <button type="button" className="primary" onClick={() => setEditing({ sla: null })}>
            {t("add")}
          </button>
        )}
      </div>
      <div aria-live="polite">{notice && <p className="hint" role="status">{notice}</p>}</div>
      {!!error && <ErrorMessage error={error} onRetry={() => { toggle.reset(); remove.reset(); }} />}
      {list.isPending ? (
        <Loading label={t("loading")} />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <div className="card wf-empty">
          <p>{t("none")}</p>
        </div>
      ) : (
        <div className="sla-list">
          {list.data.items.map((sla) => (
            <SlaCard
              key={sla.id}
              sla={sla}
              steps={steps}
              canWrite={canWrite}
              busy={busy}
              onEdit={() => setEditing({ sla })}
              onToggle={() => toggle.mutate(sla)}
              onDelete={() => setDeleting(sla)}
            />
          ))}
        </div>
      )}
      <AlertingSettings workflowId={workflow.id} canWrite={canWrite} />
      {canWrite && (
        <>
          <SlaDialog
            open={editing !== null}
            sla={editing?.sla ?? null}
            workflowId={workflow.id}
            steps={steps}
            onClose={() => setEditing(null)}
            onSaved={(saved, created) => {
              setEditing(null);
              setNotice(t(created ? "added" : "saved", { name: saved.name }));
            }}
          />
          <ConfirmDialog
            open={deleting !== null}
            title={t("deleteTitle", { name: deleting?.name ?? "" })}
            confirmLabel={t("delete")}
            danger
            onCancel={() => setDeleting(null)}
            onConfirm={() => {
              if (deleting) remove.mutate(deleting);
              setDeleting(null);
            }}
          >
            <p>{t("deleteText")}</p>
          </ConfirmDialog>
        </>
      )}
    </div>
  );
}
