// The mutating actions on a workflow (duplicate, activate/deactivate, delete), each confirmed
// where it matters, shared by the list's rows and the detail page's header.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
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
      setNotice(`“${target.name}” is now ${status}.`);
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
      setNotice(`“${target.name}” was deleted.`);
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
    const title =
      kind === "delete"
        ? `Delete “${target.name}”?`
        : kind === "activate"
          ? `Activate “${target.name}”?`
          : `Deactivate “${target.name}”?`;
    const text =
      kind === "delete"
        ? "The workflow and its history will be removed. This cannot be undone."
        : kind === "activate"
          ? "It will start running on matching CRM events."
          : "It will stop running on new events; runs in progress go on.";
    dialog = (
      <ConfirmDialog
        open
        title={title}
        confirmLabel={kind === "delete" ? "Delete" : kind === "activate" ? "Activate" : "Deactivate"}
        danger={kind !== "activate"}
        onConfirm={confirm}
        onCancel={() => setPending(null)}
      >
        <p>{text}</p>
      </ConfirmDialog>
    );
  }

  const busy = duplicate.isPending || setStatus.isPending || remove.isPending;
  return { start, dialog, error, notice, busy, clearError: () => setError(null) };
}

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
  if (!canWrite) return null;
  const label = (verb: string) => (withNames ? `${verb} ${target.name}` : undefined);
  const toggle = target.status === "active" ? "Deactivate" : "Activate";
  return (
    <div className="wf-actions" role="group" aria-label={withNames ? `Actions for ${target.name}` : "Workflow actions"}>
      <Link className="button-link" to={`/workflows/${target.id}/edit`} aria-label={label("Edit")}>
        Edit
      </Link>
      <button type="button" aria-label={label("Duplicate")} disabled={busy} onClick={() => start("duplicate", target)}>
        Duplicate
      </button>
      <button type="button" aria-label={label(toggle)} disabled={busy} onClick={() => start("toggle", target)}>
        {toggle}
      </button>
      <button type="button" className="danger-outline" aria-label={label("Delete")} disabled={busy} onClick={() => start("delete", target)}>
        Delete
      </button>
    </div>
  );
}
