// A definition in French: trigger, step types and config keys named by the server's schemas, with
// words of their own while those load or for names they do not know.
import "../execution/api-test-shim";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { inFrench } from "../../test/inFrench";
import { json, mockFetch, renderPage } from "../execution/test-utils";
import { DefinitionView, type Definition } from "./DefinitionView";

inFrench();

// What the server answers in French (only the parts the page reads).
const EDITOR_SCHEMA = {
  triggers: [{
    type: "inactivity_delay", label: "Délai d'inactivité", description: "", entity_type: null,
    config_fields: [
      { name: "entity_type", label: "Type d'enregistrement", type: "enum", required: true, description: "" },
      { name: "days", label: "Jours", type: "number", required: true, description: "" },
    ],
  }],
  entities: {}, trigger_entities: {}, trigger_fields: [], operators: [], step_types: [],
};
const CATALOG = [{
  action_type: "send_email", name: "Envoyer un e-mail", description: "", config: null, example: null, id: null,
  is_builtin: true, is_idempotent: false, latency_class: "fast", output_schema: {}, side_effects: [],
  input_schema: { type: "object", properties: { to: { title: "À" }, subject: { title: "Objet" }, body: { title: "Texte" } } },
  avg_execution_time_ms: null, p95_execution_time_ms: null, execution_count: 0, stats_window_days: 30, success_rate: null,
  supports_dry_run: true,
}];

const DEFINITION: Definition = {
  trigger_type: "inactivity_delay",
  trigger_config: { entity_type: "deal", days: 30 },
  actions: [
    { type: "send_email", on_error: "continue", retry: { max_attempts: 3, backoff: "exponential" }, config: { to: "owner", subject: "Relance", body: "Bonjour" } },
    { type: "delay", config: { duration: "2 days" } },
    { type: "create_task", config: { due_date: "{{ now }}", priority: "high", reminder: true } },
  ],
};

describe("the definition in French", () => {
  it("names the trigger, step types and their settings in French", async () => {
    const { calls } = mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/editor-schema") return json(EDITOR_SCHEMA);
      if (path === "/api/v1/workflow/action-catalog") return json({ items: CATALOG, total: 1, page: 1, size: 500, pages: 1 });
      return undefined;
    });
    renderPage(<DefinitionView definition={DEFINITION} />);

    expect(screen.getByText("Délai d'inactivité")).toBeInTheDocument();
    const steps = screen.getByRole("list", { name: "Étapes" });
    // The control step is named from the interface's own catalogue, at once.
    expect(within(steps).getByText("Attente")).toHaveClass("wf-step-type");
    expect(within(steps).getByText("Durée")).toBeInTheDocument();
    // The action's name and fields come with the catalog.
    expect(await within(steps).findByText("Envoyer un e-mail")).toHaveClass("wf-step-type");
    for (const title of ["À", "Objet", "Texte"]) expect(within(steps).getByText(title)).toBeInTheDocument();
    expect(await screen.findByText("Type d'enregistrement")).toBeInTheDocument();
    expect(screen.getByText("Jours")).toBeInTheDocument();
    // Known values in words: the record type, the task's priority.
    expect(screen.getByText("Affaire")).toBeInTheDocument();
    expect(within(steps).getByText("haute")).toBeInTheDocument();
    // An action the catalog does not list: humanised name, known keys from the values catalogue.
    expect(within(steps).getByText("Create task")).toHaveClass("wf-step-type");
    expect(within(steps).getByText("Échéance")).toBeInTheDocument();
    expect(within(steps).getByText("Reminder")).toBeInTheDocument();
    expect(within(steps).getByText("en cas d'erreur : continuer avec l'étape suivante")).toBeInTheDocument();
    expect(within(steps).getByText("Nouvelles tentatives : nombre maximal de tentatives 3, espacement exponentiel")).toBeInTheDocument();
    expect(calls.find((c) => c.path === "/api/v1/workflows/editor-schema")).toBeDefined();
  });

  it("reads while the schemas are unavailable, in the interface's own words", () => {
    mockFetch(() => undefined);
    renderPage(<DefinitionView definition={DEFINITION} />);
    expect(screen.getByText("Délai d'inactivité")).toBeInTheDocument();
    expect(screen.getByText("Jours")).toBeInTheDocument();
    expect(screen.getByText("Objet")).toBeInTheDocument();
    expect(screen.getByText("Send email")).toHaveClass("wf-step-type");
  });
});
