// The picker and the preview in the workflow editor: under a step's text fields, with the saved
// workflow's trigger and its steps.
import "../../pages/execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CATALOG, EDITOR_SCHEMA } from "../fixtures";
import { json, mockApi, renderAt, stubLayout, type Call } from "../test-utils";
import WorkflowEditorPage from "../WorkflowEditorPage";
import { PREVIEW } from "./fixtures";
import { PREVIEW_DELAY_MS } from "./TemplatePreview";

const workflow = {
  id: 7, name: "Big deals", description: "", trigger_type: "organisation_created", trigger_config: {},
  conditions: null,
  actions: [{ type: "create_task", id: "call", config: { title: "Call {{ organisation.name }}" } }],
  run_policy: {}, status: "draft", version: 3, warnings: [], created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z", created_by: 1, current_version_id: 3, execution_count: 0,
  is_template: false, last_executed_at: null, template_slug: null, inbound_signature_required: false,
  graph_layout: null,
};

describe("variables in the workflow editor", () => {
  let calls: Call[];
  beforeEach(() => {
    sessionStorage.setItem("crmflow.token", "t");
    stubLayout();
    calls = mockApi((call) => {
      if (call.path === "/api/v1/workflows/editor-schema") return json(EDITOR_SCHEMA);
      if (call.path === "/api/v1/workflow/action-catalog") return json({ items: CATALOG, total: 2, page: 1, size: 500, pages: 1 });
      if (call.path === "/api/v1/workflows/7") return json(workflow);
      if (call.path === "/api/v1/workflows/template-preview") return json({ ...PREVIEW, rendered: "Call Initech", record_type: "organisation" });
      return undefined;
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
  });

  it("offers the trigger's variables under a step's title and previews it", async () => {
    const user = userEvent.setup();
    renderAt(<WorkflowEditorPage />, "/workflows/7/edit", "/workflows/:workflowId/edit");
    await screen.findByRole("heading", { name: 'Edit workflow "Big deals"' });
    await user.click(screen.getByRole("tab", { name: /Steps/ }));
    screen.getByRole("button", { name: /^Edit step/, hidden: true }).focus();
    await user.keyboard("{Enter}");
    const panel = await screen.findByRole("complementary", { name: /Edit step/ });
    expect(await within(panel).findByRole("status", { name: "Preview" }, { timeout: PREVIEW_DELAY_MS + 3000 })).toHaveTextContent("Call Initech");
    expect(calls.find((c) => c.path.endsWith("template-preview"))?.body).toEqual({
      template: "Call {{ organisation.name }}", trigger_type: "organisation_created",
    });
    await user.click(within(panel).getByRole("button", { name: "Insert a variable into Title" }));
    const picker = within(panel).getByRole("dialog", { name: "Variables" });
    expect(within(picker).getByRole("region", { name: "Organisation" })).toHaveTextContent("organisation.potential_amount");
    expect(within(picker).getByRole("region", { name: "Steps with an ID (status and output)" })).toHaveTextContent("steps.call.output");
    await user.click(within(picker).getByRole("button", { name: "Insert organisation.potential_amount" }));
    await waitFor(() => expect((within(panel).getByLabelText(/^Title/) as HTMLInputElement).value).toBe(
      "Call {{ organisation.name }}{{ organisation.potential_amount }}",
    ));
  });
});
