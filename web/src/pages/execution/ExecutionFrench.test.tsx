// One execution's page in French: header, timeline, lanes, attempts, approval and controls.
import "./api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import ExecutionPage from "../ExecutionPage";
import { inFrench } from "../../test/inFrench";
import { json, mockFetch, renderPage } from "./test-utils";

const ROUTE = { route: "/workflows/4/executions/20", path: "/workflows/:workflowId/executions/:executionId" };

inFrench();

const step = (over: Record<string, unknown>) => ({
  id: 1, path: "actions/0", position: 1, step_id: null, name: "Step", type: "create_task",
  status: "success", attempt: 1, attempts: null, input: null, output: null, error: null,
  message: null, idempotency_key: "k", started_at: "2026-12-05T10:00:00Z",
  finished_at: "2026-12-05T10:00:01Z", duration_ms: 12, ...over,
});
const execution = {
  id: 20, workflow_id: 4, version: 1, status: "partial", trigger_type: "manual",
  trigger_entity_type: "deal", trigger_entity_id: 1, event_id: null,
  started_at: "2026-12-05T10:00:00Z", completed_at: "2026-12-05T10:06:00Z", duration_ms: 360000,
  error_message: null, actions_executed: 3, steps_failed: 1, created_at: "2026-12-05T10:00:00Z",
  waiting_for: null, rerun_of_id: null, trigger_data: {},
  record_label: "Renouvellement Acme",
  references: { deal: { "1": "Renouvellement Acme" }, user: { "2": "Maria Manager" }, task: { "8": "Qualifier Acme" } },
  decision: { result: true, rule: null, actual: null, explanation: "" },
  causation_depth: 0, attempt: 1, resume_at: null, execution_logs: [],
  steps: [
    step({ id: 1, path: "actions/0", name: "Qualify", output: { task_id: 8, assignee_id: 2, due_date: "2026-12-09T09:00:00Z" } }),
    step({ id: 2, path: "actions/1/branches/0/actions/0", position: 2, name: null, type: "send_notification" }),
    step({
      id: 3, path: "actions/1/branches/1/actions/0", position: 3, name: "Email CFO", type: "send_email",
      status: "failed", attempt: 2, error: "no recipient",
      attempts: [{ attempt: 1, status: "failed", error: "refused", started_at: "2026-12-05T10:00:00Z", duration_ms: 0.7 }],
    }),
    step({
      id: 4, path: "actions/1", position: 4, name: "Fan out", type: "parallel",
      output: { branches: [{ index: 0, name: "notify" }, { index: 1, name: "finance" }] },
    }),
    step({ id: 5, path: "actions/2", position: 5, name: "Manager Approval", type: "approval", output: { approval_id: 7 } }),
  ],
};

