import { describe, expect, it } from "vitest";
import {
  allStepPaths, definitionToGraph, getStep, graphToDefinition, insertStep, locToStep, moveStep,
  normaliseSteps, removeStep, updateConfig, type InsertEdgeData, type LaneEdgeData, type StepNodeData,
} from "./graph";
import type { Step } from "./types";

const RICH: Step[] = [
  { type: "send_email", name: "Welcome", config: { to: "owner", subject: "Hi {{ organisation.name }}" } },
  {
    type: "branch",
    name: "Big or small",
    branches: [
      {
        name: "Institutional",
        when: { operator: "AND", rules: [{ field: "organisation.category", operator: "==", value: "institutional" }] },
        actions: [
          { type: "add_tag", config: { tag: "vip" } },
          {
            type: "parallel",
            branches: [
              { name: "Notify", actions: [{ type: "send_notification", config: { message: "x" } }] },
              { actions: [] },
            ],
          },
        ],
      },
      { when: { operator: "OR", rules: [{ field: "organisation.potential_amount", operator: ">", value: 1000 }] } },
    ],
    else: [{ type: "create_task", config: { title: "Qualify", due_date: "+3 days" }, on_error: "stop" }],
  },
  {
    type: "approval",
    name: "Director approval",
    when: { operator: "AND", rules: [{ field: "deal.amount", operator: ">", value: 10000 }] },
    config: { approvers: ["title:director"], mode: "any", timeout: "2 days", on_timeout: "escalate" },
    on_reject: [
      { type: "send_email", config: { to: "owner", subject: "Rejected" } },
      { type: "stop", config: { status: "failed", reason: "rejected" } },
    ],
  },
  { type: "delay", config: { duration: "3 days" }, retry: { max_attempts: 2 } },
  { type: "send_notification", id: "final", config: { user: "owner", level: "warning", message: "done" } },
];

describe("definition ⇄ graph", () => {
  it("round-trips a rich definition identically", () => {
    const { nodes } = definitionToGraph(RICH);
    expect(graphToDefinition(nodes)).toEqual(RICH);
    expect(JSON.stringify(graphToDefinition(nodes))).toBe(JSON.stringify(RICH));
  });

  it("uses the engine's step paths as node ids", () => {
    const { nodes } = definitionToGraph(RICH);
    const ids = nodes.filter((n) => n.type === "step").map((n) => n.id).sort();
    expect(ids).toEqual(
      [
        "actions/0", "actions/1", "actions/1/branches/0/actions/0", "actions/1/branches/0/actions/1",
        "actions/1/branches/0/actions/1/branches/0/actions/0", "actions/1/else/0", "actions/2",
        "actions/2/on_reject/0", "actions/2/on_reject/1", "actions/3", "actions/4",
      ].sort(),
    );
    expect(allStepPaths(RICH).sort()).toEqual(ids);
  });

  it("keeps every node id and edge id unique and every edge's ends present", () => {
    const { nodes, edges } = definitionToGraph(RICH);
    const ids = new Set(nodes.map((n) => n.id));
    expect(ids.size).toBe(nodes.length);
    expect(new Set(edges.map((e) => e.id)).size).toBe(edges.length);
    for (const e of edges) {
      expect(ids.has(e.source)).toBe(true);
      expect(ids.has(e.target)).toBe(true);
    }
  });

  it("lays lanes out side by side, below their step", () => {
    const { nodes } = definitionToGraph(RICH);
    const at = (id: string) => nodes.find((n) => n.id === id)!.position;
    expect(at("actions/1/branches/0/actions/0").y).toBeGreaterThan(at("actions/1").y);
    expect(at("actions/1/else/0").x).toBeGreaterThan(at("actions/1/branches/0/actions/0").x);
    expect(at("actions/1/else/0").y).toBe(at("actions/1/branches/0/actions/0").y);
    // The step after a branch comes below its tallest lane.
    expect(at("actions/2").y).toBeGreaterThan(at("actions/1/branches/0/actions/1/branches/0/actions/0").y);
    expect(at("actions/2/on_reject/0").x).toBeGreaterThan(at("actions/2").x);
  });

  it("offers add buttons with clear names on edges and at the end of each lane", () => {
    const { nodes, edges } = definitionToGraph(RICH);
    const addLabels = nodes.filter((n) => n.type === "add").map((n) => n.data.label);
    expect(addLabels).toContain('Add step after "Send notification"');
    expect(addLabels).toContain('Add step to "If organisation.potential_amount > 10…" of "Big or small"');
    expect(addLabels).toContain('Add step to "Path 2" of "Parallel"');
    expect(addLabels).toContain('Add step after "Stop"');
    const insert = edges.filter((e) => e.type === "insert").map((e) => e.data as InsertEdgeData);
    expect(insert).toContainEqual({ listPath: "actions", index: 1, label: 'Add step after "Welcome"', lane: undefined });
    expect(insert.find((d) => d.listPath === "actions/1/else")).toMatchObject({ index: 0, lane: "Else" });
    expect(insert.find((d) => d.listPath === "actions" && d.index === 3)).toMatchObject({ lane: "Approved" });
  });

  it("shows conditions: a step's when, lane headers with the branch's name and condition", () => {
    const { nodes, edges } = definitionToGraph(RICH);
    const data = (id: string) => nodes.find((n) => n.id === id)!.data as StepNodeData;
    expect(data("actions/2").when).toBe("deal.amount > 10000");
    expect(data("actions/0").when).toBe("");
    const lanes = edges.filter((e) => e.type === "insert").map((e) => e.data as InsertEdgeData).filter((d) => d.lane);
    expect(lanes.find((d) => d.listPath === "actions/1/branches/0/actions")).toMatchObject({
      lane: "Institutional", laneTitle: 'Institutional: If organisation.category == "institutional"',
    });
    // An empty lane's header is on the edge into its "+".
    const empty = edges.find((e) => e.target === "actions/1/branches/1/actions/+")!;
    expect(empty.type).toBe("lane");
    expect(empty.data as LaneEdgeData).toEqual({
      lane: "If organisation.potential_amount > 10…", laneTitle: "If organisation.potential_amount > 1000",
    });
  });

  it("makes room under the trigger for its lines, and only steps and the trigger can be dragged", () => {
    const lines = [{ text: "inactive 30 days", title: "Trigger filter: inactive 30 days" }];
    const plain = definitionToGraph(RICH).nodes;
    const withLines = definitionToGraph(RICH, { triggerLines: lines }).nodes;
    const trigger = withLines.find((n) => n.id === "trigger")!;
    expect(trigger.data.lines).toEqual(lines);
    expect(trigger.height).toBe(plain.find((n) => n.id === "trigger")!.height! + 18);
    expect(withLines.find((n) => n.id === "actions/0")!.position.y).toBe(plain.find((n) => n.id === "actions/0")!.position.y + 18);
    const fixed = withLines.filter((n) => n.draggable === false).map((n) => n.data.kind);
    expect(new Set(fixed)).toEqual(new Set(["add", "join"]));
  });

  it("draws an empty definition as the trigger and one add button", () => {
    const { nodes } = definitionToGraph([]);
    expect(nodes.map((n) => n.id)).toEqual(["trigger", "actions/+"]);
    expect(nodes[1].data.label).toBe("Add first step");
    expect(graphToDefinition(nodes)).toEqual([]);
  });
});

