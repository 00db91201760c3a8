// The form of a blueprint's inputs: one field per input, drawn by its widget (`x-widget`, else
// its type), each with its label, hint and the error located at `inputs.NAME` (the browser's
// check or the API's 422).
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FieldError } from "../../api/client";
import i18n from "../../i18n";
import {
  a11y, CheckboxGroup, DurationPicker, RecordPicker, StagePicker, TagPicker, TitlePicker, UserPicker,
  type PickerProps as AnyPickerProps,
} from "../../components/pickers";
import { inputNamed, withoutLoc } from "./inputValidation";
import { inputLabel, widgetOf, type InputSpec, type InputsSchema, type InputValues, type Json } from "./types";

type PickerProps = AnyPickerProps<InputSpec>;

/** A number typed as text; "12,5" reads as 12.5, and what is not a number stays text (so the check says so). */
function parseNumber(text: string): Json | undefined {
  const t = text.trim().replace(/\s/g, "");
  if (t === "") return undefined;
  const normal = /^-?\d+,\d+$/.test(t) ? t.replace(",", ".") : t;
  return Number.isNaN(Number(normal)) ? text : Number(normal);
}

/** A number input that keeps what is typed ("1." stays "1." while 1 goes up). */
function NumberInput(props: PickerProps & { unit?: string }) {
  const show = (v: Json | undefined) => (v === undefined || v === null ? "" : String(v));
  const [text, setText] = useState(() => show(props.value));
  useEffect(() => {
    setText((current) => (JSON.stringify(parseNumber(current)) === JSON.stringify(props.value) ? current : show(props.value)));
  }, [props.value]);
  return (
    <span className="row tight">
      <input {...a11y(props)} className="bp-amount" inputMode={props.spec.type === "integer" ? "numeric" : "decimal"} value={text}
        onChange={(e) => { setText(e.target.value); props.onChange(parseNumber(e.target.value)); }} />
      {props.unit && <span className="bp-unit" aria-hidden="true">{props.unit}</span>}
    </span>
  );
}

/** A list of free values typed one after the other, separated by commas. */
function ListInput(props: PickerProps) {
  const numeric = props.spec.items?.type === "number" || props.spec.items?.type === "integer";
  const show = (v: Json | undefined) => (Array.isArray(v) ? v.map(String).join(", ") : "");
  const [text, setText] = useState(() => show(props.value));
  return (
    <input {...a11y(props)} value={text} onChange={(e) => {
      setText(e.target.value);
      const items = e.target.value.split(",").map((s) => s.trim()).filter(Boolean);
      props.onChange(items.map((s) => (numeric ? parseNumber(s) ?? s : s)) as Json[]);
    }} />
  );
}

function SelectInput(props: PickerProps) {
  const { t } = useTranslation("blueprints");
  const options = props.spec.enum ?? [];
  const text = props.value === undefined || props.value === null ? "" : JSON.stringify(props.value);
  return (
    <select {...a11y(props)} value={text} onChange={(e) => props.onChange(e.target.value === "" ? undefined : (JSON.parse(e.target.value) as Json))}>
      <option value="">{props.required ? t("inputs.choose") : t("inputs.notSet")}</option>
      {options.map((o) => <option key={JSON.stringify(o)} value={JSON.stringify(o)}>{String(o)}</option>)}
    </select>
  );
}

function TextInput(props: PickerProps & { type?: string }) {
  const text = props.value === undefined || props.value === null ? "" : String(props.value);
  return <input {...a11y(props)} type={props.type ?? "text"} value={text} onChange={(e) => props.onChange(e.target.value === "" ? undefined : e.target.value)} />;
}

