// JSON values (a step's input or output, a trigger's data) as labelled fields: a definition list of
// humanised keys and formatted values, records and users by name, the raw JSON one click away.
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { formatDateTime, formatMoney, formatNumber, formatPercent, sentenceCase } from "../format";
import i18n from "../i18n";
import { values as english } from "../i18n/en/values";
import { recordTypeLabel } from "../pages/runs/filters";
import "./labelledValues.css";

/** Names of the records and users values refer to: kind -> id -> name (the executions API's `references`). */
export type References = Record<string, Record<string, string>>;

const RECORD_ID_KEYS: Record<string, string> = {
  organisation_id: "organisation",
  contact_id: "contact",
  deal_id: "deal",
  task_id: "task",
  activity_id: "activity",
};
const USER_ID_KEYS = new Set(["user_id", "owner_id", "assignee_id", "approver_id", "author_id", "manager_id", "decided_by"]);
// A record named by a type beside its id: {"entity_type": "deal", "entity_id": 5}.
const TYPED_ID_KEYS: Record<string, string> = { entity_id: "entity_type", related_id: "related_type" };
const RECORD_KINDS = new Set(Object.values(RECORD_ID_KEYS));
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** Deeper values are shown as JSON: a definition list nested further would not read. */
const MAX_DEPTH = 4;
/** Items of a list shown before "…and n more". */
const MAX_ITEMS = 20;

type Json = unknown;

/** A key as a label: the catalogue's word for known keys ("due_date" -> "Due date" / "Échéance"), else humanised. */
export function keyLabel(key: string): string {
  // Own keys only: "constructor" in a step's output is a field name, not the object's prototype.
  return Object.hasOwn(english.keys, key)
    ? i18n.t(`keys.${key as keyof typeof english.keys}`, { ns: "values" })
    : sentenceCase(key);
}

/** The kind of record or "user" an id under `key` refers to in `parent`, or null. */
export function referenceKind(key: string, parent: Record<string, Json>): string | null {
  if (Object.hasOwn(RECORD_ID_KEYS, key)) return RECORD_ID_KEYS[key];
  if (USER_ID_KEYS.has(key)) return "user";
  const typeKey = Object.hasOwn(TYPED_ID_KEYS, key) ? TYPED_ID_KEYS[key] : null;
  const kind = typeKey ? parent[typeKey] : null;
  return typeof kind === "string" && (RECORD_KINDS.has(kind) || kind === "user") ? kind : null;
}

/** A record or user by name; records link to their runs, the only page a record has here. */
export function Reference({ kind, id, references }: { kind: string; id: number; references?: References }) {
  const { t } = useTranslation("values");
  const name = references?.[kind]?.[String(id)];
  if (kind === "user") return <span title={t("user", { id })}>{name ?? t("user", { id })}</span>;
  const fallback = t("record", { type: recordTypeLabel(kind), id });
  const text = name ?? fallback;
  return (
    <Link to={`/runs?record_type=${kind}&record_id=${id}`} title={name ? `${fallback} · ${t("recordRuns", { name })}` : t("recordRuns", { name: text })}>
      {text}
    </Link>
  );
}

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function scalarText(key: string, value: string | number | boolean): string {
  const t = i18n.getFixedT(null, "values");
  if (typeof value === "boolean") return t(value ? "yes" : "no");
  if (typeof value === "number") {
    if (key === "amount" || key.endsWith("_amount")) return formatMoney(value);
    if (key.endsWith("_percent") || key === "percent" || key === "percentage") return formatPercent(value);
    return formatNumber(value);
  }
  return ISO_DATE_TIME.test(value) ? formatDateTime(value) : knownValueText(key, value) ?? value;
}

