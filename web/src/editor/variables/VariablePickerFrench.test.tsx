// The variable picker and the template preview in French: group headings, buttons, preview
// wording; paths and the server's rendered text as they are.
import "../../pages/execution/api-test-shim";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { inFrench } from "../../test/inFrench";
import { json, mockApi } from "../test-utils";
import type { Json } from "../types";
import { DEAL_SCOPE, PREVIEW } from "./fixtures";
import { VariableScopeContext } from "./scope";
import { PREVIEW_DELAY_MS } from "./TemplatePreview";
import { TemplateTools } from "./TemplateTools";

inFrench();

function Field({ initial = "" }: { initial?: string }) {
  const [value, setValue] = useState<Json | undefined>(initial);
  return (
    <VariableScopeContext.Provider value={DEAL_SCOPE}>
      <input id="f-title" aria-label="Titre" value={String(value ?? "")} onChange={(e) => setValue(e.target.value)} />
      <TemplateTools id="f-title" loc="actions[0].config.title" value={value} onChange={setValue} label="Titre" />
    </VariableScopeContext.Provider>
  );
}

describe("the variable picker in French", () => {
  it("groups the variables under French headings", async () => {
    const user = userEvent.setup();
    render(<Field />);
    await user.click(screen.getByRole("button", { name: "Insérer une variable dans Titre" }));
    const panel = screen.getByRole("dialog", { name: "Variables" });
    const headings = within(panel).getAllByRole("heading").map((h) => h.textContent);
    expect(headings).toEqual([
      "Affaire",
      "Affaire : responsable",
      "Affaire : manager du responsable",
      "Organisation",
      "Déclencheur",
      "Étapes ayant un ID (statut et résultat)",
      "Exécution",
    ]);
    // Field labels are the editor schema's, which the server writes in the request's language.
    expect(within(panel).getByRole("region", { name: "Affaire" })).toHaveTextContent("deal.amount Amount");
    expect(within(panel).getByRole("button", { name: "Insérer deal.amount" })).toBeInTheDocument();
    await user.type(within(panel).getByRole("searchbox", { name: "Rechercher une variable" }), "zzz");
    expect(within(panel).getByText("Aucune variable ne correspond à « zzz ».")).toBeInTheDocument();
  });

  it("previews with French wording and the server's French numbers", async () => {
    mockApi(() => json({ ...PREVIEW, rendered: "Montant : 82\u202f000 €", language: "fr", sample: false, record_id: 12 }));
    render(<Field initial="Montant : {{ deal.amount }} €" />);
    const preview = await screen.findByRole("status", { name: "Aperçu" }, { timeout: PREVIEW_DELAY_MS + 2000 });
    // Exactly as sent (toHaveTextContent would fold the narrow no-break space).
    expect(preview.textContent).toBe("Montant : 82\u202f000 €");
    expect(screen.getByText("Aperçu (affaire n° 12) :")).toBeInTheDocument();
  });

  it("says plainly that a template does not render", async () => {
    mockApi(() => json({ ...PREVIEW, rendered: null, errors: [{ path: "template", message: "template syntax error" }] }));
    render(<Field initial="{{ deal.title " />);
    expect(await screen.findByRole("alert", {}, { timeout: PREVIEW_DELAY_MS + 2000 })).toHaveTextContent(
      "Ce modèle ne peut pas être rendu : template syntax error",
    );
  });
});
