// The side panel of the visual editor: the selected step's settings, its config form generated
// from the action's input schema (or the control step's own schema), `when`, `on_error`, `retry`.
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { FieldError } from "../api/client";
import { ConditionBuilder } from "./ConditionBuilder";
import { ErrorsFor, errorsAt, errorsUnder } from "./errors";
import { DraftInput, JsonTextarea } from "./inputs";
import { SchemaForm } from "./SchemaForm";
import { controlSchemas, retrySchema, stepLabel, stepLoc } from "./steps";
import type { CatalogEntry, ConditionGroup, FieldInfo, Json, JsonSchema, Lane, OperatorInfo, Step } from "./types";

export interface StepPanelProps {
  step: Step;
  path: string;
  catalog: Map<string, CatalogEntry>;
  fields: FieldInfo[];
  operators: OperatorInfo[];
  errors: FieldError[];
  /** `removed` names what a destructive edit took out ("Branch 2 removed"), for its undo toast. */
  onChange: (step: Step, removed?: string) => void;
  onRemove: () => void;
  onMove: (delta: number) => void;
  canMoveUp: boolean;
  canMoveDown: boolean;
  onClose: () => void;
  /** Move the focus to the panel when it opens (after adding a step). */
  autoFocus?: boolean;
}

function withKey<T extends object>(obj: T, key: string, value: unknown): T {
  const out = { ...obj } as Record<string, unknown>;
  if (value === undefined || value === "") delete out[key];
  else out[key] = value;
  return out as T;
}

