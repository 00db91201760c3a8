// The words the SLA and version-diff helpers build, in French, and in the language of the moment.
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { inFrench } from "../../test/inFrench";
import { measuresText, placeErrors, stepChoices } from "./sla";
import { runPolicyWords } from "./runPolicy";
import { DefinitionChanges } from "./VersionChanges";
import { compactValue, fullValue, stepFieldValue, stepPosition, workflowFieldLabel, workflowFieldValue } from "./versionDiffText";

inFrench();

const STEPS = [
  { type: "branch", name: "Grosse affaire ?", branches: [{ conditions: {}, actions: [{ type: "create_task", name: "Appeler le client" }] }] },
];

describe("SLA texts in French", () => {
  it("says what an SLA measures", () => {
    const choices = stepChoices(STEPS);
    expect(measuresText(null, choices)).toBe("L'exécution entière, du déclenchement à la fin");
    expect(measuresText("actions/0/branches/0/actions/0", choices)).toMatch(/^L'étape « Grosse affaire \? › .+ › Appeler le client »$/);
    expect(measuresText("actions/4", choices)).toBe("L'étape actions/4 (qui n'est plus dans le workflow)");
  });

  it("follows the language at the time of the call", async () => {
    await i18n.changeLanguage("en");
    expect(measuresText(undefined, [])).toBe("The whole run, from its trigger to its end");
    await i18n.changeLanguage("fr");
    expect(measuresText(undefined, [])).toBe("L'exécution entière, du déclenchement à la fin");
  });

  it("words the API's refusals with the form's French words", () => {
    expect(
      placeErrors([
        { loc: "", msg: "body: Value error, warning_threshold_seconds must not be above critical_threshold_seconds" },
        { loc: "warning_threshold_seconds", msg: "must not be above critical_threshold_seconds (240.0 > 100.0)" },
        { loc: "slo_window_hours", msg: "cannot be null" },
        { loc: "step_path", msg: "workflow 1 has no step 'actions/0' (steps: none)" },
      ]),
    ).toEqual({
      warning_threshold_seconds:
        "Le seuil d'avertissement ne doit pas dépasser le seuil critique Le seuil d'avertissement ne doit pas dépasser le seuil critique",
      slo_window_hours: "La période du SLO ne peut pas être vide",
      step_path: "Le workflow enregistré n'a pas cette étape : choisissez-en une autre",
    });
  });

  it("words the API's refusals the server sent in French the same way", () => {
    // What POST/PATCH workflow-slas answers a French request (tests/i18n/test_validation_messages_api.py).
    expect(
      placeErrors([
        { loc: "warning_threshold_seconds", msg: "ne doit pas dépasser critical_threshold_seconds (240.0 > 100.0)" },
        { loc: "slo_window_hours", msg: "ne peut pas être vide" },
        { loc: "step_path", msg: "le workflow 1 n'a pas d'étape 'actions/0' (il n'a aucune étape)" },
      ]),
    ).toEqual({
      warning_threshold_seconds: "Le seuil d'avertissement ne doit pas dépasser le seuil critique",
      slo_window_hours: "La période du SLO ne peut pas être vide",
      step_path: "Le workflow enregistré n'a pas cette étape : choisissez-en une autre",
    });
  });
});

describe("version diff texts in French", () => {
  it("says where a step is as people count", () => {
    expect(stepPosition("actions[2]")).toBe("étape 3");
    expect(stepPosition("actions[1].branches[0].actions[0]")).toBe("étape 1 de la branche 1 de l'étape 2");
    expect(stepPosition("actions/1/else/0")).toBe("étape 1 du chemin Sinon de l'étape 2");
    expect(stepPosition("actions/0/on_reject/1/branches/1/actions/0")).toBe(
      "étape 1 de la branche 2 de l'étape 2 du chemin Si rejetée de l'étape 1",
    );
  });

  it("names the workflow's fields and an empty value", () => {
    expect(workflowFieldLabel("trigger_config")).toBe("Réglages du déclencheur");
    expect(workflowFieldLabel("run_policy")).toBe("Règle d'exécution");
    expect(workflowFieldLabel("something_new")).toBe("something_new");
    expect(compactValue(null)).toBe("(vide)");
    expect(fullValue(undefined)).toBe("(vide)");
    expect(compactValue("oui")).toBe("« oui »");
  });

  it("shows a change with French spacing before the colon", () => {
    const change = { field: "conditions", old: null, new: "oui" };
    const diff = { fields: [change], added: [], removed: [], moved: [], changed: [], identical: false };
    render(<DefinitionChanges diff={diff} label="Modifications" identicalText="" />);
    expect(screen.getByRole("region", { name: "Modifications" })).toHaveTextContent("Conditions : (vide) → « oui »");
  });

  it("words conditions, a step's condition and the run policy in French", () => {
    expect(workflowFieldValue("conditions", { "deal.stage": { $in: ["won", "lost"] } })).toBe("Étape du pipeline (Affaire) fait partie de «\u00a0won\u00a0» ou «\u00a0lost\u00a0»");
    expect(workflowFieldValue("run_policy", { mode: "single", reenrollment: "never" })).toBe(
      `${runPolicyWords({ mode: "single" }).mode} · ${runPolicyWords({ reenrollment: "never" }).reenrollment}`,
    );
    expect(stepFieldValue("when", { field: "contact.email", operator: "is_empty" })).toBe("E-mail (Contact) est vide");
    expect(stepFieldValue("config", { title: "x" })).toBe('{"title":"x"}');
  });
});
