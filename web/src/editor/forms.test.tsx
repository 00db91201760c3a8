import "../pages/execution/api-test-shim";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CATALOG, EDITOR_SCHEMA } from "./fixtures";
import { fieldKind, SchemaForm } from "./SchemaForm";
import { StepPanel } from "./StepPanel";
import { controlSchemas, retrySchema } from "./steps";
import { json, mockApi, renderAt, stubLayout } from "./test-utils";
import type { Json, JsonSchema, Step } from "./types";
import WorkflowEditorPage from "./WorkflowEditorPage";

const SEND_EMAIL = CATALOG.find((c) => c.action_type === "send_email")!;
const CREATE_TASK = CATALOG.find((c) => c.action_type === "create_task")!;
const CATALOG_MAP = new Map(CATALOG.map((c) => [c.action_type, c]));

function FormHarness({ schema, initial }: { schema: JsonSchema; initial: Record<string, Json> }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <SchemaForm schema={schema} value={value} onChange={setValue} idPrefix="f" errorPrefix="actions[0].config" />
      <output data-testid="config">{JSON.stringify(value)}</output>
    </>
  );
}
const config = () => JSON.parse(screen.getByTestId("config").textContent ?? "{}");

describe("SchemaForm", () => {
  it("generates inputs from an action's input schema and edits its config", async () => {
    const user = userEvent.setup();
    render(<FormHarness schema={SEND_EMAIL.input_schema as JsonSchema} initial={{}} />);
    expect(screen.getByLabelText(/^To/)).toBeInTheDocument();
    expect(screen.getByLabelText(/^Subject/)).toBeInTheDocument();
    await user.type(screen.getByLabelText(/^To/), "owner");
    await user.type(screen.getByLabelText(/^Subject/), "Hello {{{{ organisation.name }}");
    await user.type(screen.getByLabelText(/^Cc/), "a@example.com{Enter}manager");
    await user.type(screen.getByLabelText(/^Body/), "Line");
    expect(config()).toEqual({ to: "owner", subject: "Hello {{ organisation.name }}", cc: ["a@example.com", "manager"], body: "Line" });
    await user.clear(screen.getByLabelText(/^Body/));
    expect(config()).not.toHaveProperty("body");
  });

  it("offers the approval and stop steps' choices in words, keeping the engine's values", async () => {
    const user = userEvent.setup();
    const { unmount } = render(<FormHarness schema={controlSchemas().approval} initial={{ approvers: ["manager"] }} />);
    const mode = screen.getByLabelText(/^Mode/);
    expect(within(mode).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Not set (default: Any one approver)", "Any one approver", "Everyone must approve", "A quorum (set below)", "Custom value or template…",
    ]);
    await user.selectOptions(mode, "Everyone must approve");
    await user.selectOptions(screen.getByLabelText(/^On timeout/), "Escalate to the approvers' managers");
    expect(config()).toEqual({ approvers: ["manager"], mode: "all", on_timeout: "escalate" });
    expect(within(screen.getByLabelText(/^On timeout/)).getByRole("option", { name: "Not set (default: Reject)" })).toHaveValue("");
    unmount();
    const stop = render(<FormHarness schema={controlSchemas().stop} initial={{}} />);
    await user.selectOptions(screen.getByLabelText(/^Status/), "Skipped");
    expect(config()).toEqual({ status: "skipped" });
    stop.unmount();
    // The retry backoff and an action's known fields take the values catalogue's words.
    render(<FormHarness schema={{ type: "object", properties: { ...retrySchema().properties, priority: { type: "string", enum: ["low", "high"] } } }} initial={{}} />);
    expect(within(screen.getByLabelText(/^Backoff/)).getByRole("option", { name: "fixed" })).toHaveValue("fixed");
    expect(within(screen.getByLabelText(/^Priority/)).getByRole("option", { name: "high" })).toHaveValue("high");
  });

  it("handles enums, numbers, booleans and JSON fallbacks", async () => {
    const user = userEvent.setup();
    const schema: JsonSchema = {
      type: "object",
      properties: {
        level: { type: "string", enum: ["info", "warning"], default: "info" },
        amount: { anyOf: [{ type: "number" }, { type: "null" }] },
        flag: { type: "boolean" },
        json: { type: "object", additionalProperties: { type: "string" } },
      },
    };
    render(<FormHarness schema={schema} initial={{ keep: "me" }} />);
    await user.selectOptions(screen.getByLabelText(/^Level/), "warning");
    await user.type(screen.getByLabelText(/^Amount/), "12.5");
    await user.selectOptions(screen.getByLabelText(/^Flag/), "true");
    await user.type(screen.getByLabelText(/^Json/), '{{"X-A": "1"}');
    expect(config()).toEqual({ keep: "me", level: "warning", amount: 12.5, flag: true, json: { "X-A": "1" } });
    // Invalid JSON is reported and not applied.
    await user.type(screen.getByLabelText(/^Json/), "oops");
    expect(screen.getByText(/Not valid JSON/)).toBeInTheDocument();
    expect(config().json).toEqual({ "X-A": "1" });
    // A template in an enum through "Custom value".
    await user.selectOptions(screen.getByLabelText(/^Level/), "__custom__");
    await user.clear(screen.getByLabelText(/^Level/));
    await user.type(screen.getByLabelText(/^Level/), "{{{{ trigger.data.level }}");
    expect(config().level).toBe("{{ trigger.data.level }}");
    // Unknown keys stay, editable as JSON.
    expect(screen.getByLabelText(/^Other settings/)).toHaveValue('{\n  "keep": "me"\n}');
  });

  it("picks inputs by schema and value", () => {
    const to = (SEND_EMAIL.input_schema as JsonSchema).properties!.to;
    expect(fieldKind(to, "owner")).toBe("text");
    expect(fieldKind(to, ["a", "b"])).toBe("json");
    const due = (CREATE_TASK.input_schema as JsonSchema).properties!.due_date;
    expect(fieldKind(due, undefined)).toBe("text");
    expect(fieldKind({}, undefined)).toBe("any");
  });
});

