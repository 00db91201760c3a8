// A form generated from a JSON Schema (an action's input_schema, a control step's config, a
// trigger's config): strings, numbers, booleans, enums, lists of strings and nested objects,
// a JSON textarea for anything else. Templates such as `{{ deal.amount }}` fit in any text field
// and, through "Custom value…", in enums and booleans too.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { FieldError } from "../api/client";
import { knownValueText } from "../components/LabelledValues";
import { sentenceCase } from "../format";
import { RECORD_TYPES, recordTypeLabel } from "../pages/runs/filters";
import { ErrorsFor, errorsUnder } from "./errors";
import { HeadersInput } from "./HeadersInput";
import { DraftInput, DraftTextarea, JsonTextarea } from "./inputs";
import { pickerOf, SchemaWidget } from "./SchemaWidget";
import { TemplateTools } from "./variables/TemplateTools";
import type { Json, JsonSchema } from "./types";

export type FieldKind = "text" | "textarea" | "number" | "enum" | "boolean" | "list" | "object" | "map" | "json" | "any";

const SCALARS = ["string", "integer", "number", "boolean"];
const LONG_TEXT = ["body", "message", "description", "html", "text", "reason"];

function typesOf(schema: JsonSchema): string[] {
  return Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
}

/** Drop `null` from anyOf/oneOf (and from a type list): what is left decides the input. */
export function unwrap(schema: JsonSchema): JsonSchema {
  const members = schema.anyOf ?? schema.oneOf;
  if (members) {
    const rest = members.filter((m) => !(m.type === "null"));
    if (rest.length === 1) {
      const { anyOf: _a, oneOf: _o, ...outer } = schema;
      void _a;
      void _o;
      return unwrap({ ...rest[0], ...outer, type: rest[0].type, enum: rest[0].enum ?? outer.enum });
    }
    return { ...schema, anyOf: rest, oneOf: undefined };
  }
  const types = typesOf(schema).filter((t) => t !== "null");
  if (types.length === 1 && Array.isArray(schema.type)) return { ...schema, type: types[0] };
  return schema;
}

function isScalarSchema(s: JsonSchema): boolean {
  const u = unwrap(s);
  if (u.anyOf) return u.anyOf.every(isScalarSchema);
  const types = typesOf(u);
  return types.length > 0 && types.every((t) => SCALARS.includes(t));
}

/** Which input a (sub)schema gets, given the value it holds now. */
export function fieldKind(raw: JsonSchema, value: Json | undefined, name = ""): FieldKind {
  const schema = unwrap(raw);
  const isComplex = value !== null && typeof value === "object";
  if (schema.anyOf) {
    if (isComplex) return "json";
    const ok = schema.anyOf.every((m) => isScalarSchema(m) || (typesOf(unwrap(m)).includes("array") && isScalarSchema(unwrap(m).items ?? {})));
    return ok ? "text" : "json";
  }
  if (schema.enum) return isComplex ? "json" : "enum";
  const types = typesOf(schema);
  if (types.length === 0) return "any";
  if (types.length > 1) return isComplex ? "json" : types.every((t) => SCALARS.includes(t)) ? "text" : "json";
  const [type] = types;
  if (type === "string") {
    if (isComplex) return "json";
    const long = LONG_TEXT.includes(name) || (typeof schema.maxLength === "number" && schema.maxLength > 1000);
    return long ? "textarea" : "text";
  }
  if (type === "integer" || type === "number") return isComplex ? "json" : "number";
  if (type === "boolean") return isComplex ? "json" : "boolean";
  if (type === "array") {
    if (value !== undefined && value !== null && !Array.isArray(value)) return typeof value === "string" ? "text" : "json";
    if (Array.isArray(value) && value.some((v) => v !== null && typeof v === "object")) return "json";
    return schema.items && isScalarSchema(schema.items) ? "list" : "json";
  }
  if (type === "object") {
    if (value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value))) return "json";
    if (schema.properties && Object.keys(schema.properties).length > 0) return "object";
    // A webhook's headers (an object of strings): name / value rows that know credentials.
    const extra = schema.additionalProperties;
    const strings = value === undefined || Object.values(value as object).every((v) => typeof v === "string");
    const headers = name === "headers" && typeof extra === "object" && typesOf(unwrap(extra)).join() === "string";
    return headers && strings ? "map" : "json";
  }
  return "json";
}

function show(value: Json | undefined): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function toNumber(text: string): Json | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  return Number.isNaN(Number(t)) ? text : Number(t);
}

