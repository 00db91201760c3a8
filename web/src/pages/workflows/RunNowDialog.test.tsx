import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BIG_RUN, simulation } from "../../editor/simulation/fixtures";
import { json, mockFetch, renderPage, type Call } from "../execution/test-utils";
import { executionItem } from "./fixtures";
import { RunNowDialog } from "./RunNowDialog";

const SIM = "/api/v1/workflow/workflow-simulations/";
const EXECUTE = "/api/v1/workflows/1/execute";

const NOT_WON = simulation({
  workflow_id: 1, entity_type: "deal", entity_id: 7, would_trigger: false, outcome: "skipped",
  branch_explorations: [
    { path: "trigger", kind: "trigger", reached: true, taken: "false", explanation: "the deal's stage is lost, not won", alternatives: [] },
  ],
});

function open(status: string, handler: (call: Call) => Response | undefined) {
  const { calls } = mockFetch(handler);
  renderPage(<RunNowDialog workflowId={1} status={status} open onClose={() => {}} />);
  return { calls, dialog: screen.getByRole("dialog", { name: "Run workflow now" }) };
}

async function chooseRecord(dialog: HTMLElement, user: ReturnType<typeof userEvent.setup>) {
  await user.selectOptions(within(dialog).getByLabelText("Record type"), "deal");
  await user.type(within(dialog).getByLabelText("Record ID"), "7");
}

afterEach(() => vi.unstubAllGlobals());

describe("Run now", () => {
  it("checks the record against the trigger and needs \"Run anyway\" when it does not match", async () => {
    const user = userEvent.setup();
    const { calls, dialog } = open("active", ({ method, path }) => {
      if (method === "POST" && path === SIM) return json(NOT_WON, 201);
      if (method === "POST" && path === EXECUTE) return json(executionItem({ id: 556, status: "success" }));
      return undefined;
    });
    await chooseRecord(dialog, user);
    await user.click(within(dialog).getByRole("button", { name: "Run" }));

    const warning = await within(dialog).findByRole("alert", { name: "Trigger mismatch" });
    expect(warning).toHaveTextContent("This deal does not match the trigger: the deal's stage is lost, not won");
    expect(calls.find((c) => c.method === "POST" && c.path === SIM)!.body).toEqual({ workflow_id: 1, entity_type: "deal", entity_id: 7 });
    // Nothing ran: the run needs an explicit confirmation.
    expect(calls.some((c) => c.path === EXECUTE)).toBe(false);
    expect(within(dialog).queryByRole("button", { name: "Run" })).not.toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "Run anyway" }));
    expect(await within(dialog).findByRole("link", { name: "View execution #556" })).toBeInTheDocument();
    expect(calls.filter((c) => c.path === EXECUTE)).toHaveLength(1);
    expect(calls.find((c) => c.path === EXECUTE)!.body).toEqual({ trigger_entity_type: "deal", trigger_entity_id: 7 });
  });

  it("asks again after the record is changed, and runs straight away on a matching record", async () => {
    const user = userEvent.setup();
    const { calls, dialog } = open("active", ({ method, path, body }) => {
      if (method === "POST" && path === SIM) {
        return json((body as { entity_id: number }).entity_id === 7 ? NOT_WON : simulation({ workflow_id: 1, would_trigger: true }), 201);
      }
      if (method === "POST" && path === EXECUTE) return json(executionItem({ id: 557, status: "running" }));
      return undefined;
    });
    await chooseRecord(dialog, user);
    await user.click(within(dialog).getByRole("button", { name: "Run" }));
    await within(dialog).findByRole("alert", { name: "Trigger mismatch" });
    await user.clear(within(dialog).getByLabelText("Record ID"));
    await user.type(within(dialog).getByLabelText("Record ID"), "8");
    expect(within(dialog).queryByRole("alert", { name: "Trigger mismatch" })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Run" }));
    expect(await within(dialog).findByRole("link", { name: "View execution #557" })).toBeInTheDocument();
    expect(calls.find((c) => c.path === EXECUTE)!.body).toEqual({ trigger_entity_type: "deal", trigger_entity_id: 8 });
  });

  it("runs on nothing without a check", async () => {
    const user = userEvent.setup();
    const { calls, dialog } = open("active", ({ method, path }) =>
      method === "POST" && path === EXECUTE ? json(executionItem({ id: 558 })) : undefined,
    );
    expect(within(dialog).queryByRole("button", { name: "Test instead" })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Run" }));
    await within(dialog).findByRole("link", { name: "View execution #558" });
    expect(calls.some((c) => c.path === SIM)).toBe(false);
  });

  it("offers a draft a test instead of a run, with its outcome and approval chain", async () => {
    const user = userEvent.setup();
    const { calls, dialog } = open("draft", ({ method, path }) =>
      method === "POST" && path === SIM ? json({ ...BIG_RUN, workflow_id: 1 }, 201) : undefined,
    );
    expect(within(dialog).getByRole("note", { name: "Not active" })).toHaveTextContent("This workflow is draft");
    await chooseRecord(dialog, user);
    await user.click(within(dialog).getByRole("button", { name: "Test instead" }));
    const result = await within(dialog).findByRole("region", { name: "Test result" });
    expect(result.querySelector(".badge")).toHaveTextContent("waiting");
    const chain = within(result).getByRole("list", { name: "Approval chain" });
    expect([...chain.querySelectorAll(":scope > li strong")].map((e) => e.textContent)).toEqual(["Level 1: Manager", "Level 2: Finance"]);
    expect(within(dialog).getByRole("link", { name: "Open the Test panel in the editor" })).toHaveAttribute("href", "/workflows/1/edit?section=test");
    await waitFor(() => expect(calls.filter((c) => c.path === SIM)).toHaveLength(1));
    expect(calls.find((c) => c.path === SIM)!.body).toEqual({ workflow_id: 1, entity_type: "deal", entity_id: 7 });
    expect(calls.some((c) => c.path === EXECUTE)).toBe(false);
  });

  it("finds the record by name instead of its ID", async () => {
    const user = userEvent.setup();
    const { calls, dialog } = open("active", ({ method, path, search }) => {
      if (method === "GET" && path === "/api/v1/deals") {
        const items = search.get("q") === "Acme" ? [{ id: 42, title: "Acme renewal", stage: "won", amount: 9000 }] : [];
        return json({ items, total: items.length, page: 1, size: 10, pages: 1 });
      }
      if (method === "POST" && path === SIM) return json(simulation({ workflow_id: 1, would_trigger: true }), 201);
      if (method === "POST" && path === EXECUTE) return json(executionItem({ id: 559, status: "success" }));
      return undefined;
    });
    await user.selectOptions(within(dialog).getByLabelText("Record type"), "deal");
    await user.type(within(dialog).getByLabelText("Find a deal by name"), "Acme");
    await user.click(await within(dialog).findByRole("button", { name: 'Use deal "Acme renewal" (#42)' }));
    expect(within(dialog).getByLabelText("Record ID")).toHaveValue(42);
    expect(within(dialog).getByText("Acme renewal")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Run" }));
    expect(await within(dialog).findByRole("link", { name: "View execution #559" })).toBeInTheDocument();
    expect(calls.find((c) => c.path === EXECUTE)!.body).toEqual({ trigger_entity_type: "deal", trigger_entity_id: 42 });
  });
});
