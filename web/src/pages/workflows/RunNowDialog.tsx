// "Run now": start a manual execution, optionally on one CRM record, then link to the run.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Link } from "react-router-dom";
import { api, unwrap, type Schemas } from "../../api/client";
import { ErrorMessage, StatusBadge } from "../../components/common";
import { useModalDialog } from "../../components/useModalDialog";

type Execution = Schemas["WorkflowExecutionResponse"];

const ENTITY_TYPES = ["organisation", "deal", "task", "activity", "contact"];

export function RunNowDialog({
  workflowId,
  open,
  onClose,
}: {
  workflowId: number;
  open: boolean;
  onClose: () => void;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const [entityType, setEntityType] = useState("");
  const [entityId, setEntityId] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<Execution | null>(null);

  const run = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/workflows/{workflow_id}/execute", {
          params: { path: { workflow_id: workflowId }, query: { wait: 3 } },
          body: {
            trigger_entity_type: entityType || null,
            trigger_entity_id: entityId ? Number(entityId) : null,
          },
        }),
      ),
    onSuccess: (execution) => {
      setResult(execution);
      void queryClient.invalidateQueries({ queryKey: ["workflow", workflowId] });
      void queryClient.invalidateQueries({ queryKey: ["workflows"] });
    },
  });
  const ref = useModalDialog(open, () => {
    setResult(null);
    setProblem(null);
    run.reset();
  });


  const submit = () => {
    setProblem(null);
    if ((entityType === "") !== (entityId === "")) {
      setProblem("Give both the record type and its ID, or neither.");
      return;
    }
    if (entityId && !(Number.isInteger(Number(entityId)) && Number(entityId) > 0)) {
      setProblem("The record ID must be a positive whole number.");
      return;
    }
    run.mutate();
  };

  return (
    <dialog
      ref={ref}
      className="dialog wf-run-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={`${id}-title`}>Run workflow now</h2>
      {result ? (
        <div aria-live="polite">
          <p>
            Execution #{result.id} started: <StatusBadge status={result.status} />
          </p>
          {result.error_message && <p className="error">{result.error_message}</p>}
          <p>
            <Link to={`/workflows/${workflowId}/executions/${result.id}`}>View execution #{result.id}</Link>
          </p>
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </div>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <p className="hint">Optionally run it on one CRM record; leave both empty to run on nothing.</p>
          <div className="row">
            <label className="field">
              <span>Record type</span>
              <select value={entityType} onChange={(e) => setEntityType(e.target.value)}>
                <option value="">None</option>
                {ENTITY_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Record ID</span>
              <input
                type="number"
                min={1}
                inputMode="numeric"
                value={entityId}
                aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? `${id}-problem` : undefined}
                onChange={(e) => setEntityId(e.target.value)}
              />
            </label>
          </div>
          {problem && (
            <p className="field-error" id={`${id}-problem`} role="alert">
              {problem}
            </p>
          )}
          {run.isError && <ErrorMessage error={run.error} />}
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={run.isPending}>
              {run.isPending ? "Running…" : "Run"}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
