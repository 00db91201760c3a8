// Test data shaped like the API's answers for the planted history (src/crmflow/demo_history.py).
import type { Suggestion, SuggestionJob } from "./types";

const WINDOW = { from: "2026-11-05T10:00:00+00:00", to: "2026-12-05T10:00:00+00:00", days: 30 };
const STAMP = "2026-12-05T10:00:00Z";

export const MANAGER_APPROVAL = { type: "approval", name: "Manager approval", config: { approvers: ["manager"] } };
export const TAG_APPROVED = { type: "add_tag", name: "Tag approved", config: { tag: "discount-ok" } };

/** The "Discount approval" workflow as GET /workflows/{id} gives it. */
export const discountWorkflow = {
  id: 4, name: "Discount approval", description: "", status: "active", version: 1,
  trigger_type: "deal_updated", trigger_config: {}, conditions: null, run_policy: null,
  actions: [MANAGER_APPROVAL, TAG_APPROVED],
  created_at: STAMP, updated_at: STAMP, created_by: 1, current_version_id: 1, execution_count: 300,
  graph_layout: null, inbound_signature_required: false, inbound_url: null, is_template: false,
  last_executed_at: STAMP, template_slug: null, warnings: [],
};

const base = {
  description: "", mined_title: "", mined_description: "", source: "historical", status: "pending",
  backtest: null, notes: "", decided_by: null, decided_at: null, applied_workflow_id: null, applied_version: null,
  created_at: STAMP, updated_at: STAMP,
};

const record = (title: string, discount: number) => ({ title, amount: 12000, discount_percent: discount, stage: "proposal" });

export const autoApproval: Suggestion = {
  ...base,
  id: 11, workflow_id: 4, kind: "auto_approval",
  title: "Auto-approve “Manager approval” when deal.discount_percent < 10",
  mined_title: "Auto-approve “Manager approval” when deal.discount_percent < 10",
  description: "Over the last 30 days, 98 of 98 requests with deal.discount_percent < 10 were approved (100.0 %); outside it, 101 of 202 were (50.0 %).",
  confidence_score: 0.9623, pattern_frequency: 98,
  evidence: {
    window: WINDOW,
    step: { path: "actions/0", name: "Manager approval" },
    segment: { field: "deal.discount_percent", operator: "<", value: 10 },
    requests: 300,
    in_segment: { approved: 98, rejected: 0 },
    outside_segment: { approved: 101, rejected: 101 },
    examples: [
      { approval_id: 501, execution_id: 901, workflow_id: 4, status: "approved", record: record("Acme renewal", 4.5) },
      { approval_id: 502, execution_id: 902, workflow_id: 4, status: "approved", record: record("Globex pilot", 9.9) },
    ],
    counterexamples: [],
    median_wait_seconds: 15300,
  },
  change: {
    type: "patch", workflow_id: 4, base_version: 1,
    patch: [
      { op: "test", path: "/actions/0", value: MANAGER_APPROVAL },
      { op: "add", path: "/actions/0/when", value: { field: "deal.discount_percent", operator: ">=", value: 10 } },
    ],
  },
  backtest: {
    window: WINDOW, events_considered: 1200, triggered: 1200,
    skipped: { trigger_filter: 0, conditions: {} }, outcomes: { success: 1100, waiting: 100 },
    approvers: {}, diff: { version: 1, same: 1000, only_draft: 0, only_current: 0, different_outcome: 200 },
  },
};

export const parallelApprovals: Suggestion = {
  ...base,
  id: 12, workflow_id: 5, kind: "parallel_approvals",
  title: "Ask “Director sign-off” and “Finance sign-off” at the same time",
  description: "In 80 runs both approvals were asked one after the other.",
  confidence_score: 0.91, pattern_frequency: 80,
  evidence: {
    window: WINDOW,
    steps: [{ path: "actions/0", name: "Director sign-off" }, { path: "actions/1", name: "Finance sign-off" }],
    runs_with_both: 80, first_approved: 78, first_decided: 80,
    saved_seconds: { median: 7200, p95: 86400, total: 720000 },
    examples: [{ approval_id: 601, execution_id: 1001, workflow_id: 5, status: "approved", record: record("Hooli licences", 0) }],
  },
  change: null,
};

