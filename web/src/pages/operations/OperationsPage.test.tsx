import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useLocation } from "react-router-dom";
import OperationsPage from "../OperationsPage";
import { ADMIN, json, mockFetch, renderPage, type Call } from "../execution/test-utils";
import { listItem, page } from "../workflows/fixtures";
import { dayKeys, marginText, type Breach } from "./labels";
import { formatSlo } from "./OverviewTables";

function Probe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}
const ui = (
  <>
    <OperationsPage />
    <Probe />
  </>
);

function overview(days = 7) {
  const [first, , third] = dayKeys(days);
  return {
    days,
    runs_per_day: [
      { day: first, status: "success", count: 12 },
      { day: first, status: "failed", count: 3 },
      { day: third ?? first, status: "partial", count: 1 },
    ],
    totals: { success: 12, failed: 3, partial: 1 },
    top_failing: [
      { workflow_id: 1, name: "Lead triage", failed: 3, partial: 1, acted: 20, failure_share: 0.2 },
    ],
    slowest: [
      { workflow_id: 2, name: "Invoice sync", runs: 40, p50_seconds: 1.5, p95_seconds: 125 },
      { workflow_id: 1, name: "Lead triage", runs: 16, p50_seconds: 0.2, p95_seconds: null },
    ],
    slos: [
      {
        sla_id: 1, workflow_id: 1, workflow_name: "Lead triage", sla_name: "5-minute SLA",
        slo_percentage: 97.5, slo_target_percentage: 99, meets_objective: false, open_breaches: 1,
      },
      {
        sla_id: 2, workflow_id: 2, workflow_name: "Invoice sync", sla_name: "Approval within a day",
        slo_percentage: null, slo_target_percentage: 95, meets_objective: null, open_breaches: 0,
      },
      {
        sla_id: 3, workflow_id: 2, workflow_name: "Invoice sync", sla_name: "Sync under a minute",
        slo_percentage: 100, slo_target_percentage: 99.5, meets_objective: true, open_breaches: 0,
      },
    ],
    open_breaches: 1,
    runs_in_flight: 4,
  };
}

function breach(over: Partial<Breach> = {}): Breach {
  return {
    id: 7, sla_id: 1, workflow_id: 1, execution_id: 100, step_path: null, severity: "critical",
    threshold_seconds: 300, elapsed_seconds: 540, breach_margin_seconds: 240, execution_status: "waiting",
    status: "open", acknowledged: false, detected_at: new Date(Date.now() - 10 * 60_000).toISOString(),
    acknowledged_by: null, acknowledged_at: null, notes: "", resolved_at: null,
    workflow_name: "Lead triage", sla_name: "5-minute SLA", ...over,
  };
}

function api(extra?: (call: Call) => Response | undefined) {
  let stored = [breach()];
  const mock = mockFetch((call) => {
    const hit = extra?.(call);
    if (hit) return hit;
    const { method, path, search, body } = call;
    if (path === "/api/v1/operations/overview") return json(overview(Number(search.get("days"))));
    if (path === "/api/v1/workflows") return json(page([listItem(), listItem({ id: 2, name: "Invoice sync" })]));
    if (path === "/api/v1/workflow/workflow-slas/") {
      return json(page([{ id: 1, workflow_id: 1, name: "5-minute SLA" }]));
    }
    if (path === "/api/v1/workflow/sla-breaches/") {
      expect(search.get("unresolved")).toBe("true");
      return json(page(stored.filter((b) => b.status !== "resolved")));
    }
    const ack = /^\/api\/v1\/workflow\/sla-breaches\/(\d+)\/(acknowledge|resolve)\/$/.exec(path);
    if (ack && method === "POST") {
      const notes = (body as { notes: string }).notes;
      const status: Breach["status"] = ack[2] === "acknowledge" ? "acknowledged" : "resolved";
      stored = stored.map((b) =>
        b.id === Number(ack[1])
          ? { ...b, status, acknowledged: true, acknowledged_by: 1, acknowledged_at: new Date().toISOString(), notes }
          : b,
      );
      return json(stored.find((b) => b.id === Number(ack[1])));
    }
    return undefined;
  });
  return mock;
}

