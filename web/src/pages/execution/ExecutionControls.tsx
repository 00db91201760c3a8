// Cancel / Retry / Rerun buttons of an execution (editors and admins only).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { api, unwrap, type Schemas } from "../../api/client";
import { ConfirmDialog, ErrorMessage } from "../../components/common";
import { IN_FLIGHT } from "../workflows/labels";

type Execution = Schemas["WorkflowExecutionResponse"];


export function ExecutionControls({ execution }: { execution: Execution }) {
  const { t } = useTranslation("execution");
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const id = execution.id;
  const key = ["execution", execution.workflow_id, id];
  const params = { params: { path: { execution_id: id } } };

  const onUpdated = (data: Execution) => {
    queryClient.setQueryData(key, data);
    void queryClient.invalidateQueries({ queryKey: ["execution-approvals", id] });
  };
  const cancel = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/executions/{execution_id}/cancel", params)),
    onSuccess: onUpdated,
  });
  const retry = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/executions/{execution_id}/retry", params)),
    onSuccess: onUpdated,
  });
  const rerun = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/executions/{execution_id}/rerun", params)),
    onSuccess: (data) => {
      queryClient.setQueryData(["execution", data.workflow_id, data.id], data);
      navigate(`/workflows/${data.workflow_id}/executions/${data.id}`);
    },
  });
  const busy = cancel.isPending || retry.isPending || rerun.isPending;
  const error = cancel.error ?? retry.error ?? rerun.error;
  const active = IN_FLIGHT.has(execution.status);

  return (
    <div className="exec-controls">
      <div className="row">
        {active && (
          <button type="button" className="danger" disabled={busy} onClick={() => setConfirming(true)}>
            {t("controls.cancel")}
          </button>
        )}
        {execution.status === "failed" && (
          <button type="button" className="primary" disabled={busy} onClick={() => retry.mutate()}>
            {t(retry.isPending ? "controls.retrying" : "controls.retry")}
          </button>
        )}
        {!active && (
          <button type="button" disabled={busy} onClick={() => rerun.mutate()}>
            {t(rerun.isPending ? "controls.starting" : "controls.rerun")}
          </button>
        )}
      </div>
      {error && <ErrorMessage error={error} />}
      <ConfirmDialog
        open={confirming}
        title={t("controls.confirmTitle", { id })}
        confirmLabel={t("controls.confirm")}
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          cancel.mutate();
        }}
      >
        <p>{t("controls.confirmText")}</p>
      </ConfirmDialog>
    </div>
  );
}
