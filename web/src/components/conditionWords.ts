// A condition's decision in the interface's language: "Amount (Deal) was €75,000, which is greater
// than €50,000 — the conditions matched." The server sends `{result, rule, actual, explanation}`
// (engine/conditions.py Decision.to_dict); this words the deciding rule with the field's label, the
// editor's operator words and values formatted for the language. The server's own sentence stays
// available to the callers for a "Details" view.
import { operatorLabel } from "../editor/steps";
import { formatDateTime, formatMoney, formatNumber, sentenceCase } from "../format";
import i18n from "../i18n";
import { recordTypeLabel } from "../pages/runs/filters";
import { keyLabel, knownValueText } from "./LabelledValues";

/** A field the interface knows a label for (the editor schema's ContextFieldInfo). */
export interface ConditionField {
  path: string;
  label: string;
  group?: string;
  type?: string;
}

/** A canonical rule: `{field, operator, value?}`. */
export interface DecisionRule {
  field: string;
  operator: string;
  value?: unknown;
}

/** A decision as the server sends it; anything else is not worded. */
export interface DecisionData {
  result?: unknown;
  rule?: unknown;
  actual?: unknown;
  explanation?: unknown;
}

/** Whose verdict it is: the workflow's conditions, or one condition (a step's `when`). */
export type VerdictKind = "conditions" | "condition";

const w = (key: string, values?: Record<string, unknown>): string =>
  (i18n.t as unknown as (key: string, values?: object) => string)(`editor:decisionWords.${key}`, values);

const ORDERING = new Set([">", "<", ">=", "<="]);
const CHANGES = new Set(["changed", "changed_to", "changed_from"]);
const KNOWN = new Set([
  "==", "!=", ">", "<", ">=", "<=", "contains", "not_contains", "in", "not_in", "starts_with", "ends_with",
  "is_empty", "is_not_empty", "between", "changed", "changed_to", "changed_from",
]);
// A rule that did not hold, said with the operator that did: the catalogue's own opposite when it
// has one (`>` failing on a comparable value is `<=`), else a negation of its own (notOperators).
const OPPOSITES: Record<string, string> = {
  "==": "!=", "!=": "==", ">": "<=", "<": ">=", ">=": "<", "<=": ">", contains: "not_contains",
  not_contains: "contains", in: "not_in", not_in: "in", is_empty: "is_not_empty", is_not_empty: "is_empty",
};
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `value` as a canonical rule, or null. */
export function asRule(value: unknown): DecisionRule | null {
  if (!isObj(value) || typeof value.field !== "string" || typeof value.operator !== "string") return null;
  return value as unknown as DecisionRule;
}

// --------------------------------------------------------------------------- words for parts

/** A field in words: its label and record from the editor schema, else its path in words
 *  (`deal.owner.email` -> "Email (Deal › Owner)"). */
export function fieldWords(path: string, fields: readonly ConditionField[] = []): string {
  const known = fields.find((f) => f.path === path);
  if (known) return known.group ? w("field", { label: known.label, group: known.group }) : known.label;
  const parts = path.split(".");
  const label = keyLabel(parts[parts.length - 1]);
  if (parts.length === 1) return label;
  const [first, ...middle] = parts.slice(0, -1);
  const group = [recordTypeLabel(first) === first ? sentenceCase(first) : recordTypeLabel(first), ...middle.map(sentenceCase)].join(" › ");
  return w("field", { label, group });
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObj(value) && Object.keys(value).length === 0;
}

function numberWords(value: number, key: string, type: string | undefined): string {
  if (type === "user" || type === "reference" || key === "id" || key.endsWith("_id")) return String(value);
  if (key === "amount" || key.endsWith("_amount")) return formatMoney(value);
  // A rate as written in the rule ("10%", "12.5 %"), not rounded to a rate's one decimal.
  if (key === "percent" || key === "percentage" || key.endsWith("_percent")) {
    return new Intl.NumberFormat(i18n.language, { style: "percent", maximumFractionDigits: 2 }).format(value / 100);
  }
  return formatNumber(value);
}

