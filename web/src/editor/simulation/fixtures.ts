// Test data: simulations as the API returns them.
import type { SimulationOut } from "./types";

export function simulation(over: Partial<SimulationOut> = {}): SimulationOut {
  return {
    id: 1, workflow_id: 7, version: 3, mode: "simulate", status: "completed", progress: 100,
    input_data: {}, entity_type: null, entity_id: null, trigger_data: {},
    would_trigger: true, outcome: "success",
    execution_path: [], branch_explorations: [], approval_chain: [],
    predicted_duration_ms: null, validation_errors: [], warnings: [], report: null, error: null,
    duration_ms: 12, created_by: 1, created_at: "2026-12-01T10:00:00Z", finished_at: "2026-12-01T10:00:00Z",
    ...over,
  };
}

/** A big organisation: the email goes out, the branch takes "Big", two approval levels. */
export const BIG_RUN = simulation({
  input_data: { potential_amount: 75000 },
  trigger_data: {
    changes: {}, payload: {}, decision: null,
    conditions: {
      result: true, rule: { field: "organisation.potential_amount", operator: ">", value: 50000 }, actual: 75000,
      explanation: "organisation.potential_amount = 75000 > 50000",
    },
  },
  outcome: "waiting",
  execution_path: [
    { path: "actions/0", name: "Tell the manager", type: "send_email", depth: 0, status: "success", message: "would email mia@acme.test", input: { to: "mia@acme.test", subject: "Big one" }, output: { sent: true } },
    { path: "actions/1", name: "Big?", type: "branch", depth: 0, status: "success", decision: { result: "branch 0", explanation: "potential_amount 75000 > 50000" } },
    { path: "actions/1/branches/0/actions/0", name: "Sign-off", type: "approval", depth: 1, status: "waiting", message: "would wait for 2 levels of approval" },
  ],
  branch_explorations: [
    {
      path: "conditions", kind: "conditions", reached: true, taken: "true", explanation: "organisation.potential_amount 75000 > 50000",
      alternatives: [
        { outcome: "true", predicate: "potential amount is greater than 50000", reachable: true, taken: true, example: { input_data: { potential_amount: 50001 } } },
        { outcome: "false", predicate: "potential amount is at most 50000", reachable: true, taken: false, example: { input_data: { potential_amount: 50000 } } },
      ],
    },
    {
      path: "actions/1", kind: "branch", name: "Big?", reached: true, taken: "branch 0", explanation: "potential_amount 75000 > 100000 is false",
      alternatives: [
        { outcome: "branch 0", predicate: "potential amount is greater than 60000", reachable: true, taken: true, example: { input_data: { potential_amount: 60001 } } },
        { outcome: "else", predicate: "otherwise", reachable: true, taken: false, example: { input_data: { potential_amount: 1000, category: "smb" }, trigger: { changes: {} } } },
      ],
    },
  ],
  approval_chain: [
    { path: "actions/1/branches/0/actions/0", name: "Manager", approvers: ["manager"], users: [{ id: 2, email: "mia@acme.test", name: "Mia Manager" }], mode: "any", timeout: "2d", on_timeout: "escalate" },
    { path: "actions/1/branches/0/actions/0", name: "Finance", approvers: ["title:cfo"], users: [{ id: 3, email: "carl@acme.test", name: "Carl CFO" }], mode: "all", timeout: null, on_timeout: "reject" },
  ],
  predicted_duration_ms: { p50: 1500, p90: 172_800_000, steps: [{ path: "actions/0", p50: 800, p90: 2000, basis: "last 30 days of send_email" }] },
  warnings: [{ path: "actions[0].config.to", code: "no_smtp", message: "no SMTP server is configured: the email would not be sent" }],
});