export function StepPanel({
  step, path, catalog, fields, operators, errors, onChange, onRemove, onMove, canMoveUp, canMoveDown, onClose, autoFocus,
}: StepPanelProps) {
  const { t } = useTranslation("editor");
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // After the add-step dialog has closed (closing gives the focus back to its opener).
    if (!autoFocus) return;
    const id = setTimeout(() => heading.current?.focus(), 0);
    return () => clearTimeout(id);
  }, [autoFocus]);
  const loc = stepLoc(path);
  const id = `step-${path.replace(/\//g, "-")}`;
  const type = String(step.type);
  const entry = catalog.get(type);
  const label = stepLabel(step, catalog);
  const controls = controlSchemas();
  const schema: JsonSchema | undefined = controls[type] ?? (entry?.input_schema as JsonSchema | undefined);
  const hasConfig = type !== "branch" && type !== "parallel";
  const defaultOnError = type === "approval" ? "stop" : "continue";
  const general = [...errorsAt(errors, loc), ...errorsAt(errors, `${loc}.type`)];
  const lanes: Lane[] = Array.isArray(step.branches) ? step.branches : [];
  const setLane = (i: number, lane: Lane, removed?: string) =>
    onChange({ ...step, branches: lanes.map((l, j) => (j === i ? lane : l)) }, removed);

  return (
    <aside className="step-panel card" aria-labelledby={`${id}-title`}>
      <div className="row panel-head">
        <h3 id={`${id}-title`} ref={heading} tabIndex={-1}>{t("panel.title", { label })}</h3>
        <span className="spacer" />
        <button type="button" className="icon-button" aria-label={t("panel.close")} onClick={onClose}>✕</button>
      </div>
      <p className="hint">
        {entry ? t("panel.action", { name: entry.name, type }) : controls[type] || !hasConfig ? t("panel.control", { type }) : t("panel.unknown", { type })}
        {entry?.description ? ` — ${entry.description}` : ""}
      </p>
      <ErrorsFor errors={general} />
      <div className="row panel-actions">
        <button type="button" onClick={() => onMove(-1)} disabled={!canMoveUp}>{t("panel.moveUp")}</button>
        <button type="button" onClick={() => onMove(1)} disabled={!canMoveDown}>{t("panel.moveDown")}</button>
        <span className="spacer" />
        <button type="button" className="danger" onClick={onRemove}>{t("panel.remove")}</button>
      </div>

      <div className="field">
        <label htmlFor={`${id}-name`}><span>{t("panel.name")}</span></label>
        <DraftInput id={`${id}-name`} value={step.name} format={(v) => (v == null ? "" : String(v))} parse={(t) => (t === "" ? undefined : t)}
          aria-invalid={errorsAt(errors, `${loc}.name`).length > 0 || undefined}
          onChange={(v) => onChange(withKey(step, "name", v))} />
        <ErrorsFor errors={errorsAt(errors, `${loc}.name`)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-id`}><span>{t("panel.id")}</span></label>
        <DraftInput id={`${id}-id`} value={step.id} format={(v) => (v == null ? "" : String(v))} parse={(t) => (t === "" ? undefined : t)}
          aria-describedby={`${id}-id-hint`} aria-invalid={errorsAt(errors, `${loc}.id`).length > 0 || undefined}
          onChange={(v) => onChange(withKey(step, "id", v))} />
        <p className="hint" id={`${id}-id-hint`}>{t("panel.idHint", { example: "{{ steps.<id>.… }}" })}</p>
        <ErrorsFor errors={errorsAt(errors, `${loc}.id`)} />
      </div>

      {type === "branch" && (
        <section aria-label={t("panel.branches")}>
          <h4>{t("panel.branches")}</h4>
          <p className="hint">{t("panel.branchesHint")}</p>
          {lanes.map((lane, i) => (
            <fieldset key={i} className="lane-box">
              <legend>{t("panel.branch", { number: i + 1 })}</legend>
              <div className="field">
                <label htmlFor={`${id}-b${i}-name`}><span>{t("panel.branchName", { number: i + 1 })}</span></label>
                <DraftInput id={`${id}-b${i}-name`} value={lane.name} format={(v) => (v == null ? "" : String(v))} parse={(t) => (t === "" ? undefined : t)}
                  onChange={(v) => setLane(i, withKey(lane, "name", v))} />
              </div>
              <ConditionBuilder
                label={t("panel.branchCondition", { number: i + 1 })}
                value={lane.when as Json}
                onChange={(when: ConditionGroup | null, removed) => setLane(i, { ...lane, when: (when ?? undefined) as Json | undefined }, removed)}
                fields={fields}
                operators={operators}
                errorPrefix={`${loc}.branches[${i}].when`}
                errors={errors}
                emptyText={t("panel.branchNeedsCondition")}
              />
              <button type="button" className="link" disabled={lanes.length <= 1}
                onClick={() => onChange({ ...step, branches: lanes.filter((_, j) => j !== i) }, t("panel.branchRemoved", { number: i + 1 }))}>
                {t("panel.removeBranch", { number: i + 1 })}
              </button>
            </fieldset>
          ))}
          <button type="button" onClick={() => onChange({ ...step, branches: [...lanes, { when: lanes[0]?.when ?? null, actions: [] }] })}>
            {t("panel.addBranch")}
          </button>
        </section>
      )}

      {type === "parallel" && (
        <section aria-label={t("panel.paths")}>
          <h4>{t("panel.paths")}</h4>
          {lanes.map((lane, i) => (
            <div key={i} className="row tight">
              <div className="field grow">
                <label htmlFor={`${id}-p${i}-name`}><span>{t("panel.pathName", { number: i + 1 })}</span></label>
                <DraftInput id={`${id}-p${i}-name`} value={lane.name} format={(v) => (v == null ? "" : String(v))} parse={(t) => (t === "" ? undefined : t)}
                  onChange={(v) => setLane(i, withKey(lane, "name", v))} />
              </div>
              <button type="button" className="link" disabled={lanes.length <= 1}
                onClick={() => onChange({ ...step, branches: lanes.filter((_, j) => j !== i) }, t("panel.pathRemoved", { number: i + 1 }))}>
                {t("panel.removePath", { number: i + 1 })}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => onChange({ ...step, branches: [...lanes, { name: t("panel.newPath", { number: lanes.length + 1 }), actions: [] }] })}>
            {t("panel.addPath")}
          </button>
        </section>
      )}

      {hasConfig && (
        <section aria-label={t("panel.settings")} className="panel-config">
          <h4>{t("panel.settings")}</h4>
          {schema ? (
            <SchemaForm
              schema={schema}
              value={(step.config as Record<string, Json> | undefined) ?? {}}
              onChange={(config) => onChange({ ...step, config })}
              idPrefix={`${id}-config`}
              errorPrefix={`${loc}.config`}
              errors={errors}
            />
          ) : (
            <div className="field">
              <label htmlFor={`${id}-config-json`}><span>{t("panel.configJson")}</span></label>
              <JsonTextarea id={`${id}-config-json`} rows={6} value={(step.config as Json | undefined) ?? {}}
                onChange={(v) => onChange({ ...step, config: (v as Record<string, Json>) ?? {} })} />
              <ErrorsFor errors={errorsUnder(errors, `${loc}.config`)} />
            </div>
          )}
          <p className="hint">{t("panel.templatesHint", { example: "{{ organisation.name }}" })}</p>
        </section>
      )}

      <section aria-label={t("panel.runConditions")}>
        <h4>{t("panel.runOnlyWhen")}</h4>
        <ConditionBuilder
          label={t("panel.runLabel", { label })}
          value={step.when as Json}
          onChange={(when, removed) => onChange(withKey(step, "when", when ?? undefined), removed)}
          fields={fields}
          operators={operators}
          errorPrefix={`${loc}.when`}
          errors={errors}
          emptyText={t("panel.alwaysRuns")}
        />
      </section>

      <section aria-label={t("panel.errorsAndRetries")}>
        <h4>{t("panel.errorsAndRetries")}</h4>
        <div className="field">
          <label htmlFor={`${id}-on-error`}><span>{t("panel.onError")}</span></label>
          <select id={`${id}-on-error`} value={step.on_error ?? defaultOnError}
            onChange={(e) => onChange(withKey(step, "on_error", e.target.value === defaultOnError ? undefined : e.target.value))}>
            <option value="continue">{t("panel.continue")}</option>
            <option value="stop">{t("panel.stop")}</option>
          </select>
          <ErrorsFor errors={errorsAt(errors, `${loc}.on_error`)} />
        </div>
        <div className="field checkbox">
          <label>
            <input type="checkbox" checked={!!step.retry}
              onChange={(e) => onChange(withKey(step, "retry", e.target.checked ? { max_attempts: 3 } : undefined))} />
            {" "}{t("panel.retry")}
          </label>
        </div>
        {step.retry && (
          <SchemaForm
            schema={retrySchema()}

            value={step.retry as Record<string, Json>}
            onChange={(retry) => onChange({ ...step, retry })}
            idPrefix={`${id}-retry`}
            errorPrefix={`${loc}.retry`}
            errors={errors}
          />
        )}
      </section>
    </aside>
  );
}