describe("StepPanel", () => {
  it("edits an action step's config and shows its API errors next to the field", async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    const step: Step = { type: "create_task", config: { title: "Call" } };
    render(
      <StepPanel step={step} path="actions/2" catalog={CATALOG_MAP} fields={EDITOR_SCHEMA.entities.organisation}
        operators={EDITOR_SCHEMA.operators}
        errors={[{ loc: "actions[2].config.due_date", msg: "'next tuesday' is not a date" }]}
        onChange={onChange} onRemove={() => {}} onMove={() => {}} canMoveUp canMoveDown={false} onClose={() => {}} />,
    );
    const due = screen.getByLabelText(/^Due date/);
    expect(due).toHaveAttribute("aria-invalid", "true");
    expect(due).toHaveAccessibleDescription(/'next tuesday' is not a date/);
    expect(screen.getByRole("button", { name: "Move down" })).toBeDisabled();
    await user.type(screen.getByLabelText(/^Title/), "!");
    expect(onChange).toHaveBeenLastCalledWith({ type: "create_task", config: { title: "Call!" } });
    await user.selectOptions(screen.getByLabelText("On error"), "stop");
    expect(onChange).toHaveBeenLastCalledWith({ type: "create_task", config: { title: "Call" }, on_error: "stop" });
  });
});

