import "../pages/execution/api-test-shim";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { recipientProblem, splitRecipients } from "../components/pickers";
import { CHOICES } from "../components/pickers/fixtures";
import { ConditionBuilder, groupFields } from "./ConditionBuilder";
import { EDITOR_SCHEMA } from "./fixtures";
import { SchemaForm } from "./SchemaForm";
import { triggerSchema } from "./sections";
import { json, mockApi } from "./test-utils";
import type { FieldInfo, Json, JsonSchema, TriggerInfo } from "./types";

afterEach(() => {
  vi.unstubAllGlobals();
});

// What the API's catalog and editor schema say (actions/*.py, workflows/triggers.py hints).
const SEND_EMAIL: JsonSchema = {
  type: "object",
  properties: {
    to: { anyOf: [{ type: "integer" }, { type: "string" }, { type: "array", items: { anyOf: [{ type: "integer" }, { type: "string" }] } }], title: "To", "x-widget": "email" },
    cc: { type: "array", items: { type: "string" }, title: "Cc", "x-widget": "email" },
    subject: { type: "string", title: "Subject" },
  },
  required: ["to", "subject"],
};
const CREATE_TASK: JsonSchema = {
  type: "object",
  properties: {
    title: { type: "string", title: "Title" },
    assignee: { anyOf: [{ type: "integer" }, { type: "string" }, { type: "array", items: {} }, { type: "null" }], default: "owner", title: "Assignee", "x-widget": "user" },
  },
};
const CREATE_DEAL: JsonSchema = {
  type: "object",
  properties: {
    stage: { type: "string", default: "qualification", title: "Stage", "x-widget": "stage" },
    organisation: { anyOf: [{ type: "integer" }, { enum: ["trigger", "none"], type: "string" }], default: "trigger", title: "Organisation", "x-widget": "record:organisation" },
    tags: { anyOf: [{ type: "array", items: { type: "string" } }, { type: "null" }], title: "Tags", "x-widget": "tag" },
  },
};
const STAGE_TRIGGER = {
  type: "deal_stage_changed", label: "Deal stage changed", description: "", entity_type: "deal",
  config_fields: ["from_stage", "to_stage"].map((name) => ({
    name, label: name === "to_stage" ? "To stage" : "From stage", type: "string", required: false, options: null,
    default: null, description: "", widget: "stage",
  })),
} as unknown as TriggerInfo;

function Harness({ schema, initial = {} }: { schema: JsonSchema; initial?: Record<string, Json> }) {
  const [value, setValue] = useState(initial);
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: false } } }));
  return (
    <QueryClientProvider client={client}>
      <SchemaForm schema={schema} value={value} onChange={setValue} idPrefix="f" errorPrefix="actions[0].config" />
      <output data-testid="config">{JSON.stringify(value)}</output>
    </QueryClientProvider>
  );
}
const config = () => JSON.parse(screen.getByTestId("config").textContent ?? "{}");

function mockChoices() {
  return mockApi(({ path, search }) => {
    if (path === "/api/v1/choices") return json(CHOICES);
    if (path === "/api/v1/organisations") {
      const orgs = [{ id: 31, name: "Globex" }, { id: 32, name: "Initech" }];
      const q = (search.get("q") ?? "").toLowerCase();
      return json({ items: orgs.filter((o) => o.name.toLowerCase().includes(q)), total: 2, page: 1, size: 10, pages: 1 });
    }
    return undefined;
  });
}

