import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import WorkflowDetailPage from "../WorkflowDetailPage";
import { ADMIN, json, mockFetch, renderPage, type Call } from "../execution/test-utils";
import { page, workflow } from "./fixtures";
import { choiceText, fromSeconds, placeErrors, stepChoices, toSeconds } from "./sla";

const at = { route: "/workflows/1?tab=slas", path: "/workflows/:workflowId" };

function sla(over: Record<string, unknown> = {}) {
  return {
    id: 5, workflow_id: 1, name: "5-minute SLA", step_path: null, target_duration_seconds: 300,
    warning_threshold_seconds: 240, critical_threshold_seconds: 600, slo_window_hours: 24,
    slo_target_percentage: 99, is_active: true, created_by: 1,
    created_at: "2026-12-01T00:00:00Z", updated_at: "2026-12-01T00:00:00Z", ...over,
  };
}

function metrics(over: Record<string, unknown> = {}) {
  return {
    sla_id: 5, window_hours: 24, slo_target_percentage: 99, slo_percentage: 97.5,
    error_budget_remaining_percentage: -150, burn_rate: { "1h": 2.5, "6h": 0.5, "3d": null },
    total: 40, met: 39, missed: 1, in_flight_past_target: 2, open_breaches: { critical: 1 }, ...over,
  };
}

/** The API with `stored` SLAs; `onPost` answers a create (default: stores it). */
function api(stored: ReturnType<typeof sla>[], onPost?: (call: Call) => Response | undefined) {
  return mockFetch((call) => {
    const { method, path, body } = call;
    if (path === "/api/v1/workflows/1") return json(workflow());
    if (path === "/api/v1/workflow/workflow-slas/" && method === "GET") return json(page(stored));
    if (path === "/api/v1/workflow/workflow-slas/" && method === "POST") {
      const answer = onPost?.(call);
      if (answer) return answer;
      const created = sla({ ...(body as object), id: 6 });
      stored = [...stored, created];
      return json(created, 201);
    }
    const one = /^\/api\/v1\/workflow\/workflow-slas\/(\d+)\/(metrics\/)?$/.exec(path);
    if (one?.[2]) return json(metrics({ sla_id: Number(one[1]) }));
    if (one && method === "PATCH") {
      stored = stored.map((s) => (s.id === Number(one[1]) ? { ...s, ...(body as object) } : s));
      return json(stored.find((s) => s.id === Number(one[1])));
    }
    if (one && method === "DELETE") {
      stored = stored.filter((s) => s.id !== Number(one[1]));
      return new Response(null, { status: 204 });
    }
    if (path === "/api/v1/workflow/workflow-alerting/1/" && method === "GET") {
      return json({ workflow_id: 1, failure_streak: 3, deactivate_on_streak: false });
    }
    if (path === "/api/v1/workflow/workflow-alerting/1/" && method === "PUT") {
      return json({ workflow_id: 1, ...(body as object) });
    }
    if (path === "/api/v1/workflow/workflow-alerts/") {
      return json(page([{
        id: 9, workflow_id: 1, sla_id: null, kind: "failure_streak", message: '"Lead triage" failed 3 times in a row',
        details: {}, opened_at: new Date().toISOString(), resolved_at: null,
      }]));
    }
    return undefined;
  });
}

afterEach(() => vi.unstubAllGlobals());