/** A known value of a known field in words ("status": "not sent" -> "non envoyé", "entity_type": "deal" -> "Affaire"), else null. */
export function knownValueText(key: string, value: string): string | null {
  const typeKeys: string[] = Object.values(TYPED_ID_KEYS);
  if (typeKeys.includes(key) && RECORD_KINDS.has(value)) return recordTypeLabel(value);
  if (!Object.hasOwn(english.enums, key)) return null;
  const field = key as keyof typeof english.enums;
  const word = value.replace(/ /g, "_");
  if (!Object.hasOwn(english.enums[field], word)) return null;
  return i18n.t(`enums.${field}.${word}` as "enums.status.sent", { ns: "values" });
}

function Value({ name, value, parent, references, depth }: {
  name: string; value: Json; parent: Record<string, Json>; references?: References; depth: number;
}): ReactNode {
  const { t } = useTranslation("values");
  if (value === null || value === undefined || value === "") return <span className="lv-empty">{t("empty")}</span>;
  const kind = typeof value === "number" && Number.isInteger(value) ? referenceKind(name, parent) : null;
  if (kind) return <Reference kind={kind} id={value as number} references={references} />;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return <span className="lv-text">{scalarText(name, value)}</span>;
  }
  if (depth >= MAX_DEPTH) return <code>{JSON.stringify(value)}</code>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="lv-empty">{t("items", { count: 0 })}</span>;
    const simple = value.every((item) => !isRecord(item) && !Array.isArray(item));
    const shown = value.slice(0, MAX_ITEMS);
    return (
      <>
        <span className="lv-count">{t("items", { count: value.length })}</span>
        {simple ? (
          <span className="lv-list">{": "}{shown.map((item) => (item === null ? t("empty") : scalarText(name, item as string | number | boolean))).join(", ")}</span>
        ) : (
          <ol className="lv-items">
            {shown.map((item, i) => (
              <li key={i}>
                {isRecord(item) ? <Fields value={item} references={references} depth={depth + 1} /> : <Value name={name} value={item} parent={parent} references={references} depth={depth + 1} />}
              </li>
            ))}
          </ol>
        )}
        {value.length > MAX_ITEMS && <span className="lv-more"> {t("more", { count: value.length - MAX_ITEMS })}</span>}
      </>
    );
  }
  const entries = Object.keys(value as object);
  if (entries.length === 0) return <span className="lv-empty">{t("empty")}</span>;
  return <Fields value={value as Record<string, Json>} references={references} depth={depth + 1} />;
}

function Fields({ value, references, depth }: { value: Record<string, Json>; references?: References; depth: number }) {
  return (
    <dl className={depth > 0 ? "lv lv-nested" : "lv"}>
      {Object.entries(value).map(([key, item]) => (
        <div className="lv-row" key={key}>
          <dt>{keyLabel(key)}</dt>
          <dd><Value name={key} value={item} parent={value} references={references} depth={depth} /></dd>
        </div>
      ))}
    </dl>
  );
}

/** An object's fields as a definition list: labelled keys, formatted values, nested objects indented. */
export function LabelledValues({ value, references, label }: { value: Record<string, Json>; references?: References; label?: string }) {
  useTranslation("values"); // re-renders when the language changes
  // The name goes on a group around the list: a <dl> has no role that may carry one.
  return (
    <div role="group" aria-label={label} className="lv-group">
      <Fields value={value} references={references} depth={0} />
    </div>
  );
}

/** Labelled fields with a button that shows the raw JSON instead (and back). */
export function ValuesWithRaw({ value, references, label }: { value: Record<string, Json>; references?: References; label: string }) {
  const { t } = useTranslation("values");
  const [raw, setRaw] = useState(false);
  return (
    <div className="lv-block">
      {raw ? (
        <pre className="json" tabIndex={0} aria-label={label}>{JSON.stringify(value, null, 2)}</pre>
      ) : (
        <LabelledValues value={value} references={references} label={label} />
      )}
      <button type="button" className="link lv-toggle" onClick={() => setRaw((r) => !r)}>
        {t(raw ? "hideRaw" : "showRaw")}
      </button>
    </div>
  );
}
