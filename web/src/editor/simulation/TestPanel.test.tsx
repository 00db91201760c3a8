import "../../pages/execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CATALOG, EDITOR_SCHEMA } from "../fixtures";
import { json, mockApi, renderAt, stubLayout, type Call } from "../test-utils";
import WorkflowEditorPage from "../WorkflowEditorPage";
import { BIG_RUN, simulation } from "./fixtures";

const SIM = "/api/v1/workflow/workflow-simulations/";

const workflow = {
  id: 7, name: "Big organisations", description: "", trigger_type: "organisation_created", trigger_config: {},
  conditions: { operator: "AND", rules: [{ field: "organisation.potential_amount", operator: ">", value: 50000 }] },
  actions: [
    { type: "send_email", name: "Tell the manager", config: { to: "manager", subject: "Big one" } },
    {
      type: "branch", name: "Big?",
      branches: [{ name: "Big", when: { field: "organisation.potential_amount", operator: ">", value: 60000 }, actions: [
        { type: "approval", name: "Sign-off", config: { approvers: ["manager"] } },
      ] }],
      else: [{ type: "create_task", name: "Qualify", config: { title: "Qualify", due_date: "next tuesday" } }],
    },
  ],
  run_policy: {}, status: "draft", version: 3, warnings: [], created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z", created_by: 1, current_version_id: 3, execution_count: 0,
  is_template: false, last_executed_at: null, template_slug: null, inbound_signature_required: false,
};

function routes(handler: (call: Call) => Response | undefined) {
  return mockApi((call) => {
    if (call.path === "/api/v1/workflows/editor-schema") return json(EDITOR_SCHEMA);
    if (call.path === "/api/v1/workflow/action-catalog") return json({ items: CATALOG, total: 2, page: 1, size: 500, pages: 1 });
    if (call.path === "/api/v1/workflows/7" && call.method === "GET") return json(workflow);
    return handler(call);
  });
}

async function openTestTab(route = "/workflows/7/edit") {
  const user = userEvent.setup();
  renderAt(<WorkflowEditorPage />, route, "/workflows/:workflowId/edit");
  await screen.findByRole("heading", { name: 'Edit workflow "Big organisations"' });
  await user.click(screen.getByRole("tab", { name: "5. Test" }));
  return user;
}

const simCalls = (calls: Call[]) => calls.filter((c) => c.method === "POST" && c.path === SIM);
const outcomeOf = (result: HTMLElement) => within(result).getByText("Predicted outcome").nextElementSibling!.querySelector(".badge")!;
const node = (label: string) => screen.getByRole("button", { name: `Edit step "${label}"`, hidden: true }).closest(".flow-step")!;

