import { describe, expect, it } from "vitest";
import { changedSteps, diffDefinitions, walkSteps } from "./definitionDiff";
import { autoApproval, discountWorkflow, MANAGER_APPROVAL, TAG_APPROVED } from "./fixtures";
import { proposePatch } from "./proposal";
import type { PatchChange } from "./types";

describe("proposePatch", () => {
  it("shows an auto-approval as a `when` added to the approval step", () => {
    const proposal = proposePatch(discountWorkflow, autoApproval.change as unknown as PatchChange);
    if (!proposal.ok) throw new Error(proposal.reason);
    expect((proposal.after.actions as unknown[])[0]).toEqual({
      ...MANAGER_APPROVAL, when: { field: "deal.discount_percent", operator: ">=", value: 10 },
    });
    expect(proposal.diff).toEqual({
      fields: [], added: [], removed: [], moved: [],
      changed: [{
        path: "actions/0", step: "Manager approval",
        changes: [{ field: "when", old: null, new: { field: "deal.discount_percent", operator: ">=", value: 10 } }],
      }],
      identical: false,
    });
    expect(proposal.highlights).toEqual({ "actions/0": "changed" });
    // The workflow it was given is untouched.
    expect(discountWorkflow.actions[0]).not.toHaveProperty("when");
  });

  it("says why a change no longer applies to a workflow that moved on", () => {
    const moved = { ...discountWorkflow, actions: [{ ...MANAGER_APPROVAL, name: "Team lead approval" }, TAG_APPROVED] };
    const proposal = proposePatch(moved, autoApproval.change as unknown as PatchChange);
    expect(proposal).toEqual({ ok: false, reason: "patch[0] (test /actions/0): /actions/0 is no longer what was expected" });
  });
});

describe("diffDefinitions", () => {
  const director = { type: "approval", name: "Director sign-off", config: { approvers: ["title:director"] } };
  const finance = { type: "approval", name: "Finance sign-off", config: { approvers: ["manager"] } };

  it("matches steps by name: a parallel step added, the approvals moved into it", () => {
    const before = { name: "Big deal", actions: [director, finance] };
    const after = { name: "Big deal", actions: [{ type: "parallel", name: "Both", branches: [[director], { actions: [finance] }] }] };
    const diff = diffDefinitions(before, after);
    expect(diff.added).toEqual([{ path: "actions/0", step: "Both" }]);
    expect(diff.removed).toEqual([]);
    expect(diff.moved).toEqual([
      { step: "Director sign-off", from: "actions/0", to: "actions/0/branches/0/actions/0" },
      { step: "Finance sign-off", from: "actions/1", to: "actions/0/branches/1/actions/0" },
    ]);
    expect(diff.changed).toEqual([]);
    expect(changedSteps(diff)).toEqual({
      "actions/0": "added", "actions/0/branches/0/actions/0": "moved", "actions/0/branches/1/actions/0": "moved",
    });
  });

  it("reports the workflow's own fields and nested config leaves, and nothing for equal definitions", () => {
    const before = { name: "A", trigger_type: "deal_created", actions: [{ type: "approval", name: "Legal", config: { approvers: ["manager"] } }] };
    const after = {
      name: "A (suggested)", trigger_type: "deal_created",
      actions: [{ type: "approval", name: "Legal", config: { approvers: ["manager"], timeout: "3 days", on_timeout: "escalate" } }],
    };
    const diff = diffDefinitions(before, after);
    expect(diff.fields).toEqual([{ field: "name", old: "A", new: "A (suggested)" }]);
    expect(diff.changed[0].changes).toEqual([
      { field: "config.timeout", old: null, new: "3 days" },
      { field: "config.on_timeout", old: null, new: "escalate" },
    ]);
    expect(diffDefinitions(before, structuredClone(before)).identical).toBe(true);
  });

  it("matches unnamed or same-named steps by position", () => {
    const tag = { type: "add_tag", config: { tag: "x" } };
    const diff = diffDefinitions({ actions: [tag, tag] }, { actions: [tag] });
    expect(diff.removed).toEqual([{ path: "actions/1", step: "add_tag" }]);
    expect(walkSteps([{ type: "branch", branches: [{ actions: [tag] }], else: [tag] }]).map(([p]) => p)).toEqual([
      "actions/0", "actions/0/branches/0/actions/0", "actions/0/else/0",
    ]);
  });
});
