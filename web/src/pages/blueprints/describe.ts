// A blueprint in words: its trigger ("When a deal moves to signed"), its steps as an outline
// (type and name, nested lanes), and the labels of its graph's nodes. `{{ inputs.NAME }}` reads
// as the input's title in brackets, since the value is only known once the form is filled in.
import { conditionText } from "../../editor/summaries";
import { humanize } from "../workflows/labels";
import { inputLabel, type InputsSchema } from "./types";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const PLACEHOLDER = /\{\{\s*inputs\.([A-Za-z0-9_]+)\s*\}\}/g;

// Control steps read better in words than as their type.
const STEP_TYPES: Record<string, string> = {
  branch: "Branch",
  parallel: "Parallel paths",
  delay: "Delay",
  approval: "Approval",
  stop: "Stop",
};

/** A step type in words: `send_email` → "Send email". */
export function stepTypeText(type: string): string {
  return STEP_TYPES[type] ?? humanize(type);
}

/** A value with its `{{ inputs.X }}` placeholders named after the inputs: "[Étape gagnée]". */
export function withInputNames(value: unknown, inputs?: InputsSchema): string {
  const text = Array.isArray(value) ? value.map(String).join(" or ") : value == null ? "" : String(value);
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const spec = inputs?.properties[name];
    return `[${spec ? inputLabel(name, spec) : name}]`;
  });
}

/** What starts a blueprint's workflows, in one sentence. */
export function triggerText(type: string, config: Obj | null | undefined, inputs?: InputsSchema): string {
  const c = config ?? {};
  const say = (v: unknown) => withInputNames(v, inputs);
  switch (type) {
    case "organisation_created":
      return "When an organisation is created";
    case "organisation_updated":
      return "When an organisation is updated";
    case "deal_created":
      return "When a deal is created";
    case "deal_updated":
      return "When a deal is updated";
    case "deal_stage_changed": {
      const from = say(c.from_stage ?? c.from);
      const to = say(c.to_stage ?? c.to);
      return `When a deal moves${from ? ` from ${from}` : ""}${to ? ` to ${to}` : " to another stage"}`;
    }
    case "task_completed":
      return "When a task is completed";
    case "activity_logged":
      return "When an activity is logged";
    case "inactivity_delay": {
      const entity = say(c.entity_type) || "record";
      const days = say(c.days ?? 30);
      return `When ${/^[aeiou]/i.test(entity) ? "an" : "a"} ${entity} has had no activity for ${days} days`;
    }
    case "scheduled":
      return c.cron ? `On a schedule (cron ${say(c.cron)})` : `On a schedule (${say(c.frequency) || "daily"})`;
    case "webhook_received":
      return "When a webhook is received";
    case "manual":
      return "When started by hand";
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
  if (key === "else") return "Otherwise";
  if (key === "on_reject") return "If rejected";
  const name = isObj(lane) && typeof lane.name === "string" && lane.name ? lane.name : `Path ${index + 1}`;
  return isObj(lane) && lane.when !== undefined ? `${name}: if ${conditionsText(lane.when, inputs)}` : name;
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
    const guard = step.when !== undefined ? ` (if ${conditionsText(step.when, inputs)})` : "";
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
