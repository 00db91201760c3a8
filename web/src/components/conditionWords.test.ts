// A condition's decision in words, in English and in French: every operator family, held or not,
// under a NOT, with no rule; field labels from the editor schema, else the path in words.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import i18n from "../i18n";
import {
  canonicalConditions, conditionWords, decisionSentence, fieldWords, ruleHolds, ruleWords, valueWords, type ConditionField,
} from "./conditionWords";

const FIELDS: ConditionField[] = [
  { path: "deal.amount", label: "Amount", group: "Deal", type: "number" },
  { path: "deal.stage", label: "Stage", group: "Deal", type: "enum" },
  { path: "deal.close_date", label: "Close date", group: "Deal", type: "date" },
  { path: "organisation.name", label: "Name", group: "Organisation", type: "string" },
  { path: "contact.email", label: "Email", group: "Contact", type: "string" },
  { path: "deal.tags", label: "Tags", group: "Deal", type: "list" },
];

/** Intl's spaces (narrow and non-breaking) as plain ones, so expectations read simply. */
const plain = (text: string | null) => text?.replace(/[\u00a0\u202f]/g, " ") ?? null;
const say = (result: unknown, rule: unknown, actual: unknown, kind?: "conditions" | "condition") =>
  plain(decisionSentence({ result, rule, actual, explanation: "server text" }, FIELDS, kind));

let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errors = vi.spyOn(console, "error");
});
afterEach(() => {
  // Every text came from the catalogues.
  expect(errors.mock.calls.map((c) => String(c[0])).filter((m) => m.includes("missing translation"))).toEqual([]);
  errors.mockRestore();
});

