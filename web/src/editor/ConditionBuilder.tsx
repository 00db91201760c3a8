// A condition builder: nested AND / OR / NOT groups of rules, a field picker grouped by record,
// operators offered by the field's type and value inputs by the operator's arity. It edits the
// canonical tree `{"operator": "AND"|"OR"|"NOT", "rules": [...]}` (null: no conditions).
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FieldError } from "../api/client";
import { ErrorsFor, errorsAt } from "./errors";
import { DraftInput } from "./inputs";
import { operatorLabel } from "./steps";
import type { ConditionGroup, ConditionNode, ConditionRule, FieldInfo, FieldType, Json, OperatorInfo } from "./types";
import { isGroup } from "./types";
import "./editor.css";

export interface ConditionBuilderProps {
  /** The canonical tree (a bare rule is shown inside an AND group); null or undefined: none. */
  value: Json | undefined;
  /** `removed` names what a destructive edit took out ("Group 2 removed."), for its undo toast. */
  onChange: (value: ConditionGroup | null, removed?: string) => void;
  fields: FieldInfo[];
  operators: OperatorInfo[];
  /** The legend, e.g. "Conditions" or "Run this step only when". */
  label: string;
  /** Location of the tree in API errors, e.g. `conditions` or `actions[1].when`. */
  errorPrefix?: string;
  errors?: FieldError[];
  /** What to show when there are no conditions. */
  emptyText?: string;
}

const GROUP_OPERATORS: ConditionGroup["operator"][] = ["AND", "OR", "NOT"];

/** Fields by the record they belong to (the API's `group`, else the path's first part), each
 * path once, in the order given. */
export function groupFields(fields: FieldInfo[]): Map<string, FieldInfo[]> {
  const groups = new Map<string, FieldInfo[]>();
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.path)) continue;
    seen.add(f.path);
    const first = f.path.split(".")[0];
    const key = f.group || first.charAt(0).toUpperCase() + first.slice(1);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return groups;
}

export function fieldType(fields: FieldInfo[], path: string): FieldType | null {
  return (fields.find((f) => f.path === path)?.type as FieldType | undefined) ?? null;
}

/** The operators that suit a field of `type` (all of them for an unknown field). */
export function operatorsFor(operators: OperatorInfo[], type: FieldType | null): OperatorInfo[] {
  return type ? operators.filter((op) => op.types.includes(type)) : operators;
}

function defaultValue(op: OperatorInfo | undefined, type: FieldType | null): Json | undefined {
  if (!op || op.arity === 0) return undefined;
  if (op.arity === 2) return type === "number" ? [0, 0] : ["", ""];
  if (op.multiple) return [];
  if (type === "boolean") return true;
  return "";
}

/** Build a rule for `field`, keeping operator and value when they still fit its type. */
export function ruleForField(
  fields: FieldInfo[], operators: OperatorInfo[], rule: ConditionRule, field: string,
): ConditionRule {
  const type = fieldType(fields, field);
  const allowed = operatorsFor(operators, type);
  const sameType = fieldType(fields, rule.field) === type;
  const keep = allowed.find((o) => o.value === rule.operator);
  const op = keep ?? allowed[0];
  return withOperator({ ...rule, field }, op, sameType && keep ? rule.value : defaultValue(op, type));
}

function withOperator(rule: ConditionRule, op: OperatorInfo | undefined, value: Json | undefined): ConditionRule {
  const { value: _drop, ...rest } = rule;
  void _drop;
  const out: ConditionRule = { ...rest, operator: op?.value ?? rule.operator };
  if (op && op.arity > 0) out.value = value === undefined ? "" : value;
  return out;
}

function coerce(text: string, type: FieldType | null): Json {
  const trimmed = text.trim();
  if ((type === "number" || type === "reference" || type === "user") && trimmed !== "" && !Number.isNaN(Number(trimmed))) {
    return Number(trimmed);
  }
  if (type === "boolean" && (trimmed === "true" || trimmed === "false")) return trimmed === "true";
  return text;
}

function show(value: Json | undefined): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

