import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN, json, mockFetch, renderPage } from "../execution/test-utils";
import { listItem, page } from "./fixtures";
import { workflowsPageUi } from "./listTestUi";

const ui = workflowsPageUi;
const LIST = "/api/v1/workflows";
const ROWS = [
  listItem({ id: 1, name: "Lead triage", tags: ["sales", "hot"] }),
  listItem({ id: 2, name: "Renewals", tags: [] }),
  listItem({ id: 3, name: "Welcome", status: "draft", tags: ["sales"] }),
];
const TAGS = [
  { name: "hot", count: 1 },
  { name: "sales", count: 2 },
];

afterEach(() => vi.unstubAllGlobals());

// Each test clicks through several steps: 5 s is too little when the machine is shared.
describe("WorkflowsPage bulk actions and tags", { timeout: 20_000 }, () => {
  it("shows tag chips and filters by a tag kept in the URL", async () => {
    const { calls } = mockFetch(({ path }) => {
      if (path === `${LIST}/tags`) return json(TAGS);
      if (path === LIST) return json(page(ROWS));
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows" });
    const row = (await screen.findByRole("link", { name: "Lead triage" })).closest("tr")!;
    expect(within(within(row).getByRole("list", { name: "Tags" })).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["sales", "hot"]);
    const filter = screen.getByLabelText("Tag");
    await waitFor(() => expect(within(filter).getByRole("option", { name: "sales (2)" })).toBeInTheDocument());
    await user.selectOptions(filter, "sales");
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/workflows?tag=sales"));
    await waitFor(() => expect(calls.filter((c) => c.path === LIST).at(-1)!.search.getAll("tag")).toEqual(["sales"]));
    expect(screen.getByRole("button", { name: "Clear filters" })).toBeInTheDocument();
  });

  it("selects rows, deactivates them and shows each failure with its reason", async () => {
    const { calls } = mockFetch(({ method, path, body }) => {
      if (path === `${LIST}/tags`) return json(TAGS);
      if (path === LIST) return json(page(ROWS));
      if (method === "POST" && path === `${LIST}/bulk`) {
        const ids = (body as { ids: number[] }).ids;
        return json({
          action: "deactivate",
          succeeded: ids.length - 1,
          failed: 1,
          results: ids.map((id) =>
            id === 3 ? { id, ok: false, name: "Welcome", error: "workflow 3 not found" } : { id, ok: true, name: null, error: null },
          ),
        });
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows" });
    await screen.findByRole("link", { name: "Lead triage" });
    expect(screen.queryByRole("region", { name: "Bulk actions" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("checkbox", { name: "Select Lead triage" }));
    await user.click(screen.getByRole("checkbox", { name: "Select Welcome" }));
    const bar = screen.getByRole("region", { name: "Bulk actions" });
    expect(within(bar).getByText("2 selected")).toBeInTheDocument();
    expect(screen.getByRole("checkbox", { name: "Select all on this page" })).toHaveProperty("indeterminate", true);
    await user.click(within(bar).getByRole("button", { name: "Deactivate" }));
    await waitFor(() => expect(calls.find((c) => c.path === `${LIST}/bulk`)?.body).toEqual({ ids: [1, 3], action: "deactivate" }));
    expect(await screen.findByText("Deactivated 1 workflow.")).toBeInTheDocument();
    expect(screen.getByText("1 could not be changed:")).toBeInTheDocument();
    expect(screen.getByText("Welcome", { selector: "strong" }).closest("li")).toHaveTextContent("Welcome: workflow 3 not found");
    // Done: the selection is cleared and the list asked for again.
    expect(screen.queryByRole("region", { name: "Bulk actions" })).not.toBeInTheDocument();
    await waitFor(() => expect(calls.filter((c) => c.path === LIST).length).toBeGreaterThan(1));
  });

  it("selects all on the page and adds a tag", async () => {
    const { calls } = mockFetch(({ method, path }) => {
      if (path === `${LIST}/tags`) return json(TAGS);
      if (path === LIST) return json(page(ROWS));
      if (method === "POST" && path === `${LIST}/bulk`) return json({ action: "add_tag", succeeded: 3, failed: 0, results: [] });
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows" });
    await screen.findByRole("link", { name: "Lead triage" });
    await user.click(screen.getByRole("checkbox", { name: "Select all on this page" }));
    expect(screen.getAllByRole("checkbox", { checked: true })).toHaveLength(4);
    const bar = screen.getByRole("region", { name: "Bulk actions" });
    await user.click(within(bar).getByRole("button", { name: "Add tag" }));
    await user.type(within(bar).getByLabelText("Tag to add"), " q4 ");
    await user.click(within(bar).getByRole("button", { name: "Add to 3 workflows" }));
    await waitFor(() => expect(calls.find((c) => c.path === `${LIST}/bulk`)?.body).toEqual({ ids: [1, 2, 3], action: "add_tag", tag: "q4" }));
    expect(await screen.findByText("Tagged 3 workflows “q4”.")).toBeInTheDocument();
  });

  it("deletes only after a confirmation naming how many", async () => {
    const { calls } = mockFetch(({ method, path }) => {
      if (path === LIST) return json(page(ROWS));
      if (method === "POST" && path === `${LIST}/bulk`) return json({ action: "delete", succeeded: 2, failed: 0, results: [] });
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows" });
    await user.click(await screen.findByRole("checkbox", { name: "Select Renewals" }));
    await user.click(screen.getByRole("checkbox", { name: "Select Welcome" }));
    await user.click(within(screen.getByRole("region", { name: "Bulk actions" })).getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog", { name: "Delete 2 workflows?" });
    expect(dialog).toHaveTextContent("Renewals, Welcome will be removed");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(calls.some((c) => c.path === `${LIST}/bulk`)).toBe(false);
    await user.click(within(screen.getByRole("region", { name: "Bulk actions" })).getByRole("button", { name: "Delete" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Delete 2 workflows" }));
    await waitFor(() => expect(calls.find((c) => c.path === `${LIST}/bulk`)?.body).toEqual({ ids: [2, 3], action: "delete" }));
    expect(await screen.findByText("Deleted 2 workflows.")).toBeInTheDocument();
  });

  it("gives viewers no checkboxes", async () => {
    mockFetch(({ path }) => (path === LIST ? json(page(ROWS)) : undefined), { ...ADMIN, role: "viewer" });
    renderPage(ui, { route: "/workflows" });
    await screen.findByRole("link", { name: "Lead triage" });
    expect(screen.queryByRole("checkbox")).not.toBeInTheDocument();
  });
});