describe("decisions in English", () => {
  it("words comparisons, with money for amounts", () => {
    expect(say(true, { field: "deal.amount", operator: ">", value: 50000 }, 75000)).toBe(
      "Amount (Deal) was €75,000, which is greater than €50,000 — the conditions matched.",
    );
    // A skipped run: the failed comparison reads as the one that held.
    expect(say(false, { field: "deal.amount", operator: ">", value: 50000 }, 30000)).toBe(
      "Amount (Deal) was €30,000, which is at most €50,000 — the conditions were not met.",
    );
    expect(say(false, { field: "deal.amount", operator: "<=", value: 50000 }, "75000")).toBe(
      "Amount (Deal) was €75,000, which is greater than €50,000 — the conditions were not met.",
    );
    expect(say(true, { field: "deal.stage", operator: "==", value: "won" }, "won")).toBe(
      "Stage (Deal) was “won”, which equals “won” — the conditions matched.",
    );
    expect(say(false, { field: "deal.stage", operator: "!=", value: "won" }, "won")).toBe(
      "Stage (Deal) was “won”, which equals “won” — the conditions were not met.",
    );
  });

  it("says an empty value cannot be compared", () => {
    expect(say(false, { field: "deal.amount", operator: ">", value: 50000 }, null)).toBe(
      "Amount (Deal) was empty, so the rule “is greater than €50,000” does not hold — the conditions were not met.",
    );
    // Text against a number: not comparable, so not "at most" either.
    expect(say(false, { field: "deal.amount", operator: ">", value: 50000 }, "lots")).toBe(
      "Amount (Deal) was “lots”, so the rule “is greater than €50,000” does not hold — the conditions were not met.",
    );
  });

  it("words contains and not contains", () => {
    expect(say(true, { field: "organisation.name", operator: "contains", value: "acme" }, "ACME Corp")).toBe(
      "Name (Organisation) was “ACME Corp”, which contains “acme” — the conditions matched.",
    );
    expect(say(false, { field: "organisation.name", operator: "contains", value: "acme" }, "Globex")).toBe(
      "Name (Organisation) was “Globex”, which does not contain “acme” — the conditions were not met.",
    );
    expect(say(false, { field: "organisation.name", operator: "not_contains", value: "acme" }, "Acme")).toBe(
      "Name (Organisation) was “Acme”, which contains “acme” — the conditions were not met.",
    );
    expect(say(false, { field: "organisation.name", operator: "starts_with", value: "Glo" }, "Acme")).toBe(
      "Name (Organisation) was “Acme”, which does not start with “Glo” — the conditions were not met.",
    );
  });

  it("words in and not in, and lists", () => {
    expect(say(true, { field: "deal.stage", operator: "in", value: ["won", "lost"] }, "lost")).toBe(
      "Stage (Deal) was “lost”, which is one of “won” or “lost” — the conditions matched.",
    );
    expect(say(false, { field: "deal.stage", operator: "not_in", value: ["won", "lost"] }, "won")).toBe(
      "Stage (Deal) was “won”, which is one of “won” or “lost” — the conditions were not met.",
    );
    expect(say(false, { field: "deal.tags", operator: "contains", value: "vip" }, ["smb", "eu"])).toBe(
      "Tags (Deal) was “smb” and “eu”, which does not contain “vip” — the conditions were not met.",
    );
  });

  it("words between, and dates as dates", () => {
    expect(say(true, { field: "deal.amount", operator: "between", value: [10, 20] }, 15)).toBe(
      "Amount (Deal) was €15, which is between €10 and €20 — the conditions matched.",
    );
    expect(say(false, { field: "deal.close_date", operator: "between", value: ["2026-01-01", "2026-06-30"] }, "2026-12-01")).toBe(
      "Close date (Deal) was Dec 1, 2026, which is not between Jan 1, 2026 and Jun 30, 2026 — the conditions were not met.",
    );
  });

  it("words is empty and is not empty", () => {
    expect(say(true, { field: "contact.email", operator: "is_empty" }, "")).toBe("Email (Contact) was empty — the conditions matched.");
    expect(say(false, { field: "contact.email", operator: "is_empty" }, "a@b.test")).toBe(
      "Email (Contact) was “a@b.test”, which is not empty — the conditions were not met.",
    );
    expect(say(false, { field: "contact.email", operator: "is_not_empty" }, null)).toBe(
      "Email (Contact) was empty — the conditions were not met.",
    );
  });

  it("words changes: changed, changed to, changed from, and no change", () => {
    expect(say(true, { field: "deal.stage", operator: "changed" }, ["qualified", "won"])).toBe(
      "Stage (Deal) went from “qualified” to “won”, so it changed — the conditions matched.",
    );
    expect(say(false, { field: "deal.stage", operator: "changed_to", value: "won" }, ["qualified", "lost"])).toBe(
      "Stage (Deal) went from “qualified” to “lost”, so it did not change to “won” — the conditions were not met.",
    );
    expect(say(true, { field: "deal.stage", operator: "changed_from", value: "qualified" }, ["qualified", "won"])).toBe(
      "Stage (Deal) went from “qualified” to “won”, so it changed from “qualified” — the conditions matched.",
    );
    expect(say(false, { field: "deal.stage", operator: "changed" }, null)).toBe("Stage (Deal) did not change — the conditions were not met.");
  });

  it("says when there are no conditions, and when a NOT turns the rule round", () => {
    expect(say(true, null, null)).toBe("No conditions are set: every run goes ahead.");
    expect(say(false, { field: "deal.amount", operator: ">", value: 50000 }, 75000)).toBe(
      "Amount (Deal) was €75,000, which is greater than €50,000 — the conditions ask for the opposite, so they were not met.",
    );
    expect(say(true, { field: "deal.amount", operator: ">", value: 50000 }, 75000, "condition")).toBe(
      "Amount (Deal) was €75,000, which is greater than €50,000 — the condition holds.",
    );
  });

  it("leaves what it cannot word to the server's sentence", () => {
    expect(decisionSentence({ result: "branch 0", explanation: "x" })).toBeNull();
    expect(decisionSentence({ result: true, rule: { field: "a", operator: "matches", value: "x" }, actual: "y" })).toBeNull();
    expect(decisionSentence(null)).toBeNull();
    // A trigger filter's decision has no rule: not the conditions' "none".
    expect(decisionSentence({ result: true, explanation: "created" })).toBeNull();
  });

  it("names fields by label, else by their path in words", () => {
    expect(fieldWords("deal.amount", FIELDS)).toBe("Amount (Deal)");
    expect(fieldWords("deal.owner.email")).toBe("Email (Deal › Owner)");
    expect(fieldWords("deal.due_date")).toBe("Due date (Deal)");
    expect(fieldWords("score")).toBe("Score");
    expect(plain(ruleWords({ field: "deal.amount", operator: ">=", value: 1000 }, FIELDS))).toBe("Amount (Deal) is at least €1,000");
    expect(valueWords(true, "deal.is_won")).toBe("yes");
    expect(valueWords(12345, "deal.owner_id")).toBe("12345");
  });
});

