// A workflow's page in French: the header's plural, the definition, the executions, versions and SLA tabs.
import "../execution/api-test-shim";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import WorkflowDetailPage from "../WorkflowDetailPage";
import { inFrench } from "../../test/inFrench";
import { json, mockFetch, renderPage } from "../execution/test-utils";
import { executionItem, page, workflow } from "./fixtures";

inFrench();

const at = (search: string) => ({ route: `/workflows/1${search}`, path: "/workflows/:workflowId" });

function version(n: number, over: Record<string, unknown> = {}) {
  return {
    id: 10 + n, workflow_id: 1, version: n, definition: { name: "Lead triage", actions: [] }, created_by: 1,
    author: "Ada Admin", created_at: `2026-12-0${n}T00:00:00Z`, change_note: null, ...over,
  };
}

function api() {
  mockFetch(({ path, search }) => {
    if (path === "/api/v1/workflows/1") return json(workflow({ version: 2, execution_count: 1 }));
    if (path === "/api/v1/workflow/workflow-slas/") {
      return json(page([{
        id: 5, workflow_id: 1, name: "SLA 5 min", step_path: null, target_duration_seconds: 300,
        warning_threshold_seconds: 240, critical_threshold_seconds: 600, slo_window_hours: 48,
        slo_target_percentage: 99, is_active: false, created_by: 1,
        created_at: "2026-12-01T00:00:00Z", updated_at: "2026-12-01T00:00:00Z",
      }]));
    }
    if (path === "/api/v1/workflow/workflow-slas/5/metrics/") {
      return json({
        sla_id: 5, window_hours: 48, slo_target_percentage: 99, slo_percentage: 100,
        error_budget_remaining_percentage: 100, burn_rate: { "1h": 0, "6h": 0, "3d": null },
        total: 1, met: 1, missed: 0, in_flight_past_target: 0, open_breaches: { critical: 2, warning: 1 },
      });
    }
    if (path === "/api/v1/workflow/workflow-alerting/1/") return json({ workflow_id: 1, failure_streak: 3, deactivate_on_streak: false });
    if (path === "/api/v1/workflow/workflow-alerts/") return json(page([]));
    if (path === "/api/v1/workflows/1/executions") {
      return json(page([executionItem({ status: "partial", steps_failed: 2, rerun_of_id: 90 })], { size: 25 }));
    }
    if (path === "/api/v1/workflows/1/versions") return json([version(2), version(1, { author: null, created_by: 5 })]);
    if (path === "/api/v1/workflows/1/versions/2/diff" && search.get("against") === "1") {
      return json({
        workflow_id: 1, from_version: 1, to_version: 2, identical: false, fields: [], removed: [], moved: [], changed: [],
        added: [{ path: "actions[0]", step: "Notify" }, { path: "actions[1]", step: "Tag" }],
      });
    }
    return undefined;
  });
}

