import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { stubLayout } from "../../editor/test-utils";
import { ADMIN, json, mockFetch, renderPage } from "../execution/test-utils";
import {
  autoApproval, discountWorkflow, failingWebhook, job, MANAGER_APPROVAL, manualWork, page, parallelApprovals, workflowList,
} from "./fixtures";
import { defaultLanguage } from "./GenerateDialog";
import SuggestionsPage from "./SuggestionsPage";

const URL = "/api/v1/workflow/workflow-suggestions/";
const VIEWER = { ...ADMIN, id: 9, role: "viewer" };

const openInbox = (route = "/suggestions") => renderPage(<SuggestionsPage />, { route, path: "/suggestions" });
const openDetail = (id: number) => renderPage(<SuggestionsPage />, { route: `/suggestions/${id}`, path: "/suggestions/:suggestionId" });

beforeEach(() => {
  stubLayout();
  sessionStorage.clear();
});
afterEach(() => vi.unstubAllGlobals());

describe("the inbox", () => {
  it("lists suggestions with kind, confidence, frequency, source and workflow, filtered by status and kind", async () => {
    const { calls } = mockFetch(({ path, search }) => {
      if (path === URL) return json(page(search.get("kind") === "manual_work" ? [manualWork] : [autoApproval, failingWebhook]));
      if (path === "/api/v1/workflows") return json(workflowList);
      return undefined;
    });
    openInbox();
    const table = await screen.findByRole("table", { name: "Pending suggestions" });
    const [first, second] = within(table).getAllByRole("row").slice(1);
    expect(within(first).getByRole("link", { name: autoApproval.title })).toHaveAttribute("href", "/suggestions/11");
    expect(first).toHaveTextContent("Auto-approval");
    expect(first).toHaveTextContent("96 %");
    expect(first.querySelector(".sg-confidence")).toHaveAttribute("title", "95% sure the true rate is at least 96.2 %");
    expect(first).toHaveTextContent("seen 98 times");
    expect(await within(first).findByRole("link", { name: "Discount approval" })).toHaveAttribute("href", "/workflows/4");
    expect(within(first).queryByText("rewritten by AI")).toBeNull();
    expect(within(second).getByText("rewritten by AI")).toBeInTheDocument();
    expect(second).toHaveTextContent("Error handling");
    expect(calls.find((c) => c.path === URL)?.search.get("status")).toBe("pending");

    await userEvent.selectOptions(screen.getByLabelText("Kind"), "Manual work");
    await waitFor(() => expect(calls.filter((c) => c.path === URL).at(-1)?.search.get("kind")).toBe("manual_work"));
    expect(await screen.findByText("a new workflow")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("tab", { name: "Rejected" }));
    await waitFor(() => expect(calls.filter((c) => c.path === URL).at(-1)?.search.get("status")).toBe("rejected"));
  });

  it("says when nothing is pending, and hides Generate from viewers", async () => {
    mockFetch(({ path }) => (path === URL ? json(page([])) : path === "/api/v1/workflows" ? json(workflowList) : undefined), VIEWER);
    openInbox();
    expect(await screen.findByText("No pending suggestions.")).toBeInTheDocument();
    expect(screen.getByText("An editor can generate suggestions from the history.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Generate suggestions" })).toBeNull();
  });

  it("generates: starts a job, shows its progress until it completes, then refreshes the list and sums it up", async () => {
    const polls = [
      job({ status: "running", progress: 40, stage: "mining parallel approvals" }),
      job({
        status: "completed", progress: 100, stage: "done", created_count: 2, refreshed_count: 1, duration_ms: 1500,
        discarded: [{ title: "Fix “Tell the owner”", kind: "error_handling", reason: "the changed workflow does not validate: bad" }],
      }),
    ];
    let generated = false;
    const { calls } = mockFetch(({ path, method }) => {
      if (path === URL) return json(page(generated ? [autoApproval, failingWebhook] : []));
      if (path === `${URL}generate/` && method === "POST") return json(job(), 202);
      if (path === `${URL}generate/3/`) {
        const next = polls.shift() ?? job({ status: "completed", progress: 100, created_count: 2, refreshed_count: 1 });
        if (next.status === "completed") generated = true;
        return json(next);
      }
      if (path === "/api/v1/workflows") return json(workflowList);
      return undefined;
    });
    openInbox();
    await userEvent.click(await screen.findByRole("button", { name: "Generate suggestions" }));
    const dialog = screen.getByRole("dialog", { name: "Generate suggestions" });
    const days = within(dialog).getByLabelText("Days of history");
    await userEvent.clear(days);
    await userEvent.type(days, "400");
    await userEvent.click(within(dialog).getByRole("button", { name: "Generate" }));
    expect(within(dialog).getByText("A whole number of days from 1 to 365.")).toBeInTheDocument();
    await userEvent.clear(days);
    await userEvent.type(days, "60");
    await userEvent.selectOptions(within(dialog).getByLabelText("Language of the rewritten texts"), "Français");
    await userEvent.click(within(dialog).getByLabelText("Use AI to rewrite the texts"));
    expect(within(dialog).queryByLabelText("Language of the rewritten texts")).toBeNull();
    await userEvent.click(within(dialog).getByRole("button", { name: "Generate" }));

    expect(calls.find((c) => c.method === "POST")?.body).toEqual({ days: 60, min_occurrences: 10, use_llm: false, language: "fr" });
    expect(defaultLanguage(["fr-FR", "en"])).toBe("fr");
    expect(defaultLanguage(["de-DE", "en-GB"])).toBe("en");
    expect(defaultLanguage([])).toBe("en");
    const progress = await screen.findByRole("progressbar", { name: "Generation progress" });
    await waitFor(() => expect(progress).toHaveAttribute("value", "40"));
    expect(screen.getByText("mining parallel approvals")).toBeInTheDocument();
    expect(sessionStorage.getItem("crmflow.suggestions.job")).toBe("3");

    expect(await screen.findByText(/2 new, 1 refreshed, 1 discarded\./, {}, { timeout: 4000 })).toBeInTheDocument();
    // The list is fetched again once the job is done.
    expect(await screen.findByRole("link", { name: autoApproval.title })).toBeInTheDocument();
    await userEvent.click(screen.getByText("Why one was discarded"));
    expect(screen.getByText(/the changed workflow does not validate: bad/)).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByText(/2 new/)).toBeNull();
    expect(sessionStorage.getItem("crmflow.suggestions.job")).toBeNull();
  });

  it("shows why a generation failed", async () => {
    sessionStorage.setItem("crmflow.suggestions.job", "3");
    mockFetch(({ path }) => {
      if (path === URL) return json(page([]));
      if (path === `${URL}generate/3/`) return json(job({ status: "failed", stage: "failed", error: "OperationalError: database is locked" }));
      if (path === "/api/v1/workflows") return json(workflowList);
      return undefined;
    });
    openInbox();
    expect(await screen.findByRole("alert")).toHaveTextContent("Generation failed: OperationalError: database is locked.");
  });
});

