// Name / value rows for an object of strings (a webhook's headers, a form body). A credential
// (Authorization, X-Api-Key, a name with token, secret, password, auth, session...) belongs in
// the secrets store: its row says so, and a credential the server keeps shows as a placeholder
// (the API sends it as ********) that stays as it is unless something is typed over it.
import { useEffect, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { Json } from "./types";

/** What the API shows instead of a credential (crmflow.vault.masking.MASK). */
export const MASK = "********";
const CREDENTIAL = /auth|token|secret|passw|api[-_]?key|session|cookie|signature|credential/i;

/** Tell whether a header's value is a credential, by its name (as the server does). */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL.test(name);
}

type Row = [string, string];

function rowsOf(value: Json | undefined): Row[] {
  if (!value || typeof value !== "object" || Array.isArray(value)) return [];
  return Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
}

function objectOf(rows: Row[]): Record<string, string> | undefined {
  const kept = rows.filter(([name]) => name.trim() !== "");
  return kept.length ? Object.fromEntries(kept) : undefined;
}

export function HeadersInput({
  id,
  value,
  onChange,
  label,
  describedBy,
  invalid,
}: {
  id: string;
  value: Json | undefined;
  onChange: (value: Json | undefined) => void;
  label: string;
  describedBy?: string;
  invalid?: boolean;
}) {
  const { t } = useTranslation("editor");
  const [rows, setRows] = useState<Row[]>(() => rowsOf(value));
  // Re-sync when the value changes from elsewhere (the JSON view, an undo), not while typing.
  useEffect(() => {
    setRows((current) =>
      JSON.stringify(objectOf(current) ?? null) === JSON.stringify(value ?? null) ? current : rowsOf(value),
    );
  }, [JSON.stringify(value ?? null)]); // eslint-disable-line react-hooks/exhaustive-deps

  const update = (next: Row[]) => {
    setRows(next);
    onChange(objectOf(next));
  };
  const set = (index: number, row: Row) => update(rows.map((r, i) => (i === index ? row : r)));

  return (
    <div className="headers-input" id={id} role="group" aria-label={label} aria-describedby={describedBy}>
      {rows.map(([name, text], index) => {
        const credential = isCredentialHeader(name);
        const kept = credential && text === MASK;
        const hintId = `${id}-${index}-hint`;
        return (
          <div className="headers-row" key={index}>
            <span className="row tight">
              <input
                aria-label={t("headers.name", { label, number: index + 1 })}
                value={name}
                spellCheck={false}
                aria-invalid={invalid || undefined}
                onChange={(e) => set(index, [e.target.value, text])}
              />
              <input
                aria-label={t("headers.value", { label, number: index + 1 })}
                aria-describedby={credential ? hintId : undefined}
                value={kept ? "" : text}
                placeholder={kept ? t("headers.kept") : undefined}
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => set(index, [name, e.target.value === "" && kept ? MASK : e.target.value])}
              />
              <button type="button" className="link"
                aria-label={name ? t("headers.removeNamed", { name }) : t("headers.removeRow", { number: index + 1 })}
                onClick={() => update(rows.filter((_, i) => i !== index))}>
                {t("headers.remove")}
              </button>
            </span>
            {credential && (
              <p className="hint" id={hintId}>
                <Trans t={t} i18nKey="headers.credential" components={{ code: <code /> }}
                  values={{ secret: "{{ secrets.NAME }}", example: "Bearer {{ secrets.API_TOKEN }}" }} />
              </p>
            )}
          </div>
        );
      })}
      <button type="button" className="link" onClick={() => setRows([...rows, ["", ""]])}>
        {rows.length ? t("headers.addAnother") : t("headers.addOne")}

      </button>
    </div>
  );
}