afterEach(() => vi.unstubAllGlobals());

describe("OperationsPage", () => {
  it("shows the totals, the failing and slowest workflows and each SLO against its objective", async () => {
    const { calls } = api();
    renderPage(ui, { route: "/operations" });
    const totals = await screen.findByLabelText("Totals");
    expect(within(totals).getByText("Finished runs").nextSibling).toHaveTextContent("16");
    expect(within(totals).getByText("Completed with errors").nextSibling).toHaveTextContent("1");
    expect(within(totals).getByText("Runs in flight").nextSibling).toHaveTextContent("4");
    expect(calls.find((c) => c.path === "/api/v1/operations/overview")!.search.get("days")).toBe("7");

    const failing = screen.getByRole("table", { name: "Top failing workflows" });
    const failingRow = within(failing).getByRole("link", { name: "Lead triage" }).closest("tr")!;
    expect(within(failingRow).getByRole("link")).toHaveAttribute("href", "/workflows/1");
    expect(failingRow).toHaveTextContent("20 %");

    const slowest = screen.getByRole("table", { name: "Slowest workflows" });
    const slow = within(slowest).getByRole("link", { name: "Invoice sync" }).closest("tr")!;
    expect(slow).toHaveTextContent("1.5 s");
    expect(slow).toHaveTextContent("2 min 5 s");
    expect(within(slowest).getByRole("link", { name: "Lead triage" }).closest("tr")).toHaveTextContent("200 ms");

    const slos = screen.getByRole("table", { name: "SLO compliance" });
    const below = within(slos).getByText("5-minute SLA").closest("tr")!;
    expect(below).toHaveClass("ops-below");
    expect(within(below).getByText("below objective")).toHaveClass("badge-failed");
    expect(below).toHaveTextContent("97.5 %");
    expect(below).toHaveTextContent(formatSlo(99));
    expect(within(below).getByRole("link", { name: "Lead triage" })).toHaveAttribute("href", "/workflows/1?tab=slas");
    const none = within(slos).getByText("Approval within a day").closest("tr")!;
    expect(none).toHaveTextContent("no runs yet");
    expect(none).not.toHaveClass("ops-below");
    expect(within(none).queryByText(/objective/)).toBeNull();
    const met = within(slos).getByText("Sync under a minute").closest("tr")!;
    expect(within(met).getByText("meets objective")).toHaveClass("badge-success");

    // The chart's figures, for screen readers: the failed runs of the first day.
    const chart = screen.getByRole("figure", { name: "Runs per day" });
    expect(chart).toHaveTextContent("16 finished runs, 3 failed, 1 completed with errors");
    expect(within(chart).getAllByRole("row")).toHaveLength(1 + 7);
  });

  it("keeps the window in the URL and asks the API for it", async () => {
    const { calls } = api();
    const user = userEvent.setup();
    renderPage(ui, { route: "/operations?days=90" });
    expect(await screen.findByLabelText("Totals")).toBeInTheDocument();
    expect(screen.getByLabelText("Window")).toHaveValue("90");
    expect(calls.find((c) => c.path === "/api/v1/operations/overview")!.search.get("days")).toBe("90");
    await user.selectOptions(screen.getByLabelText("Window"), "1");
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/operations?days=1"));
    await waitFor(() =>
      expect(calls.filter((c) => c.path === "/api/v1/operations/overview").at(-1)!.search.get("days")).toBe("1"),
    );
    await user.selectOptions(screen.getByLabelText("Window"), "7");
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(/^\/operations$/));
  });

  it("acknowledges a breach with notes and updates the list", async () => {
    const { calls } = api();
    const user = userEvent.setup();
    renderPage(ui, { route: "/operations" });
    const list = await screen.findByRole("table", { name: "Open breaches" });
    const row = within(list).getByRole("link", { name: "#100" }).closest("tr")!;
    expect(within(row).getByRole("link", { name: "#100" })).toHaveAttribute("href", "/workflows/1/executions/100");
    expect(row).toHaveTextContent("4 min past the 5 min critical threshold");
    expect(row).toHaveTextContent("10 minutes ago");
    expect(within(row).getByText("critical")).toHaveClass("badge-critical");
    expect(row).toHaveTextContent("5-minute SLA");
    expect(within(row).getByRole("link", { name: "Lead triage" })).toHaveAttribute("href", "/workflows/1?tab=slas");

    await user.click(within(row).getByRole("button", { name: /^Acknowledge/ }));
    const dialog = screen.getByRole("dialog", { name: "Acknowledge the breach of “5-minute SLA”" });
    await user.type(within(dialog).getByLabelText("Notes"), "Ana is on it");
    await user.click(within(dialog).getByRole("button", { name: "Acknowledge" }));

    expect(await screen.findByText("Breach on run #100 acknowledged.")).toHaveAttribute("role", "status");
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.path).toBe("/api/v1/workflow/sla-breaches/7/acknowledge/");
    expect(post.body).toEqual({ notes: "Ana is on it" });
    const updated = await within(screen.getByRole("table", { name: "Open breaches" })).findByText("acknowledged");
    const updatedRow = updated.closest("tr")!;
    expect(updatedRow).toHaveTextContent("Ana is on it");
    expect(within(updatedRow).queryByRole("button", { name: /^Acknowledge/ })).toBeNull();
    expect(dialog).not.toHaveAttribute("open");

    // Resolving takes it off the list.
    await user.click(within(updatedRow).getByRole("button", { name: /^Resolve/ }));
    const resolve = screen.getByRole("dialog", { name: "Resolve the breach of “5-minute SLA”" });
    await user.click(within(resolve).getByRole("button", { name: "Resolve" }));
    expect(await screen.findByText("No open breaches.")).toBeInTheDocument();
    expect(calls.filter((c) => c.method === "POST").at(-1)!.path).toBe("/api/v1/workflow/sla-breaches/7/resolve/");
  });

  it("says so when someone else acknowledged the breach first", async () => {
    api(({ method }) => (method === "POST" ? json({ detail: "breach 7 is already acknowledged" }, 409) : undefined));
    const user = userEvent.setup();
    renderPage(ui, { route: "/operations" });
    await user.click(await screen.findByRole("button", { name: /^Acknowledge/ }));
    const dialog = screen.getByRole("dialog", { name: /^Acknowledge/ });
    await user.click(within(dialog).getByRole("button", { name: "Acknowledge" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "This breach was already acknowledged or resolved: breach 7 is already acknowledged.",
    );
  });

  it("shows viewers the breaches without the buttons", async () => {
    mockFetch(({ path, search }) => {
      if (path === "/api/v1/operations/overview") return json(overview());
      if (path === "/api/v1/workflows") return json(page([listItem()]));
      if (path === "/api/v1/workflow/workflow-slas/") return json(page([]));
      if (path === "/api/v1/workflow/sla-breaches/")
        return json(page(search.get("unresolved") === "true" ? [breach({ severity: "warning", threshold_seconds: 60, breach_margin_seconds: 30 })] : []));
      return undefined;
    }, { ...ADMIN, role: "viewer" });
    renderPage(ui, { route: "/operations" });
    const list = await screen.findByRole("table", { name: "Open breaches" });
    expect(list).toHaveTextContent(marginText({ severity: "warning", threshold_seconds: 60, breach_margin_seconds: 30 }));
    expect(list).toHaveTextContent("30 s past the 1 min warning threshold");
    expect(list).toHaveTextContent("5-minute SLA");
    expect(list).toHaveTextContent("Lead triage");
    expect(within(list).queryByRole("button")).toBeNull();
  });
});
