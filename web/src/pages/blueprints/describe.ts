// A blueprint in words: its trigger ("When a deal moves to signed"), its steps as an outline
// (type and name, nested lanes), and the labels of its graph's nodes. `{{ inputs.NAME }}` reads
// as the input's title in brackets, since the value is only known once the form is filled in.
import { conditionText } from "../../editor/summaries";
import i18n from "../../i18n";
import { humanize } from "../workflows/labels";
import { inputLabel, type InputsSchema } from "./types";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const PLACEHOLDER = /\{\{\s*inputs\.([A-Za-z0-9_]+)\s*\}\}/g;

const t = i18n.getFixedT(null, "blueprints");

// Control steps read better in words than as their type.
const STEP_TYPES = ["branch", "parallel", "delay", "approval", "stop"] as const;
type ControlStep = (typeof STEP_TYPES)[number];
const ENTITIES = ["deal", "organisation", "contact", "record"] as const;
type Entity = (typeof ENTITIES)[number];
const SIMPLE_TRIGGERS = [
  "organisation_created", "organisation_updated", "deal_created", "deal_updated", "task_completed", "activity_logged",
  "webhook_received", "manual",
] as const;
type SimpleTrigger = (typeof SIMPLE_TRIGGERS)[number];
const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

/** A step type in words: `send_email` → "Send email". */
export function stepTypeText(type: string): string {
  return isOneOf<ControlStep>(STEP_TYPES, type) ? t(`describe.stepTypes.${type}`) : humanize(type);
}

/** "a deal", "an organisation"; an unknown entity with its article. */
function entityText(entity: string): string {
  if (isOneOf<Entity>(ENTITIES, entity)) return t(`describe.trigger.entities.${entity}`);
  return /^[aeiou]/i.test(entity) ? t("describe.trigger.anEntityVowel", { entity }) : t("describe.trigger.anEntity", { entity });
}

/** A value with its `{{ inputs.X }}` placeholders named after the inputs: "[Étape gagnée]". */
export function withInputNames(value: unknown, inputs?: InputsSchema): string {
  const text = Array.isArray(value) ? value.map(String).join(t("describe.or")) : value == null ? "" : String(value);
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const spec = inputs?.properties[name];
    return `[${spec ? inputLabel(name, spec) : name}]`;
  });
}

/** What starts a blueprint's workflows, in one sentence. */
export function triggerText(type: string, config: Obj | null | undefined, inputs?: InputsSchema): string {
  const c = config ?? {};
  const say = (v: unknown) => withInputNames(v, inputs);
  if (isOneOf<SimpleTrigger>(SIMPLE_TRIGGERS, type)) return t(`describe.trigger.${type}`);
  switch (type) {
    case "deal_stage_changed": {
      const from = say(c.from_stage ?? c.from);
      const to = say(c.to_stage ?? c.to);
      return t("describe.trigger.dealMoves", {
        from: from ? t("describe.trigger.fromStage", { stage: from }) : "",
        to: to ? t("describe.trigger.toStage", { stage: to }) : t("describe.trigger.toAnotherStage"),
      });
    }
    case "inactivity_delay": {
      const entity = entityText(say(c.entity_type) || "record");
      return t("describe.trigger.inactivity", { entity, days: say(c.days ?? 30) });
    }
    case "scheduled":
      return c.cron
        ? t("describe.trigger.cron", { cron: say(c.cron) })
        : t("describe.trigger.frequency", { frequency: say(c.frequency) || t("describe.trigger.daily") });
    default:
      return humanize(type);
  }
}

/** One line of the steps' outline, with the lanes nested under it. */
export interface StepLine {
  path: string;
  type: string;
  text: string;
  lanes: { title: string; steps: StepLine[] }[];
}

function laneTitle(key: string, index: number, lane: unknown, inputs?: InputsSchema): string {
  if (key === "else") return t("describe.otherwise");
  if (key === "on_reject") return t("describe.ifRejected");
  const name = isObj(lane) && typeof lane.name === "string" && lane.name ? lane.name : t("describe.path", { number: index + 1 });
  return isObj(lane) && lane.when !== undefined ? t("describe.laneIf", { name, conditions: conditionsText(lane.when, inputs) }) : name;
}

/** A condition tree in one line, inputs named: `deal.amount > "[Seuil]"`; "" when none. */
export function conditionsText(conditions: unknown, inputs?: InputsSchema): string {
  // A placeholder shows as JSON text ("{{ inputs.x }}"): its quotes go with it.
  return withInputNames(conditionText(conditions).replace(/"(\{\{\s*inputs\.[A-Za-z0-9_]+\s*\}\})"/g, "$1"), inputs);
}

/** The steps as an outline: "Approval — Manager Approval", branches and rejections nested. */
export function stepOutline(steps: unknown, inputs?: InputsSchema, at = "actions"): StepLine[] {
  if (!Array.isArray(steps)) return [];
  return steps.filter(isObj).map((step, index) => {
    const path = `${at}/${index}`;
    const type = String(step.type ?? "step");
    const name = typeof step.name === "string" && step.name ? step.name : "";
    const lanes: StepLine["lanes"] = [];
    (Array.isArray(step.branches) ? step.branches : []).forEach((lane, i) => {
      const inner = isObj(lane) ? lane.actions : lane;
      lanes.push({ title: laneTitle("branches", i, lane, inputs), steps: stepOutline(inner, inputs, `${path}/branches/${i}/actions`) });
    });
    for (const key of ["else", "on_reject"]) {
      if (Array.isArray(step[key])) lanes.push({ title: laneTitle(key, 0, null), steps: stepOutline(step[key], inputs, `${path}/${key}`) });
    }
    const typeText = stepTypeText(type);
    const guard = step.when !== undefined ? t("describe.guard", { conditions: conditionsText(step.when, inputs) }) : "";
    const text = name && name !== typeText ? `${typeText} — ${withInputNames(name, inputs)}` : typeText;
    return { path, type, text: text + guard, lanes };
  });
}

/** How many steps there are, nested ones included. */
export function countSteps(lines: StepLine[]): number {
  return lines.reduce((n, line) => n + 1 + line.lanes.reduce((m, lane) => m + countSteps(lane.steps), 0), 0);
}

/** The step at a graph node's path (`actions/2/on_reject/0`) in the blueprint's steps. */
export function stepAt(steps: unknown, path: string): Obj | null {
  let here: unknown = { actions: steps };
  for (const part of path.split("/")) {
    if (Array.isArray(here) && /^\d+$/.test(part)) here = here[Number(part)];
    else if (isObj(here)) here = here[part];
    else return null;
  }
  return isObj(here) ? here : null;
}
