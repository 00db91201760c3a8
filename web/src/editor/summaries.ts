// Short texts the canvas shows: a condition in one line, a trigger's filter, the workflow's
// conditions as their first rule and "+N more". The canvas clips them and keeps the full text in
// a tooltip. Their words come from the editor catalogue; field paths and operators stay as written.
import i18n from "../i18n";

const s = (key: `summary.${string}`, values?: Record<string, unknown>): string =>
  (i18n.t as unknown as (key: string, values?: object) => string)(`editor:${key}`, values);


type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

// The engine's spelling of the Mongo-style shorthand operators (engine/conditions.py).
const SHORTHAND_OPS: Record<string, string> = {
  $eq: "==", $ne: "!=", $gt: ">", $gte: ">=", $lt: "<", $lte: "<=", $in: "in", $nin: "not_in",
  $exists: "is_not_empty", $changed: "changed",
};

/** A condition as a canonical tree: groups `{operator, rules}` and rules `{field, operator, value}`;
 *  a list is an AND group and the `{"field": {"$op": v}}` shorthand is spelled out. */
function canonical(node: unknown): unknown {
  if (Array.isArray(node)) return { operator: "AND", rules: node.map(canonical) };
  if (!isObj(node) || typeof node.field === "string") return node;
  if (Array.isArray(node.rules)) return { operator: node.operator, rules: node.rules.map(canonical) };
  const rules = Object.entries(node).flatMap(([key, spec]): unknown[] => {
    const lowered = key.toLowerCase();
    if ((lowered === "$and" || lowered === "$or" || lowered === "$nor") && Array.isArray(spec)) {
      const group = { operator: lowered === "$and" ? "AND" : "OR", rules: spec.map(canonical) };
      return [lowered === "$nor" ? { operator: "NOT", rules: [group] } : group];
    }
    if (lowered === "$not") return [{ operator: "NOT", rules: [canonical(spec)] }];
    if (isObj(spec) && Object.keys(spec).some((k) => k.startsWith("$"))) {
      return Object.entries(spec).map(([op, value]) => {
        const operator = SHORTHAND_OPS[op.toLowerCase()] ?? op.slice(1);
        return operator === "is_not_empty" && value === false ? { field: key, operator: "is_empty" }
          : operator === "is_not_empty" || operator === "changed" ? { field: key, operator } : { field: key, operator, value };
      });
    }
    return [{ field: key, operator: "==", value: spec }];
  });
  return rules.length === 1 ? rules[0] : { operator: "AND", rules };
}

function text(node: unknown, nested: boolean): string {
  if (!isObj(node)) return "";
  if (typeof node.field === "string") {
    const value = "value" in node ? ` ${JSON.stringify(node.value) ?? ""}` : "";
    return `${node.field} ${String(node.operator ?? "")}${value}`;
  }
  if (!Array.isArray(node.rules)) return "";
  const op = String(node.operator ?? "AND").toUpperCase();
  const parts = node.rules.map((r) => text(r, true)).filter(Boolean);
  if (op === "NOT") return s("summary.not", { condition: parts.length > 1 ? `(${parts.join(s("summary.and"))})` : parts[0] ?? "" });
  const joined = parts.join(op === "OR" ? s("summary.or") : s("summary.and"));
  return nested && parts.length > 1 ? `(${joined})` : joined;
}

/** A condition in one line: `deal.amount > 10000 and (a == "x" or b is_empty)`; "" when none. */
export function conditionText(node: unknown): string {
  return text(canonical(node), false);
}

/** Cut `value` to `size` characters, with an ellipsis when cut. */
export function clip(value: string, size = 38): string {
  return value.length > size ? `${value.slice(0, size - 1)}…` : value;
}

/** A line of the trigger node: what it shows and the full text for its tooltip. */
export interface SummaryLine {
  text: string;
  title: string;
}

/** The workflow's conditions as their first rule and how many more: `a > 1 +2 more`; null if none. */
export function conditionsHeadline(conditions: unknown): SummaryLine | null {
  const tree = canonical(conditions);
  const full = text(tree, false);
  if (!full) return null;
  if (!isObj(tree) || !Array.isArray(tree.rules) || String(tree.operator).toUpperCase() === "NOT") {
    return { text: full, title: full };
  }
  const rules = tree.rules.filter((r) => text(r, true));
  const first = text(rules[0], true);
  const more = rules.length - 1;
  const key = String(tree.operator).toUpperCase() === "OR" ? "summary.moreOr" : "summary.more";
  return { text: more > 0 ? s(key, { first, count: more }) : first, title: full };
}

const oneOrMany = (value: unknown): string =>
  Array.isArray(value) ? value.map(String).join(" / ") : value === undefined || value === null || value === "" ? "" : String(value);

/** What a trigger's settings restrict it to: `from proposition → signed`, `inactive 30 days`,
 *  `weekly on mon at 09:00 (UTC)`; null when it has no restriction worth showing. */
export function triggerFilter(triggerType: string, config: Record<string, unknown>): string | null {
  switch (triggerType) {
    case "deal_stage_changed": {
      const from = oneOrMany(config.from_stage ?? config.from);
      const to = oneOrMany(config.to_stage ?? config.to);
      if (!from && !to) return null;
      return s("summary.stageChange", { from: from || s("summary.anyStage"), to: to || s("summary.anyStage") });
    }
    case "inactivity_delay": {
      const days = Number(config.days ?? 30);
      const kind = typeof config.entity_type === "string" && config.entity_type !== "organisation" ? `${config.entity_type} ` : "";
      return s("summary.inactive", { kind, count: days });
    }
    case "scheduled": {
      const zone = typeof config.timezone === "string" && config.timezone ? ` (${config.timezone})` : "";
      if (typeof config.cron === "string" && config.cron) return s("summary.cron", { cron: config.cron, zone });
      const time = typeof config.time === "string" ? config.time : "09:00";
      if (config.frequency === "weekly") return s("summary.weekly", { day: String(config.day_of_week ?? "mon"), time, zone });
      if (config.frequency === "monthly") return s("summary.monthly", { day: String(config.day_of_month ?? 1), time, zone });
      return config.frequency === "daily" ? s("summary.daily", { time, zone }) : null;
    }
    case "organisation_updated":
    case "deal_updated":
      return Array.isArray(config.fields) && config.fields.length ? s("summary.fieldsChange", { fields: config.fields.map(String).join(", ") }) : null;
    case "activity_logged":
      return Array.isArray(config.kinds) && config.kinds.length ? s("summary.kinds", { kinds: config.kinds.map(String).join(", ") }) : null;
    default:
      return null;
  }
}

/** The lines under the trigger's name: its filter, then the workflow's conditions. */
export function triggerLines(triggerType: string, config: Record<string, unknown>, conditions: unknown): SummaryLine[] {
  const lines: SummaryLine[] = [];
  const filter = triggerFilter(triggerType, config);
  if (filter) lines.push({ text: filter, title: s("summary.filterTitle", { filter }) });
  const headline = conditionsHeadline(conditions);
  if (headline) lines.push({ text: s("summary.conditionsLine", { conditions: headline.text }), title: s("summary.conditionsTitle", { conditions: headline.title }) });

  return lines;
}
