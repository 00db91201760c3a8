import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import ApprovalsPage from "../ApprovalsPage";
import { ADMIN, json, mockFetch, renderPage } from "../execution/test-utils";

const ME = { ...ADMIN, id: 2, email: "manager@acme.test", name: "Maria Manager", role: "editor" };

const item = {
  id: 7, execution_id: 20, workflow_id: 4, workflow_name: "Discount approval", step_path: "actions/2",
  name: "Approve Acme discount", status: "pending", mode: "all", quorum: 1,
  expires_at: "2030-01-01T00:00:00Z", decided_at: null, outcome_reason: null,
  created_at: "2026-12-05T10:00:00Z", approvers_count: 2,
};
const detail = {
  ...item, message: "Your approval is needed: Approve Acme discount (deal #12 Acme renewal).",
  on_timeout: "reject", timeout_seconds: 172800, escalations: 0, updated_at: "2026-12-05T10:00:00Z",
  context: { entity_type: "deal", entity_id: 12, record: { title: "Acme renewal", amount: 54000, stage: "proposal", id: 12 } },
  approvers: [
    { user_id: 2, email: "manager@acme.test", name: "Maria Manager", round: 0, active: true, decided: null },
    { user_id: 3, email: "director@acme.test", name: "Dan Director", round: 0, active: true, decided: "approved" },
  ],
  decisions: [{ user_id: 3, email: "director@acme.test", name: "Dan Director", decision: "approved", comment: "Fine by me", override: false, decided_at: "2026-12-05T10:02:00Z" }],
  link: "/approvals/7",
};
const page = (items: unknown[]) => ({ items, total: items.length, page: 1, size: 20, pages: items.length ? 1 : 0 });

afterEach(() => vi.unstubAllGlobals());

describe("ApprovalsPage", () => {
  it("lists my pending requests with their context and approves with a comment", async () => {
    let decided = false;
    const { calls } = mockFetch(({ path, method }) => {
      if (path === "/api/v1/approvals") return json(page(decided ? [] : [item]));
      if (path === "/api/v1/approvals/7" && method === "GET") return json(detail);
      if (path === "/api/v1/executions/20") return json({ id: 20, steps: [{ path: "actions/2", name: "Manager Approval" }] });
      if (path === "/api/v1/approvals/7/approve" && method === "POST") {
        decided = true;
        return json({ ...detail, status: "approved" });
      }
      return undefined;
    }, ME);
    renderPage(<ApprovalsPage />, { route: "/approvals" });

    const card = await screen.findByRole("article", { name: "Approve Acme discount" });
    const listCall = calls.find((c) => c.path === "/api/v1/approvals")!;
    expect(listCall.search.get("mine")).toBe("true");
    expect(listCall.search.get("status")).toBe("pending");
    expect(card).toHaveTextContent("Discount approval");
    await within(card).findByText("Acme renewal");
    expect(card).toHaveTextContent("54,000");
    expect(card).toHaveTextContent("all must approve");
    await within(card).findByText("Manager Approval");
    expect(card).toHaveTextContent("Dan Director");
    expect(card).toHaveTextContent("Fine by me");
    expect(within(card).getByRole("link", { name: "View execution #20" })).toHaveAttribute("href", "/workflows/4/executions/20");

    await userEvent.click(within(card).getByRole("button", { name: "Approve" }));
    const dialog = screen.getByRole("dialog", { name: "Approve “Approve Acme discount”" });
    await userEvent.type(within(dialog).getByLabelText("Comment"), "OK pour 10 %");
    await userEvent.click(within(dialog).getByRole("button", { name: "Approve" }));

    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("You approved “Approve Acme discount”"));
    const post = calls.find((c) => c.method === "POST");
    expect(post?.path).toBe("/api/v1/approvals/7/approve");
    expect(post?.body).toEqual({ comment: "OK pour 10 %" });
    // The list refreshes: nothing waits any more.
    expect(await screen.findByText("Nothing waits for your approval.")).toBeInTheDocument();
  });

  it("shows a clear message when the request was already decided (409)", async () => {
    mockFetch(({ path, method }) => {
      if (path === "/api/v1/approvals") return json(page([item]));
      if (path === "/api/v1/approvals/7" && method === "GET") return json(detail);
      if (path === "/api/v1/approvals/7/reject")
        return json({ detail: "approval 7 is already approved (by director@acme.test at 2026-12-05T10:02:00+00:00)" }, 409);
      return undefined;
    }, ME);
    renderPage(<ApprovalsPage />, { route: "/approvals" });
    const card = await screen.findByRole("article", { name: "Approve Acme discount" });
    await userEvent.click(within(card).getByRole("button", { name: "Reject" }));
    const dialog = screen.getByRole("dialog", { name: "Reject “Approve Acme discount”" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Reject" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "This request can no longer be decided: approval 7 is already approved",
    );
  });

  it("explains a 403 (not an approver)", async () => {
    mockFetch(({ path, method }) => {
      if (path === "/api/v1/approvals") return json(page([item]));
      if (path === "/api/v1/approvals/7" && method === "GET") return json(detail);
      if (path === "/api/v1/approvals/7/approve")
        return json({ detail: "only a designated approver (or an admin, recorded as an override) may decide approval 7" }, 403);
      return undefined;
    }, ME);
    renderPage(<ApprovalsPage />, { route: "/approvals" });
    const card = await screen.findByRole("article", { name: "Approve Acme discount" });
    await userEvent.click(within(card).getByRole("button", { name: "Approve" }));
    const dialog = screen.getByRole("dialog", { name: /Approve/ });
    await userEvent.click(within(dialog).getByRole("button", { name: "Approve" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("You are not an approver of this request");
  });

  it("shows an empty state and lets admins see everyone's requests", async () => {
    const { calls } = mockFetch(({ path }) => (path === "/api/v1/approvals" ? json(page([])) : undefined));
    renderPage(<ApprovalsPage />, { route: "/approvals" });
    expect(await screen.findByText("Nothing waits for your approval.")).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText("Show"), "Everyone's: all");
    await waitFor(() => expect(calls.filter((c) => c.path === "/api/v1/approvals").at(-1)?.search.get("mine")).toBe("false"));
    expect(await screen.findByText("No approval requests here.")).toBeInTheDocument();
  });
});