interface NodeProps {
  fields: FieldInfo[];
  operators: OperatorInfo[];
  errors: FieldError[];
  idBase: string;
}

function RuleEditor({
  rule, number, loc, onChange, onRemove, fields, operators, errors, idBase,
}: NodeProps & {
  rule: ConditionRule;
  number: string;
  loc: string;
  onChange: (rule: ConditionRule) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation("editor");
  const type = fieldType(fields, rule.field);
  const known = fields.some((f) => f.path === rule.field);
  const [custom, setCustom] = useState(fields.length === 0 || (!known && rule.field !== ""));
  const allowed = operatorsFor(operators, type);
  const op = operators.find((o) => o.value === rule.operator);
  const options = fields.find((f) => f.path === rule.field)?.options ?? null;
  const groups = groupFields(fields);
  const id = `${idBase}-r${number.replace(/\./g, "-")}`;
  const name = t("conditions.rule", { number });
  const valueErrors = errorsAt(errors, `${loc}.value`);
  const fieldErrors = [...errorsAt(errors, `${loc}.field`), ...errorsAt(errors, loc)];
  const opErrors = errorsAt(errors, `${loc}.operator`);

  const valueInput = (which: number | null, label: string) => {
    const current = which === null ? rule.value : Array.isArray(rule.value) ? rule.value[which] : undefined;
    const set = (v: Json) => {
      if (which === null) onChange({ ...rule, value: v });
      else {
        const pair = Array.isArray(rule.value) ? [...rule.value] : ["", ""];
        pair[which] = v;
        onChange({ ...rule, value: pair });
      }
    };
    const invalid = valueErrors.length > 0;
    const describedBy = invalid ? `${id}-value-error` : undefined;
    if (op?.multiple) {
      return (
        <DraftInput
          id={`${id}-value`}
          aria-label={t("conditions.values", { rule: name })}
          placeholder={t("conditions.valuesPlaceholder")}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          value={rule.value}
          format={(v) => (Array.isArray(v) ? v.map((x) => show(x)).join(", ") : show(v))}
          parse={(t) => (t.trim() === "" ? [] : t.split(",").map((s) => coerce(s.trim(), type)))}
          onChange={(v) => onChange({ ...rule, value: v })}
        />
      );
    }
    if ((type === "enum" && options?.length) || type === "boolean") {
      const choices = type === "boolean" ? ["true", "false"] : options ?? [];
      const text = show(current);
      return (
        <select
          id={which === null ? `${id}-value` : `${id}-value-${which}`}
          aria-label={label}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          value={text}
          onChange={(e) => set(coerce(e.target.value, type))}
        >
          {!choices.includes(text) && <option value={text}>{text === "" ? t("conditions.choose") : text}</option>}
          {choices.map((c) => (
            <option key={c} value={c}>{type === "boolean" ? t(c === "true" ? "conditions.true" : "conditions.false") : c}</option>
          ))}
        </select>
      );
    }
    return (
      <DraftInput
        id={which === null ? `${id}-value` : `${id}-value-${which}`}
        aria-label={label}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        placeholder={type === "date" || type === "datetime" ? t("conditions.datePlaceholder") : type === "number" ? "0" : t("conditions.valuePlaceholder")}
        inputMode={type === "number" ? "decimal" : undefined}
        value={current}
        format={show}
        parse={(t) => coerce(t, type)}
        onChange={(v) => set(v ?? "")}
      />
    );
  };

  return (
    <li className="cb-rule">
      <div className="cb-rule-row">
        {custom ? (
          <DraftInput
            id={`${id}-field`}
            aria-label={t("conditions.fieldPath", { rule: name })}
            placeholder={t("conditions.fieldPathPlaceholder")}

            aria-invalid={fieldErrors.length > 0 || undefined}
            value={rule.field}
            format={show}
            parse={(t) => t}
            onChange={(v) => onChange(ruleForField(fields, operators, rule, String(v)))}
          />
        ) : (
          <select
            id={`${id}-field`}
            aria-label={t("conditions.field", { rule: name })}
            aria-invalid={fieldErrors.length > 0 || undefined}
            value={rule.field}
            onChange={(e) => {
              if (e.target.value === "__custom__") setCustom(true);
              else onChange(ruleForField(fields, operators, rule, e.target.value));
            }}
          >
            {!known && <option value={rule.field}>{rule.field || t("conditions.chooseField")}</option>}
            {[...groups.entries()].map(([group, items]) => (
              <optgroup key={group} label={group}>
                {items.map((f) => (
                  <option key={f.path} value={f.path} title={f.path}>
                    {f.label}
                  </option>
                ))}
              </optgroup>
            ))}
            <option value="__custom__">{t("conditions.otherField")}</option>
          </select>
        )}
        <select
          id={`${id}-operator`}
          aria-label={t("conditions.operator", { rule: name })}
          aria-invalid={opErrors.length > 0 || undefined}
          value={rule.operator}
          onChange={(e) => {
            const next = operators.find((o) => o.value === e.target.value);
            const keepValue = next && op && next.arity === op.arity && !!next.multiple === !!op.multiple;
            onChange(withOperator(rule, next, keepValue ? rule.value : defaultValue(next, type)));
          }}
        >
          {!allowed.some((o) => o.value === rule.operator) && <option value={rule.operator}>{rule.operator}</option>}
          {allowed.map((o) => (
            <option key={o.value} value={o.value}>{operatorLabel(o.value, o.label)}</option>
          ))}
        </select>
        {op?.arity === 2 ? (
          <span className="cb-between">
            {valueInput(0, t("conditions.from", { rule: name }))}
            <span aria-hidden="true">{t("conditions.and")}</span>
            {valueInput(1, t("conditions.to", { rule: name }))}
          </span>
        ) : op?.arity === 0 ? null : (
          valueInput(null, t("conditions.value", { rule: name }))
        )}
        <button type="button" className="icon-button" aria-label={t("conditions.removeRule", { number })} title={t("conditions.removeRuleTitle")} onClick={onRemove}>
          ✕
        </button>
      </div>
      <ErrorsFor id={`${id}-value-error`} errors={valueErrors} />
      <ErrorsFor errors={[...fieldErrors, ...opErrors]} />
    </li>
  );
}

function GroupEditor({
  group, number, loc, onChange, onRemove, root, legend, ...shared
}: NodeProps & {
  group: ConditionGroup;
  number: string;
  loc: string;
  onChange: (group: ConditionGroup | null, removed?: string) => void;
  onRemove?: () => void;
  root: boolean;
  legend: string;
}) {
  const { t } = useTranslation("editor");
  const groupName = root ? legend : t("conditions.group", { number });
  const firstField = shared.fields[0]?.path ?? "";
  const newRule = (): ConditionRule =>
    ruleForField(shared.fields, shared.operators, { field: "", operator: "==", value: "" }, firstField);
  const setRules = (rules: ConditionNode[], removed?: string) => {
    if (rules.length === 0) onChange(null, removed);
    else onChange({ ...group, rules }, removed);
  };
  const canAdd = group.operator !== "NOT" || group.rules.length === 0;
  const groupErrors = [...errorsAt(shared.errors, loc), ...errorsAt(shared.errors, `${loc}.rules`), ...errorsAt(shared.errors, `${loc}.operator`)];
  const id = `${shared.idBase}-g${number.replace(/\./g, "-") || "root"}`;
  return (
    <fieldset className={root ? "cb-group cb-root" : "cb-group"}>
      <legend className={root ? "sr-only" : undefined}>{groupName}</legend>
      <div className="row cb-group-head">
        <label htmlFor={`${id}-match`}>{t("conditions.match")}</label>
        <select
          id={`${id}-match`}
          aria-label={t("conditions.matchLabel", { group: groupName })}
          value={group.operator}
          onChange={(e) => {
            const operator = e.target.value as ConditionGroup["operator"];
            if (operator === "NOT" && group.rules.length > 1) {
              onChange({ operator: "NOT", rules: [{ operator: group.operator, rules: group.rules }] });
            } else onChange({ ...group, operator });
          }}
        >
          {GROUP_OPERATORS.map((op) => (
            <option key={op} value={op}>{t(`conditions.groups.${op}`)}</option>
          ))}
        </select>
        <span className="spacer" />
        {onRemove && (
          <button type="button" className="link" onClick={onRemove}>
            {t("conditions.removeGroup", { number })}
          </button>
        )}
      </div>
      <ErrorsFor errors={groupErrors} />
      <ol className="cb-rules">
        {group.rules.map((node, i) => {
          const childNumber = number ? `${number}.${i + 1}` : String(i + 1);
          const childLoc = `${loc}.rules[${i}]`;
          const replace = (next: ConditionNode | null, removed?: string) =>
            setRules(next === null ? group.rules.filter((_, j) => j !== i) : group.rules.map((r, j) => (j === i ? next : r)), removed);
          return isGroup(node) ? (
            <li key={i} className="cb-nested">
              <GroupEditor
                {...shared}
                group={node}
                number={childNumber}
                loc={childLoc}
                root={false}
                legend={legend}
                onChange={replace}
                onRemove={() => replace(null, t("conditions.groupRemoved", { number: childNumber }))}
              />
            </li>
          ) : (
            <RuleEditor
              key={i}
              {...shared}
              rule={node as ConditionRule}
              number={childNumber}
              loc={childLoc}
              onChange={replace}
              onRemove={() => replace(null)}
            />
          );
        })}
      </ol>
      {canAdd && (
        <div className="row cb-add">
          <button type="button" onClick={() => onChange({ ...group, rules: [...group.rules, newRule()] })}>
            {root ? t("conditions.addRule") : t("conditions.addRuleTo", { number })}
          </button>
          <button
            type="button"
            onClick={() => onChange({ ...group, rules: [...group.rules, { operator: group.operator === "AND" ? "OR" : "AND", rules: [newRule()] }] })}
          >
            {root ? t("conditions.addGroup") : t("conditions.addGroupTo", { number })}
          </button>
        </div>
      )}
    </fieldset>
  );
}

/** Edit a condition tree. */
export function ConditionBuilder({
  value, onChange, fields, operators, label, errorPrefix = "conditions", errors = [], emptyText,
}: ConditionBuilderProps) {
  const { t } = useTranslation("editor");
  const idBase = useId().replace(/:/g, "");
  const root: ConditionGroup | null =
    value === null || value === undefined || (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0)
      ? null
      : isGroup(value)
        ? (value as unknown as ConditionGroup)
        : typeof value === "object" && value !== null && "field" in value
          ? { operator: "AND", rules: [value as unknown as ConditionRule] }
          : null;
  const shorthand = root === null && value !== null && value !== undefined && !(typeof value === "object" && Object.keys(value as object).length === 0);
  const firstField = fields[0]?.path ?? "";
  const start = (group: boolean) => {
    const rule = ruleForField(fields, operators, { field: "", operator: "==", value: "" }, firstField);
    onChange({ operator: "AND", rules: [group ? { operator: "OR", rules: [rule] } : rule] });
  };
  return (
    <section className="condition-builder" aria-label={label}>
      {shorthand ? (
        <p className="hint">
          {t("conditions.shorthand")}{" "}
          <button type="button" className="link" onClick={() => onChange(null)}>{t("conditions.clear")}</button>.
        </p>
      ) : root === null ? (
        <div className="cb-empty">
          <p className="hint">{emptyText ?? t("conditions.none")}</p>
          <div className="row">
            <button type="button" onClick={() => start(false)}>{t("conditions.addRule")}</button>
            <button type="button" onClick={() => start(true)}>{t("conditions.addGroup")}</button>

          </div>
          <ErrorsFor errors={errorsAt(errors, errorPrefix)} />
        </div>
      ) : (
        <GroupEditor
          group={root}
          number=""
          loc={errorPrefix}
          root
          legend={label}
          onChange={onChange}
          fields={fields}
          operators={operators}
          errors={errors}
          idBase={idBase}
        />
      )}
    </section>
  );
}
