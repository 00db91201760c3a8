// The modal that acknowledges (someone is on it) or resolves an SLA breach, with notes.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ApiError, api, unwrap } from "../../api/client";
import i18n from "../../i18n";
import { NotesDialog } from "../../components/NotesDialog";
import { marginText, type Breach } from "./labels";

export type BreachAction = "acknowledge" | "resolve";

function refusal(error: unknown, action: BreachAction): string {
  if (error instanceof ApiError) {
    const t = i18n.getFixedT(null, "operations");
    if (error.status === 409) {
      return t(action === "acknowledge" ? "dialog.alreadyHandled" : "dialog.alreadyResolved", { reason: error.message });
    }
    if (error.status === 404) return t("dialog.gone");
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
  const { t } = useTranslation("operations");
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
  const resolving = action === "resolve";
  return (
    <NotesDialog
      open={open}
      className="ops-breach-dialog"
      title={t(resolving ? "dialog.resolveTitle" : "dialog.acknowledgeTitle", { sla: slaName })}
      intro={
        breach && (
          <p className="hint">{t("dialog.intro", { run: breach.execution_id, margin: marginText(breach) })}</p>
        )
      }
      notesHint={
        t(resolving ? "dialog.resolveHint" : "dialog.acknowledgeHint")
      }
      errorText={mutation.isError && action ? refusal(mutation.error, action) : null}
      pending={mutation.isPending}
      submitLabel={t(resolving ? "breaches.resolve" : "breaches.acknowledge")}
      pendingLabel={t(resolving ? "dialog.resolving" : "dialog.acknowledging")}
      onOpen={() => mutation.reset()}
      onSubmit={(notes) => {
        if (breach && action) mutation.mutate({ id: breach.id, action, notes });
      }}
      onClose={onClose}
    />
  );
}