describe("a suggestion", () => {
  const detailApi = (suggestion = autoApproval, workflow: unknown = discountWorkflow) =>
    mockFetch(({ path, method, body }) => {
      if (path === `${URL}${suggestion.id}/` && method === "GET") return json(suggestion);
      if (path === "/api/v1/workflows/4") return json(workflow);
      if (path === "/api/v1/workflows") return json(workflowList);
      if (path === `${URL}${suggestion.id}/accept/`) {
        return json({ ...suggestion, status: "accepted", notes: (body as { notes: string }).notes, decided_by: 1, decided_at: "2026-12-06T09:00:00Z", applied_workflow_id: 40, applied_version: 1 });
      }
      if (path === `${URL}${suggestion.id}/reject/`) {
        return json({ ...suggestion, status: "rejected", notes: (body as { notes: string }).notes, decided_by: 1, decided_at: "2026-12-06T09:00:00Z" });
      }
      return undefined;
    });

  it("shows the evidence, the back-test, the diff and the changed step on the graph", async () => {
    detailApi();
    openDetail(11);
    expect(await screen.findByRole("heading", { level: 1, name: autoApproval.title })).toBeInTheDocument();
    const evidence = screen.getByRole("region", { name: "Evidence" });
    expect(evidence).toHaveTextContent("When deal.discount_percent < 10, 98 of 98 requests were approved");
    const diff = await screen.findByRole("region", { name: "What the change does" });
    expect(diff).toHaveTextContent("Steps changed (1)");
    expect(diff).toHaveTextContent("Manager approval");
    // The step's new condition in words; its JSON stays in the tooltip.
    expect(diff).toHaveTextContent("when: (none) → Discount percent (Deal) is at least 10%");
    expect(within(diff).getByText("Discount percent (Deal) is at least 10%")).toHaveAttribute("title", expect.stringContaining('"operator": ">="'));
    expect(screen.getByRole("region", { name: "The change" })).toHaveTextContent("The workflow is active: accepting saves a draft copy");
    const step = screen.getByRole("button", { name: 'Step "Manager approval"', hidden: true });
    expect(step.closest(".flow-step")).toHaveClass("flow-step-highlight");
    expect(step.closest(".flow-step")).toHaveTextContent("if deal.discount_percent >= 10");
    const backtest = screen.getByRole("region", { name: "Back-test" });
    expect(backtest).toHaveTextContent("Events considered1,200");
    expect(backtest).toHaveTextContent("Compared with what version 1 really did");
  });

  it("accepts with notes and links to the draft it made", async () => {
    const { calls } = detailApi();
    openDetail(11);
    await userEvent.click(await screen.findByRole("button", { name: "Accept" }));
    const dialog = screen.getByRole("dialog", { name: `Accept “${autoApproval.title}”` });
    await userEvent.type(within(dialog).getByLabelText("Notes"), "agreed with sales");
    await userEvent.click(within(dialog).getByRole("button", { name: "Accept" }));
    const open = await screen.findByRole("link", { name: "Open the draft" });
    expect(open).toHaveAttribute("href", "/workflows/40");
    expect(screen.getByText(/The workflow is active, so the change was saved as a draft copy, “Discount approval \(suggested\)”/)).toBeInTheDocument();
    expect(screen.getByText("Notes: agreed with sales")).toBeInTheDocument();
    expect(calls.find((c) => c.method === "POST")).toMatchObject({ path: `${URL}11/accept/`, body: { notes: "agreed with sales" } });
    expect(screen.queryByRole("button", { name: "Accept" })).toBeNull();
  });

  it("shows the server's message when accepting is refused (409)", async () => {
    const message = "the workflow changed since this was mined (patch[0] (test /actions/0): no '0' in the document); generate suggestions again";
    mockFetch(({ path, method }) => {
      if (path === `${URL}11/` && method === "GET") return json(autoApproval);
      if (path === "/api/v1/workflows/4") return json(discountWorkflow);
      if (path === "/api/v1/workflows") return json(workflowList);
      if (path === `${URL}11/accept/`) return json({ detail: message }, 409);
      return undefined;
    });
    openDetail(11);
    await userEvent.click(await screen.findByRole("button", { name: "Accept" }));
    const dialog = screen.getByRole("dialog", { name: /^Accept/ });
    await userEvent.click(within(dialog).getByRole("button", { name: "Accept" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(message);
    expect(within(dialog).getByRole("button", { name: "Close" })).toBeInTheDocument();
  });

  it("rejects with notes", async () => {
    const { calls } = detailApi(parallelApprovals);
    openDetail(12);
    await userEvent.click(await screen.findByRole("button", { name: "Reject" }));
    const dialog = screen.getByRole("dialog", { name: `Reject “${parallelApprovals.title}”` });
    await userEvent.type(within(dialog).getByLabelText("Notes"), "finance must see the director's answer");
    await userEvent.click(within(dialog).getByRole("button", { name: "Reject" }));
    expect(await screen.findByText(/Rejected by you/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === "POST")).toMatchObject({ path: `${URL}12/reject/`, body: { notes: "finance must see the director's answer" } });
  });

  it("says advice has no automatic change, and viewers cannot decide", async () => {
    mockFetch(({ path }) => {
      if (path === `${URL}12/`) return json(parallelApprovals);
      if (path === "/api/v1/workflows") return json(workflowList);
      return undefined;
    }, VIEWER);
    openDetail(12);
    expect(await screen.findByText("No automatic change: advice only.")).toBeInTheDocument();
    expect(screen.getByText("Not back-tested: there is no change to replay.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Accept" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Reject" })).toBeNull();
  });

  it("describes a proposed new workflow in words and on the graph", async () => {
    detailApi(manualWork);
    openDetail(16);
    const change = await screen.findByRole("region", { name: "The change" });
    expect(change).toHaveTextContent("A new workflow, “Create “Send the contract to {{ deal.title }}” after deal updated to signed”");
    expect(change).toHaveTextContent("TriggerWhen a deal moves to signed");
    expect(change).toHaveTextContent("Create task — Create the task");
    expect(screen.getByRole("button", { name: 'Step "Create the task"', hidden: true })).toBeInTheDocument();
    expect(screen.getByText("A new workflow")).toBeInTheDocument();
  });

  it("warns when the workflow changed since the suggestion was mined", async () => {
    detailApi(autoApproval, { ...discountWorkflow, version: 2, actions: [{ ...MANAGER_APPROVAL, config: { approvers: ["title:director"] } }] });
    openDetail(11);
    expect(await screen.findByRole("note")).toHaveTextContent(
      "The workflow changed since this was mined (patch[0] (test /actions/0): /actions/0 is no longer what was expected): accepting would be refused.",
    );
  });
});
