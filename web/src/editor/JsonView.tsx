// The JSON view of the editor: the whole definition as text, kept in sync with the form.
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { toDefinition } from "./definition";
import type { Definition } from "./types";

/** The whole definition as editable JSON: valid edits update it, invalid ones only show an error. */
export function JsonView({ definition, onChange }: { definition: Definition; onChange: (d: Definition) => void }) {
  const { t } = useTranslation("editor");
  const pretty = (d: Definition) => JSON.stringify(d, null, 2);
  const [text, setText] = useState(() => pretty(definition));
  const [error, setError] = useState<string | null>(null);
  const applied = useRef(pretty(definition));
  useEffect(() => {
    const next = pretty(definition);
    if (next !== applied.current) {
      applied.current = next;
      setText(next);
      setError(null);
    }
  }, [definition]);
  return (
    <div className="field">
      <label htmlFor="definition-json"><span>{t("json.label")}</span></label>
      <textarea
        id="definition-json"
        className="json-view"
        rows={28}
        spellCheck={false}
        value={text}
        aria-invalid={error !== null || undefined}
        aria-describedby={error ? "definition-json-error" : "definition-json-hint"}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const parsed = JSON.parse(e.target.value) as unknown;
            if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(t("json.notObject"));
            const def = toDefinition(parsed as Record<string, unknown>);
            applied.current = pretty(def);
            setError(null);
            onChange(def);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
      {error ? (
        <p className="field-error" id="definition-json-error" role="alert">{t("json.invalid", { error })}</p>
      ) : (
        <p className="hint" id="definition-json-hint">{t("json.hint")}</p>

      )}
    </div>
  );
}
