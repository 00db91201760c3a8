import "../execution/api-test-shim";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useLocation } from "react-router-dom";
import RunsPage from "../RunsPage";
import { json, mockFetch, renderPage } from "../execution/test-utils";
import { executionItem, listItem, page } from "../workflows/fixtures";
import { dayStart } from "./filters";

function Probe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}
const ui = (
  <>
    <RunsPage />
    <Probe />
  </>
);

function api() {
  return mockFetch(({ path }) => {
    if (path === "/api/v1/workflows") {
      return json(page([listItem({ id: 2, name: "Invoice sync" }), listItem()]));
    }
    if (path === "/api/v1/executions") {
      return json(
        page(
          [
            executionItem({ id: 101, workflow_id: 2, status: "failed", error_message: "ERP timed out", trigger_type: "manual" }),
            executionItem({ id: 100, workflow_id: 1, status: "partial", steps_failed: 1, record_label: "Acme renewal" }),
            executionItem({ id: 99, workflow_id: 9, trigger_entity_type: null, trigger_entity_id: null }),
          ],
          { total: 60, pages: 3, size: 25 },
        ),
      );
    }
    return undefined;
  });
}
const runCalls = (calls: { path: string; search: URLSearchParams }[]) => calls.filter((c) => c.path === "/api/v1/executions");

afterEach(() => vi.unstubAllGlobals());

describe("RunsPage", () => {
  it("lists every workflow's runs with their workflow's name and links", async () => {
    const { calls } = api();
    renderPage(ui, { route: "/runs" });
    const run = await screen.findByRole("link", { name: "#101" });
    expect(run).toHaveAttribute("href", "/workflows/2/executions/101");
    const row = run.closest("tr")!;
    expect(await within(row).findByRole("link", { name: "Invoice sync" })).toHaveAttribute("href", "/workflows/2");
    expect(within(row).getByText("failed")).toHaveClass("badge-failed");
    expect(row).toHaveTextContent("ERP timed out");
    expect(row).toHaveTextContent("deal #7");
    const partial = screen.getByRole("link", { name: "#100" }).closest("tr")!;
    expect(within(partial).getByRole("link", { name: "Lead triage" })).toHaveAttribute("href", "/workflows/1");
    expect(within(partial).getByText("completed with errors")).toHaveClass("badge-partial");
    expect(partial).toHaveTextContent("1 step failed");
    // A record the API names shows by name; every record links to its runs.
    expect(within(partial).getByRole("link", { name: "Acme renewal" })).toHaveAttribute("href", "/runs?record_type=deal&record_id=7");
    expect(within(row).getByRole("link", { name: "deal #7" })).toHaveAttribute("href", "/runs?record_type=deal&record_id=7");
    // A workflow the list does not hold is named by its number.
    expect(within(screen.getByRole("link", { name: "#99" }).closest("tr")!).getByRole("link", { name: "Workflow #9" }))
      .toHaveAttribute("href", "/workflows/9");
    expect(screen.getByText("Page 1 of 3 · 60 in all")).toBeInTheDocument();
    const first = runCalls(calls)[0].search;
    expect(first.get("page")).toBe("1");
    expect(first.get("status")).toBeNull();
  });

  it("puts every filter into the URL and the request", async () => {
    const { calls } = api();
    const user = userEvent.setup();
    renderPage(ui, { route: "/runs" });
    await screen.findByRole("link", { name: "#101" });
    const location = () => new URLSearchParams(screen.getByTestId("location").textContent!.split("?")[1] ?? "");
    const last = () => runCalls(calls).at(-1)!.search;

    // One click for the failed runs, and again to drop it.
    const failed = screen.getByRole("button", { name: "Failed" });
    await user.click(failed);
    expect(failed).toHaveAttribute("aria-pressed", "true");
    expect(location().get("status")).toBe("failed");
    await waitFor(() => expect(last().get("status")).toBe("failed"));
    expect(screen.getByLabelText("Status")).toHaveValue("failed");

    await user.selectOptions(await screen.findByLabelText("Workflow"), "Invoice sync");
    expect(location().get("workflow_id")).toBe("2");
    await waitFor(() => expect(last().get("workflow_id")).toBe("2"));

    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2026-12-01" } });
    fireEvent.change(screen.getByLabelText("To (included)"), { target: { value: "2026-12-05" } });
    expect(location().get("since")).toBe("2026-12-01");
    expect(location().get("until")).toBe("2026-12-05");
    await waitFor(() => expect(last().get("until")).toBe(dayStart("2026-12-06")));
    expect(last().get("since")).toBe(dayStart("2026-12-01"));
    expect(new Date(last().get("until")!).getTime() - new Date(last().get("since")!).getTime()).toBe(5 * 86_400_000);

    await user.selectOptions(screen.getByLabelText("Record type"), "deal");
    await user.type(screen.getByLabelText("Record ID"), "7");
    await waitFor(() => expect(location().get("record_id")).toBe("7"));
    expect(location().get("record_type")).toBe("deal");
    await waitFor(() => expect(last().get("trigger_entity_id")).toBe("7"));
    expect(last().get("trigger_entity_type")).toBe("deal");
    expect(last().get("status")).toBe("failed");
    expect(last().get("workflow_id")).toBe("2");

    // The pager keeps the filters; a new filter goes back to page 1.
    await user.click(screen.getByRole("button", { name: "Next" }));
    expect(location().get("page")).toBe("2");
    await waitFor(() => expect(last().get("page")).toBe("2"));
    await user.click(failed);
    expect(location().get("status")).toBeNull();
    expect(location().get("page")).toBeNull();
    await waitFor(() => expect(last().get("status")).toBeNull());

    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/runs$/);
    expect(screen.getByLabelText("Record ID")).toHaveValue(null);
  });

  it("reads its filters from the URL", async () => {
    const { calls } = api();
    renderPage(ui, { route: "/runs?status=waiting&workflow_id=1&record_type=task&record_id=12&page=2&since=nonsense" });
    await screen.findByRole("link", { name: "#101" });
    const query = runCalls(calls)[0].search;
    expect(Object.fromEntries(query)).toEqual({
      page: "2", size: "25", status: "waiting", workflow_id: "1", trigger_entity_type: "task", trigger_entity_id: "12",
    });
    expect(screen.getByLabelText("Status")).toHaveValue("waiting");
    expect(screen.getByLabelText("Record ID")).toHaveValue(12);
    expect(screen.getByRole("button", { name: "Failed" })).toHaveAttribute("aria-pressed", "false");
  });
});
