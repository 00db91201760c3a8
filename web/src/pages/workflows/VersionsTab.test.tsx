import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useLocation } from "react-router-dom";
import WorkflowDetailPage from "../WorkflowDetailPage";
import { ADMIN, json, mockFetch, renderPage, type Call } from "../execution/test-utils";
import { workflow } from "./fixtures";
import { compactValue, stepPosition } from "./versionDiffText";

function Probe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}
const ui = (
  <>
    <WorkflowDetailPage />
    <Probe />
  </>
);
const at = (search: string) => ({ route: `/workflows/1${search}`, path: "/workflows/:workflowId" });

function version(n: number, over: Record<string, unknown> = {}) {
  return {
    id: 10 + n, workflow_id: 1, version: n, definition: { name: "Lead triage", actions: [] }, created_by: 1,
    author: "Ada Admin", created_at: `2026-12-0${n}T00:00:00Z`, change_note: `note ${n}`, ...over,
  };
}
const V1 = version(1, { author: null, created_by: 5, change_note: "created" });
const V2 = version(2, { change_note: "call earlier" });

const DIFF_2_1 = {
  workflow_id: 1, from_version: 1, to_version: 2, identical: false,
  fields: [
    { field: "trigger_type", old: "deal_created", new: "deal_stage_changed" },
    { field: "conditions", old: null, new: { "deal.amount": { $gt: 1000 } } },
  ],
  added: [{ path: "actions[2]", step: "Notify" }],
  removed: [{ path: "actions[1].else[0]", step: "Tag" }],
  moved: [{ step: "Call", from: "actions[2]", to: "actions[1].branches[0].actions[0]" }],
  changed: [
    {
      path: "actions[1].branches[0].actions[0]", step: "Call",
      changes: [
        { field: "config.title", old: "Call them", new: "Call them today" },
        { field: "config.priority", old: null, new: "high" },
      ],
    },
  ],
};

/** The API of a workflow at version 2, which becomes 3 once version 1 is restored. */
function api(extra?: (call: Call) => Response | undefined, user: unknown = ADMIN) {
  let restored = false;
  const mock = mockFetch((call) => {
    const hit = extra?.(call);
    if (hit) return hit;
    const { method, path, search } = call;
    if (path === "/api/v1/workflows/1") return json(workflow({ version: restored ? 3 : 2 }));
    if (path === "/api/v1/workflows/1/versions") {
      const restoredV3 = version(3, { change_note: "restored version 1" });
      return json(restored ? [restoredV3, V2, V1] : [V2, V1]);
    }
    if (path === "/api/v1/workflows/1/versions/2/diff" && search.get("against") === "1") return json(DIFF_2_1);
    if (path.match(/\/versions\/\d+\/diff$/)) {
      const to = Number(path.split("/").at(-2));
      return json({ ...DIFF_2_1, to_version: to, from_version: Number(search.get("against")), identical: true, fields: [], added: [], removed: [], moved: [], changed: [] });
    }
    if (method === "POST" && path === "/api/v1/workflows/1/versions/1/restore") {
      restored = true;
      return json(workflow({ version: 3 }));
    }
    return undefined;
  }, user);
  return mock;
}

afterEach(() => vi.unstubAllGlobals());

