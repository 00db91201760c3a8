// The operations page in French: window, totals, chart summary, tables and the open breaches.
import "../execution/api-test-shim";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import OperationsPage from "../OperationsPage";
import { inFrench } from "../../test/inFrench";
import { json, mockFetch, renderPage } from "../execution/test-utils";
import { listItem, page } from "../workflows/fixtures";
import { dayKeys } from "./labels";

inFrench();

const overview = {
  days: 7,
  runs_per_day: [
    { day: dayKeys(7)[0], status: "success", count: 1200 },
    { day: dayKeys(7)[0], status: "partial", count: 1 },
  ],
  totals: { success: 1200, partial: 1 },
  top_failing: [{ workflow_id: 1, name: "Lead triage", failed: 3, partial: 1, acted: 20, failure_share: 0.0417 }],
  slowest: [{ workflow_id: 2, name: "Invoice sync", runs: 40, p50_seconds: 1.5, p95_seconds: 125 }],
  slos: [{
    sla_id: 1, workflow_id: 1, workflow_name: "Lead triage", sla_name: "SLA 5 minutes",
    slo_percentage: 97.5, slo_target_percentage: 99, meets_objective: false, open_breaches: 1,
  }],
  open_breaches: 1,
  runs_in_flight: 4,
};
const breach = {
  id: 7, sla_id: 1, workflow_id: 1, execution_id: 100, step_path: "actions/1", severity: "critical",
  threshold_seconds: 300, elapsed_seconds: 540, breach_margin_seconds: 240, execution_status: "waiting",
  status: "open", acknowledged: false, detected_at: new Date(Date.now() - 10 * 60_000).toISOString(),
  acknowledged_by: null, acknowledged_at: null, notes: "", resolved_at: null,
  workflow_name: "Lead triage", sla_name: "SLA 5 minutes",
};

describe("the operations page in French", () => {
  it("reads in French, numbers with French separators", async () => {
    mockFetch(({ path }) => {
      if (path === "/api/v1/operations/overview") return json(overview);
      if (path === "/api/v1/workflows") return json(page([listItem()]));
      if (path === "/api/v1/workflow/sla-breaches/") return json(page([breach]));
      return undefined;
    });
    renderPage(<OperationsPage />, { route: "/operations" });
    const totals = await screen.findByLabelText("Totaux");
    expect(screen.getByRole("heading", { level: 1, name: "Exploitation" })).toBeInTheDocument();
    expect(within(screen.getByLabelText("Période")).getByRole("option", { name: "7 derniers jours" })).toBeInTheDocument();
    expect(totals).toHaveTextContent("Exécutions terminées");
    expect(totals).toHaveTextContent("1 201");
    expect(screen.getByRole("figure", { name: "Exécutions par jour" })).toHaveTextContent(
      "1 201 exécutions terminées, 1 terminée avec erreurs",
    );
    const failing = screen.getByRole("table", { name: "Workflows les plus en échec" });
    expect(failing).toHaveTextContent("4,2 %");
    expect(within(failing).getByRole("columnheader", { name: "Taux d'échec" })).toHaveAttribute(
      "title", "(en échec + terminées avec erreurs) ÷ exécutions ayant agi",
    );
    const slos = screen.getByRole("table", { name: "Respect des SLO" });
    expect(slos).toHaveTextContent("97,5 %");
    expect(within(slos).getByText("sous l'objectif")).toHaveClass("badge-failed");

    const breaches = await screen.findByRole("table", { name: "Violations ouvertes" });
    const row = within(breaches).getByRole("link", { name: "#100" }).closest("tr")!;
    expect(row).toHaveTextContent("4 min au-delà du seuil critique de 5 min");
    expect(row).toHaveTextContent("il y a 10 minutes");
    expect(within(row).getByText("critique")).toHaveClass("badge-critical");
    expect(within(row).getByText("ouverte")).toHaveClass("badge-breach-open");
    expect(within(row).getByRole("button", { name: "Prendre en charge la violation critique de SLA 5 minutes sur l'exécution n° 100" })).toBeInTheDocument();
    expect(row.querySelector("td")!.dataset.label).toBe("Gravité");
  });
});