export const failingWebhook: Suggestion = {
  ...base,
  id: 13, workflow_id: 6, kind: "error_handling",
  title: "Retry “Push to ERP” when it fails for a passing reason",
  description: "“Push to ERP” failed in 60 of 200 runs (30.0 %).",
  confidence_score: 0.84, pattern_frequency: 60, source: "llm",
  mined_title: "Retry “Push to ERP” when it fails for a passing reason (mined)",
  evidence: {
    window: WINDOW,
    step: { path: "actions/0", name: "Push to ERP", type: "call_webhook" },
    runs: 200, failed: 60, failure_rate: 0.3, errors_sampled: 60,
    most_common_error: { shape: "timed out after Ns", count: 50 },
    errors: [{ shape: "timed out after Ns", count: 50 }, { shape: "HTTP N from '…'", count: 10 }],
    transient: 56,
    examples: [{ execution_id: 1201, workflow_id: 6, error: "timed out after 10s" }],
  },
  change: null,
};

export const slowApproval: Suggestion = {
  ...base,
  id: 14, workflow_id: 7, kind: "performance",
  title: "Escalate “Legal review” after 3 days",
  confidence_score: 0.7, pattern_frequency: 40,
  evidence: {
    window: WINDOW,
    step: { path: "actions/0", name: "Legal review" },
    decisions: 40, wait_seconds: { p50: 259200, p95: 518400, max: 604800 }, over_a_day: 36,
    examples: [{ execution_id: 1301, workflow_id: 7, wait_seconds: 604800 }],
  },
  change: null,
};

export const slowStep: Suggestion = {
  ...base,
  id: 15, workflow_id: 6, kind: "performance",
  title: "“Push to ERP” is 5× slower than its peers",
  confidence_score: 0.5, pattern_frequency: 140,
  evidence: {
    window: WINDOW, step: { path: "actions/0", name: "Push to ERP", type: "call_webhook" },
    runs: 140, p50_ms: 3200, p95_ms: 9000, peers_p95_ms: 1800, peers: 3, slower_than_peers: 120,
  },
  change: null,
};

export const manualWork: Suggestion = {
  ...base,
  id: 16, workflow_id: null, kind: "manual_work",
  title: "Create “Send the contract to {{ deal.title }}” automatically after deal updated to signed",
  confidence_score: 0.88, pattern_frequency: 45,
  evidence: {
    window: WINDOW,
    event: { type: "deal_updated", reached: "signed", count: 48 },
    tasks: 45, record_type: "deal", title_template: "Send the contract to {{ deal.title }}", median_due_days: 2,
    examples: [{ task_id: 77, title: "Send the contract to Acme renewal", record_id: 12 }],
  },
  change: {
    type: "new_workflow",
    definition: {
      name: "Create “Send the contract to {{ deal.title }}” after deal updated to signed",
      trigger_type: "deal_stage_changed", trigger_config: { to: "signed" }, conditions: null,
      actions: [{ type: "create_task", name: "Create the task", config: { title: "Send the contract to {{ deal.title }}", assignee: "owner", due_date: "+2 days" } }],
      run_policy: null, status: "draft",
    },
  },
};

export const page = (items: Suggestion[]) => ({ items, total: items.length, page: 1, size: 20, pages: items.length ? 1 : 0 });

export const job = (over: Partial<SuggestionJob> = {}): SuggestionJob => ({
  id: 3, status: "queued", days: 30, min_occurrences: 10, use_llm: true, progress: 0, stage: "",
  created_count: 0, refreshed_count: 0, discarded: [], error: null, created_at: STAMP, finished_at: null,
  duration_ms: null, ...over,
});

export const workflowList = {
  items: [
    { id: 4, name: "Discount approval" }, { id: 5, name: "Big deal sign-off" }, { id: 6, name: "ERP sync" },
    { id: 7, name: "Contract approval" }, { id: 40, name: "Discount approval (suggested)" },
  ],
  total: 5, page: 1, size: 500, pages: 1,
};
