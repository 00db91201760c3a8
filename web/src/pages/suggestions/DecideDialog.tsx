// The modal that takes notes and accepts or rejects a suggestion (writers only). A refusal (409:
// the workflow changed since mining, or someone decided first) shows the server's message.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ApiError, api, unwrap } from "../../api/client";
import { NotesDialog } from "../../components/NotesDialog";
import i18n from "../../i18n";
import type { Suggestion } from "./types";

export type SuggestionDecision = "accept" | "reject";

/** Why a decision was refused, in words; a 409 is the server's own message. */
export function decisionErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return i18n.t("decide.forbidden", { ns: "suggestions" });
    if (error.status === 404) return i18n.t("decide.gone", { ns: "suggestions" });
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function DecideDialog({
  suggestion,
  decision,
  onClose,
  onDecided,
}: {
  suggestion: Pick<Suggestion, "id" | "title" | "change">;
  decision: SuggestionDecision | null;
  onClose: () => void;
  onDecided: (result: Suggestion, decision: SuggestionDecision) => void;
}) {
  const { t } = useTranslation("suggestions");
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (vars: { decision: SuggestionDecision; notes: string }) => {
      const options = { params: { path: { suggestion_id: suggestion.id } }, body: { notes: vars.notes } };
      return unwrap(
        vars.decision === "accept"
          ? api.POST("/api/v1/workflow/workflow-suggestions/{suggestion_id}/accept/", options)
          : api.POST("/api/v1/workflow/workflow-suggestions/{suggestion_id}/reject/", options),
      );
    },
    onSuccess: (data, vars) => {
      queryClient.setQueryData(["suggestion", suggestion.id], data);
      void queryClient.invalidateQueries({ queryKey: ["suggestions"] });
      // An accepted change made a workflow version or a new workflow.
      if (data.applied_workflow_id) {
        void queryClient.invalidateQueries({ queryKey: ["workflows"] });
        void queryClient.invalidateQueries({ queryKey: ["workflow", data.applied_workflow_id] });
      }
      onDecided(data, vars.decision);
    },
    onError: () => {
      // Someone may have decided first: show the suggestion as it is now.
      void queryClient.invalidateQueries({ queryKey: ["suggestion", suggestion.id] });
      void queryClient.invalidateQueries({ queryKey: ["suggestions"] });
    },
  });
  const accept = decision !== "reject";
  const verb = accept ? t("detail.accept") : t("detail.reject");
  return (
    <NotesDialog
      open={decision !== null}
      className="sg-decide"
      title={t("decide.title", { verb, title: suggestion.title })}
      intro={
        <p className="hint">
          {!accept
            ? t("decide.rejectIntro")
            : suggestion.change
              ? t("decide.acceptIntro")
              : t("decide.adviceIntro")}
        </p>
      }
      notesHint={t("decide.notesHint")}
      errorText={mutation.isError ? decisionErrorText(mutation.error) : null}
      pending={mutation.isPending}
      submitLabel={verb}
      pendingLabel={accept ? t("decide.accepting") : t("decide.rejecting")}
      danger={!accept}
      onOpen={() => mutation.reset()}
      onSubmit={(notes) => {
        if (decision) mutation.mutate({ decision, notes });
      }}
      onClose={onClose}
    />
  );
}
