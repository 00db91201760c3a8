// "Generate suggestions": a small form (how far back, how often a pattern must be seen, whether a
// language model rewrites the texts) that starts a generation job; its progress shows on the page.
import { useMutation } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { useModalDialog } from "../../components/useModalDialog";
import i18n from "../../i18n";
import type { SuggestionJob } from "./types";

interface Form {
  days: string;
  minOccurrences: string;
  useLlm: boolean;
  language: "en" | "fr";
}
/** The browser's language when the API speaks it (English or French), else English. */
export function defaultLanguage(languages: readonly string[] = navigator.languages ?? []): Form["language"] {
  const first = languages.find((l) => /^(en|fr)\b/i.test(l));
  return first?.toLowerCase().startsWith("fr") ? "fr" : "en";
}
const DEFAULTS: Omit<Form, "language"> = { days: "30", minOccurrences: "10", useLlm: true };

/** The form's problems by field (the API's bounds: days 1–365, occurrences ≥ 3). */
export function generateFormErrors(form: Form): Partial<Record<"days" | "minOccurrences", string>> {
  const errors: Partial<Record<"days" | "minOccurrences", string>> = {};
  const days = Number(form.days);
  if (!/^\d+$/.test(form.days.trim()) || days < 1 || days > 365) errors.days = i18n.t("generate.daysError", { ns: "suggestions" });
  const min = Number(form.minOccurrences);
  if (!/^\d+$/.test(form.minOccurrences.trim()) || min < 3 || min > 100000) errors.minOccurrences = i18n.t("generate.minOccurrencesError", { ns: "suggestions" });
  return errors;
}

export function GenerateDialog({ open, onClose, onStarted }: {
  open: boolean;
  onClose: () => void;
  onStarted: (job: SuggestionJob) => void;
}) {
  const { t } = useTranslation(["suggestions", "common"]);
  const id = useId();
  const firstRef = useRef<HTMLInputElement>(null);
  const [form, setForm] = useState<Form>(() => ({ ...DEFAULTS, language: defaultLanguage() }));
  const [tried, setTried] = useState(false);
  const mutation = useMutation({
    mutationFn: (body: { days: number; min_occurrences: number; use_llm: boolean; language: Form["language"] }) =>
      unwrap(api.POST("/api/v1/workflow/workflow-suggestions/generate/", { body })),
    onSuccess: (job) => onStarted(job),
  });
  const ref = useModalDialog(open, () => {
    setTried(false);
    mutation.reset();
    firstRef.current?.focus();
  });
  const errors = tried ? generateFormErrors(form) : {};
  const submit = () => {
    setTried(true);
    if (Object.keys(generateFormErrors(form)).length) return;
    mutation.mutate({
      days: Number(form.days), min_occurrences: Number(form.minOccurrences), use_llm: form.useLlm, language: form.language,
    });
  };
  return (
    <dialog ref={ref} className="dialog sg-generate" aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        if (!mutation.isPending) onClose();
      }}>
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}>
        <h2 id={`${id}-title`}>{t("generate.title")}</h2>
        <p className="hint">{t("generate.intro")}</p>
        <div className="field">
          <label htmlFor={`${id}-days`}><span className="field-label">{t("generate.days")}</span></label>
          <input id={`${id}-days`} ref={firstRef} type="number" inputMode="numeric" min={1} max={365} value={form.days}
            onChange={(e) => setForm({ ...form, days: e.target.value })} aria-invalid={!!errors.days}
            aria-describedby={errors.days ? `${id}-days-error` : undefined} />
          {errors.days && <p className="field-error" id={`${id}-days-error`}>{errors.days}</p>}
        </div>
        <div className="field">
          <label htmlFor={`${id}-min`}><span className="field-label">{t("generate.minOccurrences")}</span></label>
          <input id={`${id}-min`} type="number" inputMode="numeric" min={3} value={form.minOccurrences}
            onChange={(e) => setForm({ ...form, minOccurrences: e.target.value })} aria-invalid={!!errors.minOccurrences}
            aria-describedby={`${id}-min-hint${errors.minOccurrences ? ` ${id}-min-error` : ""}`} />
          <span className="hint" id={`${id}-min-hint`}>{t("generate.minOccurrencesHint")}</span>
          {errors.minOccurrences && <p className="field-error" id={`${id}-min-error`}>{errors.minOccurrences}</p>}
        </div>
        <div className="field checkbox">
          <label>
            <input type="checkbox" checked={form.useLlm} onChange={(e) => setForm({ ...form, useLlm: e.target.checked })}
              aria-describedby={`${id}-llm-hint`} />{" "}
            {t("generate.useLlm")}
          </label>
          <span className="hint" id={`${id}-llm-hint`}>{t("generate.useLlmHint")}</span>
        </div>
        {form.useLlm && (
          <div className="field">
            <label htmlFor={`${id}-language`}><span className="field-label">{t("generate.language")}</span></label>
            <select id={`${id}-language`} value={form.language}
              onChange={(e) => setForm({ ...form, language: e.target.value === "fr" ? "fr" : "en" })}>
              <option value="en">{t("language.en", { ns: "common" })}</option>
              <option value="fr">{t("language.fr", { ns: "common" })}</option>
            </select>
          </div>
        )}
        {mutation.isError && (
          <div className="error-box" role="alert">{mutation.error.message}</div>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={mutation.isPending}>{t("actions.cancel", { ns: "common" })}</button>
          <button type="submit" className="primary" disabled={mutation.isPending}>
            {mutation.isPending ? t("generate.starting") : t("generate.submit")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
