import "../execution/api-test-shim";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useLocation } from "react-router-dom";
import WorkflowDetailPage from "../WorkflowDetailPage";
import { json, mockFetch, renderPage, type Call } from "../execution/test-utils";
import { executionItem, page, STATS, workflow } from "./fixtures";

// The charts are tested in StatsCharts.test.tsx; here only that the tab hands them its days.
vi.mock("./StatsCharts", () => ({
  default: ({ days }: { days: unknown[] }) => <p>charts of {days.length} days</p>,
}));

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
const at = (search = "") => ({ route: `/workflows/1${search}`, path: "/workflows/:workflowId" });

function day(date: string, total: number) {
  return {
    date, total, success: total, partial: 0, failed: 0, skipped: 0, rejected: 0, cancelled: 0,
    success_rate: total ? 100 : null, p50_duration_seconds: total ? 0.1 : null, p95_duration_seconds: total ? 0.2 : null,
  };
}

function api(extra?: (call: Call) => Response | undefined) {
  return mockFetch((call) => {
    const hit = extra?.(call);
    if (hit) return hit;
    if (call.path === "/api/v1/workflows/1") return json(workflow());
    if (call.path === "/api/v1/workflows/1/executions") return json(page([executionItem()], { size: 25 }));
    if (call.path === "/api/v1/workflows/1/stats") return json(STATS);
    if (call.path === "/api/v1/workflows/1/stats/daily") {
      const n = Number(call.search.get("days") ?? 30);
      return json({ workflow_id: 1, days: Array.from({ length: n }, (_, i) => day(`2026-12-${String((i % 28) + 1).padStart(2, "0")}`, i % 3)) });
    }
    if (call.path === "/api/v1/workflows/1/versions") {
      return json([
        { id: 12, workflow_id: 1, version: 2, definition: { name: "Lead triage", actions: [{ type: "add_tag", config: { tag: "vip" } }] }, created_by: 1, created_at: "2026-12-02T00:00:00Z", change_note: "tag vip" },
        { id: 11, workflow_id: 1, version: 1, definition: { name: "Lead triage", actions: [] }, created_by: 1, created_at: "2026-12-01T00:00:00Z", change_note: "created" },
      ]);
    }
    return undefined;
  });
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("WorkflowDetailPage", () => {
  it("shows the definition readably on the details tab", async () => {
    api();
    renderPage(ui, at());
    expect(await screen.findByRole("heading", { level: 1, name: "Lead triage" })).toBeInTheDocument();
    const panel = screen.getByRole("tabpanel", { name: "Details" });
    expect(within(panel).getAllByText("Deal stage changed").length).toBeGreaterThan(0);
    expect(within(panel).getByText("All of (AND)")).toBeInTheDocument();
    expect(within(panel).getByText("Any of (OR)")).toBeInTheDocument();
    // Rules in words: the field (its path in words while the editor schema is not there), the operator, money.
    expect(within(panel).getByText("Amount (Deal) is at least €10,000")).toHaveAttribute("title", "deal.amount");
    expect(within(panel).getByText("Tags (Deal) contains “vip”")).toBeInTheDocument();
    expect(within(panel).getByText("Amount (Deal) is greater than €50,000")).toBeInTheDocument();
    expect(within(panel).getByText("Call client")).toBeInTheDocument();
    expect(within(panel).getByText("Else")).toBeInTheDocument();
    expect(within(panel).getByText("Create task")).toBeInTheDocument();
  });

  it("shows the inbound URL and loop warnings", async () => {
    api(({ path }) =>
      path === "/api/v1/workflows/1"
        ? json(workflow({ trigger_type: "webhook_received", inbound_url: "http://x/api/v1/hooks/abc", warnings: ["add_tag can re-trigger this workflow"] }))
        : undefined,
    );
    renderPage(ui, at());
    expect(await screen.findByText("http://x/api/v1/hooks/abc")).toBeInTheDocument();
    expect(screen.getByRole("note", { name: "Loop warnings" })).toHaveTextContent("add_tag can re-trigger this workflow");
  });

  it("moves between tabs with the arrow keys and keeps the tab in the URL", async () => {
    api();
    const user = userEvent.setup();
    renderPage(ui, at());
    const details = await screen.findByRole("tab", { name: "Details" });
    expect(details).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tab", { name: "Executions" })).toHaveAttribute("tabindex", "-1");
    details.focus();
    await user.keyboard("{ArrowRight}");
    const executions = screen.getByRole("tab", { name: "Executions" });
    expect(executions).toHaveFocus();
    expect(executions).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("location")).toHaveTextContent("?tab=executions");
    expect(await screen.findByRole("link", { name: "#100" })).toHaveAttribute("href", "/workflows/1/executions/100");
    await user.keyboard("{End}");
    expect(screen.getByRole("tab", { name: "Versions" })).toHaveFocus();
    await user.keyboard("{ArrowRight}");
    expect(screen.getByRole("tab", { name: "Details" })).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowLeft}");
    expect(screen.getByRole("tab", { name: "Versions" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("location")).toHaveTextContent("?tab=versions");
  });

  it("filters executions by status through the API and the URL", async () => {
    const { calls } = api();
    const user = userEvent.setup();
    renderPage(ui, at("?tab=executions"));
    const row = (await screen.findByRole("link", { name: "#100" })).closest("tr")!;
    expect(within(row).getByText("deal #7")).toBeInTheDocument();
    expect(within(row).getByText("850 ms")).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Execution status"), "failed");
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("tab=executions&status=failed"));
    await waitFor(() =>
      expect(calls.filter((c) => c.path === "/api/v1/workflows/1/executions").at(-1)!.search.get("status")).toBe("failed"),
    );
  });

  it("shows a partial run as completed with errors and filters on it", async () => {
    const { calls } = api(({ path }) =>
      path === "/api/v1/workflows/1/executions" ? json(page([executionItem({ status: "partial", steps_failed: 2 })])) : undefined,
    );
    const user = userEvent.setup();
    renderPage(ui, at("?tab=executions"));
    const row = (await screen.findByRole("link", { name: "#100" })).closest("tr")!;
    const badge = within(row).getByText("completed with errors");
    expect(badge).toHaveClass("badge", "badge-partial");
    expect(within(row).getByText("2 steps failed")).toBeInTheDocument();
    const filter = screen.getByLabelText("Execution status");
    expect(within(filter).getByRole("option", { name: "Completed with errors" })).toHaveValue("partial");
    await user.selectOptions(filter, "partial");
    await waitFor(() =>
      expect(calls.filter((c) => c.path === "/api/v1/workflows/1/executions").at(-1)!.search.get("status")).toBe("partial"),
    );
  });

  it("polls executions every 3 s while one is running, every 5 s when idle", async () => {
    let status = "running";
    const { calls } = api(({ path }) =>
      path === "/api/v1/workflows/1/executions" ? json(page([executionItem({ status })])) : undefined,
    );
    renderPage(ui, at("?tab=executions"));
    await screen.findByText("running");
    const count = () => calls.filter((c) => c.path === "/api/v1/workflows/1/executions").length;
    status = "success";
    await waitFor(() => expect(count()).toBe(2), { timeout: 4500 });
    expect(await screen.findByText("success")).toBeInTheDocument();
    await act(() => new Promise((r) => setTimeout(r, 3300)));
    expect(count()).toBe(2);
    // Idle, the first page still looks for new runs, every 5 s.
    await waitFor(() => expect(count()).toBe(3), { timeout: 2500 });
  }, 16000);

  it("renders the statistics summary and the per-day range", async () => {
    const { calls } = api();
    const user = userEvent.setup();
    renderPage(ui, at("?tab=statistics"));
    const summary = await screen.findByRole("list", { name: "Summary" }).catch(() => screen.findByLabelText("Summary"));
    expect(within(summary).getByText("Total runs").nextSibling).toHaveTextContent("124");
    expect(within(summary).getByText("Success rate").nextSibling).toHaveTextContent("85.5%");
    expect(within(summary).getByText("Completed with errors").nextSibling).toHaveTextContent("4");
    expect(within(summary).getByText("Failed").nextSibling).toHaveTextContent("12");
    expect(within(summary).getByText("p95").nextSibling).toHaveTextContent("1.5 s");
    expect(within(summary).getByText("Median (p50)").nextSibling).toHaveTextContent("300 ms");
    expect(await screen.findByText("charts of 30 days")).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Range"), "7");
    expect(await screen.findByText("charts of 7 days")).toBeInTheDocument();
    expect(calls.some((c) => c.path.endsWith("/stats/daily") && c.search.get("days") === "7")).toBe(true);
    expect(screen.getByTestId("location")).toHaveTextContent("days=7");
  });

  it("shows a success rate no run acted for as a dash, with its definition and the skipped runs beside it", async () => {
    api(({ path }) =>
      path === "/api/v1/workflows/1/stats"
        ? json({ ...STATS, total_executions: 3, success_count: 0, partial_count: 0, failed_count: 0, skipped_count: 3, rejected_count: 0, cancelled_count: 0, success_rate: null })
        : undefined,
    );
    renderPage(ui, at("?tab=statistics"));
    const summary = await screen.findByLabelText("Summary");
    const rate = within(summary).getByText("Success rate");
    expect(rate.nextSibling).toHaveTextContent(/^—$/);
    expect(rate.parentElement).toHaveAttribute("title", expect.stringContaining("success ÷ (success + completed with errors + failed + rejected)"));
    // Skipped runs are not in the rate: their count is the next card.
    const cards = within(summary).getAllByRole("term").map((dt) => dt.textContent);
    expect(cards.slice(1, 3)).toEqual(["Success rate", "Skipped"]);
    expect(within(summary).getByText("Skipped").nextSibling).toHaveTextContent("3");
    expect(screen.getByText(/^Success rate = success ÷ \(success \+ completed with errors \+ failed \+ rejected\); skipped runs shown beside/))
      .toHaveTextContent("(no run has acted yet).");
  });

  it("shows an empty state when no run finished in the range", async () => {
    api(({ path }) =>
      path === "/api/v1/workflows/1/stats/daily" ? json({ workflow_id: 1, days: [day("2026-12-01", 0)] }) : undefined,
    );
    renderPage(ui, at("?tab=statistics"));
    expect(await screen.findByText("No finished runs in the last 30 days.")).toBeInTheDocument();
  });

  it("lists versions and shows what the chosen one changed since the one before", async () => {
    const { calls } = api(({ path }) =>
      path === "/api/v1/workflows/1/versions/2/diff"
        ? json({
            workflow_id: 1, from_version: 1, to_version: 2, fields: [], removed: [], moved: [], changed: [], identical: false,
            added: [{ path: "actions[0]", step: "add_tag" }],
          })
        : undefined,
    );
    const user = userEvent.setup();
    renderPage(ui, at("?tab=versions"));
    const list = await screen.findByRole("list", { name: "Versions" });
    expect(within(list).getAllByRole("button")).toHaveLength(2);
    const diff = await screen.findByRole("region", { name: "Changes from version 1 to 2" });
    expect(within(diff).getByRole("region", { name: "Steps added" })).toHaveTextContent("add_tag at step 1");
    expect(calls.find((c) => c.path.endsWith("/diff"))!.search.get("against")).toBe("1");
    await user.click(within(list).getByRole("button", { name: /Version 1/ }));
    expect(screen.getByTestId("location")).toHaveTextContent("tab=versions&version=1");
    expect(screen.getByText("This is the first version: there is nothing before it to compare it with.")).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Show"), "json");
    expect(screen.getByLabelText("Version 1 definition")).toHaveTextContent('"actions": []');
  });

  it("runs now on a record and links to the execution", async () => {
    const { calls } = api(({ method, path }) => {
      if (method === "POST" && path === "/api/v1/workflows/1/execute") return json({ ...executionItem({ id: 555, status: "success" }) });
      // The dialog's record search: no deal matches.
      if (method === "GET" && path === "/api/v1/deals") return json({ items: [], total: 0, page: 1, size: 10, pages: 0 });
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(ui, at());
    await user.click(await screen.findByRole("button", { name: "Run now" }));
    const dialog = screen.getByRole("dialog", { name: "Run workflow now" });
    await user.selectOptions(within(dialog).getByLabelText("Record type"), "deal");
    await user.click(within(dialog).getByRole("button", { name: "Run" }));
    expect(within(dialog).getByRole("alert")).toHaveTextContent("Give both");
    await user.type(within(dialog).getByLabelText("Record ID"), "7");
    await user.click(within(dialog).getByRole("button", { name: "Run" }));
    const link = await within(dialog).findByRole("link", { name: "View execution #555" });
    expect(link).toHaveAttribute("href", "/workflows/1/executions/555");
    expect(calls.find((c) => c.path.endsWith("/execute"))?.body).toEqual({ trigger_entity_type: "deal", trigger_entity_id: 7 });
  });

  it("deletes from the header after confirmation and leaves the page", async () => {
    const { calls } = api(({ method, path }) =>
      method === "DELETE" && path === "/api/v1/workflows/1" ? new Response(null, { status: 204 }) : undefined,
    );
    const user = userEvent.setup();
    renderPage(ui, at());
    await user.click(await screen.findByRole("button", { name: "Delete" }));
    await user.click(within(screen.getByRole("dialog", { name: "Delete “Lead triage”?" })).getByRole("button", { name: "Delete" }));
    // The route table of the test sends /workflows to a stand-in page.
    expect(await screen.findByText("elsewhere")).toBeInTheDocument();
    expect(calls.some((c) => c.method === "DELETE")).toBe(true);
  });

  it("shows a not-found message", async () => {
    api(({ path }) => (path === "/api/v1/workflows/1" ? json({ detail: "workflow 1 not found" }, 404) : undefined));
    renderPage(ui, at());
    expect(await screen.findByRole("alert")).toHaveTextContent("Workflow #1 does not exist");
  });
});
