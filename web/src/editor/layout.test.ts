import { describe, expect, it } from "vitest";
import { definitionToGraph, insertStep, moveStep, removeStep } from "./graph";
import {
  arrange, positionsAfterInsert, positionsAfterMove, positionsAfterRemove, prunePositions, reconcilePositions,
  samePositions, toGraphLayout, withPosition, type Positions,
} from "./layout";
import type { Step } from "./types";

const at = (x: number, y: number) => ({ x, y });

const TREE: Step[] = [
  { type: "send_email", name: "Welcome", config: { to: "owner" } },
  {
    type: "branch",
    name: "Split",
    branches: [{ when: { field: "deal.amount", operator: ">", value: 10 }, actions: [{ type: "add_tag", config: { tag: "big" } }] }],
    else: [{ type: "add_tag", config: { tag: "small" } }, { type: "delay", config: { duration: "1 day" } }],
  },
  { type: "create_task", config: { title: "Call" } },
];

// Every node of TREE placed by hand, each at a distinct spot.
const PLACED: Positions = {
  trigger: at(0, -100),
  "actions/0": at(0, 0),
  "actions/1": at(0, 100),
  "actions/1/branches/0/actions/0": at(-200, 200),
  "actions/1/else/0": at(200, 200),
  "actions/1/else/1": at(200, 300),
  "actions/2": at(0, 400),
};

describe("positions after an insert, a removal, a move", () => {
  it("shifts the later steps of the list (and what is nested in them) after an insert", () => {
    const out = positionsAfterInsert(PLACED, "actions", 1);
    expect(out).toEqual({
      trigger: at(0, -100),
      "actions/0": at(0, 0),
      "actions/2": at(0, 100),
      "actions/2/branches/0/actions/0": at(-200, 200),
      "actions/2/else/0": at(200, 200),
      "actions/2/else/1": at(200, 300),
      "actions/3": at(0, 400),
    });
    // The new step has no position: the automatic layout places it.
    expect(out["actions/1"]).toBeUndefined();
  });

  it("leaves other lists alone after an insert in a lane", () => {
    const out = positionsAfterInsert(PLACED, "actions/1/else", 0);
    expect(out["actions/1/else/1"]).toEqual(at(200, 200));
    expect(out["actions/1/else/2"]).toEqual(at(200, 300));
    expect(out["actions/1/else/0"]).toBeUndefined();
    expect(out["actions/1/branches/0/actions/0"]).toEqual(at(-200, 200));
    expect(out["actions/2"]).toEqual(at(0, 400));
  });

  it("drops a removed step with its lanes and shifts the later ones back", () => {
    const out = positionsAfterRemove(PLACED, "actions/1");
    expect(out).toEqual({ trigger: at(0, -100), "actions/0": at(0, 0), "actions/1": at(0, 400) });
  });

  it("swaps the positions of two steps that swapped places", () => {
    const moved = moveStep(TREE, "actions/1", 1);
    const out = positionsAfterMove(PLACED, "actions/1", moved.path);
    expect(out["actions/2"]).toEqual(at(0, 100));
    expect(out["actions/2/else/1"]).toEqual(at(200, 300));
    expect(out["actions/1"]).toEqual(at(0, 400));
    expect(out["actions/1/else/0"]).toBeUndefined();
  });

  it("agrees with the generic reconciliation on the tree operations", () => {
    const inserted = insertStep(TREE, "actions/1/else", 1, { type: "stop" });
    expect(reconcilePositions(TREE, inserted, PLACED)).toEqual(positionsAfterInsert(PLACED, "actions/1/else", 1));
    const removed = removeStep(TREE, "actions/0");
    expect(reconcilePositions(TREE, removed, PLACED)).toEqual(positionsAfterRemove(PLACED, "actions/0"));
  });
});

