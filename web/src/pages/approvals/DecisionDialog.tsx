// The modal that takes an approver's comment and posts the approve / reject decision.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, unwrap, type Schemas } from "../../api/client";
import { useModalDialog } from "../../components/useModalDialog";
import i18n from "../../i18n";

export type Decision = "approve" | "reject";

/** A readable message for a refused decision (409: already decided, 403: not an approver). */
export function decisionErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const t = i18n.getFixedT(null, "approvals");
    if (error.status === 409) return t("errors.decided", { message: error.message });
    if (error.status === 403) return t("errors.notApprover", { message: error.message });
    if (error.status === 404) return t("errors.gone");
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function DecisionDialog({
  approval,
  decision,
  onClose,
  onDecided,
}: {
  approval: Pick<Schemas["ApprovalListItem"], "id" | "name">;
  decision: Decision | null;
  onClose: () => void;
  onDecided: (result: Schemas["ApprovalDetail"], decision: Decision) => void;
}) {
  const { t } = useTranslation(["approvals", "common"]);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const titleId = useId();
  const commentId = useId();
  const [comment, setComment] = useState("");
  const queryClient = useQueryClient();
  const open = decision !== null;

  const mutation = useMutation({
    mutationFn: (vars: { decision: Decision; comment: string }) => {
      const opts = { params: { path: { approval_id: approval.id } }, body: { comment: vars.comment } };
      return unwrap(
        vars.decision === "approve"
          ? api.POST("/api/v1/approvals/{approval_id}/approve", opts)
          : api.POST("/api/v1/approvals/{approval_id}/reject", opts),
      );
    },
    onSuccess: (data, vars) => {
      queryClient.setQueryData(["approval", approval.id], data);
      void queryClient.invalidateQueries({ queryKey: ["approvals"] });
      void queryClient.invalidateQueries({ queryKey: ["notifications"] });
      onDecided(data, vars.decision);
    },
    onError: () => {
      // Someone else may have decided: show the request as it is now.
      void queryClient.invalidateQueries({ queryKey: ["approval", approval.id] });
      void queryClient.invalidateQueries({ queryKey: ["approvals"] });
    },
  });
  const ref = useModalDialog(open, () => {
    setComment("");
    mutation.reset();
    textareaRef.current?.focus();
  });

  const rejecting = decision === "reject";
  return (
    <dialog
      ref={ref}
      className="dialog decision-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!mutation.isPending) onClose();
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (decision) mutation.mutate({ decision, comment });
        }}
      >
        <h2 id={titleId}>
          {rejecting ? t("dialog.rejectTitle", { name: approval.name }) : t("dialog.approveTitle", { name: approval.name })}
        </h2>
        <div className="field">
          <label htmlFor={commentId}>
            <span className="field-label">{t("dialog.comment")}</span>
          </label>
          <textarea
            id={commentId}
            ref={textareaRef}
            rows={4}
            maxLength={5000}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            aria-describedby={`${commentId}-hint`}
          />
          <span id={`${commentId}-hint`} className="hint">
            {t("dialog.commentHint")}
          </span>
        </div>
        {mutation.isError && (
          <div className="error-box" role="alert">
            {decisionErrorMessage(mutation.error)}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={mutation.isPending}>
            {mutation.isError ? t("common:actions.close") : t("common:actions.cancel")}
          </button>
          <button
            type="submit"
            className={rejecting ? "danger" : "primary"}
            disabled={mutation.isPending}
          >
            {mutation.isPending
              ? t(rejecting ? "dialog.rejecting" : "dialog.approving")
              : t(rejecting ? "card.reject" : "card.approve")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
