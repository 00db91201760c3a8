import "./api-test-shim";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import ExecutionPage from "../ExecutionPage";
import { ADMIN, json, mockFetch, renderPage } from "./test-utils";

const step = (over: Record<string, unknown>) => ({
  id: 1, path: "actions/0", position: 1, step_id: null, name: "Step", type: "create_task",
  status: "success", attempt: 1, attempts: null, input: null, output: null, error: null,
  message: null, idempotency_key: "k", started_at: "2026-12-05T10:00:00Z",
  finished_at: "2026-12-05T10:00:01Z", duration_ms: 12, ...over,
});

export function execution(status: string, over: Record<string, unknown> = {}) {
  return {
    id: 20, workflow_id: 4, version: 1, status, trigger_type: "manual",
    trigger_entity_type: "organisation", trigger_entity_id: 1, event_id: null,
    started_at: "2026-12-05T10:00:00Z", completed_at: null, duration_ms: null,
    error_message: null, actions_executed: 3, steps_failed: 0, created_at: "2026-12-05T10:00:00Z",
    waiting_for: status === "waiting" ? "approval" : null, rerun_of_id: null,
    trigger_data: { payload: { reason: "test" } },
    record_label: "Acme Corp",
    references: { organisation: { "1": "Acme Corp" }, task: { "8": "Qualifier Acme" } },
    decision: { result: true, rule: null, actual: null, explanation: "no conditions" },
    causation_depth: 0, attempt: 1, resume_at: null, execution_logs: [],
    steps: [
      step({ id: 1, path: "actions/0", name: "Qualify", input: { title: "Qualifier Acme" }, output: { task_id: 8 } }),
      step({ id: 2, path: "actions/1/branches/0/actions/0", position: 2, name: "Notify owner", type: "send_notification" }),
      step({
        id: 3, path: "actions/1/branches/1/actions/0", position: 3, name: "Email CFO", type: "send_email",
        status: "failed", attempt: 2, error: "to: no recipient resolved from 'title:cfo'",
        attempts: [
          { attempt: 1, status: "failed", error: "first try refused", started_at: "2026-12-05T10:00:00Z", duration_ms: 0.7 },
          { attempt: 2, status: "failed", error: "second try refused", started_at: "2026-12-05T10:00:01Z", duration_ms: 0.6 },
        ],
      }),
      step({
        id: 4, path: "actions/1", position: 4, name: "Fan out", type: "parallel", message: "2 branches joined",
        output: { branches: [{ index: 0, name: "notify" }, { index: 1, name: "finance" }] },
      }),
      step({
        id: 5, path: "actions/2", position: 5, name: "Manager Approval", type: "approval",
        status: status === "waiting" ? "pending" : "success", output: { approval_id: 7 },
      }),
    ],
    ...over,
  };
}

const approvalItem = {
  id: 7, execution_id: 20, workflow_id: 4, workflow_name: "Discount", step_path: "actions/2",
  name: "Approve Acme", status: "approved", mode: "any", quorum: 1, expires_at: null,
  decided_at: "2026-12-05T10:05:00Z", outcome_reason: "approved by manager@acme.test (1 of 1)",
  created_at: "2026-12-05T10:00:02Z", approvers_count: 1,
};
const approvalDetail = {
  ...approvalItem, message: "", on_timeout: null, timeout_seconds: null, escalations: 0, context: {},
  updated_at: "2026-12-05T10:05:00Z",
  approvers: [{ user_id: 2, email: "manager@acme.test", name: "Maria Manager", round: 0, active: true, decided: "approved" }],
  decisions: [{ user_id: 2, email: "manager@acme.test", name: "Maria Manager", decision: "approved", comment: "OK pour 10 %", override: false, decided_at: "2026-12-05T10:05:00Z" }],
  link: "/approvals/7",
};