/** A scalar typed in a multi-type field: a number stays a number only when strings are not allowed. */
function scalar(text: string, schema: JsonSchema): Json | undefined {
  if (text === "") return undefined;
  const u = unwrap(schema);
  const types = new Set((u.anyOf ?? [u]).flatMap((m) => typesOf(unwrap(m))));
  if (!types.has("string") && (types.has("integer") || types.has("number"))) return toNumber(text);
  return text;
}

interface FieldProps {
  name: string;
  schema: JsonSchema;
  value: Json | undefined;
  required: boolean;
  onChange: (value: Json | undefined) => void;
  id: string;
  loc: string;
  errors: FieldError[];
}

/** An enum's value in words: the schema's own labels (`x-enum-labels`, the control steps'), the
 *  values catalogue's for a known field (priority, kind...), a record type's name; else as it is. */
export function enumText(name: string, schema: JsonSchema, value: string): string {
  const labels = schema["x-enum-labels"] as Record<string, string> | undefined;
  if (labels && Object.hasOwn(labels, value)) return labels[value];
  const known = knownValueText(name, value);
  if (known) return known;
  const records: readonly string[] = RECORD_TYPES;
  const allRecords = (schema.enum ?? []).length > 0 && (schema.enum ?? []).every((o) => records.includes(String(o)));
  return allRecords ? recordTypeLabel(value) : value;
}

function EnumInput({ id, name, schema, value, onChange, describedBy, invalid, boolean, label }: {
  id: string; name: string; schema: JsonSchema; value: Json | undefined; onChange: (v: Json | undefined) => void;
  describedBy?: string; invalid: boolean; boolean: boolean; label: string;
}) {
  const { t } = useTranslation("editor");
  const options = boolean ? ["true", "false"] : (schema.enum ?? []).map((o) => show(o));
  const text = show(value);
  const [custom, setCustom] = useState(text !== "" && !options.includes(text));
  const notSet = schema.default !== undefined && schema.default !== null
    ? t("form.notSetDefault", { value: boolean ? t(schema.default ? "form.yes" : "form.no") : enumText(name, schema, show(schema.default)) })
    : t("form.notSet");
  if (custom) {
    return (
      <span className="row tight">
        <DraftInput
          id={id}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          value={value}
          format={show}
          parse={(t) => (t === "" ? undefined : t)}
          onChange={onChange}
        />
        <button type="button" className="link" aria-label={t("form.chooseFromList", { label })} onClick={() => setCustom(false)}>
          {t("form.list")}
        </button>
      </span>
    );
  }
  return (
    <select
      id={id}
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
      value={text}
      onChange={(e) => {
        const v = e.target.value;
        if (v === "__custom__") setCustom(true);
        else if (v === "") onChange(undefined);
        else onChange(boolean ? v === "true" : (schema.enum ?? []).find((o) => show(o) === v) ?? v);
      }}
    >
      <option value="">{notSet}</option>
      {options.map((o) => (
        <option key={o} value={o}>{boolean ? (o === "true" ? t("form.yes") : t("form.no")) : enumText(name, schema, o)}</option>
      ))}
      <option value="__custom__">{t("form.custom")}</option>
    </select>
  );
}

