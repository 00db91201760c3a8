// Test data for the workflow pages' tests.
export function listItem(over: Record<string, unknown> = {}) {
  return {
    id: 1, name: "Lead triage", description: "", status: "active", trigger_type: "deal_stage_changed",
    is_template: false, template_slug: null, version: 3, execution_count: 42,
    last_executed_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-02T00:00:00Z", success_rate: 87.5,
    ...over,
  };
}

export function page(items: unknown[], over: Record<string, unknown> = {}) {
  return { items, total: items.length, page: 1, size: 20, pages: items.length ? 1 : 0, ...over };
}

export function workflow(over: Record<string, unknown> = {}) {
  return {
    ...listItem(),
    trigger_config: { stage: "won" },
    conditions: {
      operator: "AND",
      rules: [
        { field: "deal.amount", operator: ">=", value: 10000 },
        { operator: "OR", rules: [{ field: "deal.tags", operator: "contains", value: "vip" }] },
      ],
    },
    actions: [
      { id: "task", name: "Call client", type: "create_task", config: { title: "Call {{ deal.title }}" } },
      {
        type: "branch",
        branches: [{ when: { "deal.amount": { $gt: 50000 } }, actions: [{ type: "add_tag", config: { tag: "big" } }] }],
        else: [{ type: "stop", config: { status: "skipped" } }],
      },
    ],
    run_policy: { mode: "parallel", reenrollment: "always" },
    created_by: 1, current_version_id: 3, warnings: [], inbound_url: null, inbound_signature_required: false,
    ...over,
  };
}

export function executionItem(over: Record<string, unknown> = {}) {
  return {
    id: 100, workflow_id: 1, version: 3, status: "success", trigger_type: "deal_stage_changed",
    trigger_entity_type: "deal", trigger_entity_id: 7, event_id: 5, started_at: "2026-12-05T10:00:00Z",
    completed_at: "2026-12-05T10:00:01Z", duration_ms: 850, error_message: null, actions_executed: 2,
    steps_failed: 0, created_at: "2026-12-05T10:00:00Z", waiting_for: null, rerun_of_id: null,
    ...over,
  };
}

export const STATS = {
  workflow_id: 1, total_executions: 124, success_count: 100, partial_count: 4, failed_count: 12,
  skipped_count: 5, rejected_count: 1, cancelled_count: 2, pending_count: 0, running_count: 0,
  waiting_count: 0, success_rate: 85.5, avg_duration_seconds: 0.42, p50_duration_seconds: 0.3, p95_duration_seconds: 1.5,
  last_execution: "2026-12-05T10:00:00Z",
};
