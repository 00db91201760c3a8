// Labelled values: keys in words, values formatted, records and users by name, raw JSON on request.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { inFrench } from "../test/inFrench";
import { LabelledValues, ValuesWithRaw, type References } from "./LabelledValues";

const OUTPUT = {
  task_id: 41,
  title: "Call Umbrella",
  assignee_id: 3,
  organisation_id: 29,
  due_date: "2026-12-09T09:00:00Z",
  amount: 82000,
  discount_percent: 3.5,
  urgent: false,
  notes: null,
  changes: { stage: ["qualification", "proposal"] },
  recipients: [{ email: "ada@acme.test", status: "queued" }, { email: "bob@acme.test", status: "sent" }],
  entity_type: "deal",
  entity_id: 7,
};
const REFERENCES: References = {
  organisation: { "29": "Umbrella Corp" },
  user: { "3": "Maria Manager" },
  task: { "41": "Call Umbrella" },
};

function show(value: Record<string, unknown>, references: References = REFERENCES) {
  render(<MemoryRouter><ValuesWithRaw value={value} references={references} label="Output" /></MemoryRouter>);
}

/** The value beside the label `term` in `list`. */
function valueOf(list: HTMLElement, term: string): HTMLElement {
  const dt = within(list).getAllByRole("term").find((el) => el.textContent === term);
  if (!dt) throw new Error(`no field ${term}`);
  return dt.nextElementSibling as HTMLElement;
}

describe("LabelledValues", () => {
  it("labels keys in words and shows records and users by name, records linked to their runs", () => {
    render(<MemoryRouter><LabelledValues value={OUTPUT} references={REFERENCES} label="Output" /></MemoryRouter>);
    const list = screen.getByLabelText("Output");
    expect(valueOf(list, "Title")).toHaveTextContent("Call Umbrella");
    expect(valueOf(list, "Assignee")).toHaveTextContent("Maria Manager");
    const org = within(valueOf(list, "Organisation")).getByRole("link", { name: "Umbrella Corp" });
    expect(org).toHaveAttribute("href", "/runs?record_type=organisation&record_id=29");
    // A record the API could not name (deleted, say) still reads as its type and number.
    expect(within(valueOf(list, "Record")).getByRole("link", { name: "Deal #7" })).toHaveAttribute(
      "href", "/runs?record_type=deal&record_id=7",
    );
    expect(valueOf(list, "Due date")).toHaveTextContent("Dec 9, 2026");
    expect(valueOf(list, "Amount")).toHaveTextContent("€82,000");
    expect(valueOf(list, "Discount percent")).toHaveTextContent("3.5%");
    expect(valueOf(list, "Urgent")).toHaveTextContent("no");
    expect(valueOf(list, "Notes")).toHaveTextContent("empty");
  });

  it("reads keys that name object properties as plain fields", () => {
    render(<MemoryRouter><LabelledValues value={{ constructor: 5, toString: "x" }} label="Output" /></MemoryRouter>);
    const list = screen.getByRole("group", { name: "Output" });
    expect(valueOf(list, "Constructor")).toHaveTextContent(/^5$/);
    expect(valueOf(list, "ToString")).toHaveTextContent(/^x$/);
  });

  it("indents nested objects and counts lists", () => {
    render(<MemoryRouter><LabelledValues value={OUTPUT} references={REFERENCES} label="Output" /></MemoryRouter>);
    const list = screen.getByLabelText("Output");
    const changes = valueOf(list, "Changes");
    const nested = changes.querySelector("dl.lv-nested") as HTMLElement;
    expect(nested).not.toBeNull();
    expect(valueOf(nested, "Stage")).toHaveTextContent("2 items: qualification, proposal");
    const recipients = valueOf(list, "Recipients");
    expect(recipients).toHaveTextContent(/^2 items/);
    expect(within(recipients).getAllByRole("listitem")).toHaveLength(2);
    expect(within(recipients).getAllByRole("term").map((el) => el.textContent)).toEqual(["Email", "Status", "Email", "Status"]);
  });

  it("shows the raw JSON one click away, and the fields again", async () => {
    show(OUTPUT);
    expect(screen.queryByText(/"task_id": 41/)).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Show raw JSON" }));
    expect(screen.getByLabelText("Output").tagName).toBe("PRE");
    expect(screen.getByLabelText("Output")).toHaveTextContent('"task_id": 41');
    await userEvent.click(screen.getByRole("button", { name: "Hide raw JSON" }));
    expect(within(screen.getByRole("group", { name: "Output" })).getAllByRole("term")[0]).toHaveTextContent("Task");
  });
});

describe("LabelledValues in French", () => {
  inFrench();

  it("labels and formats in French", async () => {
    render(<MemoryRouter><ValuesWithRaw value={OUTPUT} references={REFERENCES} label="Sortie" /></MemoryRouter>);
    const list = screen.getByLabelText("Sortie");
    expect(valueOf(list, "Titre")).toHaveTextContent("Call Umbrella");
    expect(valueOf(list, "Assigné à")).toHaveTextContent("Maria Manager");
    expect(within(valueOf(list, "Organisation")).getByRole("link", { name: "Umbrella Corp" })).toBeInTheDocument();
    expect(within(valueOf(list, "Enregistrement")).getByRole("link", { name: "Affaire n° 7" })).toBeInTheDocument();
    expect(valueOf(list, "Échéance")).toHaveTextContent("9 déc. 2026");
    expect(valueOf(list, "Montant")).toHaveTextContent("82 000 €");
    expect(valueOf(list, "Discount percent")).toHaveTextContent("3,5 %");
    expect(valueOf(list, "Urgent")).toHaveTextContent("non");
    expect(valueOf(list, "Notes")).toHaveTextContent("vide");
    expect(valueOf(list, "Recipients")).toHaveTextContent(/^2 éléments/);
    await userEvent.click(screen.getByRole("button", { name: "Afficher le JSON brut" }));
    expect(screen.getByRole("button", { name: "Masquer le JSON brut" })).toBeInTheDocument();
  });

  it("names the built-in triggers' and actions' fields and their known values in French", () => {
    const value = {
      idle_since: "2026-11-01T00:00:00Z", days: 30, email_id: 12, status: "not sent", level: "warning", priority: "high",
      kind: "call", related_type: "deal", mode: "any", on_timeout: "escalate", flavour: "vanilla",
    };
    render(<MemoryRouter><LabelledValues value={value} label="Sortie" /></MemoryRouter>);
    const list = screen.getByRole("group", { name: "Sortie" });
    expect(valueOf(list, "Inactif depuis")).toHaveTextContent("1 nov. 2026");
    expect(valueOf(list, "Jours")).toHaveTextContent("30");
    expect(valueOf(list, "E-mail")).toHaveTextContent("12");
    expect(valueOf(list, "Statut")).toHaveTextContent("non envoyé");
    expect(valueOf(list, "Niveau")).toHaveTextContent("avertissement");
    expect(valueOf(list, "Priorité")).toHaveTextContent("haute");
    expect(valueOf(list, "Type")).toHaveTextContent("appel");
    expect(valueOf(list, "Type de l'enregistrement lié")).toHaveTextContent("Affaire");
    // An approval's mode and what its timeout does, in words.
    expect(valueOf(list, "Mode")).toHaveTextContent("un seul approbateur suffit");
    expect(valueOf(list, "À l'expiration du délai")).toHaveTextContent("escalader aux managers");
    // An unknown value of an unknown field stays as it is.
    expect(valueOf(list, "Flavour")).toHaveTextContent("vanilla");
  });
});
