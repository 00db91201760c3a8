// The record and duration pickers in French: whole sentences per record kind (une affaire, un
// contact), the search's states and the duration's units.
import "../../pages/execution/api-test-shim";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState, type ReactNode } from "react";
import { describe, expect, it } from "vitest";
import { json, mockApi } from "../../editor/test-utils";
import { inFrench } from "../../test/inFrench";
import { DurationPicker } from "./DurationPicker";
import { RecordPicker, type RecordKind } from "./RecordPicker";
import { findRecords } from "./records";
import type { Json } from "./types";

inFrench();

const DEALS = [{ id: 7, title: "Contrat Initech", stage: "signed", amount: 1200 }];
const CONTACTS = [{ id: 3, first_name: "Jeanne", last_name: "Martin", email: "jeanne@example.test" }];

function mockRecords() {
  return mockApi(({ path, search }) => {
    const q = (search.get("q") ?? "").toLowerCase();
    const page = (items: object[]) => json({ items, total: items.length, page: 1, size: 10, pages: 1 });
    if (path === "/api/v1/deals") return page(DEALS.filter((d) => d.title.toLowerCase().includes(q)));
    if (path === "/api/v1/contacts") {
      return page(CONTACTS.filter((c) => `${c.first_name} ${c.last_name}`.toLowerCase().includes(q)));
    }
    if (path === "/api/v1/deals/7") return json(DEALS[0]);
    return undefined;
  });
}

function Harness({ children }: { children: (value: Json | undefined, set: (v: Json | undefined) => void) => ReactNode }) {
  const [value, setValue] = useState<Json | undefined>(undefined);
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: false } } }));
  return <QueryClientProvider client={client}>{children(value, setValue)}</QueryClientProvider>;
}

function renderRecord(kind: RecordKind, label: string, initial?: Json) {
  const extras = [{ value: "trigger", label: "L'affaire de l'exécution" }];
  render(
    <Harness>
      {(value, set) => (
        <>
          <label htmlFor="f-rec">{label}</label>
          <RecordPicker id="f-rec" label={label} spec={{ type: "integer" }} value={value ?? initial} onChange={set}
            invalid={false} required={false} kind={kind} extras={kind === "deal" ? extras : []} />
        </>
      )}
    </Harness>,
  );
  return screen.getByRole("combobox", { name: label });
}

describe("RecordPicker in French", { timeout: 20_000 }, () => {
  it("searches deals with feminine words, then says when none is found", async () => {
    mockRecords();
    const user = userEvent.setup();
    const select = renderRecord("deal", "Affaire");
    const search = screen.getByRole("searchbox", { name: "Rechercher des affaires pour Affaire" });
    expect(search).toHaveAttribute("placeholder", "Rechercher une affaire…");
    await waitFor(() => expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Choisir une affaire", "L'affaire de l'exécution", "Contrat Initech (n° 7)",
    ]));
    await user.type(search, "globex");
    await waitFor(() => expect(within(select).getAllByRole("option")[0]).toHaveTextContent("Aucune affaire trouvée"));
  });

  it("uses masculine words for contacts", async () => {
    mockRecords();
    const select = renderRecord("contact", "Contact");
    expect(screen.getByRole("searchbox", { name: "Rechercher des contacts pour Contact" })).toHaveAttribute(
      "placeholder", "Rechercher un contact…",
    );
    await waitFor(() => expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Choisir un contact", "Jeanne Martin (n° 3)",
    ]));
  });

  it("says a chosen record that no longer exists is not found", async () => {
    mockRecords();
    const select = renderRecord("contact", "Contact", 99);
    await waitFor(() => expect(within(select).getByRole("option", { name: "introuvable (n° 99)" })).toBeInTheDocument());
  });
});

describe("records without a name in French", () => {
  it("labels an activity by its kind and record, a contact by its number", async () => {
    mockApi(({ path }) => {
      const page = (items: object[]) => json({ items, total: items.length, page: 1, size: 10, pages: 1 });
      if (path === "/api/v1/activities") return page([{ id: 4, subject: "", kind: "call", entity_type: "deal", entity_id: 7 }]);
      if (path === "/api/v1/contacts") return page([{ id: 5, first_name: "", last_name: "", email: null }]);
      return undefined;
    });
    expect(await findRecords("activity", "")).toEqual([{ id: 4, label: "appel n° 4", detail: "appel sur affaire n° 7" }]);
    expect((await findRecords("contact", ""))[0].label).toBe("contact n° 5");
  });
});

describe("DurationPicker in French", () => {
  it("names its unit control and units in French, keeping the English value", async () => {
    const user = userEvent.setup();
    let sent: Json | undefined;
    render(
      <Harness>
        {(value, set) => (
          <DurationPicker id="f-wait" label="Attente" spec={{ type: "string" }} value={value ?? "2 days"}
            onChange={(v) => { sent = v; set(v); }} invalid={false} required={false} />
        )}
      </Harness>,
    );
    const unit = screen.getByRole("combobox", { name: "Attente : unité" });
    expect(within(unit).getAllByRole("option").map((o) => o.textContent)).toEqual(["minutes", "heures", "jours", "semaines"]);
    await user.selectOptions(unit, "semaines");
    expect(sent).toBe("2 weeks");
  });
});
