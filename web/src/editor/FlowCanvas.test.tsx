import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FlowCanvas } from "./FlowCanvas";
import { defaultLabel } from "./graph";
import { stubLayout } from "./test-utils";
import type { Step } from "./types";

const STEPS: Step[] = [
  { type: "send_email", name: "Welcome", config: {} },
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
    expect(step).toHaveAccessibleDescription("2 problems");
    step.focus();
    await user.keyboard("{Enter}");
    expect(onSelect).toHaveBeenCalledWith("actions/0");
    await user.click(screen.getByRole("button", { name: 'Add step to "Else" of "Split"', hidden: true }));
    expect(onAdd).toHaveBeenCalledWith("actions/1/else", 0, 'Add step to "Else" of "Split"');
    await user.click(screen.getByRole("button", { name: 'Add step after "Split"', hidden: true }));
    expect(onAdd).toHaveBeenLastCalledWith("actions", 2, 'Add step after "Split"');
  });
});
