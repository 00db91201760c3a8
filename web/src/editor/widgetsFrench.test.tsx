// The config fields' pickers and JSON input in French: a stage's empty choice, a record field's
// other values (per record kind), and the JSON error.
import "../pages/execution/api-test-shim";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { CHOICES } from "../components/pickers/fixtures";
import { inFrench } from "../test/inFrench";
import { JsonTextarea } from "./inputs";
import { SchemaForm } from "./SchemaForm";
import { SchemaWidget } from "./SchemaWidget";
import { controlSchemas } from "./steps";
import { json, mockApi } from "./test-utils";
import type { Json, JsonSchema } from "./types";

inFrench();

function Widget({ schema, required = false }: { schema: JsonSchema; required?: boolean }) {
  const [value, setValue] = useState<Json | undefined>(undefined);
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: false } } }));
  return (
    <QueryClientProvider client={client}>
      <label htmlFor="f-w">Champ</label>
      <SchemaWidget id="f-w" label="Champ" schema={schema} value={value} onChange={setValue} invalid={false} required={required} />
    </QueryClientProvider>
  );
}

function mockChoices() {
  mockApi(({ path }) => {
    if (path === "/api/v1/choices") return json(CHOICES);
    if (path === "/api/v1/deals" || path === "/api/v1/contacts") return json({ items: [], total: 0, page: 1, size: 10, pages: 1 });
    return undefined;
  });
}

const firstOption = (name: string) => within(screen.getByRole("combobox", { name })).getAllByRole("option")[0];

describe("SchemaWidget in French", () => {
  it("says what an empty stage means", async () => {
    mockChoices();
    const { unmount } = render(<Widget schema={{ type: "string", "x-widget": "stage" }} />);
    await waitFor(() => expect(firstOption("Champ")).toHaveTextContent("Quelle que soit l'étape"));
    unmount();
    render(<Widget schema={{ type: "string", "x-widget": "stage" }} required />);
    await waitFor(() => expect(firstOption("Champ")).toHaveTextContent("Choisir une étape"));
  });

  it("names a default left unset", async () => {
    mockChoices();
    render(<Widget schema={{ type: "string", "x-widget": "stage", default: "qualification" }} />);
    await waitFor(() => expect(firstOption("Champ")).toHaveTextContent("Non renseigné (par défaut : qualification)"));
  });

  it("names a record field's other values with the record kind's gender", async () => {
    mockChoices();
    const schema = (kind: string): JsonSchema => ({
      anyOf: [{ type: "integer" }, { enum: ["trigger", "none"], type: "string" }], "x-widget": `record:${kind}`,
    });
    const { unmount } = render(<Widget schema={schema("deal")} />);
    const options = () => within(screen.getByRole("combobox", { name: "Champ" })).getAllByRole("option").map((o) => o.textContent);
    await waitFor(() => expect(options()).toEqual(["Aucune affaire trouvée", "L'affaire de l'exécution", "Aucune affaire"]));
    unmount();
    render(<Widget schema={schema("contact")} />);
    await waitFor(() => expect(options()).toEqual(["Aucun contact trouvé", "Le contact de l'exécution", "Aucun contact"]));
  });
});

describe("JsonTextarea in French", () => {
  it("reports JSON that does not parse", async () => {
    const user = userEvent.setup();
    render(<JsonTextarea id="f-j" label="Données" value={undefined} onChange={() => {}} />);
    await user.type(screen.getByLabelText("Données"), "oops");
    expect(screen.getByRole("alert")).toHaveTextContent(/^JSON invalide : \S/);
  });
});

describe("the control steps' choices in French", () => {
  it("words the approval mode, what a timeout does, a stop's status and a schedule's frequency", () => {
    const options = (label: RegExp) => within(screen.getByLabelText(label)).getAllByRole("option").map((o) => o.textContent);
    const { unmount } = render(<SchemaForm schema={controlSchemas().approval} value={{}} onChange={() => undefined} idPrefix="a" errorPrefix="config" />);
    expect(options(/^Mode/)).toEqual([
      "Non défini (par défaut : Un seul approbateur suffit)", "Un seul approbateur suffit", "Tous doivent approuver",
      "Un quorum (à préciser ci-dessous)", "Valeur personnalisée ou modèle…",
    ]);
    expect(options(/^À l'expiration du délai/)).toContain("Escalader aux managers des approbateurs");
    unmount();
    const stop = render(<SchemaForm schema={controlSchemas().stop} value={{}} onChange={() => undefined} idPrefix="s" errorPrefix="config" />);
    expect(options(/^Statut/).slice(1, 4)).toEqual(["Succès", "Ignorée", "En échec"]);
    stop.unmount();
    render(<SchemaForm schema={{ type: "object", properties: {
      frequency: { type: "string", title: "Fréquence", enum: ["daily", "weekly", "monthly"] },
      entity_type: { type: "string", title: "Enregistrements", enum: ["organisation", "deal", "contact"] },
    } }} value={{}} onChange={() => undefined} idPrefix="t" errorPrefix="trigger_config" />);
    expect(options(/^Fréquence/).slice(1, 4)).toEqual(["tous les jours", "toutes les semaines", "tous les mois"]);
    expect(options(/^Enregistrements/).slice(1, 4)).toEqual(["Organisation", "Affaire", "Contact"]);
  });
});