describe("the execution page in French", () => {
  it("reads in French, with the approval and the failed step's attempts", async () => {
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/4/executions/20") {
        return json(execution);
      }
      if (path === "/api/v1/workflows/4") return json({ id: 4, name: "Remise" });
      if (path === "/api/v1/workflow/action-catalog") {
        return json({ items: [{ action_type: "send_notification", name: "Envoyer une notification", input_schema: {} }], total: 1, page: 1, size: 500, pages: 1 });
      }
      if (path === "/api/v1/approvals") {
        return json({
          items: [{
            id: 7, execution_id: 20, workflow_id: 4, workflow_name: "Remise", step_path: "actions/2", name: "Valider Acme",
            status: "approved", mode: "quorum", quorum: 2, expires_at: null, decided_at: "2026-12-05T10:05:00Z",
            outcome_reason: "", created_at: "2026-12-05T10:00:02Z", approvers_count: 2,
          }],
          total: 1, page: 1, size: 100, pages: 1,
        });
      }
      return undefined;
    });
    renderPage(<ExecutionPage />, ROUTE);

    const timeline = await screen.findByRole("list", { name: "Chronologie des étapes" }, { timeout: 5000 });
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Exécution n° 20");
    expect(screen.getByRole("navigation", { name: "Fil d'Ariane" })).toBeInTheDocument();
    expect(screen.getByRole("note", { name: "Étapes en échec" })).toHaveTextContent("1 étape en échec ; l'exécution a continué, comme prévu pour ces étapes.");
    expect(screen.getByRole("heading", { name: "Étapes (5 enregistrées)" })).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Fan out : Chemin 2 : finance" })).toBeInTheDocument();
    // The failed step opens by itself: its error and attempts in French.
    await waitFor(() => expect(screen.getByRole("note", { name: "Erreur de l'étape" })).toBeInTheDocument());
    const attempts = screen.getByRole("table", { name: "Tentatives de Email CFO" });
    expect(within(attempts).getByRole("columnheader", { name: "Statut" })).toBeInTheDocument();
    expect(within(timeline).getAllByText("Durée").length).toBeGreaterThan(0);
    // The summary and the conditions.
    expect(screen.getByRole("heading", { name: "Résumé" })).toBeInTheDocument();
    expect(screen.getByText("Déclencheur")).toBeInTheDocument();
    const summary = screen.getByRole("region", { name: "Résumé" });
    expect(within(summary).getByRole("link", { name: "Renouvellement Acme" })).toHaveAttribute("href", "/runs?record_type=deal&record_id=1");
    expect(summary).toHaveTextContent("Renouvellement Acme · Affaire");
    expect(summary).toHaveTextContent("DéclencheurManuel");
    expect(summary).toHaveTextContent("Début5 déc. 2026");
    expect(summary).toHaveTextContent("Durée6 min 0 s");
    expect(screen.getByRole("region", { name: "Données du déclencheur" })).toHaveTextContent("Aucune donnée.");
    // A step's output as labelled fields in French, the user by name.
    // An unnamed step goes by its type's name, as the server's catalog words it.
    expect(await within(timeline).findByRole("button", { name: /Envoyer une notification/ })).toBeInTheDocument();
    const qualify = within(timeline).getByRole("button", { name: /Qualify/ });
    await userEvent.click(qualify);
    const output = within(qualify.closest("li") as HTMLElement).getByLabelText("Sortie");
    expect(output).toHaveTextContent("TâcheQualifier Acme");
    expect(output).toHaveTextContent("Assigné àMaria Manager");
    expect(output).toHaveTextContent("Échéance9 déc. 2026");
    expect(within(qualify.closest("li") as HTMLElement).getAllByRole("button", { name: "Afficher le JSON brut" })).toHaveLength(1);
    expect(screen.getByText("remplies")).toBeInTheDocument();
    // The approval at its step.
    const approval = await screen.findByRole("region", { name: "Approbation : Valider Acme" });
    expect(approval).toHaveTextContent("Approbation « Valider Acme »");
    expect(approval).toHaveTextContent("quorum de 2");
    // Finished: Relancer, no cancel.
    expect(screen.getByRole("button", { name: "Relancer" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Annuler l'exécution" })).toBeNull();
  });

  it("words a skipped run's decision in French, the server's sentence under Détails", async () => {
    const decision = {
      result: false, rule: { field: "deal.stage", operator: "changed_to", value: "won" }, actual: ["qualified", "lost"],
      explanation: "deal.stage \"qualified\" -> \"lost\": not changed to \"won\"",
    };
    mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/4/executions/20") {
        return json({
          ...execution, status: "skipped", steps: [], steps_failed: 0, decision,
          execution_logs: [{ timestamp: "2026-12-05T10:00:00Z", level: "warning", step: null, message: "skipped" }],
        });
      }
      if (path === "/api/v1/workflows/4") return json({ id: 4, name: "Remise" });
      if (path === "/api/v1/workflows/editor-schema") {
        return json({
          triggers: [], operators: [], step_types: [], trigger_entities: {}, trigger_fields: [],
          entities: { deal: [{ path: "deal.stage", label: "Étape", type: "enum", group: "Affaire" }] },
        });
      }
      return undefined;
    });
    renderPage(<ExecutionPage />, ROUTE);
    const card = await screen.findByRole("region", { name: "Conditions" });
    expect(within(card).getByText("non remplies")).toHaveClass("badge-skipped");
    await waitFor(() =>
      expect(card.textContent?.replace(/\u00a0/g, " ")).toContain(
        "Étape (Affaire) : de « qualified » à « lost » ; le champ n'est pas passé à « won » — les conditions ne sont pas remplies.",
      ),
    );
    await userEvent.click(within(card).getByRole("button", { name: "Détails" }));
    expect(within(card).getByText("Tel que le serveur l'a écrit").nextElementSibling).toHaveTextContent("not changed to");
    expect(within(card).getByText("Règle déterminante (JSON)").nextElementSibling).toHaveTextContent('"operator":"changed_to"');
    expect(within(card).getByRole("button", { name: "Masquer les détails" })).toBeInTheDocument();
    // The log's levels in words.
    expect(screen.getByRole("cell", { name: "avertissement" })).toBeInTheDocument();
  });
});
