// A readable rendering of a workflow definition: trigger and its config, the conditions as a
// tree, the steps as a nested list, the run policy.
import { createContext, useContext, useId, useMemo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useEditorData } from "../../api/editorSchema";
import type { Schemas } from "../../api/client";
import { canonicalConditions, ruleWords, type ConditionField, type ConditionNodeTree } from "../../components/conditionWords";
import { useConditionFields } from "../../components/DecisionWords";
import { keyLabel, knownValueText } from "../../components/LabelledValues";
import { CONTROL_LABELS, controlSchemas, retrySchema } from "../../editor/steps";
import i18n from "../../i18n";
import { humanize, triggerLabel } from "./labels";
import { RunPolicyView } from "./runPolicy";

export interface Definition {
  trigger_type?: string;
  trigger_config?: Record<string, unknown> | null;
  conditions?: unknown;
  actions?: unknown[] | null;
  run_policy?: Record<string, unknown> | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A value as short readable text (strings quoted only when inside lists). */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === "string" ? `"${v}"` : valueText(v))).join(", ")}]`;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function isEmptyConditions(c: unknown): boolean {
  return c === null || c === undefined || (Array.isArray(c) && c.length === 0) || (isObj(c) && Object.keys(c).length === 0);
}

/** Conditions (canonical groups/rules, or the `{"field": {"$op": v}}` shorthand) as a tree of
 *  rules in words: the fields' labels, the editor's operator words, values formatted. */
export function ConditionTree({ conditions }: { conditions: unknown }): ReactNode {
  const { t } = useTranslation("workflow");
  const fields = useConditionFields();
  const tree = canonicalConditions(conditions);
  if (!tree) return <p className="hint">{t("definition.noConditions")}</p>;
  return <ul className="wf-cond-tree">{conditionNode(tree, "c", fields)}</ul>;
}

const GROUP_WORDS = { AND: "definition.allOfAnd", OR: "definition.anyOfOr", NOT: "definition.not" } as const;

function conditionNode(node: ConditionNodeTree, key: string, fields: readonly ConditionField[]): ReactNode {
  if (!("rules" in node)) return <li key={key} title={node.field}>{ruleWords(node, fields)}</li>;
  const op = node.operator;
  const title = Object.hasOwn(GROUP_WORDS, op) ? i18n.t(GROUP_WORDS[op as keyof typeof GROUP_WORDS], { ns: "workflow" }) : op;
  return (
    <li key={key}>
      <span className="wf-op">{title}</span>
      <ul>{node.rules.map((n, i) => conditionNode(n, `${key}.${i}`, fields))}</ul>
    </li>
  );
}

/** Names of step types and config fields, as the server's schemas word them in the interface's language. */
interface Names {
  stepType: (type: string) => string;
  stepField: (type: string, key: string) => string;
  triggerField: (type: string | undefined, key: string) => string;
}

/** The server's own title for an untitled field ("due_date" -> "Due date"): it says no more than the key. */
const isDefaultTitle = (title: string, key: string) => title.toLowerCase() === key.replace(/_/g, " ").toLowerCase();

/** A field's title in a JSON schema, unless it is missing or only the key in words. */
function schemaTitle(schema: unknown, key: string): string | null {
  const props = isObj(schema) && isObj(schema.properties) ? schema.properties : null;
  const prop = props && Object.hasOwn(props, key) ? props[key] : null;
  const title = isObj(prop) && typeof prop.title === "string" ? prop.title : null;
  return title && !isDefaultTitle(title, key) ? title : null;
}

/** Lookups in the editor schema and the action catalog; loading or unknown names fall back to words of their own. */
function namesFrom(schema?: Schemas["EditorSchema"], catalog?: Schemas["CatalogEntryOut"][]): Names {
  const actions = new Map((catalog ?? []).map((entry) => [entry.action_type, entry]));
  return {
    stepType: (type) =>
      (Object.hasOwn(CONTROL_LABELS, type) ? CONTROL_LABELS[type] : null) ??
      actions.get(type)?.name ??
      schema?.step_types.find((info) => info.type === type)?.label ??
      humanize(type),
    stepField: (type, key) =>
      schemaTitle(Object.hasOwn(controlSchemas(), type) ? controlSchemas()[type] : actions.get(type)?.input_schema, key) ??
      keyLabel(key),
    triggerField: (type, key) =>
      schema?.triggers.find((info) => info.type === type)?.config_fields.find((field) => field.name === key)?.label ??
      keyLabel(key),
  };
}

const NamesContext = createContext<Names>(namesFrom());

/** A step's `retry` settings in words: "max attempts 3, backoff exponential". */
function retryText(retry: Obj): string {
  const schema = retrySchema();
  return Object.entries(retry)
    .map(([key, value]) => {
      const name = (schemaTitle(schema, key) ?? keyLabel(key)).toLowerCase();
      return `${name} ${typeof value === "string" ? knownValueText(key, value) ?? value : valueText(value)}`;
    })
    .join(", ");
}

/** A step's `on_error` in words, as the editor offers it ("continue" -> "Continue with the next step"). */
function onErrorText(value: string): string {
  return value === "continue" || value === "stop" ? i18n.t(`panel.${value}`, { ns: "editor" }).toLowerCase() : value;
}

/** The names from the server's schemas, in the interface's language (fallbacks while they load). */
function useNames(): Names {
  const { schema, catalog } = useEditorData();
  return useMemo(() => namesFrom(schema.data, catalog.data), [schema.data, catalog.data]);
}

/** A step type's name in the interface's language: "send_email" -> "Envoyer un e-mail". */
export function useStepTypeName(): (type: string) => string {
  return useNames().stepType;
}

/** Key/value pairs of a config object as a description list (nothing when empty). */
export function ConfigList({ config, empty, labelOf = keyLabel }: { config: unknown; empty?: string; labelOf?: (key: string) => string }) {
  if (!isObj(config) || Object.keys(config).length === 0) {
    return empty ? <p className="hint">{empty}</p> : null;
  }
  return (
    <dl className="wf-config">
      {Object.entries(config).map(([k, v]) => (
        <div key={k}>
          <dt>{labelOf(k)}</dt>
          <dd>{typeof v === "object" && v !== null ? <code>{valueText(v)}</code> : typeof v === "string" ? knownValueText(k, v) ?? v : valueText(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The steps as a nested ordered list: type, name, config, `when`, branches and sub-paths. */
export function StepList({ steps, label }: { steps: unknown[]; label?: string }) {
  const { t } = useTranslation("workflow");
  if (steps.length === 0) return <p className="hint">{t("definition.noSteps")}</p>;
  return (
    <ol className="wf-steps" aria-label={label}>
      {steps.map((step, i) => (
        <StepItem key={i} step={step} />
      ))}
    </ol>
  );
}

function StepItem({ step }: { step: unknown }) {
  const { t } = useTranslation("workflow");
  const names = useContext(NamesContext);
  if (!isObj(step)) return <li><code>{valueText(step)}</code></li>;
  const type = String(step.type ?? "step");
  const name = typeof step.name === "string" && step.name ? step.name : null;
  const branches = Array.isArray(step.branches) ? step.branches : [];
  return (
    <li className="wf-step">
      <div className="wf-step-head">
        <span className="badge wf-step-type">{names.stepType(type)}</span>
        {name && <strong>{name}</strong>}
        {typeof step.id === "string" && <span className="hint">{t("definition.stepId")} <code>{step.id}</code></span>}
        {typeof step.on_error === "string" && <span className="hint">{t("definition.onError", { value: onErrorText(step.on_error) })}</span>}
      </div>
      {!isEmptyConditions(step.when) && (
        <div className="wf-when">
          <span className="hint">{t("definition.onlyWhen")}</span>
          <ConditionTree conditions={step.when} />
        </div>
      )}
      <ConfigList config={step.config} labelOf={(key) => names.stepField(type, key)} />
      {isObj(step.retry) && <p className="hint">{t("definition.retry", { value: retryText(step.retry) })}</p>}
      {branches.length > 0 && (
        <ul className="wf-branches">
          {branches.map((branch, bi) => {
            const path = Array.isArray(branch) ? { actions: branch } : isObj(branch) ? branch : { actions: [] };
            const title =
              typeof path.name === "string" && path.name
                ? path.name
                : type === "branch"
                  ? t(bi === 0 ? "definition.if" : "definition.elseIf")
                  : t("definition.path", { number: bi + 1 });
            return (
              <li key={bi} className="wf-branch">
                <span className="wf-op">{title}</span>
                {!isEmptyConditions(path.when) && <ConditionTree conditions={path.when} />}
                <StepList steps={Array.isArray(path.actions) ? path.actions : []} />
              </li>
            );
          })}
          {Array.isArray(step.else) && (
            <li className="wf-branch">
              <span className="wf-op">{t("definition.else")}</span>
              <StepList steps={step.else} />
            </li>
          )}
        </ul>
      )}
      {Array.isArray(step.on_reject) && step.on_reject.length > 0 && (
        <div className="wf-branch">
          <span className="wf-op">{t("definition.ifRejected")}</span>
          <StepList steps={step.on_reject} />
        </div>
      )}
    </li>
  );
}

/** The whole definition: trigger, conditions, steps, run policy. */
export function DefinitionView({ definition }: { definition: Definition }) {
  const id = useId();
  const { t } = useTranslation("workflow");
  const names = useNames();
  const trigger = definition.trigger_type;
  return (
    <NamesContext.Provider value={names}>
      <div className="wf-definition">
        <section aria-labelledby={`${id}-trigger`}>
          <h3 id={`${id}-trigger`}>{t("definition.trigger")}</h3>
          <p>
            <strong>{triggerLabel(definition.trigger_type)}</strong>{" "}
            {definition.trigger_type && <code className="hint">{definition.trigger_type}</code>}
          </p>
          <ConfigList
            config={definition.trigger_config}
            empty={t("definition.noTriggerSettings")}
            labelOf={(key) => names.triggerField(trigger, key)}
          />
        </section>
        <section aria-labelledby={`${id}-conditions`}>
          <h3 id={`${id}-conditions`}>{t("definition.conditions")}</h3>
          <ConditionTree conditions={definition.conditions} />
        </section>
        <section aria-labelledby={`${id}-steps`}>
          <h3 id={`${id}-steps`}>{t("definition.steps")}</h3>
          <StepList steps={definition.actions ?? []} label={t("definition.steps")} />
        </section>
        <section aria-labelledby={`${id}-policy`}>
          <h3 id={`${id}-policy`}>{t("definition.runPolicy")}</h3>
          <RunPolicyView policy={definition.run_policy} />
        </section>
      </div>
    </NamesContext.Provider>
  );
}