describe("versionDiffText", () => {
  it("says where a step is as people count", () => {
    expect(stepPosition("actions[2]")).toBe("step 3");
    expect(stepPosition("actions[1].branches[0].actions[0]")).toBe("step 1 in branch 1 of step 2");
    expect(stepPosition("actions/1/else/0")).toBe("step 1 in the else path of step 2");
    expect(stepPosition("actions[0].on_reject[1]")).toBe("step 2 in the on-reject path of step 1");
    expect(stepPosition("somewhere else")).toBe("somewhere else");
  });

  it("writes values on one short line", () => {
    expect(compactValue(null)).toBe("(none)");
    expect(compactValue("hi")).toBe("“hi”");
    expect(compactValue({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(compactValue("x".repeat(200))).toHaveLength(80);
  });
});

describe("VersionsTab", () => {
  it("lists the versions with author, date, note and the current one marked", async () => {
    api();
    renderPage(ui, at("?tab=versions"));
    const list = await screen.findByRole("list", { name: "Versions" });
    const [second, first] = within(list).getAllByRole("button");
    expect(second).toHaveTextContent("Version 2");
    expect(second).toHaveTextContent("current");
    expect(second).toHaveTextContent("by Ada Admin");
    expect(second).toHaveTextContent("call earlier");
    expect(second).toHaveAttribute("aria-current", "true");
    expect(first).toHaveTextContent("by a deleted user");
    expect(first).not.toHaveTextContent("current");
  });

  it("shows the chosen version's changes in words", async () => {
    api();
    renderPage(ui, at("?tab=versions&version=2"));
    const diff = await screen.findByRole("region", { name: "Changes from version 1 to 2" });
    const fields = within(diff).getByRole("region", { name: "Workflow settings changed" });
    expect(fields).toHaveTextContent("Trigger: Deal created → Deal stage changed");
    // Conditions in words (the shorthand spelled out), the JSON in the tooltip.
    expect(fields).toHaveTextContent("Conditions: (none) → Amount (Deal) is greater than €1,000");
    const added = within(diff).getByRole("region", { name: "Steps added" });
    expect(added).toHaveTextContent("Notify at step 3");
    expect(added.querySelector("li")).toHaveClass("wf-vdiff-added");
    const removed = within(diff).getByRole("region", { name: "Steps removed" });
    expect(removed).toHaveTextContent("Tag was step 1 in the else path of step 2");
    expect(removed.querySelector("li")).toHaveClass("wf-vdiff-removed");
    expect(within(diff).getByRole("region", { name: "Steps moved" })).toHaveTextContent(
      "Call: step 3 → step 1 in branch 1 of step 2",
    );
    const changed = within(diff).getByRole("region", { name: "Steps changed" });
    expect(changed).toHaveTextContent("Call (step 1 in branch 1 of step 2)");
    expect(changed).toHaveTextContent("config.title: “Call them” → “Call them today”");
    expect(changed).toHaveTextContent("config.priority: (none) → “high”");
  });

  it("compares with another chosen version and says when nothing changed", async () => {
    const { calls } = api();
    const user = userEvent.setup();
    renderPage(ui, at("?tab=versions&version=1"));
    expect(await screen.findByText(/This is the first version/)).toBeInTheDocument();
    expect(calls.some((c) => c.path.endsWith("/diff"))).toBe(false);
    await user.selectOptions(screen.getByLabelText("Compare with"), "2");
    const diff = await screen.findByRole("region", { name: "Changes from version 2 to 1" });
    expect(diff).toHaveTextContent("No changes: same definition as version 2.");
    expect(calls.find((c) => c.path === "/api/v1/workflows/1/versions/1/diff")!.search.get("against")).toBe("2");
  });

  it("restores an old version after confirmation and selects the new version", async () => {
    const { calls } = api();
    const user = userEvent.setup();
    renderPage(ui, at("?tab=versions&version=1"));
    const restore = await screen.findByRole("button", { name: "Restore this version" });

    await user.click(restore);
    const dialog = screen.getByRole("dialog", { name: "Restore version 1?" });
    expect(dialog).toHaveTextContent("saved as a new version (version 3)");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(calls.some((c) => c.method === "POST")).toBe(false);

    await user.click(screen.getByRole("button", { name: "Restore this version" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Restore" }));
    expect(await screen.findByText("Restored version 1 as version 3.")).toBeInTheDocument();
    expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual(["/api/v1/workflows/1/versions/1/restore"]);
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("version=3"));
    const list = screen.getByRole("list", { name: "Versions" });
    const newest = within(list).getAllByRole("button")[0];
    expect(newest).toHaveTextContent("Version 3");
    expect(newest).toHaveTextContent("current");
    expect(newest).toHaveTextContent("restored version 1");
    expect(newest).toHaveAttribute("aria-current", "true");
    // The header follows: the workflow was fetched again.
    expect(screen.getByText(/· version 3 ·/)).toBeInTheDocument();
    // The current version cannot be restored.
    expect(screen.queryByRole("button", { name: "Restore this version" })).not.toBeInTheDocument();
  });

  it("shows why a restore was refused", async () => {
    api(({ method }) => (method === "POST" ? json({ detail: "workflow 1 was deleted meanwhile" }, 404) : undefined));
    const user = userEvent.setup();
    renderPage(ui, at("?tab=versions&version=1"));
    await user.click(await screen.findByRole("button", { name: "Restore this version" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Restore" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("workflow 1 was deleted meanwhile");
  });

  it("offers viewers no restore", async () => {
    api(undefined, { ...ADMIN, role: "viewer" });
    renderPage(ui, at("?tab=versions&version=1"));
    expect(await screen.findByRole("heading", { name: "Version 1" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Restore this version" })).not.toBeInTheDocument();
  });
});
