// The secrets page in French: the table, the add dialog and the delete confirmation.
import "../execution/api-test-shim";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import SecretsPage from "../SecretsPage";
import { inFrench } from "../execution/frenchTest";
import { json, mockFetch, renderPage } from "../execution/test-utils";

const token = {
  id: 1, name: "BILLING_TOKEN", description: "billing API", has_value: true, created_by: 1, updated_by: 1,
  created_at: "2026-12-01T10:00:00Z", updated_at: "2026-12-02T10:00:00Z", last_used_at: null,
};

describe("SecretsPage in French", () => {
  inFrench();

  it("shows the secrets and their dialogs in French", async () => {
    mockFetch(({ path }) =>
      path === "/api/v1/secrets" ? json({ items: [token], total: 1, page: 1, size: 50, pages: 1 }) : undefined,
    );
    renderPage(<SecretsPage />, { route: "/secrets" });

    const row = await screen.findByRole("row", { name: /BILLING_TOKEN/ });
    expect(row).toHaveTextContent("jamais");
    expect(screen.getByRole("columnheader", { name: "Dernière utilisation par une exécution" })).toBeInTheDocument();
    expect(screen.getByText(/sont chiffrées/)).toHaveTextContent("{{ secrets.NAME }}");

    await userEvent.click(screen.getByRole("button", { name: "Ajouter un secret" }));
    const dialog = screen.getByRole("dialog", { name: "Ajouter un secret" });
    await userEvent.type(within(dialog).getByLabelText("Nom"), "ERP_KEY");
    expect(dialog).toHaveTextContent("Les étapes l'utilisent sous la forme {{ secrets.ERP_KEY }}.");
    await userEvent.click(within(dialog).getByRole("button", { name: "Annuler" }));

    await userEvent.click(screen.getByRole("button", { name: "Supprimer BILLING_TOKEN" }));
    const confirm = screen.getByRole("dialog", { name: "Supprimer le secret BILLING_TOKEN ?" });
    expect(confirm).toHaveTextContent("Les étapes qui utilisent {{ secrets.BILLING_TOKEN }} échoueront");
  });
});
