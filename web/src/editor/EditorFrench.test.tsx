// The workflow editor in French: the step panel (control step settings, conditions, operators)
// and the page (sections, toolbar, the graph's names), with no text missing from the catalogues.
import "../pages/execution/api-test-shim";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { inFrench } from "../test/inFrench";
import { CATALOG, EDITOR_SCHEMA } from "./fixtures";
import { StepPanel } from "./StepPanel";
import { json, mockApi, renderAt, stubLayout } from "./test-utils";
import type { CatalogEntry, Step } from "./types";
import WorkflowEditorPage from "./WorkflowEditorPage";

inFrench();
const CATALOG_MAP = new Map<string, CatalogEntry>(CATALOG.map((c) => [c.action_type, c as CatalogEntry]));

describe("the workflow editor in French", () => {
  beforeEach(() => {
    sessionStorage.setItem("crmflow.token", "t");
    stubLayout();
  });
  afterEach(() => localStorage.clear());

  it("the step panel: a branch's conditions with French operators, an approval's settings", async () => {
    const user = userEvent.setup();
    const branch: Step = {
      type: "branch",
      branches: [{ when: { operator: "AND", rules: [{ field: "organisation.potential_amount", operator: ">", value: 5 }] }, actions: [] }],
      else: [],
    };
    const panel = (step: Step) => (
      <StepPanel step={step} path="actions/0" catalog={CATALOG_MAP} fields={EDITOR_SCHEMA.entities.organisation}
        operators={EDITOR_SCHEMA.operators} errors={[]} onChange={vi.fn()} onRemove={() => {}} onMove={() => {}}
        canMoveUp={false} canMoveDown onClose={() => {}} />
    );
    const { rerender } = render(panel(branch));
    expect(screen.getByRole("heading", { name: "Modifier l'étape : Branchement (si / sinon)" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Monter" })).toBeDisabled();
    const operator = screen.getByRole("combobox", { name: "Règle 1 : opérateur" });
    expect(operator).toHaveDisplayValue("est supérieur à");
    expect(within(operator).getByRole("option", { name: "est égal à" })).toBeInTheDocument();
    // The branch's condition and the step's own (empty) "run only when".
    expect(screen.getAllByRole("button", { name: "Ajouter une règle" })).toHaveLength(2);
    expect(screen.getByText("S'exécute toujours (aucune condition).")).toBeInTheDocument();

    expect(screen.getByRole("combobox", { name: "Condition de la branche 1 : respecter" }))
      .toHaveDisplayValue("toutes ces règles (ET)");

    rerender(panel({ type: "approval", config: { approvers: ["manager"], mode: "any" } }));
    expect(screen.getByLabelText("Approbateurs")).toHaveAccessibleDescription(/^Obligatoire · `?manager/);
    // The engine's values (any, reject) in words.
    expect(screen.getByLabelText("Mode")).toHaveDisplayValue("Un seul approbateur suffit");
    expect(screen.getByLabelText("À l'expiration du délai")).toHaveDisplayValue("Non défini (par défaut : Rejeter)");
    expect(screen.getByLabelText("En cas d'erreur")).toHaveDisplayValue("Arrêter l'exécution");
    await user.click(screen.getByLabelText("Réessayer en cas d'échec"));
  });

  it("the page: title, sections, toolbar, the graph's buttons and the trigger", async () => {
    const user = userEvent.setup();
    const workflow = {
      id: 7, name: "Grosses affaires", description: "", trigger_type: "organisation_created", trigger_config: {},
      conditions: { operator: "AND", rules: [{ field: "organisation.potential_amount", operator: ">", value: 50000 }] },
      actions: [{ type: "send_email", name: "Prévenir le manager", config: { to: "manager", subject: "Affaire" } }],
      run_policy: {}, status: "draft", version: 3, warnings: [], created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z", created_by: 1, current_version_id: 3, execution_count: 0,
      is_template: false, last_executed_at: null, template_slug: null, inbound_signature_required: false, graph_layout: null,
    };
    mockApi((call) => {
      if (call.path === "/api/v1/workflows/editor-schema") return json(EDITOR_SCHEMA);
      if (call.path === "/api/v1/workflow/action-catalog") return json({ items: CATALOG, total: 2, page: 1, size: 500, pages: 1 });
      if (call.path === "/api/v1/workflows/7") return json(workflow);
      return undefined;
    });
    renderAt(<WorkflowEditorPage />, "/workflows/7/edit", "/workflows/:workflowId/edit");
    expect(await screen.findByRole("heading", { level: 1, name: "Modifier le workflow « Grosses affaires »" })).toBeInTheDocument();
    expect(screen.getByRole("tab", { name: "1. Général" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("button", { name: "Enregistrer le workflow" })).toBeInTheDocument();
    expect(screen.getByLabelText("Mode d'exécution")).toHaveDisplayValue("Parallèle : chaque déclenchement lance une exécution");

    await user.click(screen.getByRole("tab", { name: "4. Étapes" }));
    expect(screen.getByText("1 étape")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Modifier l'étape « Prévenir le manager »" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Ajouter une étape après « Prévenir le manager »" })).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Graphe des étapes du workflow" })).toHaveTextContent(/Déclencheur : /);
    expect(screen.getByRole("button", { name: "Suivant : Test" })).toBeInTheDocument();
  });
});