describe("WorkflowEditorPage", () => {
  const workflow = {
    id: 7, name: "Big deals", description: "", trigger_type: "organisation_created", trigger_config: {},
    conditions: { operator: "AND", rules: [{ field: "organisation.potential_amount", operator: ">", value: 50000 }] },
    actions: [
      { type: "send_email", name: "Tell the manager", config: { to: "manager", subject: "Big one" } },
      { type: "create_task", config: { title: "Qualify", due_date: "next tuesday" } },
    ],
    run_policy: {}, status: "draft", version: 3, warnings: [], created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z", created_by: 1, current_version_id: 3, execution_count: 0,
    is_template: false, last_executed_at: null, template_slug: null, inbound_signature_required: false,
    graph_layout: null as null | { positions: Record<string, { x: number; y: number }> },
  };
  beforeEach(() => {
    sessionStorage.setItem("crmflow.token", "t");
    stubLayout();
    workflow.graph_layout = null;
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    // Unsaved edits leave local drafts behind; the next test opens the same workflow.
    localStorage.clear();
  });

  const routes = (put: (body: unknown) => Response) => mockApi((call) => {
    if (call.path === "/api/v1/workflows/editor-schema") return json(EDITOR_SCHEMA);
    if (call.path === "/api/v1/workflow/action-catalog") return json({ items: CATALOG, total: 2, page: 1, size: 500, pages: 1 });
    if (call.path === "/api/v1/workflows/7" && call.method === "GET") return json(workflow);
    if (call.path === "/api/v1/workflows/7" && call.method === "PUT") return put(call.body);
    return undefined;
  });

  it("shows 422 errors next to the fields they name, in the right section", async () => {
    const user = userEvent.setup();
    routes(() => json({ detail: [
      { loc: "name", msg: "name already used" },
      { loc: "actions[1].config.due_date", msg: "'next tuesday' is not a date" },
    ] }, 422));
    renderAt(<WorkflowEditorPage />, "/workflows/7/edit", "/workflows/:workflowId/edit");
    expect(await screen.findByRole("heading", { name: 'Edit workflow "Big deals"' })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save workflow" }));
    expect(await screen.findByText(/The workflow was not saved: 2 problems/)).toBeInTheDocument();
    // The first error's section is shown: Basics, with the error next to the name.
    expect(screen.getByLabelText(/^Name/)).toHaveAccessibleDescription("name already used");
    // The step's error: the Steps tab counts it; "Show" opens the step with the error by its field.
    expect(screen.getByRole("tab", { name: /Steps, 1 problem/ })).toBeInTheDocument();
    await user.click(screen.getAllByRole("button", { name: "Show" })[1]);
    const panel = await screen.findByRole("complementary", { name: /Edit step: Create task/ });
    const due = within(panel).getByLabelText(/^Due date/);
    expect(due).toHaveAccessibleDescription(/'next tuesday' is not a date/);
  });

  it("saves the edited definition with PUT and shows loop-guard warnings", async () => {
    const user = userEvent.setup();
    let sent: Record<string, unknown> = {};
    routes((body) => {
      sent = body as Record<string, unknown>;
      return json({ ...workflow, ...sent, version: 4, warnings: ["update_field on organisation can re-trigger this workflow"] });
    });
    renderAt(<WorkflowEditorPage />, "/workflows/7/edit", "/workflows/:workflowId/edit");
    await screen.findByRole("heading", { name: 'Edit workflow "Big deals"' });
    await user.click(screen.getByRole("tab", { name: /Conditions/ }));
    const value = screen.getByRole("textbox", { name: "Rule 1 value" });
    await user.clear(value);
    await user.type(value, "75000");
    await user.click(screen.getByRole("tab", { name: /JSON/ }));
    expect((screen.getByLabelText("Workflow definition (JSON)") as HTMLTextAreaElement).value).toContain('"value": 75000');
    await user.click(screen.getByRole("button", { name: "Save workflow" }));
    await waitFor(() => expect(screen.getByText(/Saved as version 4/)).toBeInTheDocument());
    expect(screen.getByText(/can re-trigger this workflow/)).toBeInTheDocument();
    expect(sent.conditions).toEqual({ operator: "AND", rules: [{ field: "organisation.potential_amount", operator: ">", value: 75000 }] });
    expect(sent.actions).toEqual(workflow.actions);
  });

  it("says which blueprint a new draft was created from, until the next save", async () => {
    const user = userEvent.setup();
    routes((body) => json({ ...workflow, ...(body as object), version: 4 }));
    const state = { saved: { version: 1, warnings: [], fromBlueprint: { name: "Approbation de remise", version: "1.2.0" } } };
    renderAt(<WorkflowEditorPage />, { pathname: "/workflows/7/edit", state }, "/workflows/:workflowId/edit");
    await screen.findByRole("heading", { name: 'Edit workflow "Big deals"' });
    const banner = screen.getByText(/Created from blueprint/).closest("[role='status']")!;
    expect(banner).toHaveTextContent("Created from blueprint “Approbation de remise” 1.2.0 as a draft.");
    expect(banner).not.toHaveTextContent(/Saved as version/);
    expect(within(banner as HTMLElement).getByRole("link", { name: "View workflow" })).toHaveAttribute("href", "/workflows/7");
    // The next save says what it saved.
    await user.click(screen.getByRole("button", { name: "Save workflow" }));
    await waitFor(() => expect(screen.getByText(/Saved as version 4/)).toBeInTheDocument());
    expect(screen.queryByText(/Created from blueprint/)).toBeNull();
  });

  it("saves node positions with the definition: kept on the step they belong to, cleared by Tidy", async () => {
    const user = userEvent.setup();
    const sent: Record<string, unknown>[] = [];
    const placed = { trigger: { x: 10, y: -80 }, "actions/1": { x: 600, y: 400 } };
    routes((body) => {
      sent.push(body as Record<string, unknown>);
      return json({ ...workflow, ...(body as object), version: 3 });
    });
    workflow.graph_layout = { positions: placed };
    renderAt(<WorkflowEditorPage />, "/workflows/7/edit", "/workflows/:workflowId/edit");
    await screen.findByRole("heading", { name: 'Edit workflow "Big deals"' });
    await user.click(screen.getByRole("tab", { name: /Steps/ }));
    const node = (id: string) => document.querySelector<HTMLElement>(`.react-flow__node[data-id="${id}"]`)!;
    expect(node("actions/1").style.transform).toBe("translate(600px,400px)");
    // The trigger shows the workflow's conditions.
    expect(screen.getByText("if organisation.potential_amount > 50000")).toBeInTheDocument();

    // Removing the first step: the second one, now actions/0, keeps its place.
    screen.getByRole("button", { name: 'Edit step "Tell the manager"', hidden: true }).focus();
    await user.keyboard("{Enter}");
    await user.click(await screen.findByRole("button", { name: "Remove step" }));
    expect(node("actions/0").style.transform).toBe("translate(600px,400px)");
    await user.click(screen.getByRole("button", { name: "Save workflow" }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0].graph_layout).toEqual({ positions: { trigger: placed.trigger, "actions/0": placed["actions/1"] } });
    expect(screen.queryByText("Unsaved changes")).toBeNull();

    // Tidy alone is an unsaved change; saving it sends null (the automatic layout).
    await user.click(screen.getByRole("button", { name: "Tidy layout", hidden: true }));
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
    expect(node("actions/0").style.transform).not.toBe("translate(600px,400px)");
    await user.click(screen.getByRole("button", { name: "Save workflow" }));
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1].graph_layout).toBeNull();
    expect(sent[1].actions).toEqual(sent[0].actions);
  });
});