describe("sla helpers", () => {
  it("numbers the steps as the engine does, nested ones included", () => {
    const choices = stepChoices(workflow().actions);
    expect(choices.map((c) => c.path)).toEqual([
      "actions/0", "actions/1", "actions/1/branches/0/actions/0", "actions/1/else/0",
    ]);
    expect(choiceText(choices[0])).toBe("Call client");
    expect(choiceText(choices[3])).toBe("Branch (if / else) › Else › Stop");
    // A parallel path given as a bare list, and an approval's on_reject steps.
    const nested = stepChoices([
      { type: "parallel", name: "Both", branches: [[{ type: "add_tag" }], { name: "Mail", actions: [{ type: "send_email" }] }] },
      { type: "approval", on_reject: [{ type: "stop" }] },
    ]);
    expect(nested.map((c) => c.path)).toEqual([
      "actions/0", "actions/0/branches/0/actions/0", "actions/0/branches/1/actions/0", "actions/1", "actions/1/on_reject/0",
    ]);
    expect(choiceText(nested[2])).toBe("Both › Mail › Send email");
  });

  it("converts durations and places the API's errors beside their field", () => {
    expect(toSeconds({ value: "5", unit: "minutes" })).toBe(300);
    expect(toSeconds({ value: "1,5", unit: "hours" })).toBe(5400);
    expect(toSeconds({ value: "0", unit: "seconds" })).toBeNull();
    expect(toSeconds({ value: "abc", unit: "seconds" })).toBeNull();
    expect(fromSeconds(300)).toEqual({ value: "5", unit: "minutes" });
    expect(fromSeconds(7200)).toEqual({ value: "2", unit: "hours" });
    expect(fromSeconds(90)).toEqual({ value: "90", unit: "seconds" });
    expect(
      placeErrors([
        { loc: "", msg: "body: Value error, warning_threshold_seconds must not be above critical_threshold_seconds" },
        { loc: "slo_target_percentage", msg: "slo_target_percentage: Input should be less than 100" },
        { loc: "", msg: "body: something else" },
      ]),
    ).toEqual({
      warning_threshold_seconds: "The warning threshold must not be above the critical threshold",
      slo_target_percentage: "Input should be less than 100",
      "": "Something else",
    });
  });
});