// Typing into several fields is slow on a busy machine.
describe("SchemaForm pickers (x-widget)", { timeout: 20_000 }, () => {
  it("offers the company's stages for the stage trigger, one or several", async () => {
    mockChoices();
    const user = userEvent.setup();
    render(<Harness schema={triggerSchema(STAGE_TRIGGER)} />);
    const to = screen.getByRole("combobox", { name: "To stage" });
    await waitFor(() => expect(within(to).getByRole("option", { name: "Negotiation" })).toBeInTheDocument());
    // The pipeline in order, then the stages in use (from GET /choices), never typed.
    expect(within(to).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Any stage", "Qualification", "Proposition", "Negotiation", "Signed", "Lost", "Demo", "Several stages…", "Template…",
    ]);
    await user.selectOptions(to, "negotiation");
    expect(config()).toEqual({ to_stage: "negotiation" });
    // A list-valued filter: several stages as checkboxes.
    await user.selectOptions(screen.getByRole("combobox", { name: "From stage" }), "Several stages…");
    const from = screen.getByRole("group", { name: "From stage" });
    await user.click(within(from).getByRole("checkbox", { name: "Qualification" }));
    await user.click(within(from).getByRole("checkbox", { name: "Proposition" }));
    expect(config()).toEqual({ to_stage: "negotiation", from_stage: ["qualification", "proposition"] });
  });

  it("picks people from a searchable list grouped as owner, manager, users, titles, roles", async () => {
    mockChoices();
    const user = userEvent.setup();
    render(<Harness schema={CREATE_TASK} initial={{ assignee: "owner" }} />);
    const assignee = screen.getByRole("combobox", { name: "Assignee" });
    await waitFor(() => expect(within(assignee).getByRole("option", { name: "Carl Cfo (carl@example.test)" })).toBeInTheDocument());
    expect(assignee).toHaveValue("owner");
    const groups = [...assignee.querySelectorAll("optgroup")].map((g) => [g.label, [...g.querySelectorAll("option")].map((o) => o.textContent)]);
    expect(groups).toEqual([
      ["Relative to the record", ["The record's owner", "The owner's manager"]],
      ["Users", ["Ada Admin (ada@example.test)", "Carl Cfo (carl@example.test)"]],
      ["Everyone with the title", ["Cfo", "Director", "Head of sales"]],
      ["Everyone with the role", ["Admin", "Editor", "Viewer"]],
    ]);
    await user.type(screen.getByRole("searchbox", { name: "Search people for Assignee" }), "carl");
    expect(within(assignee).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Choose someone", "The record's owner", "Carl Cfo (carl@example.test)", "Other (user id, email or template)…",
    ]);
    await user.selectOptions(assignee, "Carl Cfo (carl@example.test)");
    expect(config()).toEqual({ assignee: 2 });
  });

  it("picks records by name, stages and tags from the company", async () => {
    mockChoices();
    const user = userEvent.setup();
    render(<Harness schema={CREATE_DEAL} initial={{ organisation: "trigger" }} />);
    const organisation = screen.getByRole("combobox", { name: "Organisation" });
    expect(organisation).toHaveValue("trigger");
    expect(within(organisation).getByRole("option", { name: "The run's organisation" })).toBeInTheDocument();
    await user.type(screen.getByRole("searchbox", { name: "Search organisations for Organisation" }), "init");
    await waitFor(() => {
      expect(within(organisation).getByRole("option", { name: "Initech (#32)" })).toBeInTheDocument();
      expect(within(organisation).queryByRole("option", { name: "Globex (#31)" })).not.toBeInTheDocument();
    });
    await user.selectOptions(organisation, "Initech (#32)");
    const stage = screen.getByRole("combobox", { name: "Stage" });
    await waitFor(() => expect(within(stage).getByRole("option", { name: "Signed" })).toBeInTheDocument());
    await user.selectOptions(stage, "signed");
    await user.click(within(screen.getByRole("group", { name: "Tags" })).getByRole("checkbox", { name: "vip" }));
    expect(config()).toEqual({ organisation: 32, stage: "signed", tags: ["vip"] });
  });

  it("checks email recipients as they are typed, and shows why one is wrong", async () => {
    mockChoices();
    const user = userEvent.setup();
    render(<Harness schema={SEND_EMAIL} />);
    const to = screen.getByRole("combobox", { name: "To" });
    await user.type(to, "jean.dupont@@example");
    expect(to).toHaveAttribute("aria-invalid", "true");
    expect(to).toHaveAccessibleDescription(/“jean.dupont@@example” is not a valid email address/);
    await user.clear(to);
    await user.type(to, "jean.dupont@example.com");
    expect(to).not.toHaveAttribute("aria-invalid");
    expect(to).not.toHaveAccessibleDescription(/not a valid/);
    const cc = screen.getByRole("combobox", { name: "Cc" });
    await user.type(cc, "pas-un-email, {{{{ deal.owner.email }}");
    expect(cc).toHaveAttribute("aria-invalid", "true");
    expect(cc).toHaveAccessibleDescription(/“pas-un-email” is not an email address/);
    await user.clear(cc);
    await user.type(cc, "title:director, {{{{ deal.owner.email }}, manager");
    expect(cc).not.toHaveAttribute("aria-invalid");
    expect(config()).toEqual({ to: "jean.dupont@example.com", cc: ["title:director", "{{ deal.owner.email }}", "manager"] });
  });
});

