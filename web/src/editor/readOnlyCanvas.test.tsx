import { render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FlowCanvas } from "./FlowCanvas";
import { defaultLabel, definitionToGraph, withoutAddButtons } from "./graph";
import { stubLayout } from "./test-utils";
import type { Step } from "./types";

const STEPS: Step[] = [
  { type: "approval", name: "Manager approval", config: { approvers: ["manager"] }, when: { field: "deal.discount_percent", operator: ">=", value: 10 } },
  { type: "branch", name: "Split", branches: [{ name: "Big", when: { field: "deal.amount", operator: ">", value: 5 }, actions: [] }], else: [] },
  { type: "add_tag", name: "Tag", config: { tag: "x" } },
];

describe("withoutAddButtons", () => {
  it("cuts the '+' nodes out and keeps the flow through them", () => {
    const graph = withoutAddButtons(definitionToGraph(STEPS));
    expect(graph.nodes.map((n) => n.id)).not.toContain("actions/+");
    expect(graph.nodes.some((n) => n.data.kind === "add")).toBe(false);
    expect(graph.edges.some((e) => e.type === "insert")).toBe(false);
    const ids = graph.edges.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Both empty lanes of the branch lead to its join, with their headers.
    const intoJoin = graph.edges.filter((e) => e.target === "actions/1/join");
    expect(intoJoin.map((e) => [e.source, e.type, (e.data as { lane?: string }).lane])).toEqual([
      ["actions/1", "lane", "Big"],
      ["actions/1", "lane", "Else"],
    ]);
    expect(graph.edges.find((e) => e.source === "actions/1/join")?.target).toBe("actions/2");
    expect(graph.edges.find((e) => e.source === "trigger")?.target).toBe("actions/0");
  });
});

describe("FlowCanvas read-only", () => {
  beforeEach(() => stubLayout());
  afterEach(() => vi.unstubAllGlobals());

  it("shows steps without '+' buttons and marks the highlighted ones", () => {
    render(
      <div style={{ width: 800, height: 600 }}>
        <FlowCanvas actions={STEPS} selected={null} onSelect={() => {}} labelOf={defaultLabel} typeLabel={(t) => t}
          triggerLabel="Trigger: Deal updated" errorCounts={{}} readOnly highlights={{ "actions/0": "changed" }} />
      </div>,
    );
    expect(screen.queryAllByRole("button", { name: /^Add step/, hidden: true })).toHaveLength(0);
    expect(screen.queryAllByRole("button", { name: /^Edit step/, hidden: true })).toHaveLength(0);
    const step = screen.getByRole("button", { name: 'Step "Manager approval"', hidden: true });
    expect(step).toHaveAccessibleDescription("changed if deal.discount_percent >= 10");
    expect(step.closest(".flow-step")).toHaveClass("flow-step-highlight", "flow-step-changed");
    expect(screen.getByRole("button", { name: 'Step "Tag"', hidden: true }).closest(".flow-step")).not.toHaveClass("flow-step-highlight");
  });
});
