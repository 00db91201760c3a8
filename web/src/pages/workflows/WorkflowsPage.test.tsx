import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN, json, mockFetch, renderPage } from "../execution/test-utils";
import { listItem, page } from "./fixtures";
import { workflowsPageUi } from "./listTestUi";

const ui = workflowsPageUi;
const LIST = "/api/v1/workflows";

afterEach(() => vi.unstubAllGlobals());

// The page's first render loads its modules: 5 s is too little when the machine is shared.
describe("WorkflowsPage", { timeout: 20_000 }, () => {
  it("renders rows with status, trigger label, counts, rate and links", async () => {
    mockFetch(({ path }) =>
      path === LIST
        ? json(page([listItem(), listItem({ id: 2, name: "Never ran", status: "draft", trigger_type: "manual", execution_count: 0, success_rate: null, last_executed_at: null }),
          // Its runs were all skipped: no run acted, no rate.
          listItem({ id: 3, name: "Only skipped", execution_count: 3, success_rate: null })]))
        : undefined,
    );
    renderPage(ui, { route: "/workflows" });
    const link = await screen.findByRole("link", { name: "Lead triage" });
    expect(link).toHaveAttribute("href", "/workflows/1");
    const row = link.closest("tr")!;
    expect(within(row).getByText("Deal stage changed")).toBeInTheDocument();
    expect(within(row).getByText("87.5%")).toBeInTheDocument();
    expect(within(row).getByText("42")).toBeInTheDocument();
    expect(within(row).getByText("5 minutes ago")).toBeInTheDocument();
    expect(within(row).getByRole("link", { name: "Edit Lead triage" })).toHaveAttribute("href", "/workflows/1/edit");
    const other = screen.getByRole("link", { name: "Never ran" }).closest("tr")!;
    expect(within(other).getByText("—")).toBeInTheDocument();
    expect(within(other).getByText("never")).toBeInTheDocument();
    const skipped = screen.getByRole("link", { name: "Only skipped" }).closest("tr")!;
    expect(within(skipped).getByText("—")).toHaveClass("num");
    expect(screen.getByRole("columnheader", { name: "Success rate" })).toHaveAttribute("title", expect.stringContaining("skipped runs shown beside"));
    expect(screen.getByRole("link", { name: "New workflow" })).toHaveAttribute("href", "/workflows/new");
  });

  it("puts filters and page in the URL and the API query", async () => {
    const { calls } = mockFetch(({ path, search }) =>
      path === LIST ? json(page([listItem()], { total: 45, pages: 3, page: Number(search.get("page") ?? 1) })) : undefined,
    );
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows?page=2" });
    await screen.findByRole("link", { name: "Lead triage" });
    expect(calls.find((c) => c.path === LIST)!.search.get("page")).toBe("2");

    await user.selectOptions(screen.getByLabelText("Status"), "active");
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/workflows?status=active"));
    await user.selectOptions(screen.getByLabelText("Trigger"), "deal_stage_changed");
    await user.type(screen.getByLabelText("Search"), "lead");
    await waitFor(() =>
      expect(screen.getByTestId("location")).toHaveTextContent("status=active&trigger_type=deal_stage_changed&q=lead"),
    );
    await waitFor(() => {
      const last = calls.filter((c) => c.path === LIST).at(-1)!;
      expect(last.search.get("status")).toBe("active");
      expect(last.search.get("trigger_type")).toBe("deal_stage_changed");
      expect(last.search.get("q")).toBe("lead");
      expect(last.search.get("page")).toBe("1");
    });

    await user.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("page=2"));
    await waitFor(() => expect(calls.filter((c) => c.path === LIST).at(-1)!.search.get("page")).toBe("2"));
  });

  it("activates only after confirmation", async () => {
    const { calls } = mockFetch(({ method, path, body }) => {
      if (path === LIST) return json(page([listItem({ status: "inactive" })]));
      if (method === "POST" && path === "/api/v1/workflows/1/activate") return json({ ...listItem(), ...(body as object) });
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows" });
    await user.click(await screen.findByRole("button", { name: "Activate Lead triage" }));
    const dialog = screen.getByRole("dialog", { name: "Activate “Lead triage”?" });
    expect(calls.some((c) => c.path.endsWith("/activate"))).toBe(false);
    await user.click(within(dialog).getByRole("button", { name: "Activate" }));
    await waitFor(() => {
      const post = calls.find((c) => c.path === "/api/v1/workflows/1/activate");
      expect(post?.method).toBe("POST");
      expect(post?.body).toEqual({ status: "active" });
    });
    expect(await screen.findByText("“Lead triage” is now active.")).toBeInTheDocument();
  });

  it("deactivates an active workflow with status inactive", async () => {
    const { calls } = mockFetch(({ method, path }) => {
      if (path === LIST) return json(page([listItem()]));
      if (method === "POST" && path === "/api/v1/workflows/1/activate") return json(listItem({ status: "inactive" }));
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows" });
    await user.click(await screen.findByRole("button", { name: "Deactivate Lead triage" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Deactivate" }));
    await waitFor(() => expect(calls.find((c) => c.path.endsWith("/activate"))?.body).toEqual({ status: "inactive" }));
  });

  it("deletes after confirmation and does nothing on cancel", async () => {
    const { calls } = mockFetch(({ method, path }) => {
      if (path === LIST) return json(page([listItem()]));
      if (method === "DELETE" && path === "/api/v1/workflows/1") return new Response(null, { status: 204 });
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows" });
    await user.click(await screen.findByRole("button", { name: "Delete Lead triage" }));
    await user.click(within(screen.getByRole("dialog", { name: "Delete “Lead triage”?" })).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);

    await user.click(screen.getByRole("button", { name: "Delete Lead triage" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(calls.some((c) => c.method === "DELETE" && c.path === "/api/v1/workflows/1")).toBe(true));
    expect(await screen.findByText("“Lead triage” was deleted.")).toBeInTheDocument();
  });

  it("duplicates and opens the copy", async () => {
    mockFetch(({ method, path }) => {
      if (path === LIST) return json(page([listItem()]));
      if (method === "POST" && path === "/api/v1/workflows/1/duplicate") return json(listItem({ id: 9, name: "Lead triage (copy)", status: "draft" }), 201);
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows" });
    await user.click(await screen.findByRole("button", { name: "Duplicate Lead triage" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/workflows/9"));
  });

  it("shows viewers no mutating buttons", async () => {
    mockFetch(({ path }) => (path === LIST ? json(page([listItem()])) : undefined), { ...ADMIN, role: "viewer" });
    renderPage(ui, { route: "/workflows" });
    await screen.findByRole("link", { name: "Lead triage" });
    expect(screen.queryByRole("link", { name: "New workflow" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Delete|Duplicate|Activate|Deactivate/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("link", { name: /Edit/ })).not.toBeInTheDocument();
  });

  it("shows empty and error states", async () => {
    let fail = true;
    mockFetch(({ path }) => {
      if (path !== LIST) return undefined;
      return fail ? json({ detail: "database is down" }, 500) : json(page([]));
    });
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows?status=draft" });
    expect(await screen.findByText("database is down")).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("No workflow matches these filters.")).toBeInTheDocument();
  });
});
