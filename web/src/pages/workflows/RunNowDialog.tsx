// "Run now": start a manual execution, optionally on one CRM record, then link to the run.
// On a record, the workflow is first simulated on it: a record the trigger would not take needs
// an explicit "Run anyway". A workflow that is not active can be tested instead (nothing done).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { api, unwrap, type Schemas } from "../../api/client";
import { ErrorMessage, StatusBadge, statusText } from "../../components/common";
import { useConditionFields } from "../../components/DecisionWords";
import { useModalDialog } from "../../components/useModalDialog";
import { simulate } from "../../editor/simulation/api";
import { RecordPicker } from "../../editor/simulation/RecordPicker";
import { triggerExplanation } from "../../editor/simulation/highlight";
import { SimulationSummary } from "../../editor/simulation/SimulationSummary";
import type { SimulationOut } from "../../editor/simulation/types";

type Execution = Schemas["WorkflowExecutionResponse"];

const ENTITY_TYPES = ["organisation", "deal", "task", "activity", "contact"] as const;
type EntityType = (typeof ENTITY_TYPES)[number];

export function RunNowDialog({
  workflowId,
  status = "active",
  open,
  onClose,
}: {
  workflowId: number;
  /** The workflow's status: one not active is offered "Test instead". */
  status?: string;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation(["workflows", "common"]);
  const fields = useConditionFields();
  const id = useId();
  const queryClient = useQueryClient();
  const [entityType, setEntityType] = useState<EntityType | "">("");
  const [entityId, setEntityId] = useState("");
  // The record found by name (its id fills "Record ID"), shown by its name.
  const [picked, setPicked] = useState<{ id: number; label: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<Execution | null>(null);
  // The check of the record against the trigger before a run.
  const [checking, setChecking] = useState(false);
  const [mismatch, setMismatch] = useState<{ sim: SimulationOut; explanation: string } | null>(null);
  const [checkNote, setCheckNote] = useState<string | null>(null);
  // "Test instead".
  const [testing, setTesting] = useState(false);
  const [tested, setTested] = useState<SimulationOut | null>(null);
  const [testError, setTestError] = useState<unknown>(null);
  const draft = status !== "active";

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
    setMismatch(null);
    setCheckNote(null);
    setTested(null);
    setTestError(null);
    run.reset();
  });

  const record = () => (entityType ? { entity_type: entityType, entity_id: Number(entityId) } : {});

  const validate = (): boolean => {
    setProblem(null);
    if ((entityType === "") !== (entityId === "")) {
      setProblem(t("runNow.bothOrNeither"));
      return false;
    }
    if (entityId && !(Number.isInteger(Number(entityId)) && Number(entityId) > 0)) {
      setProblem(t("runNow.positiveId"));
      return false;
    }
    return true;
  };

  const submit = async () => {
    if (!validate()) return;
    setMismatch(null);
    setCheckNote(null);
    if (!entityType) {
      run.mutate();
      return;
    }
    // Would the trigger take this record? Ask the simulation before running for real.
    setChecking(true);
    try {
      const sim = await simulate({ workflow_id: workflowId, ...record() });
      if (sim.status === "completed" && sim.would_trigger === false) {
        setMismatch({ sim, explanation: triggerExplanation(sim, fields) });
        return;
      }
    } catch (err) {
      // The check is advice: a run is not held back because it could not be made.
      setCheckNote(t("runNow.checkFailed", { message: (err as Error).message }));
    } finally {
      setChecking(false);
    }
    run.mutate();
  };

  const testInstead = async () => {
    if (!validate()) return;
    setTesting(true);
    setTestError(null);
    try {
      setTested(await simulate({ workflow_id: workflowId, ...record() }));
    } catch (err) {
      setTestError(err);
    } finally {
      setTesting(false);
    }
  };

  const changeRecord = (apply: () => void) => {
    apply();
    setMismatch(null);
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
      <h2 id={`${id}-title`}>{t("runNow.title")}</h2>
      {result ? (
        <div aria-live="polite">
          <p>
            {t("runNow.started", { id: result.id })} <StatusBadge status={result.status} />
          </p>
          {result.error_message && <p className="error">{result.error_message}</p>}
          {checkNote && <p className="hint">{checkNote}</p>}
          <p>
            <Link to={`/workflows/${workflowId}/executions/${result.id}`}>{t("runNow.viewExecution", { id: result.id })}</Link>
          </p>
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              {t("common:actions.close")}
            </button>
          </div>
        </div>
      ) : tested ? (
        <div aria-live="polite">
          <p className="hint">
            {entityType
              ? t("runNow.testedOn", { type: t(`runNow.recordWords.${entityType}`), id: entityId })
              : t("runNow.testedOnNothing")}
          </p>
          <SimulationSummary sim={tested} fields={fields} />
          <p>
            <Link to={`/workflows/${workflowId}/edit?section=test`}>{t("runNow.openTestPanel")}</Link>
          </p>
          <div className="dialog-actions">
            <button type="button" onClick={() => setTested(null)}>
              {t("runNow.back")}
            </button>
            <button type="button" onClick={onClose}>
              {t("common:actions.close")}
            </button>
          </div>
        </div>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          {draft && (
            <div className="wf-warnings" role="note" aria-label={t("runNow.notActiveLabel")}>
              <p>
                <Trans t={t} i18nKey="runNow.notActive" values={{ status: statusText(status) }} components={{ strong: <strong /> }} />
              </p>
            </div>
          )}
          <p className="hint">{t("runNow.intro")}</p>
          <div className="row">
            <label className="field">
              <span>{t("runNow.recordType")}</span>
              <select
                value={entityType}
                onChange={(e) =>
                  changeRecord(() => {
                    setEntityType(e.target.value as EntityType | "");
                    setPicked(null);
                  })
                }
              >
                <option value="">{t("runNow.noRecord")}</option>
                {ENTITY_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {t(`runNow.recordTypes.${type}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t("runNow.recordId")}</span>
              <input
                type="number"
                min={1}
                inputMode="numeric"
                value={entityId}
                aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? `${id}-problem` : undefined}
                onChange={(e) =>
                  changeRecord(() => {
                    setEntityId(e.target.value);
                    setPicked(null);
                  })
                }
              />
            </label>
          </div>
          {entityType && (
            <RecordPicker
              entity={entityType}
              value={picked}
              onChange={(record) =>
                changeRecord(() => {
                  setPicked(record);
                  setEntityId(record ? String(record.id) : "");
                })
              }
            />
          )}
          {problem && (
            <p className="field-error" id={`${id}-problem`} role="alert">
              {problem}
            </p>
          )}
          {mismatch && (
            <div className="wf-warnings" role="alert" aria-label={t("runNow.mismatchLabel")}>
              <p>
                {t("runNow.mismatch", {
                  type: entityType ? t(`runNow.recordWords.${entityType}`) : "",
                  explanation: mismatch.explanation,
                })}
              </p>
              <p>{t("runNow.runAnywayHint")}</p>
            </div>
          )}
          {run.isError && <ErrorMessage error={run.error} />}
          {!!testError && <ErrorMessage error={testError} />}
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              {t("common:actions.cancel")}
            </button>
            {draft && (
              <button type="button" onClick={() => void testInstead()} disabled={testing}>
                {testing ? t("runNow.testing") : t("runNow.testInstead")}
              </button>
            )}
            {mismatch ? (
              <button type="button" className="danger" onClick={() => run.mutate()} disabled={run.isPending}>
                {run.isPending ? t("runNow.running") : t("runNow.runAnyway")}
              </button>
            ) : (
              <button type="submit" className="primary" disabled={run.isPending || checking}>
                {checking ? t("runNow.checking") : run.isPending ? t("runNow.running") : t("runNow.run")}
              </button>
            )}
          </div>
        </form>
      )}
    </dialog>
  );
}