/** A value of the field at `path` in words: money for amounts, dates as dates, yes/no, quoted text,
 *  lists joined ("“won” or “lost”" with `list: "disjunction"`). */
export function valueWords(
  value: unknown, path: string, fields: readonly ConditionField[] = [], list: "conjunction" | "disjunction" = "conjunction",
): string {
  const key = path.split(".").pop() ?? path;
  const type = fields.find((f) => f.path === path)?.type;
  if (value === null || value === undefined || value === "") return i18n.t("values:empty");
  if (typeof value === "boolean") return i18n.t(value ? "values:yes" : "values:no");
  if (typeof value === "number") return numberWords(value, key, type);
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (type === "number" && trimmed !== "" && Number.isFinite(Number(trimmed))) return numberWords(Number(trimmed), key, type);
    if (ISO_DATE.test(trimmed)) return dateWords(trimmed);
    if (ISO_DATE_TIME.test(trimmed)) return formatDateTime(trimmed);
    return w("quoted", { value: knownValueText(key, value) ?? value });
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return i18n.t("values:empty");
    const items = value.map((item) => valueWords(item, path, fields));
    return new Intl.ListFormat(i18n.language, { type: list }).format(items);
  }
  return JSON.stringify(value);
}

/** A calendar date ("2026-12-01") in the language, as the day it names wherever the reader is. */
function dateWords(value: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeZone: "UTC" }).format(date);
}

/** The words of `operator` itself (held) or of its failure (`not`): "is greater than" / "is at most". */
function operatorWords(operator: string, not: boolean): string {
  if (!not) return operatorLabel(operator);
  const opposite = OPPOSITES[operator];
  return opposite ? operatorLabel(opposite) : w(`notOperators.${operator}`);
}

/** What the rule compares with, in words ("€50,000", "“won” or “lost”", "10 and 20"); "" when nothing. */
function ruleValueWords(rule: DecisionRule, fields: readonly ConditionField[]): string {
  if (rule.operator === "is_empty" || rule.operator === "is_not_empty" || rule.operator === "changed") return "";
  if (rule.operator === "between" && Array.isArray(rule.value) && rule.value.length === 2) {
    const [low, high] = rule.value.map((v) => valueWords(v, rule.field, fields));
    return w("between", { low, high });
  }
  const list = rule.operator === "in" || rule.operator === "not_in" ? "disjunction" : "conjunction";
  return valueWords(rule.value, rule.field, fields, list);
}

const phrase = (operator: string, value: string) => (value ? `${operator} ${value}` : operator);

/** A rule in words, without a value seen: "Amount (Deal) is greater than €50,000". */
export function ruleWords(rule: DecisionRule, fields: readonly ConditionField[] = []): string {
  if (!KNOWN.has(rule.operator)) return `${fieldWords(rule.field, fields)} ${rule.operator.replace(/_/g, " ")} ${ruleValueWords(rule, fields)}`.trim();
  return w("rule", { field: fieldWords(rule.field, fields), rule: phrase(operatorWords(rule.operator, false), ruleValueWords(rule, fields)) });
}

// --------------------------------------------------------------------------- condition trees

/** A canonical group: `{operator: "AND"|"OR"|"NOT", rules}`. */
export interface ConditionGroupNode {
  operator: string;
  rules: ConditionNodeTree[];
}
export type ConditionNodeTree = DecisionRule | ConditionGroupNode;

// The shorthand's operators as the engine's (engine/conditions.py `_MONGO`); `$exists` and
// `$changed` take true or false.
const MONGO_OPS: Record<string, string> = {
  $eq: "==", $ne: "!=", $gt: ">", $gte: ">=", $lt: "<", $lte: "<=", $in: "in", $nin: "not_in",
  $contains: "contains", $not_contains: "not_contains", $starts_with: "starts_with", $startswith: "starts_with",
  $ends_with: "ends_with", $endswith: "ends_with", $between: "between", $changed_to: "changed_to",
  $changed_from: "changed_from",
};