describe("Test panel", () => {
  beforeEach(() => {
    sessionStorage.setItem("crmflow.token", "t");
    stubLayout();
  });
  afterEach(() => vi.unstubAllGlobals());

  it("tests the saved workflow on typed values and shows the path, approvals and duration", async () => {
    const calls = routes((call) => (call.method === "POST" && call.path === SIM ? json(BIG_RUN, 201) : undefined));
    const user = await openTestTab();
    const form = screen.getByRole("form", { name: "Test input" });
    // The form is generated from the trigger's record (an organisation) fields.
    expect(within(form).getByLabelText("Name")).toBeInTheDocument();
    expect(within(form).getByLabelText("Category")).toBeInstanceOf(HTMLSelectElement);
    await user.type(within(form).getByLabelText("Potential amount"), "75000");
    await user.click(within(form).getByRole("button", { name: "Run test" }));

    const result = await screen.findByRole("region", { name: "Test result" });
    // The saved version, unchanged: sent by id, with the flat input.
    expect(simCalls(calls)[0].body).toEqual({ workflow_id: 7, input_data: { potential_amount: 75000 } });
    expect(outcomeOf(result)).toHaveTextContent("waiting");
    expect(outcomeOf(result)).toHaveClass("badge-waiting");
    expect(within(result).getByText("Would trigger").nextElementSibling).toHaveTextContent("yes");
    // Why, in words: the field's label, the amount as money.
    expect(result).toHaveTextContent("Triggers: Potential amount was €75,000, which is greater than €50,000 — the conditions matched.");
    expect(result).toHaveTextContent("1.5 s / 2 days");

    // The execution path, indented, with the branch's decision.
    const path = within(result).getByRole("list", { name: "Execution path" });
    const steps = path.querySelectorAll(":scope > li");
    expect([...steps].map((li) => li.querySelector(".sim-step-name")?.textContent)).toEqual(["Tell the manager", "Big?", "Sign-off"]);
    expect((steps[2] as HTMLElement).style.marginLeft).toBe("1.25rem");
    // A step's rendered input and predicted output as labelled fields, the raw JSON one click away.
    expect(within(steps[0] as HTMLElement).getByRole("group", { name: "Input (rendered)" })).toHaveTextContent("Tomia@acme.test");
    expect(within(steps[0] as HTMLElement).getByRole("group", { name: "Predicted output" })).toHaveTextContent("Sentyes");
    expect(steps[1]).toHaveTextContent("Condition branch 0: potential_amount 75000 > 50000");

    // The approval chain, in order.
    const chain = within(result).getByRole("list", { name: "Approval chain" });
    const levels = [...chain.querySelectorAll(":scope > li")];
    expect(levels.map((l) => l.querySelector("strong")?.textContent)).toEqual(["Level 1: Manager", "Level 2: Finance"]);
    expect(levels[0]).toHaveTextContent("Mia Manager <mia@acme.test>");
    expect(levels[0]).toHaveTextContent("anyone can approve");
    expect(levels[0]).toHaveTextContent("Timeout 2d, then escalated");
    expect(levels[1]).toHaveTextContent("Carl CFO <carl@acme.test>");
    expect(levels[1]).toHaveTextContent("everyone must approve");

    // The warning names its step: "Show" opens it.
    expect(within(result).getByRole("note", { name: "Warnings" })).toHaveTextContent("actions[0].config.to: no SMTP server");

    // The graph: the path highlighted, the else lane not reached.
    expect(node("Tell the manager")).toHaveClass("sim-success");
    expect(node("Sign-off")).toHaveClass("sim-waiting");
    expect(node("Qualify")).toHaveClass("sim-unreached");
    expect(screen.getByRole("button", { name: 'Edit step "Qualify"', hidden: true })).toHaveAccessibleDescription("not reached in the test");

    // Showing a step from the path opens it on the Steps section, the marks still there.
    await user.click(within(result).getByRole("button", { name: 'Show step "Sign-off"' }));
    expect(screen.getByRole("tab", { name: "4. Steps" })).toHaveAttribute("aria-selected", "true");
    expect(await screen.findByRole("complementary", { name: /Edit step: Sign-off/ })).toBeInTheDocument();
    expect(node("Tell the manager")).toHaveClass("sim-success");
  });

  it("sends an edited draft as its definition and lists its validation errors with links", async () => {
    const invalid = simulation({
      workflow_id: null, version: null, status: "invalid", would_trigger: null, outcome: null,
      validation_errors: [
        { path: "actions[1].else[0].config.due_date", code: "invalid_date", message: "'next tuesday' is not a date" },
        { path: "conditions", code: "unknown_field", message: "organisation.potental_amount is not a field" },
      ],
    });
    const calls = routes((call) => (call.method === "POST" && call.path === SIM ? json(invalid, 201) : undefined));
    const user = await openTestTab();
    await user.click(screen.getByRole("tab", { name: "1. Basics" }));
    await user.type(screen.getByLabelText("Name"), " v2");
    await user.click(screen.getByRole("tab", { name: "5. Test" }));
    expect(screen.getByRole("region", { name: "Test" })).toHaveTextContent("Tests the unsaved changes in the editor");
    await user.click(screen.getByRole("button", { name: "Run test" }));

    const errors = await screen.findByRole("alert", { name: "Validation errors" });
    expect(errors).toHaveTextContent("The definition is not valid: 2 problems");
    expect(errors).toHaveTextContent("actions[1].else[0].config.due_date: 'next tuesday' is not a date");
    expect(screen.getByRole("region", { name: "Test result" })).toHaveTextContent("Nothing was run");
    expect(screen.getByText("invalid")).toHaveClass("badge-invalid");
    expect(screen.getByText("invalid")).not.toHaveClass("badge-success");
    // Nothing walked, so nothing is marked on the graph.
    expect(node("Tell the manager")).not.toHaveClass("sim-mark");

    const body = simCalls(calls)[0].body as Record<string, unknown>;
    expect(body.workflow_id).toBe(7); // a draft of workflow 7: its history stays in play
    expect(body.definition).toEqual({
      name: "Big organisations v2", trigger_type: "organisation_created", trigger_config: {},
      conditions: workflow.conditions, actions: workflow.actions,
    });

    // "Show" selects the step the path names.
    await user.click(within(errors).getByRole("button", { name: "Show actions[1].else[0].config.due_date" }));
    expect(screen.getByRole("tab", { name: "4. Steps" })).toHaveAttribute("aria-selected", "true");
    expect(await screen.findByRole("complementary", { name: /Edit step: Qualify/ })).toBeInTheDocument();
  });

  it("never shows a failed or skipped outcome in green", async () => {
    let answer = simulation({
      outcome: "failed",
      execution_path: [{ path: "actions/0", name: "Tell the manager", type: "send_email", depth: 0, status: "failed", error: "no SMTP server" }],
    });
    routes((call) => (call.method === "POST" && call.path === SIM ? json(answer, 201) : undefined));
    const user = await openTestTab();
    await user.click(screen.getByRole("button", { name: "Run test" }));
    let result = await screen.findByRole("region", { name: "Test result" });
    const outcome = outcomeOf(result);
    expect(outcome).toHaveTextContent("failed");
    expect(outcome).toHaveClass("badge-failed");
    expect(outcome).not.toHaveClass("badge-success");
    expect(node("Tell the manager")).toHaveClass("sim-failed");

    answer = simulation({
      would_trigger: false, outcome: "skipped",
      branch_explorations: [{
        path: "conditions", kind: "conditions", reached: true, taken: "false",
        explanation: "organisation.potential_amount 1000 is not > 50000", alternatives: [],
      }],
    });
    await user.click(screen.getByRole("button", { name: "Run test" }));
    await waitFor(() => expect(screen.getByRole("region", { name: "Test result" })).toHaveTextContent("Does not trigger"));
    result = screen.getByRole("region", { name: "Test result" });
    const skipped = outcomeOf(result);
    expect(skipped).toHaveTextContent("skipped");
    expect(skipped).not.toHaveClass("badge-success");
    expect(within(result).getByText("no")).toHaveClass("badge-skipped");
    expect(result).toHaveTextContent("Does not trigger: organisation.potential_amount 1000 is not > 50000");
    // Partial (completed with errors) reads as such, in amber.
    answer = simulation({ outcome: "partial" });
    await user.click(screen.getByRole("button", { name: "Run test" }));
    expect(await screen.findByText("completed with errors")).toHaveClass("badge-partial");
  });

  it("re-runs the test with an alternative's example on \"Try this\"", async () => {
    const calls = routes((call) => (call.method === "POST" && call.path === SIM ? json(BIG_RUN, 201) : undefined));
    const user = await openTestTab();
    await user.type(screen.getByLabelText("Potential amount"), "75000");
    await user.click(screen.getByRole("button", { name: "Run test" }));
    const decision = await screen.findByRole("region", { name: "Decision: Branch: Big?" });
    // The taken alternative has no button; the other one does.
    expect(decision).toHaveTextContent("went “branch 1”");
    expect(within(decision).queryByRole("button", { name: /branch 1/ })).not.toBeInTheDocument();
    // The conditions: which way they went and why, in words.
    const conditions = screen.getByRole("region", { name: "Decision: Conditions" });
    expect(conditions).toHaveTextContent("went “yes”");
    expect(conditions).toHaveTextContent("Potential amount was €75,000, which is greater than €50,000 — the conditions matched.");
    expect(within(conditions).getByRole("button", { name: "Try this: Conditions, no" })).toBeInTheDocument();
    // Each way in words, from the conditions of the definition tested (not the server's paths and symbols).
    const ways = (point: HTMLElement) => [...point.querySelectorAll(".sim-predicate")].map((p) => p.textContent);
    expect(ways(conditions)).toEqual(["Potential amount is greater than €50,000", "not (Potential amount is greater than €50,000)"]);
    expect(ways(decision)).toEqual(["Potential amount is greater than €60,000", "none of the branches holds"]);
    await user.click(within(decision).getByRole("button", { name: "Try this: Branch: Big?, else" }));
    await waitFor(() => expect(simCalls(calls)).toHaveLength(2));
    expect(simCalls(calls)[1].body).toEqual({
      workflow_id: 7, input_data: { potential_amount: 1000, category: "smb" }, trigger: { changes: {} },
    });
    // The form shows the example.
    expect(screen.getByLabelText("Potential amount")).toHaveValue(1000);
    expect(screen.getByLabelText("Category")).toHaveValue("smb");
  });

  it("tests an existing record picked by name", async () => {
    const calls = routes((call) => {
      if (call.path === "/api/v1/organisations") {
        const items = call.search.get("q") === "Acm" ? [{ id: 12, name: "Acme", pipeline_stage: "lead" }] : [];
        return json({ items, total: 1, page: 1, size: 10, pages: 1 });
      }
      if (call.method === "POST" && call.path === SIM) return json(simulation({ entity_type: "organisation", entity_id: 12 }), 201);
      return undefined;
    });
    const user = await openTestTab();
    await user.click(screen.getByRole("radio", { name: "Use an existing record" }));
    await user.type(screen.getByLabelText("Find an organisation by name"), "Acm");

    // The search waits 250 ms after the last key, then asks the API: allow a busy machine time.
    await user.click(await screen.findByRole("button", { name: 'Use organisation "Acme" (#12)' }, { timeout: 5_000 }));
    expect(screen.getByText(/Testing with organisation/)).toHaveTextContent("Acme #12");
    await user.click(screen.getByRole("button", { name: "Run test" }));
    await screen.findByRole("region", { name: "Test result" });
    expect(simCalls(calls)[0].body).toEqual({ workflow_id: 7, input_data: {}, entity_type: "organisation", entity_id: 12 });
    // Searched by name with the list endpoint's `q`.
    const searches = calls.filter((c) => c.path === "/api/v1/organisations");
    expect(searches.at(-1)!.search.get("q")).toBe("Acm");
  });

  it("compares an edited draft with the saved version on the same input", async () => {
    const compared = simulation({
      mode: "compare",
      report: {
        a: { version: 3, status: "completed", outcome: "waiting", would_trigger: true, path: [], approval_chain: [["mia@acme.test"]] },
        b: { version: null, status: "completed", outcome: "success", would_trigger: true, path: [], approval_chain: [] },
        differences: [
          { path: "", name: "outcome", a: "waiting", b: "success" },
          { path: "actions/1/branches/0/actions/0", name: "Sign-off", a: "waiting", b: "not reached" },
          { path: "", name: "approval chain", a: [["mia@acme.test"]], b: [] },
        ],
      },
    });
    const calls = routes((call) => (call.method === "POST" && call.path === `${SIM}compare` ? json(compared, 201) : undefined));
    const user = await openTestTab();
    // Nothing to compare while the editor shows the saved version.
    expect(screen.queryByRole("button", { name: "Compare with the saved version" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("tab", { name: "1. Basics" }));
    await user.type(screen.getByLabelText("Name"), "!");
    await user.click(screen.getByRole("tab", { name: "5. Test" }));
    await user.type(screen.getByLabelText("Potential amount"), "75000");
    await user.click(screen.getByRole("button", { name: "Compare with the saved version" }));
    const region = await screen.findByRole("region", { name: "Comparison with the saved version" });
    expect(within(region).getByText("Saved version 3").nextElementSibling).toHaveTextContent("waiting");
    expect(within(region).getByText("This draft", { selector: "dt" }).nextElementSibling).toHaveTextContent("success");
    const rows = within(within(region).getByRole("table", { name: "Differences" })).getAllByRole("row");
    expect(rows.map((r) => r.textContent)).toEqual([
      "StepSaved versionThis draft", "outcomewaitingsuccess", "Sign-offwaitingnot reached", "approval chainmia@acme.testnobody",
    ]);
    const body = calls.find((c) => c.path === `${SIM}compare`)!.body as Record<string, unknown>;
    expect(body.workflow_id).toBe(7);
    expect((body.definition as { name: string }).name).toBe("Big organisations!");
    expect(body.input_data).toEqual({ potential_amount: 75000 });
  });

  it("opens on the Test section from ?section=test", async () => {
    routes(() => undefined);
    renderAt(<WorkflowEditorPage />, "/workflows/7/edit?section=test", "/workflows/:workflowId/edit");
    expect(await screen.findByRole("tab", { name: "5. Test" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("form", { name: "Test input" })).toBeInTheDocument();
  });
});

describe("Back-test", () => {
  beforeEach(() => {
    sessionStorage.setItem("crmflow.token", "t");
    stubLayout();
  });
  afterEach(() => vi.unstubAllGlobals());

  it("shows the progress while it runs, then the report with the diff", async () => {
    const report = {
      window: { from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z" },
      events_considered: 1200, triggered: 40,
      skipped: { trigger_filter: 1100, conditions: { "organisation.potential_amount is not > 50000": 60 } },
      outcomes: { success: 30, partial: 8, failed: 2 },
      branches: { "actions/1": { "branch 0": 25, else: 15 } },
      approvers: { "actions/1/branches/0/actions/0": { "mia@acme.test": 25 } },
      samples: { triggered: [901, 902], failed: [950] },
      diff: { version: 3, same: 1180, only_draft: 12, only_current: 3, different_outcome: 5, samples: { only_draft: [990] } },
    };
    let polls = 0;
    const calls = routes((call) => {
      if (call.method === "POST" && call.path === `${SIM}backtest`) {
        return json(simulation({ id: 44, mode: "backtest", status: "queued", progress: 0, outcome: null, would_trigger: null }), 202);
      }
      if (call.method === "GET" && call.path === `${SIM}44/`) {
        polls += 1;
        return polls < 2
          ? json(simulation({ id: 44, mode: "backtest", status: "running", progress: 40, outcome: null }))
          : json(simulation({ id: 44, mode: "backtest", status: "completed", progress: 100, outcome: null, report }));
      }
      return undefined;
    });
    const user = await openTestTab();
    await user.click(screen.getByRole("tab", { name: "Back-test" }));
    expect(screen.getByLabelText("Days of history")).toHaveValue(30);
    await user.clear(screen.getByLabelText("Days of history"));
    await user.type(screen.getByLabelText("Days of history"), "14");
    await user.click(screen.getByRole("button", { name: "Start back-test" }));

    const bar = await screen.findByRole("progressbar");
    await waitFor(() => expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "40"));
    expect(screen.getByText("Replaying events… 40 %")).toBeInTheDocument();
    expect(bar).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Back-test running…" })).toBeDisabled();

    const shown = await screen.findByRole("region", { name: "Back-test report" }, { timeout: 3000 });
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
    expect(calls.find((c) => c.path === `${SIM}backtest`)!.body).toEqual({ workflow_id: 7, days: 14 });
    const figures = (label: string) => within(shown).getByText(label).nextElementSibling;
    expect(figures("Events considered")).toHaveTextContent("1,200");
    expect(figures("Triggered")).toHaveTextContent("40");
    expect(figures("Skipped by the trigger filter")).toHaveTextContent("1,100");
    expect(figures("Skipped by the conditions")).toHaveTextContent("60");
    expect(within(shown).getByRole("table", { name: "Skipped by reason" })).toHaveTextContent("organisation.potential_amount is not > 5000060");
    const outcomes = within(shown).getByRole("table", { name: "Outcomes" });
    expect(within(outcomes).getByText("completed with errors")).toHaveClass("badge-partial");
    // Branch and approver counts are labelled with the step's name.
    // The ways taken in words: branches counted from 1.
    expect(within(shown).getByRole("table", { name: "Branches of Big?" })).toHaveTextContent("branch 125else15");
    expect(within(shown).getByRole("table", { name: "Approvers of Sign-off" })).toHaveTextContent("mia@acme.test25");
    expect(shown).toHaveTextContent("#901, #902");
    const diff = within(shown).getByRole("region", { name: "Difference with the real runs" });
    expect(diff).toHaveTextContent("Compared with what version 3 really did");
    const diffFigures = within(diff.querySelector<HTMLElement>(".sim-figures")!);
    expect(diffFigures.getByText("Would run now, did not run then").nextElementSibling).toHaveTextContent("12");
    expect(diffFigures.getByText("Different outcome").nextElementSibling).toHaveTextContent("5");
    // Sample events are labelled like the figures (and a status in the interface's words).
    expect(diff.querySelector(".sim-samples")).toHaveTextContent("Would run now, did not run then#990");

    // Polling stopped once it completed.
    const seen = polls;
    await new Promise((r) => setTimeout(r, 700));
    expect(polls).toBe(seen);
  });

  it("shows why a back-test failed", async () => {
    routes((call) => {
      if (call.method === "POST" && call.path === `${SIM}backtest`) {
        return json(simulation({ id: 45, mode: "backtest", status: "failed", progress: 10, outcome: null, error: "the event store is unavailable" }), 202);
      }
      return undefined;
    });
    const user = await openTestTab();
    await user.click(screen.getByRole("tab", { name: "Back-test" }));
    await user.click(screen.getByRole("button", { name: "Start back-test" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The back-test failed: the event store is unavailable");
  });
});
