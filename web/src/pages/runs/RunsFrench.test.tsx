// The all-runs page in French: filters, columns, record types and the table's cell labels.
import "../execution/api-test-shim";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import RunsPage from "../RunsPage";
import { inFrench } from "../../test/inFrench";
import { json, mockFetch, renderPage } from "../execution/test-utils";
import { executionItem, listItem, page } from "../workflows/fixtures";

inFrench();

describe("the runs page in French", () => {
  it("reads in French", async () => {
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflows") return json(page([listItem({ id: 2, name: "Invoice sync" })]));
      if (path === "/api/v1/executions") {
        return json(page([executionItem({ id: 101, workflow_id: 2, status: "failed", rerun_of_id: 90 })], { total: 1, pages: 1, size: 25 }));
      }
      return undefined;
    });
    renderPage(<RunsPage />, { route: "/runs" });
    const row = (await screen.findByRole("link", { name: "#101" })).closest("tr")!;
    expect(screen.getByRole("heading", { level: 1, name: "Toutes les exécutions" })).toBeInTheDocument();
    expect(screen.getByRole("search", { name: "Filtrer les exécutions" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "En échec" })).toBeInTheDocument();
    expect(screen.getByLabelText("Au (inclus)")).toBeInTheDocument();
    const types = screen.getByLabelText("Type d'enregistrement");
    expect(within(types).getByRole("option", { name: "Affaire" })).toHaveValue("deal");
    expect(screen.getByRole("columnheader", { name: "Début" })).toBeInTheDocument();
    expect(row).toHaveTextContent("relance du n° 90");
    expect(row).toHaveTextContent("affaire n° 7");
    expect(within(row).getByRole("link", { name: /^version \d+$/ })).toBeInTheDocument();
    // The labels a phone shows beside each cell.
    expect([...row.querySelectorAll("td")].map((td) => td.dataset.label)).toEqual([
      "Exécution", "Workflow", "Statut", "Enregistrement", "Début", "Durée", "Erreur",
    ]);
  });
});
