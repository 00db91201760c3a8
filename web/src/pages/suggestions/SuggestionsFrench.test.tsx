// The suggestions pages in French: the inbox and a suggestion's evidence read in French, with no
// text missing from the catalogue.
import "../execution/api-test-shim";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { beforeEach, describe, expect, it } from "vitest";
import { stubLayout } from "../../editor/test-utils";
import { inFrench } from "../../test/inFrench";
import { json, mockFetch, renderPage } from "../execution/test-utils";
import { EvidenceView } from "./EvidenceView";
import { autoApproval, failingWebhook, manualWork, page, workflowList } from "./fixtures";
import SuggestionsPage from "./SuggestionsPage";

inFrench();
beforeEach(() => {
  stubLayout();
  sessionStorage.clear();
});

describe("suggestions in French", () => {
  it("the inbox: title, tabs, columns, kinds, frequency", async () => {
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflow/workflow-suggestions/") return json(page([autoApproval, failingWebhook]));
      if (path === "/api/v1/workflows") return json(workflowList);
      return undefined;
    });
    renderPage(<SuggestionsPage />, { route: "/suggestions", path: "/suggestions" });
    const table = await screen.findByRole("table", { name: "Suggestions en attente" });
    expect(screen.getByRole("heading", { level: 1, name: "Suggestions" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Générer des suggestions" })).toBeInTheDocument();
    expect(screen.getByRole("tab", { name: "Refusées" })).toBeInTheDocument();
    expect(within(table).getByRole("columnheader", { name: "Confiance" })).toBeInTheDocument();
    const [first, second] = within(table).getAllByRole("row").slice(1);
    expect(first).toHaveTextContent("Approbation automatique");
    expect(first).toHaveTextContent("observée 98 fois");
    expect(first.querySelector(".sg-confidence")).toHaveAttribute("title", "Sûr à 95 % que le taux réel est d'au moins 96,2 %");
    expect(second).toHaveTextContent("Gestion des erreurs");
    expect(within(second).getByText("réécrit par l'IA")).toBeInTheDocument();
  });

  it("the evidence: sentences, figures and tables", () => {
    const { container } = render(<MemoryRouter><EvidenceView suggestion={autoApproval} /></MemoryRouter>);
    expect(container).toHaveTextContent("L'étape d'approbation « Manager approval » a été tranchée 300 fois sur les 30 derniers jours");
    expect(container).toHaveTextContent("Quand deal.discount_percent < 10, 98 demandes sur 98 ont été approuvées (100 %) ; pour les autres demandes, 101 sur 202 (50,0 %)");
    expect(screen.getByRole("table", { name: "Décisions dans le segment et en dehors" })).toBeInTheDocument();
    expect(screen.getAllByRole("link", { name: "Exécution n° 901" })[0]).toHaveAttribute("href", "/workflows/4/executions/901");
    render(<MemoryRouter><EvidenceView suggestion={manualWork} /></MemoryRouter>);
    expect(screen.getByText("Échéance habituelle")).toBeInTheDocument();
  });

  it("a decided suggestion: its status, outcome and sections", async () => {
    const accepted = { ...autoApproval, status: "accepted", decided_by: 2, decided_at: "2026-12-06T09:00:00Z", applied_workflow_id: 40, applied_version: 1 };
    mockFetch(({ path }) => {
      if (path === `/api/v1/workflow/workflow-suggestions/${accepted.id}/`) return json(accepted);
      if (path === "/api/v1/workflows") return json(workflowList);
      return undefined;
    });
    renderPage(<SuggestionsPage />, { route: `/suggestions/${accepted.id}`, path: "/suggestions/:suggestionId" });
    expect(await screen.findByRole("heading", { level: 2, name: "Preuves" })).toBeInTheDocument();
    expect(screen.getByText("accepté")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name: "Test rétrospectif" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Ouvrir le brouillon" })).toBeInTheDocument();
  });
});
