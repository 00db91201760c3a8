// People's wording of the API's 422 problems: the API names each one by its Pydantic `type`, with
// the limits behind it in `ctx`; its own `msg` is precise but written for developers.
import type { TOptions } from "i18next";
import i18n from "../i18n";
import type { errors as en } from "../i18n/en/errors";

/** The parts of one API problem the wording needs. */
export interface Problem {
  loc: string;
  msg: string;
  type?: string;
  ctx?: Record<string, unknown>;
}

type Phrase = (ctx: Record<string, unknown>, loc: string) => string | null;

// The catalogue's keys, plural forms under their stem ("stringTooShort").
type Key = keyof typeof en.field extends infer K ? (K extends `${infer Stem}_${"one" | "many" | "other"}` ? Stem : K) : never;

// `Key` checks the key; i18next's typing cannot take a union of keys with options, hence the cast.
const t = (key: Key, options: TOptions = {}): string => i18n.t(`errors:field.${key}` as "errors:field.missing", options);
const count = (value: unknown) => (typeof value === "number" ? value : Number(value));
const limit = (name: string, key: Key): Phrase => (ctx) => (ctx[name] === undefined ? null : t(key, { limit: ctx[name] }));

/** `'a', 'b' or 'c'` (Pydantic's `expected`) as `a, b, c`. */
export function expectedValues(expected: unknown): string {
  const text = String(expected ?? "");
  const quoted = [...text.matchAll(/'([^']*)'/g)].map((m) => m[1]);
  return quoted.length ? quoted.join(", ") : text;
}

const DATE = () => t("date");
const DATETIME = () => t("datetime");

const PHRASES: Record<string, Phrase> = {
  missing: () => t("missing"),
  string_too_short: (ctx) => (count(ctx.min_length) === 1 ? t("empty") : t("stringTooShort", { count: count(ctx.min_length) })),
  string_too_long: (ctx) => t("stringTooLong", { count: count(ctx.max_length) }),
  too_short: (ctx) => t("tooShort", { count: count(ctx.min_length) }),
  too_long: (ctx) => t("tooLong", { count: count(ctx.max_length) }),
  int_parsing: () => t("integer"),
  int_type: () => t("integer"),
  int_from_float: () => t("integer"),
  float_parsing: () => t("number"),
  float_type: () => t("number"),
  decimal_parsing: () => t("number"),
  greater_than: limit("gt", "greaterThan"),
  greater_than_equal: limit("ge", "greaterThanEqual"),
  less_than: limit("lt", "lessThan"),
  less_than_equal: limit("le", "lessThanEqual"),
  date_parsing: DATE,
  date_type: DATE,
  date_from_datetime_parsing: DATE,
  date_from_datetime_inexact: DATE,
  datetime_parsing: DATETIME,
  datetime_type: DATETIME,
  datetime_from_date_parsing: DATETIME,
  time_parsing: () => t("time"),
  time_type: () => t("time"),
  literal_error: (ctx) => (ctx.expected === undefined ? null : t("choice", { expected: expectedValues(ctx.expected) })),
  enum: (ctx) => (ctx.expected === undefined ? null : t("choice", { expected: expectedValues(ctx.expected) })),
  url_parsing: () => t("url"),
  url_type: () => t("url"),
  url_scheme: () => t("url"),
  url_syntax_violation: () => t("url"),
  string_pattern_mismatch: (_, loc) => (/email/i.test(loc.split(".").pop() ?? "") ? t("email") : t("pattern")),
  json_invalid: () => t("json"),
  extra_forbidden: () => t("extra"),
  bool_parsing: () => t("boolean"),
  bool_type: () => t("boolean"),
  string_type: () => t("text"),
  list_type: () => t("list"),
  dict_type: () => t("object"),
  model_type: () => t("object"),
  model_attributes_type: () => t("object"),
};

/** The API's own message without its `loc: ` prefix (and Pydantic's "Value error, "). */
export function ownMessage(problem: Problem): string {
  const prefix = `${problem.loc || "body"}: `;
  const text = problem.msg.startsWith(prefix) ? problem.msg.slice(prefix.length) : problem.msg;
  return text.replace(/^(Value|Assertion) error, /, "");
}

/** What a person reads for this problem, in the interface's language; null: no wording for it. */
export function phrase(problem: Problem): string | null {
  if (problem.type === "value_error" || problem.type === "assertion_error") {
    // crmflow's own value errors are written for people already.
    return ownMessage(problem);
  }
  const wording = problem.type ? PHRASES[problem.type] : undefined;
  return wording ? wording(problem.ctx ?? {}, problem.loc) : null;
}
