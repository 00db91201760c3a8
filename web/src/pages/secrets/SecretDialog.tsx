// Add a secret, or replace an existing one's value and description. The value field is a
// password input that starts empty every time: the server never sends a value back.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, unwrap, type Schemas } from "../../api/client";
import { useModalDialog } from "../../components/useModalDialog";

type Secret = Schemas["SecretOut"];

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** How a step writes a secret: "{{ secrets.NAME }}" (never translated: the engine reads it). */
export function usage(name: string): string {
  return `{{ secrets.${name} }}`;
}

export function SecretDialog({
  secret,
  open,
  onClose,
  onSaved,
}: {
  /** The secret whose value is replaced; null to add a new one. */
  secret: Secret | null;
  open: boolean;
  onClose: () => void;
  onSaved: (saved: Secret, created: boolean) => void;
}) {
  const { t } = useTranslation(["secrets", "common"]);
  const titleId = useId();
  const nameId = useId();
  const valueId = useId();
  const descriptionId = useId();
  const firstRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [description, setDescription] = useState("");
  const queryClient = useQueryClient();
  const creating = secret === null;

  const save = useMutation({
    mutationFn: () =>
      creating
        ? unwrap(api.POST("/api/v1/secrets", { body: { name: name.trim(), value, description } }))
        : unwrap(
            api.PUT("/api/v1/secrets/{name}", {
              params: { path: { name: secret.name } },
              body: { ...(value ? { value } : {}), description },
            }),
          ),
    onSuccess: (saved) => {
      setValue("");
      void queryClient.invalidateQueries({ queryKey: ["secrets"] });
      onSaved(saved, creating);
    },
  });
  const ref = useModalDialog(open, () => {
    setName("");
    setValue("");
    setDescription(secret?.description ?? "");
    save.reset();
    firstRef.current?.focus();
  });

  const nameProblem = creating && name.trim() !== "" && !NAME_PATTERN.test(name.trim())
    ? t("dialog.namePattern")
    : null;
  const fieldError = (field: string) =>
    save.error instanceof ApiError ? save.error.fieldErrors.find((e) => e.loc === field)?.msg : undefined;
  const canSave = creating ? name.trim() !== "" && !nameProblem && value !== "" : true;
  return (
    <dialog
      ref={ref}
      className="dialog secret-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!save.isPending) onClose();
      }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (canSave) save.mutate();
        }}
      >
        <h2 id={titleId}>{creating ? t("add") : t("dialog.replaceTitle", { name: secret.name })}</h2>
        {creating && (
          <div className="field">
            <label htmlFor={nameId}><span className="field-label">{t("dialog.name")}</span></label>
            <input
              id={nameId}
              ref={firstRef}
              value={name}
              maxLength={64}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={Boolean(nameProblem || fieldError("name")) || undefined}
              aria-describedby={`${nameId}-hint`}
              onChange={(e) => setName(e.target.value)}
            />
            <span id={`${nameId}-hint`} className="hint">
              {nameProblem ??
                fieldError("name") ??
                t("dialog.nameUse", { usage: usage(NAME_PATTERN.test(name.trim()) ? name.trim() : "NAME") })}
            </span>
          </div>
        )}
        <div className="field">
          <label htmlFor={valueId}><span className="field-label">{creating ? t("dialog.value") : t("dialog.newValue")}</span></label>
          <input
            id={valueId}
            ref={creating ? undefined : firstRef}
            type="password"
            value={value}
            autoComplete="new-password"
            spellCheck={false}
            aria-invalid={Boolean(fieldError("value")) || undefined}
            aria-describedby={`${valueId}-hint`}
            onChange={(e) => setValue(e.target.value)}
          />
          <span id={`${valueId}-hint`} className="hint">
            {fieldError("value") ??
              (creating
                ? t("dialog.valueHint")
                : t("dialog.newValueHint"))}
          </span>
        </div>
        <div className="field">
          <label htmlFor={descriptionId}><span className="field-label">{t("dialog.description")}</span></label>
          <input
            id={descriptionId}
            value={description}
            maxLength={500}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        {save.isError && !fieldError("name") && !fieldError("value") && (
          <div className="error-box" role="alert">{save.error.message}</div>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={save.isPending}>{t("common:actions.cancel")}</button>
          <button type="submit" className="primary" disabled={!canSave || save.isPending}>
            {save.isPending ? t("common:actions.saving") : creating ? t("dialog.add") : t("common:actions.save")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
