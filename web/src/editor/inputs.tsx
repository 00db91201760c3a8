// Inputs that keep what is being typed while a parsed value goes up to the definition.
import { useEffect, useState, type ChangeEvent, type InputHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import type { Json } from "./types";

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The text the user typed, re-synced only when the value changes from elsewhere. */
function useDraft(value: Json | undefined, format: (v: Json | undefined) => string, parse: (t: string) => Json | undefined) {
  const [text, setText] = useState(() => format(value));
  useEffect(() => {
    setText((current) => (same(parse(current), value) ? current : format(value)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(value ?? null)]);
  return [text, setText] as const;
}

interface DraftProps {
  value: Json | undefined;
  format: (v: Json | undefined) => string;
  parse: (text: string) => Json | undefined;
  onChange: (v: Json | undefined) => void;
}

/** The `value` and `onChange` of a draft text field: keep the text, send the parsed value up. */
function useDraftField({ value, format, parse, onChange }: DraftProps) {
  const [text, setText] = useDraft(value, format, parse);
  return {
    value: text,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      setText(e.target.value);
      onChange(parse(e.target.value));
    },
  };
}

export function DraftInput({
  value, format, parse, onChange, ...props
}: DraftProps & Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange">) {
  return <input {...props} {...useDraftField({ value, format, parse, onChange })} />;
}

export function DraftTextarea({
  value, format, parse, onChange, ...props
}: DraftProps & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "value" | "onChange">) {
  return <textarea {...props} {...useDraftField({ value, format, parse, onChange })} />;
}

/** A JSON textarea: valid JSON goes up, invalid JSON shows an error and changes nothing. */
export function JsonTextarea({
  value, onChange, id, label, rows = 4, lenient = false, describedBy, invalid,
}: {
  value: Json | undefined;
  onChange: (v: Json | undefined) => void;
  id: string;
  label?: string;
  rows?: number;
  /** Text that is not JSON is kept as a string (for "any value" fields). */
  lenient?: boolean;
  describedBy?: string;
  invalid?: boolean;
}) {
  const format = (v: Json | undefined) =>
    v === undefined ? "" : lenient && typeof v === "string" ? v : JSON.stringify(v, null, 2);
  const [text, setText] = useState(() => format(value));
  const { t } = useTranslation("editor", { keyPrefix: "widgets" });
  // The parser's own message; worded at render time, in the language of the moment.
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText((current) => {
      try {
        if (current.trim() === "" ? value === undefined : same(JSON.parse(current), value)) return current;
      } catch {
        if (lenient && same(current, value)) return current;
      }
      return format(value);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(value ?? null)]);
  return (
    <>
      <textarea
        id={id}
        aria-label={label}
        rows={rows}
        spellCheck={false}
        value={text}
        aria-invalid={invalid || error !== null || undefined}
        aria-describedby={[describedBy, error ? `${id}-json-error` : ""].filter(Boolean).join(" ") || undefined}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (next.trim() === "") {
            setError(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(next) as Json);
            setError(null);
          } catch (err) {
            if (lenient) {
              setError(null);
              onChange(next);
            } else setError((err as Error).message);
          }
        }}
      />
      {error && (
        <p className="field-error" id={`${id}-json-error`} role="alert">
          {t("notJson", { error })}
        </p>
      )}
    </>
  );
}