describe("WorkflowEditorPage: new from a template", () => {
  const template = {
    id: "alerte", name: "Alerte manager", description: "Big organisations", category: "sales", trigger_type: "organisation_created",
    definition: {
      name: "Alerte manager", description: "Big organisations", trigger_type: "organisation_created", trigger_config: {},
      conditions: { operator: "AND", rules: [{ field: "organisation.potential_amount", operator: ">", value: 50000 }] },
      actions: [{ type: "send_email", name: "Mail", config: { to: "manager", subject: "Big one" } }],
    },
  };
  beforeEach(() => {
    sessionStorage.setItem("crmflow.token", "t");
    stubLayout();
  });
  afterEach(() => vi.unstubAllGlobals());

  it("prefills the editor from a template, adds a step and creates the workflow", async () => {
    const user = userEvent.setup();
    const calls = mockApi((call) => {
      if (call.path === "/api/v1/workflows/editor-schema") return json(EDITOR_SCHEMA);
      if (call.path === "/api/v1/workflow/action-catalog") return json({ items: CATALOG, total: 2, page: 1, size: 500, pages: 1 });
      if (call.path === "/api/v1/workflows/templates/list") return json([template]);
      if (call.path === "/api/v1/workflows" && call.method === "POST") {
        return json({ ...(call.body as object), id: 12, version: 1, warnings: [] }, 201);
      }
      if (call.path === "/api/v1/workflows/12") return json({ ...(calls.at(-2)?.body as object), id: 12, version: 1 });
      return undefined;
    });
    renderAt(<WorkflowEditorPage />, "/workflows/new", "/workflows/new");
    await user.click(await screen.findByRole("button", { name: 'Use template "Alerte manager"' }));
    expect(await screen.findByLabelText("Name")).toHaveValue("Alerte manager");
    await user.type(screen.getByLabelText("Name"), " (copy)");

    await user.click(screen.getByRole("tab", { name: /Steps/ }));
    await user.click(screen.getByRole("button", { name: "Add step" }));
    const dialog = screen.getByRole("dialog", { name: "Add step" });
    await user.click(within(dialog).getByRole("button", { name: "Create task" }));
    const panel = await screen.findByRole("complementary", { name: "Edit step: Create task" });
    await user.type(within(panel).getByLabelText("Title"), "Call {{{{ organisation.name }}");

    // The JSON view shows the same definition; invalid JSON is refused without losing anything.
    await user.click(screen.getByRole("tab", { name: "JSON" }));
    const textarea = screen.getByLabelText("Workflow definition (JSON)");
    expect((textarea as HTMLTextAreaElement).value).toContain('"title": "Call {{ organisation.name }}"');
    await user.type(textarea, "{{oops");
    expect(screen.getByText(/Invalid JSON, not applied/)).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Save workflow" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    const body = calls.find((c) => c.method === "POST")!.body as Record<string, unknown>;
    expect(body.name).toBe("Alerte manager (copy)");
    expect(body.status).toBe("draft");
    expect(body.actions).toEqual([
      { type: "send_email", name: "Mail", config: { to: "manager", subject: "Big one" } },
      { type: "create_task", config: { title: "Call {{ organisation.name }}" } },
    ]);
    expect(body.conditions).toEqual(template.definition.conditions);
  });
});
