import { describe, expect, it } from "vitest";
import { EDITOR_SCHEMA } from "../fixtures";
import type { EditorSchema } from "../types";
import { simulation } from "./fixtures";
import { stepMarks, stepOfPath, triggerExplanation } from "./highlight";
import {
  applyExample, buildInputs, EMPTY_INPUTS, inputFields, parseValue, subjectOf, triggerEntity,
} from "./testInputs";

const DEAL_SCHEMA = {
  ...EDITOR_SCHEMA,
  triggers: [...EDITOR_SCHEMA.triggers, { type: "deal_stage_changed", label: "Deal stage changed", description: "", entity_type: "deal", config_fields: [] }],
  entities: {
    ...EDITOR_SCHEMA.entities,
    deal: [
      { path: "deal.title", label: "Title", type: "string", options: null },
      { path: "deal.amount", label: "Amount", type: "number", options: null },
      { path: "deal.stage", label: "Stage", type: "string", options: null },
      { path: "deal.tags", label: "Tags", type: "list", options: null },
      { path: "deal.id", label: "Id", type: "number", options: null },
      { path: "deal.owner.email", label: "Owner email", type: "string", options: null },
    ],
  },
} as unknown as EditorSchema;

describe("test inputs", () => {
  it("finds the trigger's record type", () => {
    const def = (trigger_type: string, trigger_config = {}) => ({ trigger_type, trigger_config });
    expect(triggerEntity(def("deal_stage_changed"), DEAL_SCHEMA)).toBe("deal");
    expect(triggerEntity(def("organisation_created"), DEAL_SCHEMA)).toBe("organisation");
    expect(triggerEntity(def("task_completed"), undefined)).toBe("task");
    expect(triggerEntity(def("activity_logged"), undefined)).toBe("activity");
    expect(triggerEntity(def("inactivity_delay", { entity_type: "deal" }), DEAL_SCHEMA)).toBe("deal");
    expect(triggerEntity(def("manual"), DEAL_SCHEMA)).toBeNull();
  });

  it("builds flat input_data, changes and payload from what was typed", () => {
    const fields = inputFields(DEAL_SCHEMA, "deal");
    // The record's own fields, flat, without ids and related records.
    expect(fields.map((f) => f.key)).toEqual(["title", "amount", "stage", "tags"]);
    const built = buildInputs({
      ...EMPTY_INPUTS,
      values: { amount: "75000", title: "", tags: "vip, big" },
      extras: [{ key: "organisation.name", value: "Acme" }, { key: "", value: "x" }],
      changes: [{ field: "stage", from: "qualification", to: "negotiation" }, { field: "amount", from: "10", to: "75000" }],
      payload: '{"source": "import"}',
    }, fields, "deal");
    expect(built.problems).toEqual([]);
    expect(built.inputs).toEqual({
      input_data: { amount: 75000, tags: ["vip", "big"], "organisation.name": "Acme" },
      trigger: { changes: { stage: ["qualification", "negotiation"], amount: [10, 75000] }, payload: { source: "import" } },
    });
  });

  it("reports a record not picked and a payload that is not an object", () => {
    const built = buildInputs({ ...EMPTY_INPUTS, source: "record", payload: "[1]" }, [], "deal");
    expect(built.problems).toEqual(["Pick the deal to test with.", "The trigger payload must be a JSON object."]);
    const picked = buildInputs({ ...EMPTY_INPUTS, source: "record", record: { id: 9, label: "Big deal" } }, [], "deal");
    expect(picked.inputs).toEqual({ input_data: {}, entity_type: "deal", entity_id: 9 });
  });

  it("loads an example into the form", () => {
    const fields = inputFields(DEAL_SCHEMA, "deal");
    const state = applyExample(EMPTY_INPUTS, {
      input_data: { amount: 1000, tags: ["a", "b"], "organisation.name": "Acme" },
      trigger: { changes: { stage: ["lead", "won"] } },
    }, fields);
    expect(state.values).toEqual({ amount: "1000", tags: "a, b" });
    expect(state.extras).toEqual([{ key: "organisation.name", value: "Acme" }]);
    expect(state.changes).toEqual([{ field: "stage", from: "lead", to: "won" }]);
    // An example's `[null, "won"]` goes back as it came.
    const created = applyExample(EMPTY_INPUTS, { input_data: {}, trigger: { changes: { stage: [null, "won"] }, payload: {} } }, fields);
    expect(created.payload).toBe("");
    expect(buildInputs(created, fields, "deal").inputs.trigger).toEqual({ changes: { stage: [null, "won"] } });
    expect(parseValue("12", "number")).toBe(12);
    expect(parseValue("true", "boolean")).toBe(true);
    expect(parseValue('{"a": 1}', "json")).toEqual({ a: 1 });
  });

  it("sends the saved workflow by id alone when unchanged, with the draft when edited", () => {
    const def = { name: "W", description: "d", trigger_type: "manual", trigger_config: {}, conditions: null, actions: [], run_policy: {}, status: "draft" };
    expect(subjectOf(def, 7, false)).toEqual({ workflow_id: 7 });
    expect(subjectOf(def, 7, true)).toEqual({
      workflow_id: 7,
      definition: { name: "W", trigger_type: "manual", trigger_config: {}, conditions: null, actions: [] },
    });
    expect(subjectOf(def, null, false)).toHaveProperty("definition");
  });
});

describe("simulation marks", () => {
  const actions = [
    { type: "send_email" },
    { type: "branch", branches: [{ actions: [{ type: "add_tag" }] }], else: [{ type: "stop" }] },
  ];

  it("marks the steps on the path, skipped, failed and not reached", () => {
    const sim = simulation({
      execution_path: [
        { path: "actions/0", type: "send_email", depth: 0, status: "failed" },
        { path: "actions/1", type: "branch", depth: 0, status: "success" },
        { path: "actions/1/branches/0/actions/0", type: "add_tag", depth: 1, status: "skipped" },
      ],
    });
    expect(stepMarks(sim, actions)).toEqual({
      "actions/0": "failed", "actions/1": "success", "actions/1/branches/0/actions/0": "skipped", "actions/1/else/0": "unreached",
    });
    expect(stepMarks(simulation({ status: "invalid" }), actions)).toBeNull();
    expect(stepOfPath("actions[1].else[0].config.status")).toBe("actions/1/else/0");
    expect(stepOfPath("trigger_config.to")).toBeNull();
  });

  it("explains why a run would not start", () => {
    const sim = simulation({
      would_trigger: false,
      branch_explorations: [
        { path: "trigger", kind: "trigger", reached: true, taken: "true", explanation: "stage changed to won", alternatives: [] },
        { path: "conditions", kind: "conditions", reached: true, taken: "false", explanation: "deal.amount 100 is not > 50000", alternatives: [] },
      ],
    });
    expect(triggerExplanation(sim)).toBe("deal.amount 100 is not > 50000");
    expect(triggerExplanation(simulation({ would_trigger: false }))).toBe("the trigger filter or the conditions do not hold");
    // The decisions the API keeps in trigger_data come first.
    const kept = simulation({
      would_trigger: false,
      trigger_data: {
        changes: {}, payload: {},
        decision: { result: true, explanation: "created" },
        conditions: { result: false, explanation: "organisation.potential_amount 10 is not > 50000" },
      },
    });
    expect(triggerExplanation(kept)).toBe("organisation.potential_amount 10 is not > 50000");
    expect(triggerExplanation({ ...kept, would_trigger: true, trigger_data: { decision: { result: true, explanation: "created" } } })).toBe("created");
  });
});