describe("tree operations", () => {
  it("inserts at a path, creating a missing lane", () => {
    const step: Step = { type: "add_tag", config: { tag: "x" } };
    const out = insertStep(RICH, "actions/1/branches/1/actions", 0, step);
    expect(getStep(out, "actions/1/branches/1/actions/0")).toEqual(step);
    expect(RICH[1].branches![1].actions).toBeUndefined(); // not mutated
    const top = insertStep(RICH, "actions", 1, step);
    expect(top.map((s) => s.type)).toEqual(["send_email", "add_tag", "branch", "approval", "delay", "send_notification"]);
    const end = insertStep(RICH, "actions/2/on_reject", 99, step);
    expect(end[2].on_reject!.map((s) => s.type)).toEqual(["send_email", "stop", "add_tag"]);
  });

  it("removes a step with what is nested in it", () => {
    const out = removeStep(RICH, "actions/1");
    expect(out.map((s) => s.type)).toEqual(["send_email", "approval", "delay", "send_notification"]);
    const nested = removeStep(RICH, "actions/1/branches/0/actions/0");
    expect(nested[1].branches![0].actions!.map((s) => s.type)).toEqual(["parallel"]);
    expect(RICH[1].branches![0].actions!.length).toBe(2);
  });

  it("moves a step up and down within its list", () => {
    const down = moveStep(RICH, "actions/0", 1);
    expect(down.path).toBe("actions/1");
    expect(down.actions.map((s) => s.type)).toEqual(["branch", "send_email", "approval", "delay", "send_notification"]);
    const up = moveStep(RICH, "actions/2/on_reject/1", -1);
    expect(up.actions[2].on_reject!.map((s) => s.type)).toEqual(["stop", "send_email"]);
    const none = moveStep(RICH, "actions/0", -1);
    expect(none.actions).toBe(RICH);
    expect(none.path).toBe("actions/0");
  });

  it("updates a step's config", () => {
    const out = updateConfig(RICH, "actions/1/else/0", { title: "New" });
    expect(out[1].else![0]).toEqual({ type: "create_task", config: { title: "New" }, on_error: "stop" });
    expect(out[0]).toBe(RICH[0]); // untouched branches are shared
  });

  it("maps API error locations to step paths", () => {
    expect(locToStep("actions[2].config.due_date")).toEqual({ stepPath: "actions/2", rest: "config.due_date" });
    expect(locToStep("actions[1].branches[0].actions[1].branches[0].actions[0].config.to")).toEqual({
      stepPath: "actions/1/branches/0/actions/1/branches/0/actions/0", rest: "config.to",
    });
    expect(locToStep("actions[1].branches[0].when.rules[0].value")).toEqual({
      stepPath: "actions/1", rest: "branches[0].when.rules[0].value",
    });
    expect(locToStep("actions[2].on_reject[1]")).toEqual({ stepPath: "actions/2/on_reject/1", rest: "" });
    expect(locToStep("conditions.rules[0]")).toBeNull();
  });

  it("normalises bare-list parallel paths", () => {
    const out = normaliseSteps([{ type: "parallel", branches: [[{ type: "add_tag" }], []] }]);
    expect(out[0].branches).toEqual([{ actions: [{ type: "add_tag" }] }, { actions: [] }]);
  });
});
