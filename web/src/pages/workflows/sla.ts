// The SLA form's pure parts: durations in a unit, the steps an SLA can measure, and the API's
// field errors placed beside the field they name.
import type { FieldError } from "../../api/client";
import { lanesOf, normaliseSteps } from "../../editor/graph";
import { CONTROL_LABELS } from "../../editor/steps";
import type { Step } from "../../editor/types";
import { sentenceCase } from "../../format";
import i18n from "../../i18n";
import { workflow as en } from "../../i18n/en/workflow";

type SlaField = keyof typeof en.slaText.fields;
type SlaTextKey = Exclude<keyof typeof en.slaText, "fields"> | `fields.${SlaField}`;

/** A text of these helpers in the interface's language at the time of the call. */
const say = (key: SlaTextKey, values?: Record<string, string>): string =>
  (i18n.t as unknown as (key: string, values?: object) => string)(`workflow:slaText.${key}`, values);

export type Unit = "seconds" | "minutes" | "hours";
export const UNITS: Unit[] = ["seconds", "minutes", "hours"];
export const UNIT_SECONDS: Record<Unit, number> = { seconds: 1, minutes: 60, hours: 3600 };

export interface Duration {
  value: string;
  unit: Unit;
}

/** The seconds a duration stands for, or null when it is not a positive number. */
export function toSeconds({ value, unit }: Duration): number | null {
  const text = value.trim().replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(text) && !/^\.\d+$/.test(text)) return null;
  const n = Number(text);
  if (!(n > 0)) return null;
  return Math.round(n * UNIT_SECONDS[unit] * 1000) / 1000;
}

/** Seconds shown in the largest unit that keeps them whole (300 -> 5 minutes). */
export function fromSeconds(seconds: number): Duration {
  for (const unit of ["hours", "minutes"] as const) {
    const n = seconds / UNIT_SECONDS[unit];
    if (Number.isInteger(n) && n >= 1) return { value: String(n), unit };
  }
  return { value: String(seconds), unit: "seconds" };
}

export interface StepChoice {
  /** The engine's step path (`actions/2/branches/0/actions/1`). */
  path: string;
  /** The step's own label. */
  label: string;
  /** The steps and lanes it sits in, outermost first ("Big deal?", "Else"). */
  trail: string[];
}

function stepName(step: Step): string {
  if (step.name) return step.name;
  const type = String(step.type ?? "step");
  return CONTROL_LABELS[type] ?? sentenceCase(type);
}

function laneSteps(step: Step, listPath: string): Step[] {
  if (listPath.endsWith("/else")) return Array.isArray(step.else) ? step.else : [];
  if (listPath.endsWith("/on_reject")) return Array.isArray(step.on_reject) ? step.on_reject : [];
  const match = /\/branches\/(\d+)\/actions$/.exec(listPath);
  const lane = match ? step.branches?.[Number(match[1])] : undefined;
  return lane && Array.isArray(lane.actions) ? lane.actions : [];
}

/** Every step of a definition with its path (as the engine numbers them), in reading order. */
export function stepChoices(actions: unknown): StepChoice[] {
  const out: StepChoice[] = [];
  const walk = (steps: Step[], listPath: string, trail: string[]) => {
    steps.forEach((step, i) => {
      const path = `${listPath}/${i}`;
      const label = stepName(step);
      out.push({ path, label, trail });
      for (const lane of lanesOf(step, path)) walk(laneSteps(step, lane.listPath), lane.listPath, [...trail, label, lane.label]);
    });
  };
  walk(normaliseSteps(actions), "actions", []);
  return out;
}

/** "Big deal? › Else › Create task". */
export function choiceText(choice: StepChoice): string {
  return [...choice.trail, choice.label].join(" › ");
}

/** What an SLA measures, in words. */
export function measuresText(stepPath: string | null | undefined, choices: StepChoice[]): string {
  if (!stepPath) return say("wholeRun");
  const choice = choices.find((c) => c.path === stepPath);
  return choice ? say("step", { step: choiceText(choice) }) : say("stepGone", { path: stepPath });
}

/** The fields of the SLA form, as the API names them. */
export const SLA_FIELDS = Object.keys(en.slaText.fields) as SlaField[];

/** How a message calls a field ("the warning threshold"). */
const fieldWords = (field: SlaField): string => say(`fields.${field}`);

/**
 * The API's own SLA messages (sla/service.py) in the form's words; null for any other message.
 * A French request gets them in French (the server's catalogue, common/i18n_phrases_records.py).
 */
function knownMessage(msg: string, field: string): string | null {
  if (/(must not be above|ne doit pas dépasser) critical_threshold_seconds/.test(msg)) return say("order");
  if (/workflow \d+ (has no step |n'a pas d'étape )/.test(msg)) return say("noStep");
  if (/(cannot be null|ne peut pas être vide)$/.test(msg) && field) return say("empty", { field: fieldWords(field as SlaField) });
  return null;
}

/**
 * Place each API error beside a field: the field its `loc` names, else (a check across fields,
 * reported on the body) the first field its message names. Returns the messages by field and
 * those that name none (`""`), reworded with the form's words.
 */
export function placeErrors(errors: FieldError[]): Record<string, string> {
  const fields: string[] = SLA_FIELDS;
  const out: Record<string, string> = {};
  for (const { loc, msg } of errors) {
    const last = loc.split(".").pop() ?? "";
    let field = fields.includes(last) ? last : "";
    if (!field) {
      const named = fields
        .filter((f) => f.includes("_")) // a plain word ("name") may be just a word
        .map((f) => ({ f, at: msg.indexOf(f) }))
        .filter(({ at }) => at >= 0)
        .sort((a, b) => a.at - b.at)[0];
      field = named?.f ?? "";
    }
    let text = msg.replace(/^[\w.[\]]+: /, "").replace(/^Value error, /, "");
    text = knownMessage(msg, field) ?? text;
    for (const name of SLA_FIELDS) if (name.includes("_")) text = text.split(name).join(fieldWords(name));
    text = text.charAt(0).toUpperCase() + text.slice(1);
    out[field] = out[field] ? `${out[field]} ${text}` : text;
  }
  return out;
}
