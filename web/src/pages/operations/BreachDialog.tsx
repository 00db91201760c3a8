// The modal that acknowledges (someone is on it) or resolves an SLA breach, with notes.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap } from "../../api/client";
import { NotesDialog } from "../../components/NotesDialog";
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
  const verb = action === "resolve" ? "Resolve" : "Acknowledge";
  return (
    <NotesDialog
      open={open}
      className="ops-breach-dialog"
      title={<>{verb} the breach of “{slaName}”</>}
      intro={
        breach && (
          <p className="hint">
            Run #{breach.execution_id}: {marginText(breach)}.
          </p>
        )
      }
      notesHint={
        action === "resolve"
          ? "Optional: what was done. A resolved breach leaves the list."
          : "Optional: who is on it and what is known so far."
      }
      errorText={mutation.isError && action ? refusal(mutation.error, action) : null}
      pending={mutation.isPending}
      submitLabel={verb}
      pendingLabel={`${verb === "Resolve" ? "Resolving" : "Acknowledging"}…`}
      onOpen={() => mutation.reset()}
      onSubmit={(notes) => {
        if (breach && action) mutation.mutate({ id: breach.id, action, notes });
      }}
      onClose={onClose}
    />
  );
}
