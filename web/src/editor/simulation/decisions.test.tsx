// A step's `when` in the Test panel: the simulated path and the decision points say it in words,
// with the server's sentence and the raw rule under Details.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { BranchExplorations } from "./BranchExplorations";
import { ExecutionPath } from "./ExecutionPath";
import type { Decision, PathStep } from "./types";

const FIELDS = [{ path: "deal.amount", label: "Amount", group: "Deal", type: "number" as const }];
const WHEN: Decision = {
  result: false, rule: { field: "deal.amount", operator: ">=", value: 1000 }, actual: 500,
  explanation: "deal.amount = 500, not >= 1000",
};
const SKIPPED: PathStep = {
  path: "actions/0", name: "Call the buyer", type: "create_task", depth: 0, status: "skipped",
  decision: WHEN as PathStep["decision"], message: "when: deal.amount = 500, not >= 1000",
};

describe("a step's condition in the Test panel", () => {
  it("says why the step is skipped, the server's sentence under Details", async () => {
    render(<ExecutionPath steps={[SKIPPED]} typeLabel={(type) => type} fields={FIELDS} />);
    const step = screen.getByRole("list", { name: "Execution path" }).querySelector("li") as HTMLElement;
    expect(within(step).getByText("Amount (Deal) was €500, which is less than €1,000 — the condition does not hold.")).toHaveClass("sim-decision");
    expect(within(step).queryByText('{"field":"deal.amount","operator":">=","value":1000}')).not.toBeInTheDocument();
    expect(step).not.toHaveTextContent("when:");
    await userEvent.click(within(step).getByRole("button", { name: "Details" }));
    expect(within(step).getByText("As the server wrote it").nextElementSibling).toHaveTextContent("deal.amount = 500, not >= 1000");
    expect(within(step).getByText('{"field":"deal.amount","operator":">=","value":1000}')).toBeInTheDocument();
  });

  it("keeps a decision it cannot word as the server wrote it", () => {
    render(<ExecutionPath steps={[{ ...SKIPPED, status: "success", decision: { result: "branch 0", explanation: "took branch 0" } }]} typeLabel={(type) => type} />);
    expect(screen.getByText("Condition branch 0: took branch 0")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Details" })).not.toBeInTheDocument();
  });

  it("words the decision point of a `when` and its ways", () => {
    render(
      <BranchExplorations onTry={() => undefined} fields={FIELDS} decisions={{ "actions/0": WHEN }} points={[{
        path: "actions/0", kind: "when", name: "Call the buyer", reached: true, taken: "false", explanation: WHEN.explanation,
        alternatives: [
          { outcome: "true", predicate: "deal.amount >= 1000", reachable: true, taken: false, example: { input_data: { amount: 1000 } } },
          { outcome: "false", predicate: "not (deal.amount >= 1000)", reachable: true, taken: true, example: null },
        ],
      }]} />,
    );
    const point = screen.getByRole("region", { name: "Decision: Step condition: Call the buyer" });
    expect(point).toHaveTextContent("went “no”");
    expect(point).toHaveTextContent("Amount (Deal) was €500, which is less than €1,000 — the condition does not hold.");
    expect(point).not.toHaveTextContent("not >= 1000");
    expect(within(point).getByRole("button", { name: "Try this: Step condition: Call the buyer, yes" })).toBeInTheDocument();
  });
});