describe("reconcilePositions", () => {
  it("keeps everything when the tree did not change", () => {
    expect(reconcilePositions(TREE, TREE, PLACED)).toBe(PLACED);
  });

  it("keeps a step's position when it is edited in place", () => {
    const edited = [{ ...TREE[0], config: { to: "manager" } }, ...TREE.slice(1)];
    expect(reconcilePositions(TREE, edited, PLACED)).toEqual(PLACED);
  });

  it("follows steps reordered by hand (in the JSON view)", () => {
    const swapped = [TREE[2], TREE[1], TREE[0]];
    const out = reconcilePositions(TREE, swapped, PLACED);
    expect(out["actions/0"]).toEqual(at(0, 400));
    expect(out["actions/2"]).toEqual(at(0, 0));
    expect(out["actions/1/else/0"]).toEqual(at(200, 200));
  });

  it("never leaves a position on another step: a replaced step's position is dropped", () => {
    const replaced = [{ type: "delay", config: { duration: "2 days" } }, ...TREE.slice(1)];
    const out = reconcilePositions(TREE, replaced, PLACED);
    expect(out["actions/0"]).toBeUndefined();
    expect(out["actions/2"]).toEqual(at(0, 400));
  });

  it("drops the positions of a removed lane and moves the next lane's", () => {
    const twoLanes: Step[] = [{
      type: "parallel",
      branches: [{ actions: [{ type: "add_tag", config: { tag: "a" } }] }, { actions: [{ type: "add_tag", config: { tag: "b" } }] }],
    }];
    const positions = { "actions/0/branches/0/actions/0": at(1, 1), "actions/0/branches/1/actions/0": at(2, 2) };
    const oneLane: Step[] = [{ type: "parallel", branches: [{ actions: [{ type: "add_tag", config: { tag: "b" } }] }] }];
    expect(reconcilePositions(twoLanes, oneLane, positions)).toEqual({ "actions/0/branches/0/actions/0": at(2, 2) });
  });

  it("keeps the trigger's position whatever happens to the steps", () => {
    expect(reconcilePositions(TREE, [], PLACED)).toEqual({ trigger: at(0, -100) });
  });
});

describe("saving positions", () => {
  it("prunes positions of paths the tree does not have", () => {
    const stale = { ...PLACED, "actions/9": at(5, 5), "actions/0/else/0": at(6, 6) };
    expect(prunePositions(stale, TREE)).toEqual(PLACED);
  });

  it("rounds and bounds a dragged position", () => {
    expect(withPosition({}, "actions/0", at(10.6, -2e7))).toEqual({ "actions/0": at(11, -1_000_000) });
  });

  it("saves null when no node was placed by hand", () => {
    expect(toGraphLayout({})).toBeNull();
    expect(toGraphLayout(PLACED)).toEqual({ positions: PLACED });
  });

  it("compares positions by value", () => {
    expect(samePositions({ a: at(1, 2) }, { a: at(1, 2) })).toBe(true);
    expect(samePositions({ a: at(1, 2) }, { a: at(1, 3) })).toBe(false);
    expect(samePositions({ a: at(1, 2) }, { b: at(1, 2) })).toBe(false);
    expect(samePositions({}, { a: at(1, 2) })).toBe(false);
  });
});

describe("arrange", () => {
  const { nodes } = definitionToGraph(TREE);
  const auto = (id: string) => nodes.find((n) => n.id === id)!.position;

  it("puts placed nodes where they were put and leaves the others in the automatic layout", () => {
    const out = arrange(nodes, { "actions/0": at(900, 50), trigger: at(-40, -40) });
    const pos = (id: string) => out.find((n) => n.id === id)!.position;
    expect(pos("actions/0")).toEqual(at(900, 50));
    expect(pos("trigger")).toEqual(at(-40, -40));
    expect(pos("actions/2")).toEqual(auto("actions/2"));
    expect(pos("actions/1/else/0")).toEqual(auto("actions/1/else/0"));
  });

  it("moves a list's end '+' with its last step and a join with its control step", () => {
    const last = auto("actions/2");
    const branch = auto("actions/1");
    const out = arrange(nodes, { "actions/2": at(last.x + 300, last.y + 20), "actions/1": at(branch.x - 50, branch.y) });
    const pos = (id: string) => out.find((n) => n.id === id)!.position;
    expect(pos("actions/+")).toEqual(at(auto("actions/+").x + 300, auto("actions/+").y + 20));
    expect(pos("actions/1/join")).toEqual(at(auto("actions/1/join").x - 50, auto("actions/1/join").y));
    // The lane's end "+" follows its last step, which was not moved.
    expect(pos("actions/1/else/+")).toEqual(auto("actions/1/else/+"));
  });

  it("ignores a position for a node that cannot be placed ('+', join)", () => {
    const out = arrange(nodes, { "actions/+": at(1, 1) } as Positions);
    expect(out.find((n) => n.id === "actions/+")!.position).toEqual(auto("actions/+"));
  });

  it("returns the automatic layout untouched without positions", () => {
    const out = arrange(nodes, {});
    out.forEach((n, i) => expect(n).toBe(nodes[i]));
  });
});
