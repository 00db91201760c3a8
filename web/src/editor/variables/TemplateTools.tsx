// Beside a text field of a step: the variable picker and, once the text holds `{{ }}`, its preview.
// Shown in the workflow editor only (where the editor schema is loaded).
import { useMemo } from "react";
import type { Json } from "../types";
import { previewTarget, useVariableScope, variableGroups } from "./scope";
import { TemplatePreview } from "./TemplatePreview";
import { VariablePicker } from "./VariablePicker";

/** Insert `{{ path }}` into `text` at the field's cursor (at the end if it has none). */
export function insertAt(field: HTMLInputElement | HTMLTextAreaElement | null, text: string, path: string): { text: string; caret: number } {
  const snippet = `{{ ${path} }}`;
  const start = field?.selectionStart ?? text.length;
  const end = field?.selectionEnd ?? start;
  return { text: text.slice(0, start) + snippet + text.slice(end), caret: start + snippet.length };
}

/** Whether a field is rendered as a template by a run: a step's config, not a trigger's or a
 *  retry policy (`actions[0].config.title`, `actions[1].branches[0].actions[0].config.message`). */
export function isTemplated(loc: string): boolean {
  return /(^|\.)config\./.test(loc) && !loc.startsWith("trigger_config");
}

export function TemplateTools({ id, loc, value, onChange, label }: {
  id: string; loc: string; value: Json | undefined; onChange: (v: Json | undefined) => void; label?: string;
}) {
  const scope = useVariableScope();
  const groups = useMemo(() => (scope ? variableGroups(scope) : []), [scope]);
  if (!scope || !isTemplated(loc)) return null;
  const text = typeof value === "string" ? value : value === undefined || value === null ? "" : JSON.stringify(value);
  const pick = (path: string) => {
    const field = document.getElementById(id) as HTMLInputElement | HTMLTextAreaElement | null;
    const next = insertAt(field, field?.value ?? text, path);
    onChange(next.text);
    requestAnimationFrame(() => {
      field?.focus();
      field?.setSelectionRange(next.caret, next.caret);
    });
  };
  return (
    <div className="template-tools">
      <VariablePicker groups={groups} label={label} onPick={pick} />
      <TemplatePreview id={`${id}-preview`} text={text} target={previewTarget(scope)} />
    </div>
  );
}