describe("the workflow page in French", () => {
  it("shows the definition, its run policy and the header in French", async () => {
    api();
    renderPage(<WorkflowDetailPage />, at(""));
    const panel = await screen.findByRole("tabpanel", { name: "Détails" });
    expect(screen.getByText(/· version 2 · 1 exécution terminée ·/)).toBeInTheDocument();
    expect(within(panel).getByRole("heading", { name: "Déclencheur" })).toBeInTheDocument();
    expect(within(panel).getByText("Toutes (ET)")).toBeInTheDocument();
    expect(within(panel).getByText("Au moins une (OU)")).toBeInTheDocument();
    // Rules in French words: the field, the operator, the value (money in French).
    const plain = (wanted: string) => (text: string) => text.replace(/[\u00a0\u202f]/g, " ") === wanted;
    expect(within(panel).getByText(plain("Étiquettes (Affaire) contient « vip »"))).toBeInTheDocument();
    expect(within(panel).getByText(plain("Montant (Affaire) est au moins 10 000 €"))).toBeInTheDocument();
    expect(within(panel).getByText("Sinon")).toBeInTheDocument();
    expect(within(panel).getByText("En parallèle : chaque déclenchement lance une exécution")).toBeInTheDocument();
    expect(screen.getByRole("tablist", { name: "Sections du workflow" })).toBeInTheDocument();
  });

  it("lists executions with translated statuses, records and plurals", async () => {
    api();
    renderPage(<WorkflowDetailPage />, at("?tab=executions"));
    const row = (await screen.findByRole("link", { name: "#100" })).closest("tr")!;
    expect(within(row).getByText("terminé avec des erreurs")).toHaveClass("badge-partial");
    expect(within(row).getByText("2 étapes en échec")).toBeInTheDocument();
    expect(within(row).getByText("affaire n° 7")).toBeInTheDocument();
    expect(row).toHaveTextContent("(relance du n° 90)");
    const filter = screen.getByLabelText("Statut de l'exécution");
    expect(within(filter).getByRole("option", { name: "Terminé avec des erreurs" })).toHaveValue("partial");
    expect([...row.querySelectorAll("td")].map((td) => td.dataset.label)).toEqual([
      "Exécution", "Statut", "Enregistrement déclencheur", "Début", "Durée", "Actions exécutées", "Erreur",
    ]);
  });

  it("names each version's author and says what changed", async () => {
    api();
    renderPage(<WorkflowDetailPage />, at("?tab=versions&version=2"));
    const list = await screen.findByRole("list", { name: "Versions" });
    const [second, first] = within(list).getAllByRole("button");
    expect(second).toHaveTextContent("Version 2");
    expect(second).toHaveTextContent("actuelle");
    expect(second).toHaveTextContent("par Ada Admin");
    expect(first).toHaveTextContent("par un utilisateur supprimé");
    const diff = await screen.findByRole("region", { name: "Modifications de la version 1 à la version 2" });
    expect(within(diff).getByRole("region", { name: "Étapes ajoutées" })).toHaveTextContent("Étapes ajoutées (2)");
    expect(screen.getByLabelText("Afficher")).toHaveDisplayValue("Modifications");
    expect(within(screen.getByLabelText("Comparer avec")).getByRole("option", { name: "Version 1 (précédente)" })).toHaveValue("1");
  });

  it("describes SLAs, their metrics and the SLA form in French", async () => {
    api();
    const user = userEvent.setup();
    renderPage(<WorkflowDetailPage />, at("?tab=slas"));
    const card = await screen.findByRole("article", { name: "SLA 5 min" });
    expect(card).toHaveTextContent("Objectif : 99 % des exécutions dans la cible sur 2 jours.");
    expect(card).toHaveTextContent("Non surveillé tant qu'il est inactif");
    expect(within(card).getByRole("button", { name: "Activer SLA 5 min" })).toBeInTheDocument();
    const cards = await within(card).findByLabelText("Indicateurs de SLA 5 min");
    expect(within(cards).getByText("Violations ouvertes").nextSibling).toHaveTextContent("2 critiques, 1 avertissement");
    expect(within(cards).getByText("Respectées / manquées").parentElement).toHaveAttribute("title", "sur 1 exécution terminée qui a agi");
    expect(screen.getByText("Aucune alerte ouverte.")).toBeInTheDocument();
    expect(screen.getByLabelText("Exécutions en échec d'affilée")).toHaveValue(3);

    await user.click(screen.getByRole("button", { name: "Ajouter un SLA" }));
    const dialog = screen.getByRole("dialog", { name: "Ajouter un SLA" });
    expect(within(within(dialog).getByLabelText("Cible : unité")).getByRole("option", { name: "heures" })).toHaveValue("hours");
    await user.click(within(dialog).getByRole("button", { name: "Ajouter le SLA" }));
    expect(within(dialog).getByLabelText("Nom")).toHaveAccessibleDescription("Un nom est nécessaire.");
  });
});
