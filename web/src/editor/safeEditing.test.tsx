import "../pages/execution/api-test-shim";
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { toDefinition } from "./definition";
import { CATALOG, EDITOR_SCHEMA } from "./fixtures";
import { json, mockApi, renderAt, stubLayout } from "./test-utils";
import type { Step } from "./types";
import { DRAFT_DELAY_MS, DRAFT_MAX_CHARS, readDraft, writeDraft } from "./useLocalDraft";
import WorkflowEditorPage from "./WorkflowEditorPage";

const ACTIONS: Step[] = [
  { type: "send_email", name: "Tell the manager", config: { to: "manager", subject: "Big one" } },
  { type: "create_task", name: "Qualify", config: { title: "Qualify", due_date: "+3 days" } },
];
const workflow = {
  id: 7, name: "Big deals", description: "", trigger_type: "organisation_created", trigger_config: {},
  conditions: null, actions: ACTIONS, run_policy: {}, status: "draft", version: 3, warnings: [],
  created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", created_by: 1, current_version_id: 3,
  execution_count: 0, is_template: false, last_executed_at: null, template_slug: null,
  inbound_signature_required: false, graph_layout: null,
};

function routes(saved: object = workflow) {
  return mockApi((call) => {
    if (call.path === "/api/v1/workflows/editor-schema") return json(EDITOR_SCHEMA);
    if (call.path === "/api/v1/workflow/action-catalog") return json({ items: CATALOG, total: 2, page: 1, size: 500, pages: 1 });
    if (call.path === "/api/v1/workflows/7" && call.method === "GET") return json(saved);
    if (call.path === "/api/v1/workflows/7" && call.method === "PUT") return json({ ...saved, ...(call.body as object), version: 4 });
    return undefined;
  });
}
const puts = (calls: ReturnType<typeof routes>) => calls.filter((c) => c.method === "PUT").map((c) => c.body as Record<string, unknown>);

async function openEditor(saved: object = workflow) {
  const user = userEvent.setup();
  const calls = routes(saved);
  const view = renderAt(<WorkflowEditorPage />, "/workflows/7/edit", "/workflows/:workflowId/edit");
  await screen.findByRole("heading", { name: 'Edit workflow "Big deals"' });
  return { user, calls, ...view };
}
const button = (name: string) => screen.getByRole("button", { name });
const key = (init: KeyboardEventInit, target: Element = document.body) => fireEvent.keyDown(target, { bubbles: true, ...init });

async function removeStep(user: ReturnType<typeof userEvent.setup>, name: string) {
  screen.getByRole("button", { name: `Edit step "${name}"`, hidden: true }).focus();
  await user.keyboard("{Enter}");
  await user.click(await screen.findByRole("button", { name: "Remove step" }));
}