describe("SLAs tab", () => {
  it("lists a workflow's SLAs with their metrics", async () => {
    const { calls } = api([sla()]);
    renderPage(<WorkflowDetailPage />, at);
    const card = await screen.findByRole("article", { name: "5-minute SLA" });
    expect(calls.find((c) => c.path === "/api/v1/workflow/workflow-slas/")!.search.get("workflow_id")).toBe("1");
    expect(card).toHaveTextContent("The whole run, from its trigger to its end. Target 5 min; a warning past 4 min, critical past 10 min.");
    const cards = await within(card).findByLabelText("Metrics of 5-minute SLA");
    const value = (label: string) => within(cards).getByText(label).nextSibling;
    expect(value("Compliance")).toHaveTextContent("97.5 % below objective");
    expect(within(cards).getByText("Compliance").parentElement).toHaveClass("sla-below");
    expect(value("Error budget left")).toHaveTextContent("−150 % (overspent)");
    expect(value("Burn rate 1 h")).toHaveTextContent("2.5×");
    expect(value("Burn rate 3 d")).toHaveTextContent("—");
    expect(value("Met / missed")).toHaveTextContent("39 / 1");
    expect(value("Open breaches")).toHaveTextContent("1 critical");
  });

  it("creates an SLA on a step, with the durations in seconds", async () => {
    const { calls } = api([]);
    const user = userEvent.setup();
    renderPage(<WorkflowDetailPage />, at);
    expect(await screen.findByText("No SLA on this workflow yet.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Add an SLA" }));
    const dialog = screen.getByRole("dialog", { name: "Add an SLA" });
    await user.type(within(dialog).getByLabelText("Name"), "Tag within 5 minutes");
    const measures = within(dialog).getByLabelText("Measures");
    expect(within(measures).getByRole("option", { name: "Call client" })).toHaveValue("actions/0");
    await user.selectOptions(measures, "actions/1/branches/0/actions/0");
    await user.type(within(dialog).getByLabelText("Target"), "5");
    await user.type(within(dialog).getByLabelText("Warning after"), "4");
    await user.type(within(dialog).getByLabelText("Critical after"), "900");
    await user.selectOptions(within(dialog).getByLabelText("Critical after unit"), "seconds");
    await user.clear(within(dialog).getByLabelText("SLO target (%)"));
    await user.type(within(dialog).getByLabelText("SLO target (%)"), "99.5");
    await user.click(within(dialog).getByRole("button", { name: "Add SLA" }));

    expect(await screen.findByRole("article", { name: "Tag within 5 minutes" })).toBeInTheDocument();
    expect(calls.find((c) => c.method === "POST")!.body).toEqual({
      workflow_id: 1,
      name: "Tag within 5 minutes",
      step_path: "actions/1/branches/0/actions/0",
      target_duration_seconds: 300,
      warning_threshold_seconds: 240,
      critical_threshold_seconds: 900,
      slo_window_hours: 24,
      slo_target_percentage: 99.5,
      is_active: true,
    });
    expect(screen.getByText("Tag within 5 minutes added.")).toBeInTheDocument();
    expect(dialog).not.toHaveAttribute("open");
  });

  it("shows the API's refusal beside the field it names", async () => {
    const { calls } = api([], () =>
      json({ detail: [{ loc: "step_path", msg: "step_path: workflow 1 has no step 'actions/0' (steps: none)", type: "value_error" }] }, 422),
    );
    const user = userEvent.setup();
    renderPage(<WorkflowDetailPage />, at);
    await user.click(await screen.findByRole("button", { name: "Add an SLA" }));
    const dialog = screen.getByRole("dialog", { name: "Add an SLA" });
    // Checked before sending: nothing goes out with a missing name or thresholds out of order.
    await user.type(within(dialog).getByLabelText("Target"), "5");
    await user.type(within(dialog).getByLabelText("Warning after"), "10");
    await user.type(within(dialog).getByLabelText("Critical after"), "5");
    await user.click(within(dialog).getByRole("button", { name: "Add SLA" }));
    expect(within(dialog).getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
    expect(within(dialog).getByLabelText("Warning after")).toHaveAccessibleDescription(
      "The warning threshold must not be above the critical threshold.",
    );
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);

    await user.type(within(dialog).getByLabelText("Name"), "First step");
    await user.clear(within(dialog).getByLabelText("Warning after"));
    await user.type(within(dialog).getByLabelText("Warning after"), "4");
    await user.selectOptions(within(dialog).getByLabelText("Measures"), "actions/0");
    await user.click(within(dialog).getByRole("button", { name: "Add SLA" }));
    const measures = within(dialog).getByLabelText("Measures");
    await waitFor(() => expect(measures).toHaveAttribute("aria-invalid", "true"));
    expect(measures).toHaveAccessibleDescription("The saved workflow has no such step: choose another one");
    expect(within(dialog).getByRole("alert")).toHaveTextContent("The SLA was not saved: see the fields marked.");
    expect(within(dialog).getByLabelText("Name")).not.toHaveAttribute("aria-invalid");
  });

  it("deletes an SLA only after confirmation", async () => {
    const { calls } = api([sla(), sla({ id: 8, name: "Approval in a day", step_path: "actions/0", is_active: false })]);
    const user = userEvent.setup();
    renderPage(<WorkflowDetailPage />, at);
    const card = await screen.findByRole("article", { name: "Approval in a day" });
    expect(card).toHaveTextContent("The step “Call client”.");
    expect(card).toHaveTextContent("Not watched while inactive");

    await user.click(within(card).getByRole("button", { name: "Delete Approval in a day" }));
    const confirm = screen.getByRole("dialog", { name: "Delete the SLA “Approval in a day”?" });
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);

    await user.click(within(card).getByRole("button", { name: "Delete Approval in a day" }));
    await user.click(within(screen.getByRole("dialog", { name: "Delete the SLA “Approval in a day”?" })).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(screen.queryByRole("article", { name: "Approval in a day" })).toBeNull());
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual(["/api/v1/workflow/workflow-slas/8/"]);
    expect(screen.getByText("Approval in a day deleted, with its breaches.")).toBeInTheDocument();
    expect(screen.getByRole("article", { name: "5-minute SLA" })).toBeInTheDocument();
  });

  it("activates, deactivates and edits", async () => {
    const { calls } = api([sla()]);
    const user = userEvent.setup();
    renderPage(<WorkflowDetailPage />, at);
    const card = await screen.findByRole("article", { name: "5-minute SLA" });
    await user.click(within(card).getByRole("button", { name: "Deactivate 5-minute SLA" }));
    expect(await within(card).findByRole("button", { name: "Activate 5-minute SLA" })).toBeInTheDocument();
    expect(calls.find((c) => c.method === "PATCH")!.body).toEqual({ is_active: false });

    await user.click(within(card).getByRole("button", { name: "Edit 5-minute SLA" }));
    const dialog = screen.getByRole("dialog", { name: "Change “5-minute SLA”" });
    expect(within(dialog).getByLabelText("Target")).toHaveValue("5");
    expect(within(dialog).getByLabelText("Target unit")).toHaveValue("minutes");
    expect(within(dialog).queryByLabelText("Measures")).toBeNull();
    await user.clear(within(dialog).getByLabelText("Critical after"));
    await user.type(within(dialog).getByLabelText("Critical after"), "15");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(2));
    expect(calls.filter((c) => c.method === "PATCH")[1].body).toEqual({
      name: "5-minute SLA", target_duration_seconds: 300, warning_threshold_seconds: 240,
      critical_threshold_seconds: 900, slo_window_hours: 24, slo_target_percentage: 99,
    });
  });

  it("shows viewers the SLAs without the buttons", async () => {
    const { calls } = mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/1") return json(workflow());
      if (path === "/api/v1/workflow/workflow-slas/") return json(page([sla()]));
      if (path === "/api/v1/workflow/workflow-slas/5/metrics/") return json(metrics({ slo_percentage: null, error_budget_remaining_percentage: null, total: 0, met: 0, missed: 0, open_breaches: {} }));
      return undefined;
    }, { ...ADMIN, role: "viewer" });
    renderPage(<WorkflowDetailPage />, at);
    const card = await screen.findByRole("article", { name: "5-minute SLA" });
    const cards = await within(card).findByLabelText("Metrics of 5-minute SLA");
    expect(within(cards).getByText("Compliance").nextSibling).toHaveTextContent(/^no runs yet\s*$/);
    expect(within(cards).getByText("Open breaches").nextSibling).toHaveTextContent("none");
    expect(within(card).queryByRole("button")).toBeNull();
    expect(screen.queryByRole("button", { name: "Add an SLA" })).toBeNull();
    expect(calls.some((c) => c.method !== "GET")).toBe(false);
  });

  it("sets the failure streak and deactivation, and lists the open alerts", async () => {
    const { calls } = api([sla()]);
    const user = userEvent.setup();
    renderPage(<WorkflowDetailPage />, at);
    const alerts = await screen.findByRole("list", { name: "Open alerts" });
    expect(alerts).toHaveTextContent("Failed runs in a row");
    expect(alerts).toHaveTextContent('"Lead triage" failed 3 times in a row');
    const streak = await screen.findByLabelText("Failed runs in a row");
    await waitFor(() => expect(streak).toHaveValue(3));
    await user.clear(streak);
    await user.type(streak, "0");
    expect(screen.getByText("Between 1 and 100 runs.")).toBeInTheDocument();
    await user.clear(streak);
    await user.type(streak, "5");
    await user.click(screen.getByLabelText("and deactivate the workflow then"));
    await user.click(screen.getByRole("button", { name: "Save alert settings" }));
    expect(await screen.findByText("Alerts after 5 failed runs in a row, and the workflow is then deactivated.")).toBeInTheDocument();
    const put = calls.find((c) => c.method === "PUT")!;
    expect(put.path).toBe("/api/v1/workflow/workflow-alerting/1/");
    expect(put.body).toEqual({ failure_streak: 5, deactivate_on_streak: true });
  });
});