function SchemaField({ name, schema: raw, value, required, onChange, id, loc, errors }: FieldProps) {
  const { t } = useTranslation("editor");
  const schema = unwrap(raw);
  const kind = fieldKind(raw, value, name);
  const label = schema.title && schema.title.toLowerCase() !== name.replace(/_/g, " ") ? schema.title : sentenceCase(name);
  const mine = errorsUnder(errors, loc);
  const invalid = mine.length > 0;
  const hint = [
    required ? t("form.required") : "",
    schema.description,
    kind === "list" ? t("form.onePerLine") : "",
    kind === "json" ? t("form.json") : "",
  ].filter(Boolean).join(" · ").replace(/`/g, "");
  const describedBy = [hint ? `${id}-hint` : "", invalid ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

  if (kind === "object") {
    return (
      <fieldset className="schema-object">
        <legend>{label}</legend>
        {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
        <SchemaForm
          schema={schema}
          value={(value as Record<string, Json> | undefined) ?? {}}
          onChange={(v) => onChange(Object.keys(v).length ? v : undefined)}
          idPrefix={id}
          errorPrefix={loc}
          errors={errors}
        />
      </fieldset>
    );
  }

  if (kind === "map") {
    return (
      <fieldset className="schema-object">
        <legend>{label}</legend>
        <HeadersInput id={id} value={value} onChange={onChange} label={label} describedBy={describedBy} invalid={invalid} />
        {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
        <ErrorsFor id={`${id}-error`} errors={mine} />
      </fieldset>
    );
  }

  let input;
  const common = { id, "aria-describedby": describedBy, "aria-invalid": invalid || undefined, "aria-required": required || undefined } as const;
  // A field with an `x-widget` gets its picker (stages, people, tags, records, recipients).
  switch (pickerOf(schema, value) ? "widget" : kind) {
    case "widget":
      input = (
        <SchemaWidget id={id} label={label} schema={schema} value={value} onChange={onChange}
          describedBy={describedBy} invalid={invalid} required={required} />
      );
      break;
    case "text":
      input = <DraftInput {...common} value={value} format={show} parse={(t) => scalar(t, raw)} onChange={onChange} />;
      break;
    case "textarea":
      input = <DraftTextarea {...common} rows={4} className="prose" value={value} format={show} parse={(t) => (t === "" ? undefined : t)} onChange={onChange} />;
      break;
    case "number":
      input = <DraftInput {...common} inputMode="decimal" value={value} format={show} parse={toNumber} onChange={onChange} />;
      break;
    case "enum":
    case "boolean":
      input = <EnumInput id={id} name={name} schema={schema} value={value} onChange={onChange} describedBy={describedBy} invalid={invalid} boolean={kind === "boolean"} label={label} />;
      break;
    case "list":
      input = (
        <DraftTextarea
          {...common}
          rows={3}
          className="prose"
          value={value}
          format={(v) => (Array.isArray(v) ? v.map(show).join("\n") : show(v))}
          parse={(t) => {
            const items = t.split("\n").map((s) => s.trim()).filter(Boolean);
            return items.length ? items.map((s) => scalar(s, schema.items ?? {}) ?? s) : undefined;
          }}
          onChange={onChange}
        />
      );
      break;
    default:
      input = <JsonTextarea id={id} value={value} onChange={onChange} lenient={kind === "any"} describedBy={describedBy} invalid={invalid} />;
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        <span>{label}</span>
      </label>
      {input}
      {(kind === "text" || kind === "textarea") && !pickerOf(schema, value) && <TemplateTools id={id} loc={loc} value={value} onChange={onChange} label={label} />}
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      <ErrorsFor id={`${id}-error`} errors={mine} />
    </div>
  );
}

export interface SchemaFormProps {
  schema: JsonSchema;
  value: Record<string, Json>;
  onChange: (value: Record<string, Json>) => void;
  /** Prefix of the inputs' ids (unique on the page). */
  idPrefix: string;
  /** Location of this object in API errors, e.g. `actions[2].config`. */
  errorPrefix: string;
  errors?: FieldError[];
}

/** The fields of an object schema; keys the schema does not know are kept, editable as JSON. */
export function SchemaForm({ schema: raw, value, onChange, idPrefix, errorPrefix, errors = [] }: SchemaFormProps) {
  const { t } = useTranslation("editor");
  const schema = unwrap(raw);
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const names = Object.keys(properties);
  const extra: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value ?? {})) if (!(k in properties)) extra[k] = v;
  const set = (name: string, v: Json | undefined) => {
    const next = { ...value };
    if (v === undefined) delete next[name];
    else next[name] = v;
    onChange(next);
  };
  const hasExtra = Object.keys(extra).length > 0;
  const allowsExtra = schema.additionalProperties !== false;
  return (
    <div className="schema-form">
      {names.length === 0 && !hasExtra && !allowsExtra && <p className="hint">{t("form.noSettings")}</p>}
      {names.map((name) => (
        <SchemaField
          key={name}
          name={name}
          schema={properties[name]}
          value={value?.[name]}
          required={required.has(name)}
          onChange={(v) => set(name, v)}
          id={`${idPrefix}-${name}`}
          loc={`${errorPrefix}.${name}`}
          errors={errors}
        />
      ))}
      {(hasExtra || (names.length === 0 && allowsExtra)) && (
        <div className="field">
          <label htmlFor={`${idPrefix}-__extra`}>
            <span>{names.length ? t("form.otherSettings") : t("form.settings")}</span>
          </label>
          <JsonTextarea
            id={`${idPrefix}-__extra`}
            value={hasExtra ? extra : undefined}
            onChange={(v) => {
              const next: Record<string, Json> = {};
              for (const name of names) if (value?.[name] !== undefined) next[name] = value[name];
              if (v && typeof v === "object" && !Array.isArray(v)) Object.assign(next, v);
              onChange(next);
            }}
          />
          {names.length > 0 && <p className="hint">{schema.additionalProperties === false ? t("form.unknownRejected") : t("form.unknownKept")}</p>}

          <ErrorsFor errors={Object.keys(extra).flatMap((k) => errorsUnder(errors, `${errorPrefix}.${k}`))} />
        </div>
      )}
    </div>
  );
}
