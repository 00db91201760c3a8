import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FlowCanvas } from "./FlowCanvas";
import { defaultLabel } from "./graph";
import { stubLayout } from "./test-utils";
import type { Step } from "./types";

const STEPS: Step[] = [
  { type: "send_email", name: "Welcome", config: {}, when: { operator: "AND", rules: [{ field: "deal.amount", operator: ">", value: 10 }] } },
  { type: "branch", name: "Split", branches: [{ name: "Big", when: { operator: "AND", rules: [] }, actions: [] }], else: [] },
];

describe("FlowCanvas", () => {
  beforeEach(() => stubLayout());
  afterEach(() => vi.unstubAllGlobals());

  it("selects steps and opens the add menu from buttons with clear names", async () => {
    const user = userEvent.setup();
    const onSelect = vi.fn();
    const onAdd = vi.fn();
    render(
      <div style={{ width: 800, height: 600 }}>
        <FlowCanvas actions={STEPS} selected={null} onSelect={onSelect} onAdd={onAdd} labelOf={defaultLabel}
          typeLabel={(t) => t} triggerLabel="Trigger: Manual" errorCounts={{ "actions/0": 2 }} />
      </div>,
    );
    const step = screen.getByRole("button", { name: 'Edit step "Welcome"', hidden: true });
    expect(step).toHaveAccessibleDescription("if deal.amount > 10 2 problems");
    step.focus();
    await user.keyboard("{Enter}");
    expect(onSelect).toHaveBeenCalledWith("actions/0");
    await user.click(screen.getByRole("button", { name: 'Add step to "Else" of "Split"', hidden: true }));
    expect(onAdd).toHaveBeenCalledWith("actions/1/else", 0, 'Add step to "Else" of "Split"');
    await user.click(screen.getByRole("button", { name: 'Add step after "Split"', hidden: true }));
    expect(onAdd).toHaveBeenLastCalledWith("actions", 2, 'Add step after "Split"');
  });

  // d3-drag follows the mouse on the event's view, which jsdom will not take in the init dict.
  const mouse = (target: EventTarget, type: string, clientX: number, clientY: number) => {
    const event = new MouseEvent(type, { bubbles: true, cancelable: true, clientX, clientY, button: 0 });
    Object.defineProperty(event, "view", { value: window });
    act(() => { target.dispatchEvent(event); });
  };
  const nodeAt = (id: string) => document.querySelector<HTMLElement>(`.react-flow__node[data-id="${id}"]`)!;

  it("shows the trigger's filter and conditions and each step's condition, whole in tooltips", () => {
    render(
      <div style={{ width: 800, height: 600 }}>
        <FlowCanvas actions={STEPS} selected={null} onSelect={vi.fn()} onAdd={vi.fn()} labelOf={defaultLabel}
          typeLabel={(t) => t} triggerLabel="Trigger: Inactivity" errorCounts={{}}
          triggerLines={[{ text: "inactive 30 days", title: "Trigger filter: inactive 30 days" }, { text: "if a > 1 +2 more", title: "Conditions: a > 1 and b and c" }]} />
      </div>,
    );
    expect(screen.getByText("inactive 30 days")).toHaveAttribute("title", "Trigger filter: inactive 30 days");
    expect(screen.getByText("if a > 1 +2 more")).toHaveAttribute("title", "Conditions: a > 1 and b and c");
    expect(screen.getByText("if deal.amount > 10")).toHaveAttribute("title", "Runs only if deal.amount > 10");
    // Read-only without onMoveNode: nothing to drag, no Tidy.
    expect(nodeAt("actions/0")).not.toHaveClass("draggable");
    expect(screen.queryByRole("button", { name: "Tidy layout", hidden: true })).toBeNull();
  });

  it("draws placed nodes where they were put, reports a drag and tidies", async () => {
    const user = userEvent.setup();
    const onMoveNode = vi.fn();
    const onTidy = vi.fn();
    const onSelect = vi.fn();
    const canvas = (positions: Record<string, { x: number; y: number }>) => (
      <div style={{ width: 800, height: 600 }}>
        <FlowCanvas actions={STEPS} selected={null} onSelect={onSelect} onAdd={vi.fn()} labelOf={defaultLabel}
          typeLabel={(t) => t} triggerLabel="Trigger: Manual" errorCounts={{}}
          positions={positions} onMoveNode={onMoveNode} onTidy={onTidy} />
      </div>
    );
    const { rerender } = render(canvas({}));
    const tidy = screen.getByRole("button", { name: "Tidy layout", hidden: true });
    expect(tidy).toBeDisabled();
    const welcome = nodeAt("actions/0");
    expect(welcome).toHaveClass("draggable");
    expect(nodeAt("actions/+")).not.toHaveClass("draggable");
    const start = welcome.style.transform;

    // Drag the step by its button: (120, 40) on screen at zoom 1 once past the drag threshold.
    const button = screen.getByRole("button", { name: 'Edit step "Welcome"', hidden: true });
    mouse(button, "mousedown", 100, 100);
    mouse(window, "mousemove", 102, 100);
    mouse(window, "mousemove", 222, 140);
    expect(nodeAt("actions/0").style.transform).not.toBe(start);
    mouse(window, "mouseup", 222, 140);
    mouse(button, "click", 222, 140); // the browser's click at the end of the drag selects nothing
    expect(onMoveNode).toHaveBeenCalledTimes(1);
    const [id, xy] = onMoveNode.mock.calls[0];
    const [x0, y0] = start.match(/-?[\d.]+/g)!.map(Number);
    expect(id).toBe("actions/0");
    expect(xy).toEqual({ x: x0 + 120, y: y0 + 40 });
    expect(onSelect).not.toHaveBeenCalled();

    rerender(canvas({ "actions/0": { x: 500, y: 300 } }));
    expect(nodeAt("actions/0").style.transform).toBe("translate(500px,300px)");
    await user.click(screen.getByRole("button", { name: "Tidy layout", hidden: true }));
    expect(onTidy).toHaveBeenCalledTimes(1);
    // A click that does not move still selects the step.
    await new Promise((resolve) => setTimeout(resolve, 0)); // d3-drag stops swallowing clicks
    mouse(button, "mousedown", 50, 50);
    mouse(window, "mouseup", 50, 50);
    mouse(button, "click", 50, 50);
    expect(onSelect).toHaveBeenCalledWith("actions/0");
    expect(onMoveNode).toHaveBeenCalledTimes(1);
  });
});
