// The SLAs tab: a workflow's SLAs with their SLO metrics (compliance against the objective, the
// error budget left, burn rates, met and missed runs, open breaches); add, change, activate or
// deactivate, and delete (confirmed).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
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

function windowText(hours: number): string {
  return hours % 24 === 0 ? `${hours / 24} day${hours === 24 ? "" : "s"}` : `${hours} hour${hours === 1 ? "" : "s"}`;
}

function burnText(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "—" : `${rate.toLocaleString(undefined, { maximumFractionDigits: 2 })}×`;
}

function budgetText(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const text = `${value.toLocaleString(undefined, { maximumFractionDigits: 1 })} %`;
  return value < 0 ? `${text.replace("-", "−")} (overspent)` : text;
}

function breachesText(open: Record<string, number>): string {
  const parts = ["critical", "warning"].filter((s) => open[s]).map((s) => `${open[s]} ${s}`);
  return parts.length ? parts.join(", ") : "none";
}

function MetricsCards({ sla, metrics }: { sla: SLA; metrics: Metrics }) {
  const below = metrics.slo_percentage !== null && metrics.slo_percentage !== undefined &&
    metrics.slo_percentage < metrics.slo_target_percentage;
  const cards: [string, ReactNode, string?, string?][] = [
    [
      "Compliance",
      <>
        <Compliance value={metrics.slo_percentage} />{" "}
        {metrics.slo_percentage !== null && metrics.slo_percentage !== undefined && (
          <ObjectiveBadge meets={!below} />
        )}
      </>,
      `runs within ${formatSeconds(sla.target_duration_seconds)}, objective ${formatSlo(metrics.slo_target_percentage)}`,
      below ? "sla-below" : undefined,
    ],
    [
      "Error budget left",
      budgetText(metrics.error_budget_remaining_percentage),
      "100 %: untouched; 0: spent; below 0: overspent",
      (metrics.error_budget_remaining_percentage ?? 1) < 0 ? "sla-below" : undefined,
    ],
    ["Burn rate 1 h", burnText(metrics.burn_rate["1h"]), "1× spends the budget exactly over the window"],
    ["Burn rate 6 h", burnText(metrics.burn_rate["6h"]), "1× spends the budget exactly over the window"],
    ["Burn rate 3 d", burnText(metrics.burn_rate["3d"]), "1× spends the budget exactly over the window"],
    ["Met / missed", `${metrics.met.toLocaleString()} / ${metrics.missed.toLocaleString()}`, `of ${metrics.total} finished runs that acted`],
    ["Running past target", metrics.in_flight_past_target.toLocaleString(), "runs still going, already past the target"],
    ["Open breaches", breachesText(metrics.open_breaches)],
  ];
  return (
    <dl className="wf-cards" aria-label={`Metrics of ${sla.name}`}>
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
        <span className={`badge badge-${sla.is_active ? "active" : "inactive"}`}>{sla.is_active ? "active" : "inactive"}</span>
        <span className="spacer" />
        {canWrite && (
          <div className="wf-actions">
            <button type="button" onClick={onEdit} disabled={busy} aria-label={`Edit ${sla.name}`}>Edit</button>
            <button type="button" onClick={onToggle} disabled={busy} aria-label={`${sla.is_active ? "Deactivate" : "Activate"} ${sla.name}`}>
              {sla.is_active ? "Deactivate" : "Activate"}
            </button>
            <button type="button" className="danger-outline" onClick={onDelete} disabled={busy} aria-label={`Delete ${sla.name}`}>
              Delete
            </button>
          </div>
        )}
      </div>
      <p className="hint">
        {measuresText(sla.step_path, steps)}. Target {formatSeconds(sla.target_duration_seconds)}; a warning past{" "}
        {formatSeconds(sla.warning_threshold_seconds)}, critical past {formatSeconds(sla.critical_threshold_seconds)}. Objective:{" "}
        {formatSlo(sla.slo_target_percentage)} of runs within the target over {windowText(sla.slo_window_hours)}.
        {!sla.is_active && " Not watched while inactive: no breach is recorded."}
      </p>
      {metrics.isPending ? (
        <Loading label="Loading metrics…" />
      ) : metrics.isError ? (
        <ErrorMessage error={metrics.error} onRetry={() => void metrics.refetch()} />
      ) : (
        <MetricsCards sla={sla} metrics={metrics.data} />
      )}
    </article>
  );
}

export function SlaTab({ workflow, canWrite }: { workflow: Workflow; canWrite: boolean }) {
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
      setNotice(`${saved.name} is ${saved.is_active ? "active: its runs are watched" : "inactive: no breach will be recorded"}.`);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (sla: SLA) =>
      unwrap(api.DELETE("/api/v1/workflow/workflow-slas/{sla_id}/", { params: { path: { sla_id: sla.id } } })),
    onSuccess: (_, sla) => {
      setNotice(`${sla.name} deleted, with its breaches.`);
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
        <p className="hint">
          A duration target on the runs (or one step), with a warning and a critical threshold and an objective: the share
          of runs that must meet the target over a rolling window.
        </p>
        <span className="spacer" />
        {canWrite && (
          <button type="button" className="primary" onClick={() => setEditing({ sla: null })}>
            Add an SLA
          </button>
        )}
      </div>
      <div aria-live="polite">{notice && <p className="hint" role="status">{notice}</p>}</div>
      {!!error && <ErrorMessage error={error} onRetry={() => { toggle.reset(); remove.reset(); }} />}
      {list.isPending ? (
        <Loading label="Loading SLAs…" />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <div className="card wf-empty">
          <p>No SLA on this workflow yet.</p>
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
              setNotice(`${saved.name} ${created ? "added" : "saved"}.`);
            }}
          />
          <ConfirmDialog
            open={deleting !== null}
            title={`Delete the SLA “${deleting?.name ?? ""}”?`}
            confirmLabel="Delete"
            danger
            onCancel={() => setDeleting(null)}
            onConfirm={() => {
              if (deleting) remove.mutate(deleting);
              setDeleting(null);
            }}
          >
            <p>Its breaches are deleted with it. This cannot be undone.</p>
          </ConfirmDialog>
        </>
      )}
    </div>
  );
}
