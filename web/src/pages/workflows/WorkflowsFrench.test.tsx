// The workflow list in French (heading, filters, columns, triggers, row actions, bulk bar) and "Run now".
import "../execution/api-test-shim";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { inFrench } from "../../test/inFrench";
import { json, mockFetch, renderPage } from "../execution/test-utils";
import { listItem, page } from "./fixtures";
import { workflowsPageUi } from "./listTestUi";
import { RunNowDialog } from "./RunNowDialog";

inFrench();

describe("the workflow list in French", { timeout: 20_000 }, () => {
  it("reads in French", async () => {
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflows") {
        return json(page([listItem({ tags: ["ventes"] }), listItem({ id: 2, name: "Relance", status: "draft", last_executed_at: null, execution_count: 1234 })]));
      }
      if (path === "/api/v1/workflows/tags") return json([{ name: "ventes", count: 1 }]);
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(workflowsPageUi, { route: "/workflows" });
    const row = (await screen.findByRole("link", { name: "Lead triage" })).closest("tr")!;
    expect(screen.getByRole("heading", { level: 1, name: "Workflows" })).toBeInTheDocument();
    expect(screen.getByRole("search", { name: "Filtrer les workflows" })).toBeInTheDocument();
    expect(within(screen.getByLabelText("Statut")).getByRole("option", { name: "Brouillon" })).toHaveValue("draft");
    expect(within(screen.getByLabelText("Déclencheur")).getByRole("option", { name: "Affaire créée" })).toHaveValue("deal_created");
    expect(screen.getByPlaceholderText("Le nom contient…")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Nouveau workflow" })).toBeInTheDocument();
    expect(screen.getByRole("columnheader", { name: "Taux de réussite" })).toHaveAttribute("title", expect.stringContaining("ignorées"));
    expect(within(row).getByText("Changement d'étape d'une affaire")).toBeInTheDocument();
    expect(within(row).getByText("il y a 5 minutes")).toBeInTheDocument();
    expect(within(row).getByRole("list", { name: "Étiquettes" })).toHaveTextContent("ventes");
    expect(within(row).getByRole("button", { name: "Désactiver Lead triage" })).toHaveTextContent("Désactiver");
    expect([...row.querySelectorAll("td")].map((td) => td.dataset.label).filter(Boolean)).toEqual([
      "Nom", "Statut", "Déclencheur", "Exécutions", "Taux de réussite", "Dernière exécution",
    ]);
    const other = screen.getByRole("link", { name: "Relance" }).closest("tr")!;
    expect(within(other).getByText("jamais")).toBeInTheDocument();
    expect(other).toHaveTextContent("brouillon");

    // The bulk bar counts with French plurals.
    await user.click(screen.getByRole("checkbox", { name: "Tout sélectionner sur cette page" }));
    const bar = screen.getByRole("region", { name: "Actions groupées" });
    expect(within(bar).getByText("2 sélectionnés")).toBeInTheDocument();
    await user.click(within(bar).getByRole("button", { name: "Supprimer" }));
    const dialog = screen.getByRole("dialog", { name: "Supprimer 2 workflows ?" });
    expect(dialog).toHaveTextContent("Lead triage, Relance seront supprimés avec leur historique.");
  });

  it("offers a draft workflow's run in French", () => {
    mockFetch(() => undefined);
    renderPage(<RunNowDialog workflowId={1} status="draft" open onClose={() => {}} />);
    const dialog = screen.getByRole("dialog", { name: "Exécuter le workflow maintenant" });
    expect(within(dialog).getByRole("note", { name: "Inactif" })).toHaveTextContent(
      "Ce workflow est à l'état brouillon : son déclencheur ne le démarre pas. Testez-le plutôt",
    );
    expect(within(dialog).getByText("Testez-le plutôt", { selector: "strong" })).toBeInTheDocument();
    expect(within(within(dialog).getByLabelText("Type d'enregistrement")).getByRole("option", { name: "Affaire" })).toHaveValue("deal");
    expect(within(dialog).getByLabelText("ID de l'enregistrement")).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Tester plutôt" })).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Exécuter" })).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Annuler" })).toBeInTheDocument();
  });
});
