// The Test panel's result, input form and back-test report in French: labels, plurals, durations
// and numbers in the interface's language; what the server wrote (explanations, warnings) as sent.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { inFrench } from "../../test/inFrench";
import { BacktestReport } from "./BacktestReport";
import { BIG_RUN, simulation } from "./fixtures";
import { SimulationResult } from "./SimulationResult";
import { EMPTY_INPUTS } from "./testInputs";
import { TestInputForm } from "./TestInputForm";
import { formatPredicted } from "./wording";

inFrench();

const noop = () => undefined;

describe("the Test panel in French", () => {
  it("shows a simulated run in French", () => {
    const fields = [{ path: "organisation.potential_amount", label: "Montant potentiel", group: "Organisation", type: "number" }];
    const definition = {
      name: "Grosses organisations", description: "", trigger_type: "organisation_created", trigger_config: {}, run_policy: {},
      conditions: { "organisation.potential_amount": { $gt: 50000 } },
      actions: [
        { type: "send_email", name: "Tell the manager" },
        { type: "branch", name: "Big?", branches: [{ when: { field: "organisation.potential_amount", operator: ">", value: 60000 }, actions: [] }], else: [] },
      ],
    };
    render(<SimulationResult sim={BIG_RUN} typeLabel={(type) => type} labelOfPath={(path) => path} onTry={noop} onGoTo={noop} stale fields={fields}
      definition={definition} />);
    const result = screen.getByRole("region", { name: "Résultat du test" });
    const outcome = within(result).getByText("Résultat prévu").nextElementSibling!;
    expect(outcome).toHaveTextContent("en suspens");
    expect(within(result).getByText("Se déclencherait").nextElementSibling).toHaveTextContent("oui");
    expect(within(result).getByText("Durée p50 / p90").nextElementSibling).toHaveTextContent("1,5 s / 2 jours");
    // Why, in French words: the field's label, the amount as French money (grouped with a narrow space).
    expect(result.textContent?.replace(/[\u00a0\u202f]/g, " ")).toContain(
      "Se déclenche : Montant potentiel (Organisation) : 75 000 €, qui est supérieur à 50 000 € — les conditions sont remplies.",
    );
    expect(within(result).getByText(/^La définition a changé depuis ce test/)).toHaveAttribute("role", "note");

    // The server's warning as sent, under a French title with its plural.
    const warnings = within(result).getByRole("note", { name: "Avertissements" });
    expect(warnings).toHaveTextContent("1 avertissement");
    expect(warnings).toHaveTextContent("no SMTP server is configured");
    expect(within(result).getByRole("heading", { name: "Chemin d'exécution" })).toBeInTheDocument();
    expect(within(result).getByRole("list", { name: "Chemin d'exécution" })).toHaveTextContent("Condition : branch 0");
    const chain = within(result).getByRole("list", { name: "Chaîne d'approbation" });
    expect(chain).toHaveTextContent("Niveau 1 : Manager (une seule approbation suffit)");
    expect(chain).toHaveTextContent("Délai 2d, puis escalade");
    expect(chain).toHaveTextContent("Niveau 2 : Finance (tous doivent approuver)");
    expect(chain).toHaveTextContent("Pas de délai");
    expect(within(result).getByText("Habituelle (p50)")).toBeInTheDocument();
    const branch = within(result).getByRole("region", { name: "Décision : Branche : Big?" });
    expect(branch).toHaveTextContent("a pris « branche 1 »");
    expect(within(branch).getByRole("button", { name: "Essayer : Branche : Big?, sinon" })).toHaveTextContent("Essayer");
    const conditions = within(result).getByRole("region", { name: "Décision : Conditions" });
    expect(conditions).toHaveTextContent("a pris « oui »");
    expect(within(conditions).getByRole("button", { name: "Essayer : Conditions, non" })).toBeInTheDocument();
    // Each way in French words, from the tested definition's conditions.
    const ways = (point: HTMLElement) => [...point.querySelectorAll(".sim-predicate")].map((p) => p.textContent?.replace(/[\u00a0\u202f]/g, " "));
    expect(ways(conditions)).toEqual([
      "Montant potentiel (Organisation) est supérieur à 50 000 €", "non (Montant potentiel (Organisation) est supérieur à 50 000 €)",
    ]);
    expect(ways(branch)).toEqual(["Montant potentiel (Organisation) est supérieur à 60 000 €", "aucune des branches ne s'applique"]);
  });

  it("says why a run fails or is refused, with the number of problems", () => {
    render(
      <SimulationResult sim={simulation({ status: "invalid", outcome: null, validation_errors: [
        { path: "actions[0].config.to", code: "required", message: "to is required" },
        { path: "name", code: "required", message: "name is required" },
      ] })} typeLabel={(type) => type} labelOfPath={(path) => path} onTry={noop} />,
    );
    expect(screen.getByText("invalide")).toHaveClass("badge-invalid");
    expect(screen.getByText("Rien n'a été exécuté : corrigez d'abord ces problèmes.")).toBeInTheDocument();
    expect(screen.getByRole("alert", { name: "Erreurs de validation" })).toHaveTextContent("La définition n'est pas valide : 2 problèmes");
  });

  it("asks for the test input in French, naming the record type", () => {
    // The record search stays pending: only the form's words matter here.
    vi.stubGlobal("fetch", () => new Promise(() => undefined));
    render(
      <QueryClientProvider client={new QueryClient()}>
        <TestInputForm triggerType="manual" inputs={{ ...EMPTY_INPUTS, entityOverride: "deal", source: "record" }} setInputs={noop}
          entity="deal" fields={[{ path: "deal.amount", key: "amount", label: "Montant", type: "number", group: "Affaire" }]}
          problems=
{["Choisissez l'affaire à tester."]} running={false} onRun={noop} />
      </QueryClientProvider>,
    );
    const form = screen.getByRole("form", { name: "Entrée du test" });
    const types = within(form).getByLabelText("Type d'enregistrement");
    expect(within(types).getByRole("option", { name: "Affaire" })).toHaveValue("deal");
    expect(within(form).getByRole("radio", { name: "Un enregistrement existant" })).toBeChecked();
    expect(within(form).getByLabelText("Rechercher une affaire par nom")).toBeInTheDocument();
    expect(within(form).getByRole("status")).toHaveTextContent("Recherche…");

    expect(within(form).getByRole("group", { name: "Remplacer des champs de l'affaire (facultatif)" })).toBeInTheDocument();
    expect(within(form).getByRole("group", { name: "Autres champs" })).toHaveTextContent("par exemple organisation.name");
    expect(within(form).getByLabelText("Données du déclencheur (JSON, facultatif)")).toBeInTheDocument();
    expect(within(form).getByRole("button", { name: "Lancer le test" })).toBeEnabled();
  });

  it("shows a back-test report with French numbers and labels", () => {
    render(
      <BacktestReport labelOfPath={(path) => path} report={{
        events_considered: 1200, triggered: 40, skipped: { trigger_filter: 1100, conditions: {} },
        outcomes: { success: 30 }, samples: { failed: [950] },
        diff: { version: 3, same: 1180, only_draft: 12, only_current: 3, different_outcome: 5, samples: { only_draft: [990] } },
      }} />,
    );
    const report = screen.getByRole("region", { name: "Rapport du test sur l'historique" });
    // French groups thousands with a (narrow) non-breaking space.
    expect(within(report).getByText("Événements examinés").nextElementSibling!.textContent).toMatch(/^1\s200$/);
    expect(within(report).getByRole("table", { name: "Résultats" })).toHaveTextContent("succès");
    expect(report).toHaveTextContent("échec#950");
    const diff = within(report).getByRole("region", { name: "Écart avec les exécutions réelles" });
    expect(diff).toHaveTextContent("Comparé à ce que la version 3 a réellement fait");
    expect(diff.querySelector(".sim-samples")).toHaveTextContent("S'exécuterait maintenant, ne s'est pas exécuté alors#990");
  });

  it("writes durations with French units and plurals", () => {
    expect([850, 1500, 150_000, 7_500_000, 86_400_000, 1.5 * 86_400_000].map(formatPredicted)).toEqual([
      "850 ms", "1,5 s", "3 min", "2 h 5 min", "1 jour", "1 jour 12 h",
    ]);
  });
});
