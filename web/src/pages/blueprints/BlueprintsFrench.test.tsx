// The blueprints catalog in French: the cards, the open blueprint in words and its inputs' checks
// read in French, with no text missing from the catalogue.
import "../execution/api-test-shim";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { inFrench } from "../../test/inFrench";
import { json, mockFetch, renderPage } from "../execution/test-utils";
import BlueprintsPage from "./BlueprintsPage";
import { blueprint, LIST, NURTURE, page } from "./fixtures";
import { inputProblem } from "./inputValidation";

inFrench();

describe("blueprints in French", () => {
  it("the catalog and the open blueprint", async () => {
    const remise = blueprint();
    mockFetch((call) => {
      if (call.path === LIST) return json(page([remise, NURTURE]));
      if (call.path === `/api/v1/workflow/process-templates/${remise.id}/`) return json(remise);
      return undefined;
    });
    renderPage(<BlueprintsPage />, { route: `/blueprints?id=${remise.id}` });
    expect(screen.getByRole("heading", { level: 1, name: "Modèles" })).toBeInTheDocument();
    expect(screen.getByRole("searchbox", { name: "Rechercher" })).toHaveAttribute("placeholder", "Nom, description ou type…");
    await screen.findByRole("link", { name: "Approbation de remise" });
    const [first, second] = within(screen.getByRole("list", { name: "Modèles" })).getAllByRole("listitem");
    expect(first).toHaveTextContent("intégré");
    expect(first).toHaveTextContent("Quand une affaire est modifiée · 2 paramètres");
    expect(second).toHaveTextContent("Quand une organisation n'a eu aucune activité depuis [Jours sans activité] jours · 1 paramètre");
    const detail = await screen.findByRole("article");
    expect(within(detail).getByRole("heading", { name: "Ce qu'il fait" })).toBeInTheDocument();
    expect(within(detail).getByRole("button", { name: "Exporter" })).toBeInTheDocument();
    expect(within(detail).getByRole("button", { name: "Créer le workflow" })).toBeInTheDocument();
    expect(detail).toHaveTextContent(/étapes? au total/);
  });

  it("the inputs' checks", () => {
    expect(inputProblem({ type: "number" }, undefined, true)).toBe("Obligatoire.");
    expect(inputProblem({ type: "number", maximum: 100 }, 101, true)).toBe("Doit être au plus 100.");
    expect(inputProblem({ type: "string" }, "{{ deal.name }}", false)).toBe(
      "Les modèles de texte ({{ … }}) ne sont pas acceptés ici ; modifiez plutôt le workflow après l'avoir créé.",
    );
  });
});
