// The editor's Basics (name, status, run policy) and Trigger (type and settings) sections.
import { useTranslation } from "react-i18next";
import type { FieldError } from "../api/client";
import { ErrorsFor, errorsAt, errorsUnder } from "./errors";
import { DraftInput } from "./inputs";
import { SchemaForm } from "./SchemaForm";
import type { Definition, Json, JsonSchema, TriggerInfo } from "./types";

const RUN_MODES = ["parallel", "single", "restart", "queued"] as const;

export function triggerSchema(trigger: TriggerInfo | undefined): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const f of trigger?.config_fields ?? []) {
    const base = { title: f.label, description: f.description, default: (f.default ?? undefined) as Json | undefined };
    // A stage filter takes one stage or a list of them (workflows/triggers.py StageChangedConfig).
    properties[f.name] = f.widget === "stage"
      ? { ...base, anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }], "x-widget": "stage" }
      : f.widget ? { ...base, type: "string", "x-widget": f.widget }
      : f.type === "number" ? { ...base, type: "number" }
        : f.type === "boolean" ? { ...base, type: "boolean" }
          : f.type === "enum" ? { ...base, type: "string", enum: f.options ?? [] }
            : f.type === "list" ? { ...base, type: "array", items: { type: "string" } }
              : f.type === "json" ? { ...base, type: "object" }
                : { ...base, type: "string" };
  }
  return {
    type: "object",
    properties,
    required: (trigger?.config_fields ?? []).filter((f) => f.required).map((f) => f.name),
  };
}
export function BasicsSection({ def, set, errors, isNew, changeNote, setChangeNote }: {
  def: Definition; set: (patch: Partial<Definition>) => void; errors: FieldError[];
  isNew: boolean; changeNote: string; setChangeNote: (v: string) => void;
}) {
  const { t } = useTranslation("editor");
  const policy = def.run_policy ?? {};
  const reenrollment = policy.reenrollment;
  const afterDays = reenrollment && typeof reenrollment === "object" && !Array.isArray(reenrollment)
    ? (reenrollment as Record<string, Json>).after_days : undefined;
  const reKind = afterDays !== undefined ? "after_days" : typeof reenrollment === "string" ? reenrollment : "always";
  const setPolicy = (key: string, value: Json | undefined) => {
    const next = { ...policy };
    if (value === undefined) delete next[key];
    else next[key] = value;
    set({ run_policy: next });
  };
  const err = (loc: string) => errorsUnder(errors, loc);
  return (
    <div className="section-grid">
      <div>
        <div className="field">
          <label htmlFor="wf-name"><span>{t("basics.name")}</span></label>
          <input id="wf-name" value={def.name} required aria-invalid={err("name").length > 0 || undefined}
            aria-describedby={err("name").length ? "wf-name-error" : undefined}
            onChange={(e) => set({ name: e.target.value })} />
          <ErrorsFor id="wf-name-error" errors={err("name")} />
        </div>
        <div className="field">
          <label htmlFor="wf-description"><span>{t("basics.description")}</span></label>
          <textarea id="wf-description" className="prose" rows={3} value={def.description}
            aria-invalid={err("description").length > 0 || undefined}
            onChange={(e) => set({ description: e.target.value })} />
          <ErrorsFor errors={err("description")} />
        </div>
        <div className="field">
          <label htmlFor="wf-status"><span>{t("basics.status")}</span></label>
          <select id="wf-status" value={def.status ?? "draft"} onChange={(e) => set({ status: e.target.value })}>
            <option value="draft">{t("basics.draft")}</option>
            <option value="active">{t("basics.active")}</option>
            <option value="inactive">{t("basics.inactive")}</option>
          </select>
          <ErrorsFor errors={err("status")} />
        </div>
        {!isNew && (
          <div className="field">
            <label htmlFor="wf-change-note"><span>{t("basics.changeNote")}</span></label>
            <input id="wf-change-note" value={changeNote} aria-describedby="wf-change-note-hint" onChange={(e) => setChangeNote(e.target.value)} />
            <p className="hint" id="wf-change-note-hint">{t("basics.changeNoteHint")}</p>
            <ErrorsFor errors={err("change_note")} />
          </div>
        )}
      </div>
      <fieldset className="card">
        <legend>{t("basics.runPolicy")}</legend>
        <div className="field">
          <label htmlFor="wf-run-mode"><span>{t("basics.runMode")}</span></label>
          <select id="wf-run-mode" value={typeof policy.mode === "string" ? policy.mode : "parallel"}
            onChange={(e) => setPolicy("mode", e.target.value === "parallel" ? undefined : e.target.value)}>
            {RUN_MODES.map((mode) => <option key={mode} value={mode}>{t(`basics.modes.${mode}`)}</option>)}
          </select>
          <ErrorsFor errors={err("run_policy.mode")} />
        </div>
        <div className="field">
          <label htmlFor="wf-reenrollment"><span>{t("basics.reenrollment")}</span></label>
          <select id="wf-reenrollment" value={reKind}
            onChange={(e) => setPolicy("reenrollment", e.target.value === "always" ? undefined : e.target.value === "after_days" ? { after_days: 30 } : e.target.value)}>
            <option value="always">{t("basics.always")}</option>
            <option value="never">{t("basics.never")}</option>
            <option value="after_days">{t("basics.afterDays")}</option>
          </select>
        </div>
        {reKind === "after_days" && (
          <div className="field">
            <label htmlFor="wf-reenroll-days"><span>{t("basics.reenrollAfter")}</span></label>
            <DraftInput id="wf-reenroll-days" inputMode="numeric" value={afterDays}
              format={(v) => (v == null ? "" : String(v))}
              parse={(t) => (t.trim() === "" || Number.isNaN(Number(t)) ? t : Number(t))}
              aria-invalid={err("run_policy.reenrollment").length > 0 || undefined}
              onChange={(v) => setPolicy("reenrollment", { after_days: v ?? "" })} />
          </div>
        )}
        <ErrorsFor errors={[...err("run_policy.reenrollment"), ...errorsAt(errors, "run_policy")]} />
      </fieldset>
    </div>
  );
}