describe("recipients", () => {
  it("accepts what the engine resolves and names what it cannot", () => {
    for (const ok of ["a@example.com", "owner", "Manager", "title:cfo", "role:admin", "user:3", "12", "{{ deal.owner.email }}"]) {
      expect(recipientProblem(ok)).toBeNull();
    }
    expect(recipientProblem("jean.dupont@@example")).toMatch(/not a valid email address/);
    expect(recipientProblem("a@b")).toMatch(/not a valid email address/);
    expect(recipientProblem("boss:x")).toMatch(/unknown kind/);
    expect(recipientProblem("title:")).toMatch(/say which title/);
    expect(splitRecipients("a@x.io, {{ [a, b] | join(', ') }} ,owner")).toEqual(["a@x.io", "{{ [a, b] | join(', ') }}", "owner"]);
  });
});

describe("ConditionBuilder fields", () => {
  const fields = [...EDITOR_SCHEMA.entities.organisation, ...EDITOR_SCHEMA.trigger_fields] as FieldInfo[];
  const grouped: FieldInfo[] = [
    { path: "deal.amount", label: "Amount", type: "number", group: "Deal" },
    { path: "deal.owner_id", label: "Owner", type: "user", group: "Deal" },
    { path: "deal.owner.email", label: "Email", type: "string", group: "Deal owner" },
    { path: "deal.owner.manager.email", label: "Email", type: "string", group: "Deal owner's manager" },
    { path: "deal.amount", label: "Amount", type: "number", group: "Deal" },
    { path: "trigger.type", label: "Trigger type", type: "enum", group: "Trigger" },
  ];

  it("groups fields by record, each path once, with human labels", async () => {
    const user = userEvent.setup();
    function Rules() {
      const [value, setValue] = useState<Json>({ operator: "AND", rules: [{ field: "deal.amount", operator: ">", value: 1 }] });
      return <ConditionBuilder label="Conditions" value={value} onChange={(v) => setValue(v as unknown as Json)} fields={grouped} operators={EDITOR_SCHEMA.operators} />;
    }
    render(<Rules />);
    const select = screen.getByRole("combobox", { name: "Rule 1 field" });
    const groups = [...select.querySelectorAll("optgroup")].map((g) => [g.label, [...g.querySelectorAll("option")].map((o) => o.textContent)]);
    expect(groups).toEqual([
      ["Deal", ["Amount", "Owner"]],
      ["Deal owner", ["Email"]],
      ["Deal owner's manager", ["Email"]],
      ["Trigger", ["Trigger type"]],
    ]);
    await user.selectOptions(select, "deal.owner.manager.email");
    expect(select).toHaveValue("deal.owner.manager.email");
  });

  it("falls back to the path's record when the API gives no group", () => {
    const groups = groupFields(fields.map(({ group: _g, ...f }) => f as FieldInfo));
    expect([...groups.keys()]).toEqual(["Organisation", "Trigger"]);
  });
});
