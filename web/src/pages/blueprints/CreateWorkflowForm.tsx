// "Create workflow" from a blueprint: its inputs, the new workflow's name, checked in the browser
// first; the API's refusal (422 on `inputs.NAME` or `name`) is shown on the field it names. On
// success the new draft opens in the editor.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { api, ApiError, unwrap, type FieldError } from "../../api/client";
import { ErrorMessage } from "../../components/common";
import type { SavedState } from "../../editor/WorkflowEditorPage";
import { InputsForm } from "./InputsForm";
import { initialValues, inputNamed, inputsToSend, validateInputs, withoutLoc } from "./inputValidation";
import { inputsOf, widgetOf, type Blueprint, type InputValues } from "./types";

export function CreateWorkflowForm({ blueprint, canWrite }: { blueprint: Blueprint; canWrite: boolean }) {
  const { t } = useTranslation("blueprints");
  const schema = inputsOf(blueprint);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<InputValues>(() => initialValues(schema));
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<unknown>(null);

  const create = useMutation({
    mutationFn: () =>
      unwrap(api.POST("/api/v1/workflow/process-templates/{blueprint_id}/instantiate", {
        params: { path: { blueprint_id: blueprint.id } },
        body: { inputs: inputsToSend(values), name: name.trim() || null },
      })),
    onSuccess: (workflow) => {
      void queryClient.invalidateQueries({ queryKey: ["workflows"] });
      // The editor shows this as its "saved" banner: the draft exists, with any warnings.
      const state: SavedState = {
        saved: {
          version: workflow.version,
          warnings: workflow.warnings ?? [],
          fromBlueprint: { name: blueprint.name, version: blueprint.version },
        },
      };
      navigate(`/workflows/${workflow.id}/edit`, { state });
    },
    onError: (err) => {
      const located = err instanceof ApiError ? err.fieldErrors.filter((e) => inputNamed(e.loc) || e.loc === "name") : [];
      if (located.length > 0) {
        setErrors(located);
        focusFirstInvalid();
      } else setFailure(err);
    },
  });

  // Move to the first field in error, so keyboard and screen-reader users land on it.
  const focusFirstInvalid = () =>
    setTimeout(() => formRef.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus(), 0);

  const submit = () => {
    setFailure(null);
    const found = validateInputs(schema, values, widgetOf);
    setErrors(found);
    if (found.length > 0) {
      focusFirstInvalid();
      return;
    }
    create.mutate();
  };

  const nameError = errors.filter((e) => e.loc === "name").map(withoutLoc).join(" ");
  const count = Object.keys(schema.properties).length;
  return (
    <form ref={formRef} className="bp-create" aria-labelledby="bp-create-title" noValidate
      onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <h3 id="bp-create-title">{count ? t("create.inputsCount", { count }) : t("create.inputs")}</h3>
      {!canWrite && <p className="hint">{t("create.viewers")}</p>}
      <fieldset disabled={!canWrite || create.isPending} className="bp-fieldset">
        <legend className="visually-hidden">{t("create.inputsOf", { name: blueprint.name })}</legend>
        <InputsForm schema={schema} values={values} errors={errors} idPrefix={`bp-${blueprint.id}`}
          onChange={(next) => {
            setValues(next);
            // A field's error goes once the field is changed; the others stay until the next try.
            setErrors((prev) => prev.filter((e) => { const n = inputNamed(e.loc); return !n || next[n] === values[n]; }));
          }} />
        {canWrite && (
          <div className="field">
            <label htmlFor={`bp-${blueprint.id}-workflow-name`}><span>{t("create.workflowName")}</span></label>
            <input id={`bp-${blueprint.id}-workflow-name`} value={name} placeholder={blueprint.name} maxLength={200}
              aria-invalid={!!nameError || undefined} aria-describedby={nameError ? "bp-name-error" : "bp-name-hint"}
              onChange={(e) => setName(e.target.value)} />
            {nameError
              ? <p className="field-error" id="bp-name-error" role="alert">{nameError}</p>
              : <p className="hint" id="bp-name-hint">{t("create.nameHint")}</p>}
          </div>
        )}
      </fieldset>
      {!!failure && <ErrorMessage error={failure} />}
      {canWrite && (
        <div className="row">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? t("create.creating") : t("create.submit")}
          </button>
          {errors.length > 0 && <span className="field-error" role="status">{t("create.fixFields")}</span>}
        </div>
      )}
    </form>
  );
}
