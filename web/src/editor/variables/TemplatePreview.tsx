// The text a template field renders to on a sample record of the company, refreshed (debounced)
// as the template is typed; a template that does not render says why.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Json } from "../types";
import { previewTemplate, type PreviewRequest, type PreviewResult } from "./api";
import { recordName } from "./groupLabel";

/** Wait after the last keystroke before asking the server. */
export const PREVIEW_DELAY_MS = 400;

export function hasTemplate(text: string): boolean {
  return text.includes("{{") || text.includes("{%");
}

type State =
  | { kind: "idle" }
  | { kind: "loading" }
  | { kind: "done"; result: PreviewResult }
  | { kind: "failed"; message: string };

function shown(value: Json): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function TemplatePreview({ text, target, id }: { text: string; target: Omit<PreviewRequest, "template">; id?: string }) {
  const { t } = useTranslation("variables");
  const [state, setState] = useState<State>({ kind: "idle" });
  const wanted = hasTemplate(text);
  const targetKey = JSON.stringify(target);
  useEffect(() => {
    if (!wanted) {
      setState({ kind: "idle" });
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      setState({ kind: "loading" });
      previewTemplate({ template: text, ...(JSON.parse(targetKey) as Omit<PreviewRequest, "template">) }, abort.signal)
        .then((result) => setState({ kind: "done", result }))
        .catch((err: Error) => {
          if (!abort.signal.aborted) setState({ kind: "failed", message: err.message });
        });
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [text, wanted, targetKey]);
  if (!wanted || state.kind === "idle") return null;
  if (state.kind === "loading") return <p className="hint template-preview" id={id} aria-live="polite">{t("preview.loading")}</p>;
  if (state.kind === "failed") {
    return <p className="error template-preview" id={id} role="alert">{t("preview.unavailable", { message: state.message })}</p>;
  }
  const { result } = state;
  if (result.errors.length > 0) {
    return (
      <p className="error template-preview" id={id} role="alert">
        {t("preview.templateError", { message: result.errors.map((e) => e.message).join("; ") })}
      </p>
    );
  }
  const record = result.record_type ? recordName(result.record_type, t) : "";
  const heading = !result.record_type
    ? t("preview.noRecord")
    : result.sample
      ? t("preview.onSample", { record })
      : t("preview.onRecord", { record, id: result.record_id ?? "" });
  const text_ = shown(result.rendered);
  return (
    <div className="template-preview" id={id} aria-live="polite">
      <span className="hint">{heading}</span>
      <output className="template-preview-text" aria-label={t("preview.label")}>{text_ === "" ? t("preview.empty") : text_}</output>
      {result.truncated && <span className="hint">{t("preview.truncated")}</span>}
    </div>
  );
}
