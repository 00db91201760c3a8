import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { useLocation } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CHOICES } from "../../components/pickers/fixtures";
import { json, mockFetch, renderPage } from "../execution/test-utils";
import { CreateWorkflowForm } from "./CreateWorkflowForm";
import { blueprint, page, workflowCreated } from "./fixtures";
import { InputsForm } from "./InputsForm";
import { initialValues, inputProblem, validateInputs } from "./inputValidation";
import { inputsOf, widgetOf, type Blueprint, type InputsSchema, type InputValues } from "./types";

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const EVERY_WIDGET: InputsSchema = {
  type: "object",
  properties: {
    subject: { type: "string", title: "Subject", default: "Bonjour" },
    body: { type: "string", title: "Body", "x-widget": "textarea" },
    count: { type: "integer", title: "Count", minimum: 1 },
    threshold: { type: "number", title: "Threshold", "x-widget": "amount" },
    discount: { type: "number", title: "Discount", "x-widget": "percent" },
    wait: { type: "string", title: "Wait", default: "7 days", "x-widget": "duration" },
    urgent: { type: "boolean", title: "Urgent", default: false },
    level: { type: "string", title: "Level", enum: ["info", "warning"] },
    channels: { type: "array", title: "Channels", items: { type: "string", enum: ["email", "sms"] }, "x-widget": "select" },
    reply_to: { type: "string", title: "Reply to", "x-widget": "email" },
    notify: { type: "string", title: "Notify", default: "manager", "x-widget": "user" },
    approver_title: { type: "string", title: "Approver title", "x-widget": "title" },
    tag: { type: "string", title: "Tag", "x-widget": "tag" },
    stage: { type: "string", title: "Stage", default: "signed", "x-widget": "stage" },
    stages: { type: "array", title: "Stages", items: { type: "string" }, default: ["negotiation"], "x-widget": "stage" },
    account: { type: "integer", title: "Account", "x-widget": "record:organisation" },
  },
  required: ["count"],
};

const ORGS = [{ id: 31, name: "Globex" }, { id: 32, name: "Initech" }];

function Harness({ schema }: { schema: InputsSchema }) {
  const [values, setValues] = useState<InputValues>(() => initialValues(schema));
  return (
    <>
      <InputsForm schema={schema} values={values} onChange={setValues} />
      <output data-testid="values">{JSON.stringify(values)}</output>
    </>
  );
}
const valuesShown = () => JSON.parse(screen.getByTestId("values").textContent ?? "{}") as Record<string, unknown>;

function crmMocks() {
  return mockFetch(({ path, search }) => {
    if (path === "/api/v1/choices") return json(CHOICES);
    if (path === "/api/v1/organisations") {
      const q = search.get("q") ?? "";
      return json(page(ORGS.filter((o) => o.name.toLowerCase().includes(q.toLowerCase()))));
    }
    return undefined;
  });
}

