// The mutating actions on a workflow (duplicate, activate/deactivate, delete), each confirmed
// where it matters, shared by the list's rows and the detail page's header.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { ConfirmDialog } from "../../components/common";

export interface ActionTarget {
  id: number;
  name: string;
  status: string;
}

type Pending = { kind: "activate" | "deactivate" | "delete"; target: ActionTarget } | null;

/**
 * Return the action starters, the confirmation dialog to render, the last error and whether a
 * request is running. `afterDelete` runs once a deletion succeeded (e.g. leave the detail page).
 */
export function useWorkflowActions({ afterDelete }: { afterDelete?: () => void } = {}) {
  const { t } = useTranslation("workflows");
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [pending, setPending] = useState<Pending>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const refresh = (id: number) => {
    void queryClient.invalidateQueries({ queryKey: ["workflows"] });
    void queryClient.invalidateQueries({ queryKey: ["workflow", id] });
  };

  const duplicate = useMutation({
    mutationFn: (target: ActionTarget) =>
      unwrap(
        api.POST("/api/v1/workflows/{workflow_id}/duplicate", {
          params: { path: { workflow_id: target.id } },
          body: {},
        }),
      ),
    onSuccess: (copy) => {
      void queryClient.invalidateQueries({ queryKey: ["workflows"] });
      navigate(`/workflows/${copy.id}`);
    },
    onError: setError,
  });

  const setStatus = useMutation({
    mutationFn: ({ target, status }: { target: ActionTarget; status: "active" | "inactive" }) =>
      unwrap(
        api.POST("/api/v1/workflows/{workflow_id}/activate", {
          params: { path: { workflow_id: target.id } },
          body: { status },
        }),
      ),
    onSuccess: (wf, { target, status }) => {
      setNotice(t(status === "active" ? "actions.nowActive" : "actions.nowInactive", { name: target.name }));
      refresh(wf.id);
    },
    onError: setError,
  });

  const remove = useMutation({
    mutationFn: (target: ActionTarget) =>
      unwrap(
        api.DELETE("/api/v1/workflows/{workflow_id}", {
          params: { path: { workflow_id: target.id } },
        }),
      ),
    onSuccess: (_data, target) => {
      setNotice(t("actions.deleted", { name: target.name }));
      queryClient.removeQueries({ queryKey: ["workflow", target.id] });
      void queryClient.invalidateQueries({ queryKey: ["workflows"] });
      afterDelete?.();
    },
    onError: setError,
  });

  const start = (kind: "duplicate" | "toggle" | "delete", target: ActionTarget) => {
    setError(null);
    setNotice(null);
    if (kind === "duplicate") duplicate.mutate(target);
    else if (kind === "delete") setPending({ kind: "delete", target });
    else setPending({ kind: target.status === "active" ? "deactivate" : "activate", target });
  };

  const confirm = () => {
    if (!pending) return;
    const { kind, target } = pending;
    setPending(null);
    if (kind === "delete") remove.mutate(target);
    else setStatus.mutate({ target, status: kind === "activate" ? "active" : "inactive" });
  };

  let dialog: ReactNode = null;
  if (pending) {
    const { kind, target } = pending;
    dialog = (
      <ConfirmDialog
        open
        title={t(`actions.${kind}Title`, { name: target.name })}
        confirmLabel={t(`actions.${kind}`)}
        danger={kind !== "activate"}
        onConfirm={confirm}
        onCancel={() => setPending(null)}
      >
        <p>{t(`actions.${kind}Text`)}</p>
      </ConfirmDialog>
    );
  }

  const busy = duplicate.isPending || setStatus.isPending || remove.isPending;
  return { start, dialog, error, notice, busy, clearError: () => setError(null) };
}

type Verb = "edit" | "duplicate" | "activate" | "deactivate" | "delete";

/** The list-row / header buttons for one workflow; renders nothing mutating for viewers. */
export function WorkflowActionButtons({
  target,
  start,
  busy,
  canWrite,
  withNames = false,
}: {
  target: ActionTarget;
  start: (kind: "duplicate" | "toggle" | "delete", target: ActionTarget) => void;
  busy: boolean;
  canWrite: boolean;
  /** Put the workflow's name in each accessible name (list rows: "Edit Lead triage"). */
  withNames?: boolean;
}) {
  const { t } = useTranslation("workflows");
  if (!canWrite) return null;
  // List rows name the workflow in each button's accessible name.
  const label = (verb: Verb) => (withNames ? t(`actions.${verb}Named`, { name: target.name }) : undefined);
  const toggle: Verb = target.status === "active" ? "deactivate" : "activate";
  return (
    <div className="wf-actions" role="group" aria-label={withNames ? t("actions.groupFor", { name: target.name }) : t("actions.group")}>
      <Link className="button-link" to={`/workflows/${target.id}/edit`} aria-label={label("edit")}>
        {t("actions.edit")}
      </Link>
      <button type="button" aria-label={label("duplicate")} disabled={busy} onClick={() => start("duplicate", target)}>
        {t("actions.duplicate")}
      </button>
      <button type="button" aria-label={label(toggle)} disabled={busy} onClick={() => start("toggle", target)}>
        {t(`actions.${toggle}`)}
      </button>
      <button type="button" className="danger-outline" aria-label={label("delete")} disabled={busy} onClick={() => start("delete", target)}>
        {t("actions.delete")}
      </button>
    </div>
  );
}
