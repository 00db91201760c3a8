// "Generate suggestions": a small form (how far back, how often a pattern must be seen, whether a
// language model rewrites the texts) that starts a generation job; its progress shows on the page.
import { useMutation } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { api, unwrap } from "../../api/client";
import { useModalDialog } from "../../components/useModalDialog";
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
  if (!/^\d+$/.test(form.days.trim()) || days < 1 || days > 365) errors.days = "A whole number of days from 1 to 365.";
  const min = Number(form.minOccurrences);
  if (!/^\d+$/.test(form.minOccurrences.trim()) || min < 3 || min > 100000) errors.minOccurrences = "A whole number, 3 or more.";
  return errors;
}

export function GenerateDialog({ open, onClose, onStarted }: {
  open: boolean;
  onClose: () => void;
  onStarted: (job: SuggestionJob) => void;
}) {
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
        <h2 id={`${id}-title`}>Generate suggestions</h2>
        <p className="hint">Mines the recorded runs, approvals and tasks for patterns, and back-tests each change it proposes.</p>
        <div className="field">
          <label htmlFor={`${id}-days`}><span className="field-label">Days of history</span></label>
          <input id={`${id}-days`} ref={firstRef} type="number" inputMode="numeric" min={1} max={365} value={form.days}
            onChange={(e) => setForm({ ...form, days: e.target.value })} aria-invalid={!!errors.days}
            aria-describedby={errors.days ? `${id}-days-error` : undefined} />
          {errors.days && <p className="field-error" id={`${id}-days-error`}>{errors.days}</p>}
        </div>
        <div className="field">
          <label htmlFor={`${id}-min`}><span className="field-label">Minimum occurrences</span></label>
          <input id={`${id}-min`} type="number" inputMode="numeric" min={3} value={form.minOccurrences}
            onChange={(e) => setForm({ ...form, minOccurrences: e.target.value })} aria-invalid={!!errors.minOccurrences}
            aria-describedby={`${id}-min-hint${errors.minOccurrences ? ` ${id}-min-error` : ""}`} />
          <span className="hint" id={`${id}-min-hint`}>How often a pattern must have been seen to be suggested.</span>
          {errors.minOccurrences && <p className="field-error" id={`${id}-min-error`}>{errors.minOccurrences}</p>}
        </div>
        <div className="field checkbox">
          <label>
            <input type="checkbox" checked={form.useLlm} onChange={(e) => setForm({ ...form, useLlm: e.target.checked })}
              aria-describedby={`${id}-llm-hint`} />{" "}
            Use AI to rewrite the texts
          </label>
          <span className="hint" id={`${id}-llm-hint`}>
            When a language model is configured; the figures always come from the history.
          </span>
        </div>
        {form.useLlm && (
          <div className="field">
            <label htmlFor={`${id}-language`}><span className="field-label">Language of the rewritten texts</span></label>
            <select id={`${id}-language`} value={form.language}
              onChange={(e) => setForm({ ...form, language: e.target.value === "fr" ? "fr" : "en" })}>
              <option value="en">English</option>
              <option value="fr">Français</option>
            </select>
          </div>
        )}
        {mutation.isError && (
          <div className="error-box" role="alert">{mutation.error.message}</div>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={mutation.isPending}>Cancel</button>
          <button type="submit" className="primary" disabled={mutation.isPending}>
            {mutation.isPending ? "Starting…" : "Generate"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