function shorthandRules(field: string, spec: unknown): ConditionNodeTree[] {
  if (spec === null) return [{ field, operator: "is_empty" }];
  if (!isObj(spec) || !Object.keys(spec).some((k) => k.startsWith("$"))) return [{ field, operator: "==", value: spec }];
  return Object.entries(spec).map(([op, value]): ConditionNodeTree => {
    const key = op.toLowerCase();
    if (key === "$exists") return { field, operator: value === false ? "is_empty" : "is_not_empty" };
    if (key === "$changed") {
      const changed = { field, operator: "changed" };
      return value === false ? { operator: "NOT", rules: [changed] } : changed;
    }
    if (key === "$not") return { operator: "NOT", rules: [and(shorthandRules(field, value))] };
    return { field, operator: MONGO_OPS[key] ?? key.replace(/^\$/, ""), value };
  });
}

const and = (rules: ConditionNodeTree[]): ConditionNodeTree => (rules.length === 1 ? rules[0] : { operator: "AND", rules });

/** A group of `children` in canonical form; null when none is left (an empty group means none). */
function group(operator: string, children: unknown[]): ConditionGroupNode | null {
  const rules = children.map(canonicalConditions).filter((n): n is ConditionNodeTree => n !== null);
  return rules.length ? { operator, rules } : null;
}

/** Conditions as the engine normalises them (a list is AND, the `{"field": {"$op": v}}` shorthand
 *  spelled out), a bare rule left bare; null for none. */
export function canonicalConditions(node: unknown): ConditionNodeTree | null {
  if (node === null || node === undefined || isEmpty(node)) return null;
  if (Array.isArray(node)) return group("AND", node);
  if (!isObj(node)) return null;
  const rule = asRule(node);
  if (rule) return rule;
  if (Array.isArray(node.rules)) return group(typeof node.operator === "string" ? node.operator.toUpperCase() : "AND", node.rules);
  const parts = Object.entries(node).flatMap(([key, spec]): ConditionNodeTree[] => {
    const lowered = key.toLowerCase();
    if ((lowered === "$and" || lowered === "$or" || lowered === "$nor") && Array.isArray(spec)) {
      const inner = group(lowered === "$and" ? "AND" : "OR", spec);
      return !inner ? [] : [lowered === "$nor" ? { operator: "NOT", rules: [inner] } : inner];
    }
    if (lowered === "$not") {
      const inner = canonicalConditions(Array.isArray(spec) && spec.length === 1 ? spec[0] : spec);
      return inner ? [{ operator: "NOT", rules: [inner] }] : [];
    }
    return shorthandRules(key, spec);
  });
  return parts.length ? and(parts) : null;
}

const isGroupNode = (node: ConditionNodeTree): node is ConditionGroupNode => "rules" in node;
const summary = (key: string, values?: Record<string, unknown>): string =>
  (i18n.t as unknown as (key: string, values?: object) => string)(`editor:summary.${key}`, values);

function treeWords(node: ConditionNodeTree, fields: readonly ConditionField[], nested: boolean): string {
  if (!isGroupNode(node)) return ruleWords(node, fields);
  const parts = node.rules.map((rule) => treeWords(rule, fields, true));
  if (node.operator === "NOT") return summary("not", { condition: `(${parts.join(summary("and"))})` });
  const joined = parts.join(summary(node.operator === "OR" ? "or" : "and"));
  return nested && parts.length > 1 ? `(${joined})` : joined;
}

/** Conditions in words: "Amount (Deal) is greater than €50,000 and Stage (Deal) equals “won”";
 *  null when there are none. */
export function conditionWords(conditions: unknown, fields: readonly ConditionField[] = []): string | null {
  const tree = canonicalConditions(conditions);
  return tree ? treeWords(tree, fields, false) : null;
}

// --------------------------------------------------------------------------- did the rule hold?