describe("conditions in words", () => {
  it("spells out the shorthand as the engine does", () => {
    expect(canonicalConditions({ "deal.amount": { $gte: 10, $lt: 20 }, "deal.stage": "won", "contact.email": null })).toEqual({
      operator: "AND", rules: [
        { field: "deal.amount", operator: ">=", value: 10 }, { field: "deal.amount", operator: "<", value: 20 },
        { field: "deal.stage", operator: "==", value: "won" }, { field: "contact.email", operator: "is_empty" },
      ],
    });
    expect(canonicalConditions({ $nor: [{ "deal.stage": { $changed: true } }] })).toEqual({
      operator: "NOT", rules: [{ operator: "OR", rules: [{ field: "deal.stage", operator: "changed" }] }],
    });
    expect(canonicalConditions([{ "contact.email": { $exists: false } }])).toEqual({
      operator: "AND", rules: [{ field: "contact.email", operator: "is_empty" }],
    });
    // An empty group means no conditions, as the engine reads a root one.
    expect([null, {}, [], { operator: "AND", rules: [] }, [{ operator: "OR", rules: [] }]].map(canonicalConditions)).toEqual([null, null, null, null, null]);
  });

  it("joins rules with and / or, nested groups in brackets, NOT as not (…)", () => {
    const tree = {
      operator: "AND", rules: [
        { field: "deal.amount", operator: ">", value: 50000 },
        { operator: "OR", rules: [{ field: "deal.stage", operator: "==", value: "won" }, { field: "contact.email", operator: "is_empty" }] },
      ],
    };
    expect(conditionWords(tree, FIELDS)).toBe("Amount (Deal) is greater than €50,000 and (Stage (Deal) equals “won” or Email (Contact) is empty)");
    expect(conditionWords({ operator: "NOT", rules: [{ field: "deal.stage", operator: "in", value: ["won", "lost"] }] }, FIELDS)).toBe(
      "not (Stage (Deal) is one of “won” or “lost”)",
    );
    expect(conditionWords({ "deal.amount": { $between: [1, 2] } }, FIELDS)).toBe("Amount (Deal) is between €1 and €2");
    expect(conditionWords(null)).toBeNull();
  });
});