describe("InputsForm widgets", () => {
  it("draws each input with the control its widget or type asks for", async () => {
    crmMocks();
    renderPage(<Harness schema={EVERY_WIDGET} />);
    expect(screen.getByRole("textbox", { name: "Subject" })).toHaveValue("Bonjour");
    expect(screen.getByRole("textbox", { name: "Body" }).tagName).toBe("TEXTAREA");
    expect(screen.getByRole("textbox", { name: "Count" })).toHaveAttribute("inputmode", "numeric");
    expect(screen.getByRole("textbox", { name: "Threshold" }).parentElement).toHaveTextContent("€");
    expect(screen.getByRole("textbox", { name: "Discount" }).parentElement).toHaveTextContent("%");
    expect(screen.getByRole("textbox", { name: "Wait" })).toHaveValue("7");
    expect(screen.getByRole("combobox", { name: "Wait: unit" })).toHaveValue("days");
    expect(screen.getByRole("checkbox", { name: "Urgent" })).not.toBeChecked();
    expect(within(screen.getByRole("combobox", { name: "Level" })).getAllByRole("option").map((o) => o.textContent)).toEqual(["Not set", "info", "warning"]);
    expect(within(screen.getByRole("group", { name: "Channels" })).getAllByRole("checkbox")).toHaveLength(2);
    expect(screen.getByRole("textbox", { name: "Reply to" })).toHaveAttribute("type", "email");
    expect(screen.getByRole("combobox", { name: "Stage" })).toHaveValue("signed");
    // The company's stages (the pipeline, then the ones its deals use) from GET /choices.
    const stages = within(screen.getByRole("group", { name: "Stages" }));
    await waitFor(() => expect(stages.getAllByRole("checkbox")).toHaveLength(6));
    expect(stages.getAllByRole("checkbox").map((c) => (c as HTMLInputElement).checked)).toEqual([false, false, true, false, false, false]);
    expect(stages.getByRole("checkbox", { name: "Demo" })).toBeInTheDocument();

    // Pickers fed by the API: users (with owner / manager), titles users carry, tags, records.
    const notify = screen.getByRole("combobox", { name: "Notify" });
    await waitFor(() => expect(within(notify).getByRole("option", { name: "Carl Cfo (carl@example.test)" })).toBeInTheDocument());
    expect(notify).toHaveValue("manager");
    await waitFor(() => expect(document.querySelector("#bp-input-approver_title-options option[value='head_of_sales']")).not.toBeNull());
    const titles = [...document.querySelectorAll("#bp-input-approver_title-options option")].map((o) => o.getAttribute("value"));
    expect(titles).toEqual(["cfo", "director", "head_of_sales"]);
    await waitFor(() => expect(document.querySelector("#bp-input-tag-options option[value='vip']")).not.toBeNull());
    const account = screen.getByRole("combobox", { name: "Account" });
    await waitFor(() => expect(within(account).getByRole("option", { name: "Globex (#31)" })).toBeInTheDocument());
  }, 20_000); // many inputs, some fed by the API: slow on a shared machine

  it("sends typed values up: numbers as numbers, durations whole, lists, records by id", async () => {
    crmMocks();
    const user = userEvent.setup();
    renderPage(<Harness schema={EVERY_WIDGET} />);
    await user.type(screen.getByRole("textbox", { name: "Count" }), "3");
    await user.type(screen.getByRole("textbox", { name: "Threshold" }), "12,5");
    await user.clear(screen.getByRole("textbox", { name: "Wait" }));
    await user.type(screen.getByRole("textbox", { name: "Wait" }), "2");
    await user.selectOptions(screen.getByRole("combobox", { name: "Wait: unit" }), "weeks");
    await user.click(screen.getByRole("checkbox", { name: "Urgent" }));
    await user.click(within(screen.getByRole("group", { name: "Stages" })).getByRole("checkbox", { name: "Proposition" }));
    await user.click(within(screen.getByRole("group", { name: "Channels" })).getByRole("checkbox", { name: "sms" }));
    const notify = screen.getByRole("combobox", { name: "Notify" });
    await waitFor(() => expect(within(notify).getAllByRole("option").length).toBeGreaterThan(3));
    await user.selectOptions(notify, "carl@example.test");
    await user.type(screen.getByRole("searchbox", { name: "Search organisations for Account" }), "init");
    const account = screen.getByRole("combobox", { name: "Account" });
    await waitFor(() => {
      expect(within(account).getByRole("option", { name: "Initech (#32)" })).toBeInTheDocument();
      expect(within(account).queryByRole("option", { name: "Globex (#31)" })).not.toBeInTheDocument();
    });
    await user.selectOptions(account, "32");
    expect(valuesShown()).toMatchObject({
      count: 3, threshold: 12.5, wait: "2 weeks", urgent: true, stages: ["proposition", "negotiation"],
      channels: ["sms"], notify: "carl@example.test", account: 32,
    });
  }, 20_000);

  it("keeps the + of a duration counted from now", async () => {
    mockFetch(() => undefined);
    const user = userEvent.setup();
    const schema: InputsSchema = { type: "object", properties: { due: { type: "string", title: "Due", default: "+2 days", "x-widget": "duration" } }, required: [] };
    renderPage(<Harness schema={schema} />);
    await user.clear(screen.getByRole("textbox", { name: "Due" }));
    await user.type(screen.getByRole("textbox", { name: "Due" }), "5");
    expect(valuesShown()).toEqual({ due: "+5 days" });
  });
});

describe("input checks", () => {
  const schema = inputsOf(blueprint() as unknown as Blueprint);
  it("follows the schema: required, bounds, integers, lengths, patterns, lists, templates", () => {
    const spec = schema.properties.min_discount;
    expect(inputProblem(spec, undefined, true)).toBeNull(); // the default fills it in
    expect(inputProblem({ type: "number" }, undefined, true)).toBe("Required.");
    expect(inputProblem(spec, -1, true)).toBe("Must be at least 0.");
    expect(inputProblem(spec, 101, true)).toBe("Must be at most 100.");
    expect(inputProblem(spec, "abc", true)).toBe("Must be a number.");
    expect(inputProblem({ type: "integer" }, 2.5, false)).toBe("Must be a whole number.");
    expect(inputProblem({ type: "string", pattern: "^\\d+ (minutes|hours|days|weeks)$" }, "3 jours", false)).toMatch(/^Does not have the expected form/);
    expect(inputProblem({ type: "string", minLength: 1 }, "", true)).toBe("Required.");
    expect(inputProblem({ type: "string", maxLength: 3 }, "abcd", false)).toBe("Must be at most 3 characters.");
    expect(inputProblem({ type: "array", minItems: 1, items: { type: "string" } }, [], true)).toBe("Choose at least one.");
    expect(inputProblem({ type: "array", items: { type: "string", enum: ["a"] } }, ["b"], false)).toBe("“b”: Must be one of: a.");
    expect(inputProblem({ type: "string" }, "{{ deal.title }}", false)).toMatch(/^Templates/);
    expect(inputProblem({ type: "string", "x-widget": "email" }, "nobody", false, "email")).toBe("Must be an email address.");
  });

  it("locates problems like the API does: inputs.NAME", () => {
    expect(validateInputs(schema, { min_discount: 150, cfo_title: "" }, widgetOf)).toEqual([
      { loc: "inputs.min_discount", msg: "Must be at most 100." },
    ]);
  });
});