/** The input for one widget. Booleans are drawn by the field itself (the label follows the box). */
function WidgetInput(props: PickerProps) {
  const { spec } = props;
  const widget = widgetOf(spec);
  switch (widget) {
    case "number":
      return <NumberInput {...props} />;
    case "amount":
      return <NumberInput {...props} unit="€" />;
    case "percent":
      return <NumberInput {...props} unit="%" />;
    case "duration":
      return <DurationPicker {...props} />;
    case "textarea": {
      const text = props.value == null ? "" : String(props.value);
      return <textarea {...a11y(props)} className="prose" rows={3} value={text} onChange={(e) => props.onChange(e.target.value === "" ? undefined : e.target.value)} />;
    }
    case "select":
      if (spec.type === "array") return <CheckboxGroup {...props} choices={(spec.items?.enum ?? []).map(String)} />;
      return <SelectInput {...props} />;
    case "email":
      return <TextInput {...props} type="email" />;
    case "user":
      return <UserPicker {...props} />;
    case "title":
      return <TitlePicker {...props} />;
    case "tag":
      return spec.type === "array" ? <ListInput {...props} /> : <TagPicker {...props} />;
    case "stage":
      return <StagePicker {...props} />;
    case "record:organisation":
      return <RecordPicker {...props} kind="organisation" />;
    case "record:contact":
      return <RecordPicker {...props} kind="contact" />;
    case "record:deal":
      return <RecordPicker {...props} kind="deal" />;
    default:
      if (spec.type === "number" || spec.type === "integer") return <NumberInput {...props} />;
      if (spec.type === "array") return <ListInput {...props} />;
      return <TextInput {...props} />;
  }
}

/** The hint under an input: required, its description, its bounds, what a list wants. */
function hintOf(spec: InputSpec, required: boolean): string {
  const t = i18n.getFixedT(null, "blueprints");
  const widget = widgetOf(spec);
  const bounds =
    spec.minimum !== undefined && spec.maximum !== undefined ? t("inputs.fromTo", { min: spec.minimum, max: spec.maximum })
      : spec.minimum !== undefined ? t("inputs.atLeast", { min: spec.minimum })
        : spec.maximum !== undefined ? t("inputs.atMost", { max: spec.maximum }) : "";
  const list = spec.type === "array" && !["select", "stage"].includes(widget) ? t("inputs.commas") : "";
  const widgetHint: Partial<Record<string, string>> = {
    user: t("inputs.userHint"),
    title: t("inputs.titleHint"),
    duration: spec.default && String(spec.default).startsWith("+") ? t("inputs.durationHint") : "",
  };
  return [required ? t("inputs.required") : "", spec.description ?? "", bounds, list, widgetHint[widget] ?? ""].filter(Boolean).join(" · ");
}

function InputField({ name, spec, value, required, onChange, idPrefix, error }: {
  name: string; spec: InputSpec; value: Json | undefined; required: boolean;
  onChange: (value: Json | undefined) => void; idPrefix: string; error?: string;
}) {
  const id = `${idPrefix}-${name}`;
  const label = inputLabel(name, spec);
  const hint = hintOf(spec, required);
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const props: PickerProps = { id, label, spec, value, onChange, describedBy, invalid: !!error, required };
  const boolean = widgetOf(spec) === "boolean";
  return (
    <div className={`field bp-input bp-input-${widgetOf(spec).replace(":", "-")}`}>
      {boolean ? (
        <label className="row tight" htmlFor={id}>
          <input {...a11y(props)} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          <span>{label}</span>
        </label>
      ) : (
        <label htmlFor={id}>
          <span>{label}</span>
          {required && <span aria-hidden="true" className="bp-required"> *</span>}
        </label>
      )}
      {!boolean && <WidgetInput {...props} />}
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p className="field-error" id={`${id}-error`} role="alert">{error}</p>}
    </div>
  );
}

/** The fields of a blueprint's inputs; `errors` are located `inputs.NAME` (others are ignored here). */
export function InputsForm({ schema, values, onChange, errors = [], idPrefix = "bp-input" }: {
  schema: InputsSchema;
  values: InputValues;
  onChange: (values: InputValues) => void;
  errors?: FieldError[];
  idPrefix?: string;
}) {
  const { t } = useTranslation("blueprints");
  const names = Object.keys(schema.properties);
  if (names.length === 0) return <p className="hint">{t("inputs.none")}</p>;
  const required = new Set(schema.required);
  const errorOf = (name: string) => errors.filter((e) => inputNamed(e.loc) === name).map(withoutLoc).join(" ") || undefined;
  return (
    <div className="bp-inputs">
      {names.map((name) => (
        <InputField
          key={name}
          name={name}
          spec={schema.properties[name]}
          value={values[name]}
          required={required.has(name)}
          idPrefix={idPrefix}
          error={errorOf(name)}
          onChange={(v) => onChange({ ...values, [name]: v })}
        />
      ))}
    </div>
  );
}
