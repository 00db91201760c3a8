import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { EvidenceView } from "./EvidenceView";
import { autoApproval, failingWebhook, manualWork, parallelApprovals, slowApproval, slowStep } from "./fixtures";
import type { Suggestion } from "./types";

function show(suggestion: Pick<Suggestion, "kind" | "evidence">) {
  return render(
    <MemoryRouter>
      <EvidenceView suggestion={suggestion} />
    </MemoryRouter>,
  ).container;
}

const rows = (table: HTMLElement) => within(table).getAllByRole("row").slice(1).map((r) => r.textContent);

describe("EvidenceView", () => {
  it("auto-approval: the segment, decisions in and outside it, the wait, examples linked to their runs", () => {
    const view = show(autoApproval);
    expect(view).toHaveTextContent("The approval step “Manager approval” was decided 300 times over the last 30 days");
    expect(view).toHaveTextContent("When deal.discount_percent < 10, 98 of 98 requests were approved (100 %)");
    expect(view).toHaveTextContent("for the other requests, 101 of 202 (50.0 %)");
    const counts = screen.getByRole("table", { name: "Decisions in and outside the segment" });
    expect(rows(counts)).toEqual(["With deal.discount_percent < 10980100 %", "Other requests10110150.0 %"]);
    expect(view).toHaveTextContent("waited 4 h 15 min for a decision (median)");
    const examples = screen.getByRole("table", { name: "Examples" });
    expect(within(examples).getByRole("columnheader", { name: "deal.discount_percent" })).toBeInTheDocument();
    expect(within(examples).getByRole("link", { name: "Run #901" })).toHaveAttribute("href", "/workflows/4/executions/901");
    expect(rows(examples)[0]).toBe("Run #901Acme renewal4.5approved");
    expect(view).toHaveTextContent("None: every request in the segment was approved.");
  });

  it("parallel approvals: runs with both, the first one's approvals, the wait saved", () => {
    const view = show(parallelApprovals);
    expect(view).toHaveTextContent("“Director sign-off” and then “Finance sign-off” were both asked in 80 runs");
    expect(view).toHaveTextContent("“Director sign-off” approved78 of 80 (97.5 %)");
    expect(view).toHaveTextContent("Wait saved per run (median)2 h");
    expect(view).toHaveTextContent("Wait saved (95th percentile)1 d");
    expect(view).toHaveTextContent("Wait saved in all8 d 8 h");
    expect(screen.getByRole("link", { name: "Run #1001" })).toHaveAttribute("href", "/workflows/5/executions/1001");
  });

  it("error handling: the failure rate, passing errors, error shapes and failing runs", () => {
    const view = show(failingWebhook);
    expect(view).toHaveTextContent("“Push to ERP” (Call webhook) failed in 60 of 200 runs (30.0 %)");
    expect(view).toHaveTextContent("56 of the 60 failures looked into were passing errors");
    expect(view).toHaveTextContent("Most common error: timed out after Ns (50 times)");
    expect(rows(screen.getByRole("table", { name: "Errors by shape" }))).toEqual(["timed out after Ns50", "HTTP N from '…'10"]);
    const examples = screen.getByRole("table", { name: "Examples" });
    expect(within(examples).getByRole("link", { name: "Run #1201" })).toHaveAttribute("href", "/workflows/6/executions/1201");
    expect(examples).toHaveTextContent("timed out after 10s");
  });

  it("performance: approval waits in days, and a slow step against its peers", () => {
    const waits = show(slowApproval);
    expect(waits).toHaveTextContent("Requests of “Legal review” waited 3 d for a decision (median) over 40 decisions");
    expect(waits).toHaveTextContent("36 of them (90.0 %) waited more than a day");
    expect(waits).toHaveTextContent("Longest7 d");
    expect(screen.getByRole("link", { name: "Run #1301" })).toHaveAttribute("href", "/workflows/7/executions/1301");
    const slow = show(slowStep);
    expect(slow).toHaveTextContent("“Push to ERP” took 9.0 s at the 95th percentile over 140 runs");
    expect(slow).toHaveTextContent("against 1.8 s usually for the 3 other steps of its type");
    expect(slow).toHaveTextContent("Runs slower than that120 of 140");
  });

  it("manual work: the event, the tasks typed by hand and examples", () => {
    const view = show(manualWork);
    expect(view).toHaveTextContent(
      "People created the task “Send the contract to {{ deal.title }}” by hand 45 times within a day after a “deal updated to signed” event (48 such events",
    );
    expect(view).toHaveTextContent("Usual due date2 days later");
    expect(rows(screen.getByRole("table", { name: "Examples" }))).toEqual(["#77Send the contract to Acme renewaldeal #12"]);
  });

  it("shows an unknown kind's evidence as JSON", () => {
    expect(show({ kind: "new_miner", evidence: { window: { days: 7 }, odd: 1 } })).toHaveTextContent('"odd": 1');
  });
});
