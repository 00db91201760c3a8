// The side panel of the visual editor: the selected step's settings, its config form generated
// from the action's input schema (or the control step's own schema), `when`, `on_error`, `retry`.
import { useEffect, useRef } from "react";
import type { FieldError } from "../api/client";
import { ConditionBuilder } from "./ConditionBuilder";
import { ErrorsFor, errorsAt, errorsUnder } from "./errors";
import { DraftInput, JsonTextarea } from "./inputs";
import { SchemaForm } from "./SchemaForm";
import { CONTROL_SCHEMAS, RETRY_SCHEMA, stepLabel, stepLoc } from "./steps";
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
  const schema: JsonSchema | undefined = CONTROL_SCHEMAS[type] ?? (entry?.input_schema as JsonSchema | undefined);
  const hasConfig = type !== "branch" && type !== "parallel";
  const defaultOnError = type === "approval" ? "stop" : "continue";
  const general = [...errorsAt(errors, loc), ...errorsAt(errors, `${loc}.type`)];
  const lanes: Lane[] = Array.isArray(step.branches) ? step.branches : [];
  const setLane = (i: number, lane: Lane, removed?: string) =>
    onChange({ ...step, branches: lanes.map((l, j) => (j === i ? lane : l)) }, removed);

  return (
    <aside className="step-panel card" aria-labelledby={`${id}-title`}>
      <div className="row panel-head">
        <h3 id={`${id}-title`} ref={heading} tabIndex={-1}>Edit step: {label}</h3>
        <span className="spacer" />
        <button type="button" className="icon-button" aria-label="Close step panel" onClick={onClose}>✕</button>
      </div>
      <p className="hint">
        {entry ? `${entry.name} (${type})` : CONTROL_SCHEMAS[type] || !hasConfig ? `Control step: ${type}` : `Unknown action type "${type}"`}
        {entry?.description ? ` — ${entry.description}` : ""}
      </p>
      <ErrorsFor errors={general} />
      <div className="row panel-actions">
        <button type="button" onClick={() => onMove(-1)} disabled={!canMoveUp}>Move up</button>
        <button type="button" onClick={() => onMove(1)} disabled={!canMoveDown}>Move down</button>
        <span className="spacer" />
        <button type="button" className="danger" onClick={onRemove}>Remove step</button>
      </div>

      <div className="field">
        <label htmlFor={`${id}-name`}><span>Step name</span></label>
        <DraftInput id={`${id}-name`} value={step.name} format={(v) => (v == null ? "" : String(v))} parse={(t) => (t === "" ? undefined : t)}
          aria-invalid={errorsAt(errors, `${loc}.name`).length > 0 || undefined}
          onChange={(v) => onChange(withKey(step, "name", v))} />
        <ErrorsFor errors={errorsAt(errors, `${loc}.name`)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-id`}><span>Step id</span></label>
        <DraftInput id={`${id}-id`} value={step.id} format={(v) => (v == null ? "" : String(v))} parse={(t) => (t === "" ? undefined : t)}
          aria-describedby={`${id}-id-hint`} aria-invalid={errorsAt(errors, `${loc}.id`).length > 0 || undefined}
          onChange={(v) => onChange(withKey(step, "id", v))} />
        <p className="hint" id={`${id}-id-hint`}>Optional; lets templates read this step's output as {"{{ steps.<id>.… }}"}.</p>
        <ErrorsFor errors={errorsAt(errors, `${loc}.id`)} />
      </div>

      {type === "branch" && (
        <section aria-label="Branches">
          <h4>Branches</h4>
          <p className="hint">The first branch whose condition holds runs; otherwise the Else path.</p>
          {lanes.map((lane, i) => (
            <fieldset key={i} className="lane-box">
              <legend>Branch {i + 1}</legend>
              <div className="field">
                <label htmlFor={`${id}-b${i}-name`}><span>Branch {i + 1} name</span></label>
                <DraftInput id={`${id}-b${i}-name`} value={lane.name} format={(v) => (v == null ? "" : String(v))} parse={(t) => (t === "" ? undefined : t)}
                  onChange={(v) => setLane(i, withKey(lane, "name", v))} />
              </div>
              <ConditionBuilder
                label={`Branch ${i + 1} condition`}
                value={lane.when as Json}
                onChange={(when: ConditionGroup | null, removed) => setLane(i, { ...lane, when: (when ?? undefined) as Json | undefined }, removed)}
                fields={fields}
                operators={operators}
                errorPrefix={`${loc}.branches[${i}].when`}
                errors={errors}
                emptyText="A branch needs a condition."
              />
              <button type="button" className="link" disabled={lanes.length <= 1}
                onClick={() => onChange({ ...step, branches: lanes.filter((_, j) => j !== i) }, `Branch ${i + 1} removed.`)}>
                Remove branch {i + 1}
              </button>
            </fieldset>
          ))}
          <button type="button" onClick={() => onChange({ ...step, branches: [...lanes, { when: lanes[0]?.when ?? null, actions: [] }] })}>
            Add branch
          </button>
        </section>
      )}

      {type === "parallel" && (
        <section aria-label="Paths">
          <h4>Paths</h4>
          {lanes.map((lane, i) => (
            <div key={i} className="row tight">
              <div className="field grow">
                <label htmlFor={`${id}-p${i}-name`}><span>Path {i + 1} name</span></label>
                <DraftInput id={`${id}-p${i}-name`} value={lane.name} format={(v) => (v == null ? "" : String(v))} parse={(t) => (t === "" ? undefined : t)}
                  onChange={(v) => setLane(i, withKey(lane, "name", v))} />
              </div>
              <button type="button" className="link" disabled={lanes.length <= 1}
                onClick={() => onChange({ ...step, branches: lanes.filter((_, j) => j !== i) }, `Path ${i + 1} removed.`)}>
                Remove path {i + 1}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => onChange({ ...step, branches: [...lanes, { name: `Path ${lanes.length + 1}`, actions: [] }] })}>
            Add path
          </button>
        </section>
      )}

      {hasConfig && (
        <section aria-label="Settings" className="panel-config">
          <h4>Settings</h4>
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
              <label htmlFor={`${id}-config-json`}><span>Config (JSON)</span></label>
              <JsonTextarea id={`${id}-config-json`} rows={6} value={(step.config as Json | undefined) ?? {}}
                onChange={(v) => onChange({ ...step, config: (v as Record<string, Json>) ?? {} })} />
              <ErrorsFor errors={errorsUnder(errors, `${loc}.config`)} />
            </div>
          )}
          <p className="hint">Text fields accept templates such as {"{{ organisation.name }}"}.</p>
        </section>
      )}

      <section aria-label="Run conditions">
        <h4>Run only when</h4>
        <ConditionBuilder
          label={`Run "${label}" only when`}
          value={step.when as Json}
          onChange={(when, removed) => onChange(withKey(step, "when", when ?? undefined), removed)}
          fields={fields}
          operators={operators}
          errorPrefix={`${loc}.when`}
          errors={errors}
          emptyText="Always runs (no condition)."
        />
      </section>

      <section aria-label="Errors and retries">
        <h4>Errors and retries</h4>
        <div className="field">
          <label htmlFor={`${id}-on-error`}><span>On error</span></label>
          <select id={`${id}-on-error`} value={step.on_error ?? defaultOnError}
            onChange={(e) => onChange(withKey(step, "on_error", e.target.value === defaultOnError ? undefined : e.target.value))}>
            <option value="continue">Continue with the next step</option>
            <option value="stop">Stop the execution</option>
          </select>
          <ErrorsFor errors={errorsAt(errors, `${loc}.on_error`)} />
        </div>
        <div className="field checkbox">
          <label>
            <input type="checkbox" checked={!!step.retry}
              onChange={(e) => onChange(withKey(step, "retry", e.target.checked ? { max_attempts: 3 } : undefined))} />
            {" "}Retry when it fails
          </label>
        </div>
        {step.retry && (
          <SchemaForm
            schema={RETRY_SCHEMA}
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
