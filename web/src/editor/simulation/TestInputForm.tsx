// The Test panel's input: the trigger's record made up in a form generated from its fields (the
// editor schema's list, as the condition builder has it) or an existing record, plus the
// trigger's changes (update and stage-changed triggers) and payload.
import type { TFunction } from "i18next";
import { useId, type ReactNode } from "react";
import { Trans, useTranslation } from "react-i18next";
import { RecordPicker } from "./RecordPicker";
import {
  hasChanges, hasPayload, picksEntity, RECORD_TYPES,
  type ChangeRow, type ExtraRow, type InputField, type TestInputState,
} from "./testInputs";
import { recordKey } from "./wording";

// Examples in placeholders: code (a path, JSON), the same in every language.
const PATH_EXAMPLE = "organisation.name";
const PAYLOAD_EXAMPLE = '{"source": "form"}';

export interface TestInputFormProps {
  triggerType: string;
  inputs: TestInputState;
  setInputs: (fn: (s: TestInputState) => TestInputState) => void;
  entity: string | null;
  fields: InputField[];
  problems: string[];
  running: boolean;
  onRun: () => void;
  /** Extra buttons beside "Run test" (compare with the saved version). */
  extraActions?: ReactNode;
}

function FieldInput({ field, value, onChange, id }: { field: InputField; value: string; onChange: (v: string) => void; id: string }) {
  const { t } = useTranslation("simulation");
  const common = { id, value, onChange: (e: { target: { value: string } }) => onChange(e.target.value) };
  switch (field.type) {
    case "number":
    case "user":
    case "reference":
      return <input {...common} type="number" step="any" inputMode="decimal" />;
    case "date":
      return <input {...common} type="date" />;
    case "datetime":
      return <input {...common} type="datetime-local" />;
    case "boolean":
      return (
        <select {...common}>
          <option value="">—</option>
          <option value="true">{t("form.true")}</option>
          <option value="false">{t("form.false")}</option>
        </select>
      );
    case "json":
      return <textarea {...common} rows={2} placeholder="{}" />;
    default:
      if (field.options?.length) {
        return (
          <select {...common}>
            <option value="">—</option>
            {field.options.map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
        );
      }
      return <input {...common} type="text" />;
  }
}

function hintOf(t: TFunction<"simulation">, field: InputField): string | null {
  if (field.type === "list" || field.type === "user" || field.type === "reference") return t(`form.hints.${field.type}`);
  return null;
}

export function TestInputForm({ triggerType, inputs, setInputs, entity, fields, problems, running, onRun, extraActions }: TestInputFormProps) {
  const { t } = useTranslation("simulation");
  const id = useId();
  const set = (patch: Partial<TestInputState>) => setInputs((s) => ({ ...s, ...patch }));
  const setValue = (key: string, value: string) => setInputs((s) => ({ ...s, values: { ...s.values, [key]: value } }));
  const setExtra = (i: number, patch: Partial<ExtraRow>) =>
    setInputs((s) => ({ ...s, extras: s.extras.map((r, j) => (j === i ? { ...r, ...patch } : r)) }));
  const setChange = (i: number, patch: Partial<ChangeRow>) =>
    setInputs((s) => ({ ...s, changes: s.changes.map((r, j) => (j === i ? { ...r, ...patch } : r)) }));
  const words = `records.${recordKey(entity)}` as const;
  const record = inputs.source === "record";
  const changeFields = triggerType === "deal_stage_changed" ? fields.filter((f) => f.key === "stage") : fields;

  return (
    <form className="sim-form" aria-label={t("form.label")} onSubmit={(e) => { e.preventDefault(); onRun(); }}>
      {picksEntity(triggerType) && (
        <div className="field">
          <label htmlFor={`${id}-entity`}><span>{t("form.recordType")}</span></label>
          <select id={`${id}-entity`} value={inputs.entityOverride}
            onChange={(e) => set({ entityOverride: e.target.value, record: null, values: {} })}>
            <option value="">{t("form.noRecord")}</option>
            {RECORD_TYPES.map((type) => <option key={type} value={type}>{t(`records.${recordKey(type)}.title`)}</option>)}
          </select>
        </div>
      )}
      {entity && (
        <fieldset className="sim-source">
          <legend>{t("form.testWith")}</legend>
          <label>
            <input type="radio" name={`${id}-source`} checked={!record} onChange={() => set({ source: "form" })} />{" "}
            {t("form.typed")}
          </label>
          <label>
            <input type="radio" name={`${id}-source`} checked={record} onChange={() => set({ source: "record" })} />{" "}
            {t("form.existing")}
          </label>
        </fieldset>
      )}
      {entity && record && (
        <RecordPicker entity={entity} value={inputs.record} onChange={(r) => set({ record: r })} />
      )}
      {entity && fields.length > 0 && (
        <fieldset className="sim-fields">
          <legend>{t(record ? `${words}.override` : `${words}.fields`)}</legend>
          <p className="hint">{t("form.leaveEmpty")}</p>
          <div className="sim-field-grid">
            {fields.map((f) => {
              const fid = `${id}-f-${f.key}`;
              const hint = hintOf(t, f);
              return (
                <div className="field" key={f.key}>
                  <label htmlFor={fid}><span>{f.label}</span>{hint && <span className="hint"> ({hint})</span>}</label>
                  <FieldInput field={f} id={fid} value={inputs.values[f.key] ?? ""} onChange={(v) => setValue(f.key, v)} />
                </div>
              );
            })}
          </div>
        </fieldset>
      )}
      <fieldset className="sim-extras">
        <legend>{t("form.others")}</legend>
        <p className="hint"><Trans t={t} i18nKey="form.othersHint" components={{ code: <code /> }} /></p>
        {inputs.extras.map((row, i) => (
          <div className="row tight" key={i}>
            <input aria-label={t("form.otherPath", { n: i + 1 })} placeholder={PATH_EXAMPLE} value={row.key}
              onChange={(e) => setExtra(i, { key: e.target.value })} />
            <input aria-label={t("form.otherValue", { n: i + 1 })} value={row.value}
              onChange={(e) => setExtra(i, { value: e.target.value })} />
            <button type="button" className="icon-button" aria-label={t("form.removeOther", { n: i + 1 })}
              onClick={() => set({ extras: inputs.extras.filter((_, j) => j !== i) })}>×</button>
          </div>
        ))}
        <button type="button" onClick={() => set({ extras: [...inputs.extras, { key: "", value: "" }] })}>{t("form.addField")}</button>
      </fieldset>
      {hasChanges(triggerType) && (
        <fieldset className="sim-changes">
          <legend>{t("form.changes")}</legend>
          {inputs.changes.map((row, i) => (
            <div className="row tight" key={i}>
              <select aria-label={t("form.changeField", { n: i + 1 })} value={row.field} onChange={(e) => setChange(i, { field: e.target.value })}>
                <option value="">{t("form.pickField")}</option>
                {changeFields.map((f) => <option key={f.key} value={f.key}>{f.label}</option>)}
                {row.field && !changeFields.some((f) => f.key === row.field) && <option value={row.field}>{row.field}</option>}
              </select>
              <input aria-label={t("form.changeFrom", { n: i + 1 })} placeholder={t("form.from")} value={row.from}
                onChange={(e) => setChange(i, { from: e.target.value })} />
              <span aria-hidden="true">→</span>
              <input aria-label={t("form.changeTo", { n: i + 1 })} placeholder={t("form.to")} value={row.to}
                onChange={(e) => setChange(i, { to: e.target.value })} />
              <button type="button" className="icon-button" aria-label={t("form.removeChange", { n: i + 1 })}
                onClick={() => set({ changes: inputs.changes.filter((_, j) => j !== i) })}>×</button>
            </div>
          ))}
          <button type="button" onClick={() => set({
            changes: [...inputs.changes, { field: triggerType === "deal_stage_changed" ? "stage" : "", from: "", to: "" }],
          })}>
            {t("form.addChange")}
          </button>
        </fieldset>
      )}
      {hasPayload(triggerType) && (
        <div className="field">
          <label htmlFor={`${id}-payload`}><span>{t("form.payload")}</span></label>
          <textarea id={`${id}-payload`} rows={3} value={inputs.payload} placeholder={PAYLOAD_EXAMPLE}
            onChange={(e) => set({ payload: e.target.value })} />
        </div>
      )}
      {problems.length > 0 && (
        <div className="field-error" role="alert">
          {problems.map((p, i) => <p key={i}>{p}</p>)}
        </div>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={running}>{running ? t("form.running") : t("form.run")}</button>

        {extraActions}
      </div>
    </form>
  );
}