function Probe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname} ${JSON.stringify(location.state)}`}</output>;
}
const INSTANTIATE = "/api/v1/workflow/process-templates/7/instantiate";

describe("CreateWorkflowForm", () => {
  const bp = blueprint() as unknown as Blueprint;

  it("refuses a value out of bounds next to its field, before any request", async () => {
    const { calls } = mockFetch(({ path }) => (path === "/api/v1/choices" ? json(CHOICES) : undefined));
    const user = userEvent.setup();
    renderPage(<CreateWorkflowForm blueprint={bp} canWrite />);
    const discount = screen.getByRole("textbox", { name: "Remise soumise à accord (%)" });
    await user.clear(discount);
    await user.type(discount, "150");
    await user.clear(screen.getByRole("combobox", { name: "Titre du CFO" }));
    await user.click(screen.getByRole("button", { name: "Create workflow" }));
    expect(discount).toHaveAttribute("aria-invalid", "true");
    expect(discount).toHaveAccessibleDescription(/Must be at most 100\./);
    // An empty text input with a default is left to the default.
    expect(screen.getByRole("combobox", { name: "Titre du CFO" })).not.toHaveAttribute("aria-invalid");
    await waitFor(() => expect(discount).toHaveFocus());
    expect(calls.some((c) => c.path === INSTANTIATE)).toBe(false);
  });

  it("shows the API's 422 on the input it names", async () => {
    mockFetch(({ method, path }) => {
      if (path === "/api/v1/choices") return json(CHOICES);
      if (method === "POST" && path === INSTANTIATE) {
        return json({ detail: [{ loc: "inputs.cfo_title", msg: "inputs.cfo_title: unknown approver title 'cfx': no active user has it", type: "value_error" }] }, 422);
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(<CreateWorkflowForm blueprint={bp} canWrite />);
    const title = screen.getByRole("combobox", { name: "Titre du CFO" });
    await user.clear(title);
    await user.type(title, "cfx");
    await user.click(screen.getByRole("button", { name: "Create workflow" }));
    await waitFor(() => expect(title).toHaveAttribute("aria-invalid", "true"));
    expect(title).toHaveAccessibleDescription(/unknown approver title 'cfx': no active user has it/);
    expect(screen.getByRole("textbox", { name: "Remise soumise à accord (%)" })).not.toHaveAttribute("aria-invalid");
  });

  it("creates the draft with the typed values and opens it in the editor", async () => {
    const { calls } = mockFetch(({ method, path }) => {
      if (path === "/api/v1/choices") return json(CHOICES);
      if (method === "POST" && path === INSTANTIATE) return json(workflowCreated({ id: 42, warnings: ["loop?"] }), 201);
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(<><CreateWorkflowForm blueprint={bp} canWrite /><Probe /></>, { route: "/blueprints", path: "/blueprints" });
    const discount = screen.getByRole("textbox", { name: "Remise soumise à accord (%)" });
    await user.clear(discount);
    await user.type(discount, "15");
    await user.type(screen.getByRole("textbox", { name: "Workflow name" }), "Remise 15");
    await user.click(screen.getByRole("button", { name: "Create workflow" }));
    await waitFor(() => expect(calls.some((c) => c.path === INSTANTIATE)).toBe(true));
    expect(calls.find((c) => c.path === INSTANTIATE)!.body).toEqual({ inputs: { min_discount: 15, cfo_title: "cfo" }, name: "Remise 15" });
  });

  it("lands on the new workflow's editor with its saved banner", async () => {
    mockFetch(({ method, path }) => {
      if (path === "/api/v1/choices") return json(CHOICES);
      if (method === "POST" && path === INSTANTIATE) return json(workflowCreated({ id: 42 }), 201);
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(<><CreateWorkflowForm blueprint={bp} canWrite /><Probe /></>, { route: "/blueprints", path: "*" });
    await user.click(screen.getByRole("button", { name: "Create workflow" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent('/workflows/42/edit {"saved":{"version":1,"warnings":[],"fromBlueprint":{"name":"Approbation de remise","version":"1.0.0"}}}'));
  });

  it("lets viewers read the inputs but not create", () => {
    mockFetch(() => undefined);
    renderPage(<CreateWorkflowForm blueprint={bp} canWrite={false} />);
    expect(screen.getByRole("textbox", { name: "Remise soumise à accord (%)" })).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Create workflow" })).not.toBeInTheDocument();
  });
});