const ROUTE = { route: "/workflows/4/executions/20", path: "/workflows/:workflowId/executions/:executionId" };

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("ExecutionPage", () => {
  it("renders nested steps with their attempts, errors and the approval's decisions", async () => {
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/4/executions/20") return json(execution("success", { completed_at: "2026-12-05T10:06:00Z" }));
      if (path === "/api/v1/workflows/4") return json({ id: 4, name: "Discount approval" });
      if (path === "/api/v1/approvals") return json({ items: [approvalItem], total: 1, page: 1, size: 100, pages: 1 });
      if (path === "/api/v1/approvals/7") return json(approvalDetail);
      return undefined;
    });
    renderPage(<ExecutionPage />, ROUTE);

    // The first render of the file pays for loading the page and its languages: 5 s on a busy machine.
    const timeline = await screen.findByRole("list", { name: "Step timeline" }, { timeout: 5000 });
    expect(screen.getByRole("link", { name: "Discount approval" })).toHaveAttribute("href", "/workflows/4?tab=executions");
    // The version the run ran opens on the workflow's versions tab.
    expect(screen.getByRole("link", { name: "version 1" })).toHaveAttribute("href", "/workflows/4?tab=versions&version=1");
    // Nested: the parallel's paths are lanes under it, named after the branches.
    const fanOut = within(timeline).getByRole("button", { name: /Fan out/ });
    const lane = screen.getByRole("region", { name: "Fan out: Path 2: finance" });
    expect(within(lane).getByRole("button", { name: /Email CFO/ })).toBeInTheDocument();
    expect(fanOut.closest("li")).toContainElement(lane);
    expect(screen.getByRole("region", { name: "Fan out: Path 1: notify" })).toHaveTextContent("Notify owner");

    // The failed step opens by itself: error and every attempt.
    const emailButton = within(lane).getByRole("button", { name: /Email CFO/ });
    await waitFor(() => expect(emailButton).toHaveAttribute("aria-expanded", "true"));
    expect(screen.getByRole("note", { name: "Step error" })).toHaveTextContent("no recipient resolved from 'title:cfo'");
    const attempts = screen.getByRole("table", { name: "Attempts of Email CFO" });
    expect(within(attempts).getAllByRole("row")).toHaveLength(3);
    expect(attempts).toHaveTextContent("first try refused");
    expect(attempts).toHaveTextContent("second try refused");

    // Expanding a step shows its input and output as labelled fields, records by name.
    const qualify = within(timeline).getByRole("button", { name: /Qualify/ });
    await userEvent.click(qualify);
    expect(qualify).toHaveAttribute("aria-expanded", "true");
    const qualifyItem = qualify.closest("li") as HTMLElement;
    const input = within(qualifyItem).getByLabelText("Input");
    expect(within(input).getByRole("term")).toHaveTextContent("Title");
    expect(within(input).getByRole("definition")).toHaveTextContent("Qualifier Acme");
    const output = within(qualifyItem).getByLabelText("Output");
    expect(within(output).getByRole("term")).toHaveTextContent("Task");
    expect(within(output).getByRole("link", { name: "Qualifier Acme" })).toHaveAttribute("href", "/runs?record_type=task&record_id=8");
    // The raw JSON stays one click away.
    await userEvent.click(within(qualifyItem).getAllByRole("button", { name: "Show raw JSON" })[0]);
    expect(within(qualifyItem).getByLabelText("Input").tagName).toBe("PRE");
    expect(within(qualifyItem).getByLabelText("Input")).toHaveTextContent('"title": "Qualifier Acme"');

    // The run's record by name, linked to its runs; the trigger data as fields.
    const summary = screen.getByRole("region", { name: "Summary" });
    expect(within(summary).getByRole("link", { name: "Acme Corp" })).toHaveAttribute("href", "/runs?record_type=organisation&record_id=1");
    expect(within(summary).getByText("Manual")).toBeInTheDocument();
    const triggerData = screen.getByRole("region", { name: "Trigger data" });
    expect(triggerData.querySelector("dl.lv")).toHaveTextContent("Event dataReasontest");

    // The approval at its step, with who decided what.
    const approval = await screen.findByRole("region", { name: "Approval: Approve Acme" });
    await within(approval).findByText("Maria Manager");
    expect(approval).toHaveTextContent("OK pour 10 %");
    // Finished: Rerun, no Cancel.
    expect(screen.getByRole("button", { name: "Rerun" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Cancel execution" })).not.toBeInTheDocument();
  });

  it("says how many steps failed in a run that went on, and shows an unsent email's error", async () => {
    const notSent = "not sent: no SMTP server is configured (set SMTP_HOST, or SENDGRID_API_KEY); the email is kept, marked failed";
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/4/executions/20") {
        return json(execution("partial", {
          completed_at: "2026-12-05T10:00:02Z", steps_failed: 2,
          steps: [
            step({ id: 1, path: "actions/0", name: "Email manager", type: "send_email", status: "failed", error: notSent,
              output: { email_id: 9, to: ["boss@acme.test"], status: "not sent" } }),
            step({ id: 2, path: "actions/1", position: 2, name: "Tag", type: "add_tag", status: "failed", error: "no such tag" }),
            step({ id: 3, path: "actions/2", position: 3, name: "Notify owner", type: "send_notification" }),
          ],
        }));
      }
      if (path === "/api/v1/workflows/4") return json({ id: 4, name: "Discount approval" });
      return undefined;
    });
    renderPage(<ExecutionPage />, ROUTE);
    const heading = await screen.findByRole("heading", { level: 1, name: /Execution #20/ });
    const badge = within(heading).getByText("completed with errors");
    expect(badge).toHaveClass("badge-partial");
    expect(screen.getByRole("note", { name: "Failed steps" })).toHaveTextContent("2 steps failed; the run went on");
    // The unsent email is a failed step like any other: opened, with its error and its output.
    const timeline = screen.getByRole("list", { name: "Step timeline" });
    // Failed steps open in an effect after the first render: wait for it.
    await waitFor(() =>
      expect(within(timeline).getByRole("button", { name: /Email manager/ })).toHaveAttribute("aria-expanded", "true"),
    );
    const errors = screen.getAllByRole("note", { name: "Step error" });
    expect(errors[0]).toHaveTextContent(notSent);
    const output = within(within(timeline).getByRole("button", { name: /Email manager/ }).closest("li") as HTMLElement).getByLabelText("Output");
    expect(output).toHaveTextContent("Statusnot sent");
    expect(output).toHaveTextContent("To1 item: boss@acme.test");
    expect(screen.queryByRole("note", { name: "Execution error" })).not.toBeInTheDocument();
  });

  it("words a skipped run's decision, the server's sentence and the raw rule under Details", async () => {
    const decision = {
      result: false, rule: { field: "deal.amount", operator: ">", value: 50000 }, actual: 30000,
      explanation: "deal.amount = 30000, not > 50000",
    };
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/4/executions/20") {
        return json(execution("skipped", { steps: [], completed_at: "2026-12-05T10:00:00Z", decision }));
      }
      if (path === "/api/v1/workflows/4") return json({ id: 4, name: "Discount approval" });
      if (path === "/api/v1/workflows/editor-schema") {
        return json({
          triggers: [], operators: [], step_types: [], trigger_entities: {}, trigger_fields: [],
          entities: { deal: [{ path: "deal.amount", label: "Amount", type: "number", group: "Deal" }] },
        });
      }
      return undefined;
    });
    renderPage(<ExecutionPage />, ROUTE);
    const card = await screen.findByRole("region", { name: "Conditions" });
    expect(within(card).getByText("not matched")).toHaveClass("badge-skipped");
    // The field's label comes with the editor schema.
    await waitFor(() =>
      expect(card.textContent?.replace(/\u00a0/g, " ")).toContain(
        "Amount (Deal) was €30,000, which is at most €50,000 — the conditions were not met.",
      ),
    );
    // The server's sentence and the raw JSON wait behind Details.
    expect(within(card).queryByText("deal.amount = 30000, not > 50000")).not.toBeInTheDocument();
    expect(card).not.toHaveTextContent("{");
    await userEvent.click(within(card).getByRole("button", { name: "Details" }));
    expect(within(card).getByText("deal.amount = 30000, not > 50000")).toBeVisible();
    expect(within(card).getByText('{"field":"deal.amount","operator":">","value":50000}')).toBeVisible();
    expect(within(card).getByText("Value seen (JSON)").nextElementSibling).toHaveTextContent("30000");
    expect(within(card).getByRole("button", { name: "Hide details" })).toHaveAttribute("aria-expanded", "true");
  });

  it("says in words why a step's condition skipped it", async () => {
    const decision = {
      result: false, rule: { field: "organisation.category", operator: "in", value: ["corporate", "institutional"] }, actual: "smb",
      explanation: "organisation.category = \"smb\", not in [\"corporate\", \"institutional\"]",
    };
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/4/executions/20") {
        return json(execution("success", {
          steps: [step({ name: "Call the CFO", status: "skipped", message: `when: ${decision.explanation}`, output: { decision } })],
        }));
      }
      return undefined;
    });
    renderPage(<ExecutionPage />, ROUTE);
    const timeline = await screen.findByRole("list", { name: "Step timeline" });
    const sentence = "Category (Organisation) was “smb”, which is not one of “corporate” or “institutional” — the condition does not hold.";
    expect(timeline).toHaveTextContent(sentence);
    expect(timeline).not.toHaveTextContent("when:");
    // The step's type in words beside its name.
    expect(within(timeline).getByRole("button", { name: /Call the CFO/ })).toHaveTextContent("Create task");
    await userEvent.click(within(timeline).getByRole("button", { name: /Call the CFO/ }));
    await userEvent.click(within(timeline).getByRole("button", { name: "Details" }));
    expect(within(timeline).getByText("As the server wrote it").nextElementSibling).toHaveTextContent('organisation.category = "smb"');
  });

  it("says a run without conditions always goes ahead", async () => {
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/4/executions/20") return json(execution("success", { steps: [step({})] }));
      return undefined;
    });
    renderPage(<ExecutionPage />, ROUTE);
    const card = await screen.findByRole("region", { name: "Conditions" });
    expect(card).toHaveTextContent("matchedNo conditions are set: every run goes ahead.");
    // Nothing more to show: no Details.
    expect(within(card).queryByRole("button", { name: "Details" })).not.toBeInTheDocument();
  });

  it("says nothing about failed steps when none failed", async () => {
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/4/executions/20") return json(execution("success", { steps: [step({})] }));
      if (path === "/api/v1/workflows/4") return json({ id: 4, name: "Discount approval" });
      return undefined;
    });
    renderPage(<ExecutionPage />, ROUTE);
    const heading = await screen.findByRole("heading", { level: 1, name: /Execution #20/ });
    expect(within(heading).getByText("success")).toHaveClass("badge-success");
    expect(screen.queryByRole("note", { name: "Failed steps" })).not.toBeInTheDocument();
  });

  it("polls while running and stops once finished, announcing the change", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let gets = 0;
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/4/executions/20") {
        gets += 1;
        return json(gets < 3 ? execution("running") : execution("success"));
      }
      if (path === "/api/v1/workflows/4") return json({ id: 4, name: "Discount approval" });
      if (path === "/api/v1/approvals") return json({ items: [], total: 0, page: 1, size: 100, pages: 0 });
      return undefined;
    });
    renderPage(<ExecutionPage />, ROUTE);
    await screen.findByRole("heading", { name: /Execution #20/ });
    expect(screen.getByRole("button", { name: "Cancel execution" })).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(1100));
    await act(() => vi.advanceTimersByTimeAsync(1100));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Execution #20 is now success."));
    const after = gets;
    expect(after).toBe(3);
    await act(() => vi.advanceTimersByTimeAsync(5000));
    expect(gets).toBe(after);
    expect(screen.getByRole("button", { name: "Rerun" })).toBeInTheDocument();
  });

  it("cancels after confirmation", async () => {
    const { calls } = mockFetch(({ path, method }) => {
      if (path === "/api/v1/workflows/4/executions/20") return json(execution("waiting"));
      if (path === "/api/v1/executions/20/cancel" && method === "POST")
        return json(execution("cancelled", { error_message: "cancelled by admin@crmflow.local" }));
      if (path === "/api/v1/approvals") return json({ items: [], total: 0, page: 1, size: 100, pages: 0 });
      return undefined;
    });
    renderPage(<ExecutionPage />, ROUTE);
    await userEvent.click(await screen.findByRole("button", { name: "Cancel execution" }));
    const dialog = screen.getByRole("dialog", { name: "Cancel execution #20?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Yes, cancel execution" }));
    await screen.findByText("cancelled by admin@crmflow.local");
    expect(calls.some((c) => c.method === "POST" && c.path === "/api/v1/executions/20/cancel")).toBe(true);
  });

  it("shows no control buttons to a viewer", async () => {
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/4/executions/20") return json(execution("failed"));
      if (path === "/api/v1/approvals") return json({ items: [], total: 0, page: 1, size: 100, pages: 0 });
      return undefined;
    }, { ...ADMIN, role: "viewer" });
    renderPage(<ExecutionPage />, ROUTE);
    await screen.findByRole("list", { name: "Step timeline" });
    expect(screen.queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Rerun" })).not.toBeInTheDocument();
  });

  it("retries a failed execution", async () => {
    const { calls } = mockFetch(({ path, method }) => {
      if (path === "/api/v1/workflows/4/executions/20") return json(execution("failed"));
      if (path === "/api/v1/executions/20/retry" && method === "POST") return json(execution("pending"), 202);
      if (path === "/api/v1/approvals") return json({ items: [], total: 0, page: 1, size: 100, pages: 0 });
      return undefined;
    });
    renderPage(<ExecutionPage />, ROUTE);
    await userEvent.click(await screen.findByRole("button", { name: "Retry" }));
    await screen.findByRole("button", { name: "Cancel execution" });
    expect(calls.some((c) => c.method === "POST" && c.path === "/api/v1/executions/20/retry")).toBe(true);
  });

  it("reruns a finished execution and opens the new one", async () => {
    mockFetch(({ path, method }) => {
      if (path === "/api/v1/workflows/4/executions/20") return json(execution("success"));
      if (path === "/api/v1/workflows/4/executions/31") return json(execution("running", { id: 31, rerun_of_id: 20 }));
      if (path === "/api/v1/executions/20/rerun" && method === "POST") return json(execution("pending", { id: 31, rerun_of_id: 20 }), 201);
      if (path === "/api/v1/approvals") return json({ items: [], total: 0, page: 1, size: 100, pages: 0 });
      return undefined;
    });
    renderPage(<ExecutionPage />, ROUTE);
    await userEvent.click(await screen.findByRole("button", { name: "Rerun" }));
    expect(await screen.findByRole("heading", { name: /Execution #31/ })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "execution #20" })).toHaveAttribute("href", "/workflows/4/executions/20");
  });

  it("shows an error with a retry", async () => {
    mockFetch(({ path }) => (path === "/api/v1/workflows/4/executions/20" ? json({ detail: "execution 20 not found" }, 404) : undefined));
    renderPage(<ExecutionPage />, ROUTE);
    expect(await screen.findByRole("alert")).toHaveTextContent("execution 20 not found");
    expect(screen.getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });
});