export function TriggerSection({ def, set, errors, triggers }: {
  def: Definition; set: (patch: Partial<Definition>) => void; errors: FieldError[]; triggers: TriggerInfo[];
}) {
  const { t } = useTranslation("editor");
  const trigger = triggers.find((info) => info.type === def.trigger_type);
  const schema = triggerSchema(trigger);
  return (
    <div className="section-grid">
      <div>
        <div className="field">
          <label htmlFor="wf-trigger"><span>{t("trigger.label")}</span></label>
          <select id="wf-trigger" value={def.trigger_type} aria-describedby="wf-trigger-hint"
            aria-invalid={errorsUnder(errors, "trigger_type").length > 0 || undefined}
            onChange={(e) => {
              const next = triggers.find((info) => info.type === e.target.value);
              const keep: Record<string, Json> = {};
              for (const f of next?.config_fields ?? []) if (def.trigger_config[f.name] !== undefined) keep[f.name] = def.trigger_config[f.name];
              set({ trigger_type: e.target.value, trigger_config: keep });
            }}>
            {!trigger && <option value={def.trigger_type}>{def.trigger_type}</option>}
            {triggers.map((info) => <option key={info.type} value={info.type}>{info.label}</option>)}
          </select>
          <p className="hint" id="wf-trigger-hint">{trigger?.description}</p>
          <ErrorsFor errors={errorsUnder(errors, "trigger_type")} />
        </div>
      </div>
      <fieldset className="card">
        <legend>{t("trigger.settings")}</legend>
        {(trigger?.config_fields.length ?? 0) === 0 && Object.keys(def.trigger_config).length === 0 ? (
          <p className="hint">{t("trigger.noSettings")}</p>

        ) : (
          <SchemaForm schema={schema} value={def.trigger_config} onChange={(trigger_config) => set({ trigger_config })}
            idPrefix="trigger-config" errorPrefix="trigger_config" errors={errors} />
        )}
        <ErrorsFor errors={errorsAt(errors, "trigger_config")} />
      </fieldset>
    </div>
  );
}
