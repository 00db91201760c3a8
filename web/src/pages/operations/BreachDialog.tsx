// The modal that acknowledges (someone is on it) or resolves an SLA breach, with notes.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { ApiError, api, unwrap } from "../../api/client";
import { useModalDialog } from "../../components/useModalDialog";
import { marginText, type Breach } from "./labels";

export type BreachAction = "acknowledge" | "resolve";

function refusal(error: unknown, action: BreachAction): string {
  if (error instanceof ApiError) {
    if (error.status === 409) {
      return action === "acknowledge"
        ? `This breach was already acknowledged or resolved: ${error.message}.`
        : `This breach was already resolved: ${error.message}.`;
    }
    if (error.status === 404) return "This breach no longer exists (its SLA may have been deleted).";
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function BreachDialog({
  breach,
  action,
  slaName,
  onClose,
  onDone,
}: {
  breach: Breach | null;
  action: BreachAction | null;
  slaName: string;
  onClose: () => void;
  onDone: (breach: Breach, action: BreachAction) => void;
}) {
  const titleId = useId();
  const notesId = useId();
  const notesRef = useRef<HTMLTextAreaElement>(null);
  const [notes, setNotes] = useState("");
  const queryClient = useQueryClient();
  const open = breach !== null && action !== null;

  const mutation = useMutation({
    mutationFn: (vars: { id: number; action: BreachAction; notes: string }) => {
      const opts = { params: { path: { breach_id: vars.id } }, body: { notes: vars.notes } };
      return unwrap(
        vars.action === "acknowledge"
          ? api.POST("/api/v1/workflow/sla-breaches/{breach_id}/acknowledge/", opts)
          : api.POST("/api/v1/workflow/sla-breaches/{breach_id}/resolve/", opts),
      );
    },
    onSuccess: (data, vars) => {
      void queryClient.invalidateQueries({ queryKey: ["sla-breaches"] });
      void queryClient.invalidateQueries({ queryKey: ["operations"] });
      void queryClient.invalidateQueries({ queryKey: ["sla"] });
      onDone(data, vars.action);
    },
    // Someone else may have acted on it: show the list as it is now.
    onError: () => void queryClient.invalidateQueries({ queryKey: ["sla-breaches"] }),
  });
  const ref = useModalDialog(open, () => {
    setNotes("");
    mutation.reset();
    notesRef.current?.focus();
  });

  const verb = action === "resolve" ? "Resolve" : "Acknowledge";
  return (
    <dialog
      ref={ref}
      className="dialog ops-breach-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!mutation.isPending) onClose();
      }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (breach && action) mutation.mutate({ id: breach.id, action, notes });
        }}
      >
        <h2 id={titleId}>
          {verb} the breach of “{slaName}”
        </h2>
        {breach && (
          <p className="hint">
            Run #{breach.execution_id}: {marginText(breach)}.
          </p>
        )}
        <div className="field">
          <label htmlFor={notesId}>
            <span className="field-label">Notes</span>
          </label>
          <textarea
            id={notesId}
            ref={notesRef}
            rows={4}
            maxLength={5000}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
            aria-describedby={`${notesId}-hint`}
          />
          <span id={`${notesId}-hint`} className="hint">
            {action === "resolve"
              ? "Optional: what was done. A resolved breach leaves the list."
              : "Optional: who is on it and what is known so far."}
          </span>
        </div>
        {mutation.isError && action && (
          <div className="error-box" role="alert">
            {refusal(mutation.error, action)}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={mutation.isPending}>
            {mutation.isError ? "Close" : "Cancel"}
          </button>
          <button type="submit" className="primary" disabled={mutation.isPending}>
            {mutation.isPending ? `${verb === "Resolve" ? "Resolving" : "Acknowledging"}…` : verb}
          </button>
        </div>
      </form>
    </dialog>
  );
}