describe("decisions in French", () => {
  beforeAll(async () => {
    await i18n.changeLanguage("fr");
  });
  afterAll(async () => {
    await i18n.changeLanguage("en");
  });
  const FR: ConditionField[] = FIELDS.map((f) => ({ ...f, label: f.label === "Amount" ? "Montant" : f.label === "Stage" ? "Étape" : f.label, group: f.group === "Deal" ? "Affaire" : f.group }));
  const dire = (result: unknown, rule: unknown, actual: unknown, kind?: "conditions" | "condition") =>
    plain(decisionSentence({ result, rule, actual }, FR, kind));

  it("words comparisons with French numbers and money", () => {
    expect(dire(true, { field: "deal.amount", operator: ">", value: 50000 }, 75000)).toBe(
      "Montant (Affaire) : 75 000 €, qui est supérieur à 50 000 € — les conditions sont remplies.",
    );
    expect(dire(false, { field: "deal.amount", operator: ">", value: 50000 }, 30000)).toBe(
      "Montant (Affaire) : 30 000 €, qui est au plus 50 000 € — les conditions ne sont pas remplies.",
    );
    expect(dire(false, { field: "deal.amount", operator: ">", value: 50000 }, null)).toBe(
      "Montant (Affaire) : vide, la règle « est supérieur à 50 000 € » n'est donc pas vérifiée — les conditions ne sont pas remplies.",
    );
  });

  it("words text, lists, ranges and emptiness", () => {
    expect(dire(false, { field: "organisation.name", operator: "contains", value: "acme" }, "Globex")).toBe(
      "Name (Organisation) : « Globex », qui ne contient pas « acme » — les conditions ne sont pas remplies.",
    );
    expect(dire(true, { field: "deal.stage", operator: "in", value: ["won", "lost"] }, "won")).toBe(
      "Étape (Affaire) : « won », qui fait partie de « won » ou « lost » — les conditions sont remplies.",
    );
    expect(dire(false, { field: "deal.stage", operator: "not_in", value: ["won"] }, "won")).toBe(
      "Étape (Affaire) : « won », qui fait partie de « won » — les conditions ne sont pas remplies.",
    );
    expect(dire(true, { field: "deal.amount", operator: "between", value: [10, 20] }, 15)).toBe(
      "Montant (Affaire) : 15 €, qui est compris entre 10 € et 20 € — les conditions sont remplies.",
    );
    expect(dire(true, { field: "contact.email", operator: "is_not_empty" }, "a@b.test")).toBe(
      "Email (Contact) : « a@b.test », qui n'est pas vide — les conditions sont remplies.",
    );
    expect(dire(false, { field: "deal.close_date", operator: "<", value: "2026-06-30" }, "2026-12-01")).toBe(
      "Close date (Affaire) : 1 déc. 2026, qui est au moins 30 juin 2026 — les conditions ne sont pas remplies.",
    );
  });

  it("words changes, no conditions and a step's condition", () => {
    expect(dire(true, { field: "deal.stage", operator: "changed_to", value: "won" }, ["qualified", "won"])).toBe(
      "Étape (Affaire) : de « qualified » à « won » ; le champ est passé à « won » — les conditions sont remplies.",
    );
    expect(dire(false, { field: "deal.stage", operator: "changed_from", value: "won" }, ["qualified", "lost"])).toBe(
      "Étape (Affaire) : de « qualified » à « lost » ; le champ n'a pas quitté « won » — les conditions ne sont pas remplies.",
    );
    expect(dire(false, { field: "deal.stage", operator: "changed" }, null)).toBe(
      "Étape (Affaire) n'a pas changé — les conditions ne sont pas remplies.",
    );
    expect(dire(true, null, null)).toBe("Aucune condition n'est définie : toutes les exécutions ont lieu.");
    expect(dire(false, { field: "deal.amount", operator: ">", value: 50000 }, 30000, "condition")).toBe(
      "Montant (Affaire) : 30 000 €, qui est au plus 50 000 € — la condition n'est pas remplie.",
    );
    expect(dire(false, { field: "deal.amount", operator: ">", value: 50000 }, 75000)).toBe(
      "Montant (Affaire) : 75 000 €, qui est supérieur à 50 000 € — les conditions demandent le contraire : elles ne sont donc pas remplies.",
    );
  });

  it("words a condition tree in French", () => {
    expect(plain(conditionWords({ $or: [{ "deal.amount": { $gt: 50000 } }, { "deal.stage": { $changed_to: "won" } }] }, FR))).toBe(
      "Montant (Affaire) est supérieur à 50 000 € ou Étape (Affaire) est passé à « won »",
    );
  });

  it("names a field by its path in French words when the schema is not there", () => {
    expect(fieldWords("deal.due_date")).toBe("Échéance (Affaire)");
    expect(valueWords(false, "deal.is_won")).toBe("non");
  });
});

describe("whether a rule held, as the engine decides", () => {
  it.each([
    [">", 50000, "75000", true],
    [">", 50000, null, false],
    ["==", "2026-12-01", "2026-12-01T00:00:00Z", true],
    ["!=", 5, null, true],
    ["in", ["won"], ["smb", "won"], true],
    ["not_in", ["won"], null, true],
    ["contains", "ACM", "acme corp", true],
    ["ends_with", "corp", "Acme Corp", true],
    ["==", true, "true", true],
    ["between", [1, 3], 3, true],
    ["changed_to", null, ["a", null], true],
  ])("%s %j on %j: %s", (operator, value, actual, expected) => {
    expect(ruleHolds({ field: "x", operator, value }, actual)).toBe(expected);
  });

  it("cannot tell for lists compared with lists, nor a date against text", () => {
    expect(ruleHolds({ field: "x", operator: "==", value: [1] }, [1])).toBeUndefined();
    expect(ruleHolds({ field: "x", operator: ">", value: "2026-01-01" }, "soon")).toBeUndefined();
  });
});