describe("safe editing in the workflow editor", () => {
  beforeEach(() => {
    localStorage.clear();
    stubLayout();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
  });

  it("undoes and redoes with the toolbar, a burst of typing being one entry", async () => {
    const { user } = await openEditor();
    expect(button("Undo")).toBeDisabled();
    expect(button("Redo")).toBeDisabled();
    await user.type(screen.getByLabelText(/^Name/), " v2");
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
    await user.click(button("Undo"));
    expect(screen.getByLabelText(/^Name/)).toHaveValue("Big deals");
    expect(screen.queryByText("Unsaved changes")).toBeNull();
    expect(button("Undo")).toBeDisabled();
    await user.click(button("Redo"));
    expect(screen.getByLabelText(/^Name/)).toHaveValue("Big deals v2");
    expect(button("Redo")).toBeDisabled();
  });

  it("undoes with Ctrl+Z and redoes with Ctrl+Shift+Z and Ctrl+Y, but not inside a text field", async () => {
    const { user } = await openEditor();
    const name = screen.getByLabelText(/^Name/);
    await user.type(name, "!");
    // In the field, Ctrl+Z is the browser's text undo: the editor leaves it alone.
    expect(key({ key: "z", ctrlKey: true }, name)).toBe(true);
    expect(name).toHaveValue("Big deals!");
    expect(key({ key: "z", ctrlKey: true })).toBe(false);
    expect(name).toHaveValue("Big deals");
    key({ key: "Z", ctrlKey: true, shiftKey: true });
    expect(name).toHaveValue("Big deals!");
    key({ key: "z", metaKey: true });
    expect(name).toHaveValue("Big deals");
    key({ key: "y", ctrlKey: true });
    expect(name).toHaveValue("Big deals!");
  });

  it("saves with Ctrl+S, even from a text field, instead of the browser's save dialog", async () => {
    const { user, calls } = await openEditor();
    await user.type(screen.getByLabelText(/^Name/), " v2");
    expect(key({ key: "s", ctrlKey: true }, screen.getByLabelText(/^Name/))).toBe(false);
    await screen.findByText(/Saved as version 4/);
    expect(puts(calls)).toHaveLength(1);
    expect(puts(calls)[0].name).toBe("Big deals v2");
    expect(screen.queryByText("Unsaved changes")).toBeNull();
    // Undo goes on past a save: back to the old name, now an unsaved change.
    await user.click(button("Undo"));
    expect(screen.getByLabelText(/^Name/)).toHaveValue("Big deals");
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
  });

  it("offers Undo after removing a step, and the undo restores it exactly", async () => {
    const { user, calls } = await openEditor();
    await user.click(screen.getByRole("tab", { name: /Steps/ }));
    await removeStep(user, "Tell the manager");
    expect(screen.queryByRole("button", { name: 'Edit step "Tell the manager"', hidden: true })).toBeNull();
    const toast = screen.getByText("Step removed.").closest(".undo-toast") as HTMLElement;
    await user.click(within(toast).getByRole("button", { name: "Undo" }));
    expect(screen.queryByText("Step removed.")).toBeNull();
    expect(screen.queryByText("Unsaved changes")).toBeNull();
    // A second removal, undone with Ctrl+Z; another edit first would have hidden the toast.
    await removeStep(user, "Qualify");
    expect(screen.getByText("Step removed.")).toBeInTheDocument();
    key({ key: "z", ctrlKey: true });
    expect(screen.queryByText("Step removed.")).toBeNull();
    await user.click(button("Save workflow"));
    await waitFor(() => expect(puts(calls)).toHaveLength(1));
    expect(puts(calls)[0].actions).toEqual(ACTIONS);
  });

  it("offers Undo after removing a condition group, restoring the conditions exactly", async () => {
    const conditions = { operator: "AND", rules: [
      { field: "organisation.name", operator: "==", value: "Acme" },
      { operator: "OR", rules: [{ field: "organisation.potential_amount", operator: ">", value: 5 }] },
    ] };
    const { user, calls } = await openEditor({ ...workflow, conditions });
    await user.click(screen.getByRole("tab", { name: /Conditions/ }));
    await user.click(button("Remove group 2"));
    expect(screen.queryByRole("button", { name: "Remove group 2" })).toBeNull();
    const toast = screen.getByText("Group 2 removed.").closest(".undo-toast") as HTMLElement;
    await user.click(within(toast).getByRole("button", { name: "Undo" }));
    expect(button("Remove group 2")).toBeInTheDocument();
    expect(screen.queryByText("Unsaved changes")).toBeNull();
    await user.click(button("Save workflow"));
    await waitFor(() => expect(puts(calls)).toHaveLength(1));
    expect(puts(calls)[0].conditions).toEqual(conditions);
  });

  it("hides the toast when something else changes, so its Undo never undoes another edit", async () => {
    const { user } = await openEditor();
    await user.click(screen.getByRole("tab", { name: /Steps/ }));
    await removeStep(user, "Qualify");
    expect(screen.getByText("Step removed.")).toBeInTheDocument();
    await user.click(button("Add step"));
    await user.click(within(screen.getByRole("dialog", { name: "Add step" })).getByRole("button", { name: "Create task" }));
    expect(screen.queryByText("Step removed.")).toBeNull();
  });

  it("asks before leaving with unsaved changes: Stay keeps them, Leave goes", async () => {
    const { user, router } = await openEditor();
    await user.type(screen.getByLabelText(/^Name/), " v2");
    act(() => void router.navigate("/elsewhere"));
    const dialog = await screen.findByRole("dialog", { name: "Leave without saving?" });
    await user.click(within(dialog).getByRole("button", { name: "Stay" }));
    expect(screen.queryByRole("dialog", { name: "Leave without saving?" })).toBeNull();
    expect(screen.getByLabelText(/^Name/)).toHaveValue("Big deals v2");
    act(() => void router.navigate("/elsewhere"));
    await user.click(within(await screen.findByRole("dialog", { name: "Leave without saving?" })).getByRole("button", { name: "Leave" }));
    expect(await screen.findByRole("heading", { name: "Elsewhere" })).toBeInTheDocument();
  });

  it("leaves without asking when nothing is unsaved, and asks the browser on unload only then", async () => {
    const { user, router } = await openEditor();
    const unload = () => {
      const event = new Event("beforeunload", { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    expect(unload()).toBe(false);
    await user.type(screen.getByLabelText(/^Name/), "!");
    expect(unload()).toBe(true);
    await user.click(button("Undo"));
    expect(unload()).toBe(false);
    act(() => void router.navigate("/elsewhere"));
    expect(await screen.findByRole("heading", { name: "Elsewhere" })).toBeInTheDocument();
  });

  it("keeps unsaved edits as a local draft and offers them back when the editor opens again", async () => {
    const first = await openEditor();
    await first.user.type(screen.getByLabelText(/^Name/), " v2");
    await waitFor(() => expect(readDraft("7")?.def.name).toBe("Big deals v2"), { timeout: DRAFT_DELAY_MS * 4 });
    expect(readDraft("7")?.version).toBe(3);
    first.unmount();

    const second = await openEditor();
    const offer = screen.getByRole("group", { name: /^Restore unsaved changes from .+\?$/ });
    expect(screen.getByLabelText(/^Name/)).toHaveValue("Big deals");
    await second.user.click(within(offer).getByRole("button", { name: "Restore" }));
    expect(screen.getByLabelText(/^Name/)).toHaveValue("Big deals v2");
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
    expect(screen.queryByRole("group", { name: /Restore unsaved changes/ })).toBeNull();
    // Saving clears the draft.
    await second.user.click(button("Save workflow"));
    await screen.findByText(/Saved as version 4/);
    expect(readDraft("7")).toBeNull();
  });

  it("discards a draft on request, and never offers one made before a newer saved version", async () => {
    const draft = { savedAt: new Date().toISOString(), version: 3, def: toDefinition({ ...workflow, name: "From the draft" }), positions: {} };
    writeDraft("7", draft);
    const first = await openEditor();
    await first.user.click(within(screen.getByRole("group", { name: /Restore unsaved changes/ })).getByRole("button", { name: "Discard" }));
    expect(readDraft("7")).toBeNull();
    expect(screen.getByLabelText(/^Name/)).toHaveValue("Big deals");
    first.unmount();

    writeDraft("7", { ...draft, version: 2 });
    await openEditor();
    expect(screen.queryByRole("group", { name: /Restore unsaved changes/ })).toBeNull();
    await waitFor(() => expect(readDraft("7")).toBeNull());
  });

  it("does not keep a draft past its size bound", () => {
    const big = toDefinition({ ...workflow, description: "x".repeat(DRAFT_MAX_CHARS) });
    expect(writeDraft("9", { savedAt: new Date().toISOString(), version: 1, def: big, positions: {} })).toBe(false);
    expect(readDraft("9")).toBeNull();
  });
});
