// The approvals page in French: headings, the request card, statuses and the decision dialog.
import "../execution/api-test-shim";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import ApprovalsPage from "../ApprovalsPage";
import { inFrench } from "../execution/frenchTest";
import { ADMIN, json, mockFetch, renderPage } from "../execution/test-utils";

const ME = { ...ADMIN, id: 2, email: "manager@acme.test", name: "Maria Manager", role: "editor" };
const item = {
  id: 7, execution_id: 20, workflow_id: 4, workflow_name: "Discount approval", step_path: "actions/2",
  name: "Approve Acme discount", status: "pending", mode: "quorum", quorum: 2,
  expires_at: "2030-01-01T00:00:00Z", decided_at: null, outcome_reason: null,
  created_at: "2026-12-05T10:00:00Z", approvers_count: 3,
};
const detail = {
  ...item, message: null, on_timeout: "escalate", timeout_seconds: 172800, escalations: 0, updated_at: item.created_at,
  context: { entity_type: "deal", entity_id: 12, record: { title: "Acme renewal", amount: 54000, id: 12 } },
  approvers: [{ user_id: 2, email: "manager@acme.test", name: "Maria Manager", round: 0, active: true, decided: null }],
  decisions: [],
};

describe("ApprovalsPage in French", () => {
  inFrench();

  it("shows the page, the request and the decision dialog in French", async () => {
    mockFetch(({ path }) => {
      if (path === "/api/v1/approvals") return json({ items: [item], total: 1, page: 1, size: 20, pages: 1 });
      if (path === "/api/v1/approvals/7") return json(detail);
      return undefined;
    }, ME);
    renderPage(<ApprovalsPage />, { route: "/approvals" });

    expect(screen.getByRole("heading", { name: "Approbations" })).toBeInTheDocument();
    expect(screen.getByLabelText("Afficher")).toHaveDisplayValue("En attente de ma décision");
    const card = await screen.findByRole("article", { name: "Approve Acme discount" });
    expect(card).toHaveTextContent("en attente");
    expect(card).toHaveTextContent("quorum de 2 · 3 approbateurs");
    expect(await within(card).findByText("Deal n° 12")).toBeInTheDocument();
    expect(card).toHaveTextContent("(puis escalade)");
    // French number separators: 54 000 (a narrow no-break space).
    expect(card.textContent).toMatch(/54\s000/);
    expect(within(card).getByRole("link", { name: "Voir l'exécution n° 20" })).toBeInTheDocument();

    await userEvent.click(within(card).getByRole("button", { name: "Rejeter" }));
    const dialog = screen.getByRole("dialog", { name: "Rejeter « Approve Acme discount »" });
    expect(within(dialog).getByLabelText("Commentaire")).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Annuler" })).toBeInTheDocument();
  });
});
