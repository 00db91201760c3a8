// The editor's Basics (name, status, run policy) and Trigger (type and settings) sections.
import type { FieldError } from "../api/client";
import { ErrorsFor, errorsAt, errorsUnder } from "./errors";
import { DraftInput } from "./inputs";
import { SchemaForm } from "./SchemaForm";
import type { Definition, Json, JsonSchema, TriggerInfo } from "./types";

const RUN_MODES: [string, string][] = [
  ["parallel", "Parallel: every trigger starts a run"],
  ["single", "Single: skip while a run for the record is in progress"],
  ["restart", "Restart: cancel the run in progress and start again"],
  ["queued", "Queued: wait for the run in progress to end"],
];

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
          <label htmlFor="wf-name"><span>Name</span></label>
          <input id="wf-name" value={def.name} required aria-invalid={err("name").length > 0 || undefined}
            aria-describedby={err("name").length ? "wf-name-error" : undefined}
            onChange={(e) => set({ name: e.target.value })} />
          <ErrorsFor id="wf-name-error" errors={err("name")} />
        </div>
        <div className="field">
          <label htmlFor="wf-description"><span>Description</span></label>
          <textarea id="wf-description" className="prose" rows={3} value={def.description}
            aria-invalid={err("description").length > 0 || undefined}
            onChange={(e) => set({ description: e.target.value })} />
          <ErrorsFor errors={err("description")} />
        </div>
        <div className="field">
          <label htmlFor="wf-status"><span>Status</span></label>
          <select id="wf-status" value={def.status ?? "draft"} onChange={(e) => set({ status: e.target.value })}>
            <option value="draft">Draft: not triggered</option>
            <option value="active">Active: runs on its trigger</option>
            <option value="inactive">Inactive: paused</option>
          </select>
          <ErrorsFor errors={err("status")} />
        </div>
        {!isNew && (
          <div className="field">
            <label htmlFor="wf-change-note"><span>Change note</span></label>
            <input id="wf-change-note" value={changeNote} aria-describedby="wf-change-note-hint" onChange={(e) => setChangeNote(e.target.value)} />
            <p className="hint" id="wf-change-note-hint">Kept with the new version in the history.</p>
            <ErrorsFor errors={err("change_note")} />
          </div>
        )}
      </div>
      <fieldset className="card">
        <legend>Run policy (per trigger record)</legend>
        <div className="field">
          <label htmlFor="wf-run-mode"><span>Run mode</span></label>
          <select id="wf-run-mode" value={typeof policy.mode === "string" ? policy.mode : "parallel"}
            onChange={(e) => setPolicy("mode", e.target.value === "parallel" ? undefined : e.target.value)}>
            {RUN_MODES.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
          <ErrorsFor errors={err("run_policy.mode")} />
        </div>
        <div className="field">
          <label htmlFor="wf-reenrollment"><span>Re-enrollment</span></label>
          <select id="wf-reenrollment" value={reKind}
            onChange={(e) => setPolicy("reenrollment", e.target.value === "always" ? undefined : e.target.value === "after_days" ? { after_days: 30 } : e.target.value)}>
            <option value="always">Always: a record can go through again</option>
            <option value="never">Never: once per record</option>
            <option value="after_days">After some days</option>
          </select>
        </div>
        {reKind === "after_days" && (
          <div className="field">
            <label htmlFor="wf-reenroll-days"><span>Re-enroll after (days)</span></label>
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
  const trigger = triggers.find((t) => t.type === def.trigger_type);
  const schema = triggerSchema(trigger);
  return (
    <div className="section-grid">
      <div>
        <div className="field">
          <label htmlFor="wf-trigger"><span>Trigger</span></label>
          <select id="wf-trigger" value={def.trigger_type} aria-describedby="wf-trigger-hint"
            aria-invalid={errorsUnder(errors, "trigger_type").length > 0 || undefined}
            onChange={(e) => {
              const next = triggers.find((t) => t.type === e.target.value);
              const keep: Record<string, Json> = {};
              for (const f of next?.config_fields ?? []) if (def.trigger_config[f.name] !== undefined) keep[f.name] = def.trigger_config[f.name];
              set({ trigger_type: e.target.value, trigger_config: keep });
            }}>
            {!trigger && <option value={def.trigger_type}>{def.trigger_type}</option>}
            {triggers.map((t) => <option key={t.type} value={t.type}>{t.label}</option>)}
          </select>
          <p className="hint" id="wf-trigger-hint">{trigger?.description}</p>
          <ErrorsFor errors={errorsUnder(errors, "trigger_type")} />
        </div>
      </div>
      <fieldset className="card">
        <legend>Trigger settings</legend>
        {(trigger?.config_fields.length ?? 0) === 0 && Object.keys(def.trigger_config).length === 0 ? (
          <p className="hint">This trigger has no settings.</p>
        ) : (
          <SchemaForm schema={schema} value={def.trigger_config} onChange={(trigger_config) => set({ trigger_config })}
            idPrefix="trigger-config" errorPrefix="trigger_config" errors={errors} />
        )}
        <ErrorsFor errors={errorsAt(errors, "trigger_config")} />
      </fieldset>
    </div>
  );
}