type Scalar = number | string | boolean;
const ISO_ANY = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function instant(text: string): number | null {
  if (!ISO_ANY.test(text)) return null;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(text) || ISO_DATE.test(text) ? text : `${text}Z`; // naive means UTC
  const time = new Date(ISO_DATE.test(text) ? `${text}T00:00:00Z` : zoned.replace(" ", "T")).getTime();
  return Number.isNaN(time) ? null : time;
}

function numeric(text: string): number | null {
  const n = text.trim() === "" ? NaN : Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Two values as one comparable type (engine/compare.py `_pair`): null when incomparable,
 *  undefined when this cannot tell as the engine would. */
function pair(a: unknown, b: unknown): [Scalar, Scalar] | null | undefined {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (typeof a === "object" || typeof b === "object") return undefined;
  if (typeof a === "boolean" || typeof b === "boolean") {
    const bool = (v: unknown) => (typeof v === "string" ? ({ true: true, false: false } as Record<string, boolean>)[v.trim().toLowerCase()] : v);
    const [x, y] = [bool(a), bool(b)];
    return typeof x === "boolean" && typeof y === "boolean" ? [x, y] : null;
  }
  if (typeof a === "number" && typeof b === "number") return [a, b];
  if (typeof a === "number" || typeof b === "number") {
    const [x, y] = [typeof a === "number" ? a : numeric(String(a)), typeof b === "number" ? b : numeric(String(b))];
    return x === null || y === null ? null : [x, y];
  }
  const [x, y] = [String(a), String(b)];
  const [tx, ty] = [instant(x), instant(y)];
  if (tx !== null && ty !== null) return [tx, ty];
  // One side a date and the other not: the engine's answer depends on parsing this does not repeat.
  return tx === null && ty === null ? [x, y] : undefined;
}

type Maybe = boolean | undefined;
const eq = (a: unknown, b: unknown): Maybe => {
  const p = pair(a, b);
  return p === undefined ? undefined : p !== null && p[0] === p[1];
};
const same = (a: unknown, b: unknown): Maybe => ((a === null || a === undefined) && (b === null || b === undefined) ? true : eq(a, b));
const not = (v: Maybe): Maybe => (v === undefined ? undefined : !v);
/** True if any is true, false if all are false, else undefined. */
const any = (values: Maybe[]): Maybe => (values.includes(true) ? true : values.includes(undefined) ? undefined : false);
const folded = (v: unknown): string | null => (typeof v === "string" ? v.toLowerCase() : typeof v === "number" ? String(v) : null);

function contains(actual: unknown, needle: unknown): Maybe {
  if (Array.isArray(actual)) {
    return any(actual.map((item) => (typeof item === "string" && typeof needle === "string" ? item.toLowerCase() === needle.toLowerCase() : eq(item, needle))));
  }
  const [hay, pin] = [folded(actual), folded(needle)];
  return hay !== null && pin !== null && hay.includes(pin);
}

function ordered(operator: string, a: unknown, b: unknown): Maybe {
  const p = pair(a, b);
  if (p === undefined) return undefined;
  if (p === null) return false;
  const [x, y] = p;
  return operator === ">" ? x > y : operator === "<" ? x < y : operator === ">=" ? x >= y : x <= y;
}

/** Whether `rule` holds for the value the run saw (engine/compare.py's semantics); undefined when
 *  this cannot tell for sure, e.g. lists compared with lists. */
export function ruleHolds(rule: DecisionRule, actual: unknown): Maybe {
  const value = rule.value;
  switch (rule.operator) {
    case "==": return eq(actual, value);
    case "!=": return not(same(actual, value));
    case ">": case "<": case ">=": case "<=": return ordered(rule.operator, actual, value);
    case "between": {
      if (!Array.isArray(value) || value.length !== 2) return undefined;
      const [low, high] = [ordered("<=", value[0], actual), ordered("<=", actual, value[1])];
      return low === false || high === false ? false : low === undefined || high === undefined ? undefined : true;
    }
    case "contains": return contains(actual, value);
    case "not_contains": return (actual === null || actual === undefined) && (value === null || value === undefined) ? false : not(contains(actual, value));
    case "starts_with": case "ends_with": {
      const text = folded(actual);
      const affix = folded(value) ?? "";
      return text !== null && (rule.operator === "starts_with" ? text.startsWith(affix) : text.endsWith(affix));
    }
    case "in": case "not_in": {
      if (!Array.isArray(value)) return undefined;
      const items = Array.isArray(actual) ? actual : [actual];
      const test = rule.operator === "in" ? eq : same;
      const found = any(items.flatMap((item) => value.map((option) => test(item, option))));
      return rule.operator === "in" ? found : not(found);
    }
    case "is_empty": return isEmpty(actual);
    case "is_not_empty": return !isEmpty(actual);
    case "changed": case "changed_to": case "changed_from": {
      if (!Array.isArray(actual) || actual.length !== 2) return false;
      const [old, now] = actual;
      const moved = not(same(old, now));
      if (moved !== true || rule.operator === "changed") return moved;
      return same(rule.operator === "changed_to" ? now : old, value);
    }
    default: return undefined;
  }
}

// --------------------------------------------------------------------------- the sentence

/** What the run saw and how it measures against the rule, without the verdict. */
function statement(rule: DecisionRule, actual: unknown, held: boolean, comparable: boolean, fields: readonly ConditionField[]): string {
  const field = fieldWords(rule.field, fields);
  const op = rule.operator;
  const value = ruleValueWords(rule, fields);
  if (CHANGES.has(op)) {
    if (!Array.isArray(actual) || actual.length !== 2) return w("unchanged", { field });
    const [old, now] = actual.map((v) => valueWords(v, rule.field, fields));
    return w("changedSo", { subject: w("changed", { field, old, new: now }), rule: phrase(operatorWords(op, !held), value) });
  }
  const empty = isEmpty(actual);
  const subject = empty ? w("wasEmpty", { field }) : w("was", { field, actual: valueWords(actual, rule.field, fields) });
  if (op === "is_empty" || op === "is_not_empty") {
    return empty ? subject : w("which", { subject, rule: operatorLabel("is_not_empty") });
  }
  if (held) return w("which", { subject, rule: phrase(operatorWords(op, false), value) });
  // A failed ordering reads as its opposite only when the values compare at all.
  if (!empty && (!ORDERING.has(op) || comparable)) return w("which", { subject, rule: phrase(operatorWords(op, true), value) });
  return w("doesNotHold", { subject, rule: phrase(operatorWords(op, false), value) });
}

/**
 * A decision in a sentence of the interface's language, or null when it cannot be worded (no yes/no
 * result, an operator this does not know): then show the server's explanation instead.
 * `fields` give labels and types; `kind` says whose verdict it is.
 */
export function decisionSentence(
  decision: DecisionData | null | undefined, fields: readonly ConditionField[] = [], kind: VerdictKind = "conditions",
): string | null {
  if (!decision || typeof decision.result !== "boolean") return null;
  const result = decision.result;
  // `rule: null` is the engine's "no conditions"; no rule at all is a decision of another kind (a trigger filter's).
  if (decision.rule === null) return result ? w("noConditions") : null;
  const rule = asRule(decision.rule);
  if (!rule || !KNOWN.has(rule.operator)) return null;
  const evaluated = ruleHolds(rule, decision.actual);
  // Under a NOT the rule and the result disagree; when this cannot tell, the result speaks for the rule.
  const held = evaluated ?? result;
  const negated = evaluated !== undefined && evaluated !== result;
  const comparable = ORDERING.has(rule.operator) && !!pair(decision.actual, rule.value);
  const verdict = w(`verdicts.${kind}.${negated ? (result ? "negatedMatched" : "negatedNotMatched") : result ? "matched" : "notMatched"}`);
  return w("sentence", { statement: statement(rule, decision.actual, held, comparable, fields), verdict });
}
