// Test data for the blueprint catalog's tests: blueprints shaped like the API's, built-in ones
// taken from src/crmflow/blueprints/builtin.py.
export const LIST = "/api/v1/workflow/process-templates/";
export const IMPORT = "/api/v1/workflow/process-templates/import_blueprint/";

export function blueprint(over: Record<string, unknown> = {}) {
  return {
    id: 7,
    name: "Approbation de remise",
    version: "1.0.0",
    template_type: "approval",
    description: "Une remise au-delà du seuil demande l'accord du manager.",
    author: "crmflow",
    builtin: true,
    slug: "approbation-remise",
    trigger_type: "deal_updated",
    trigger_config: {},
    conditions: {
      operator: "AND",
      rules: [{ field: "deal.discount_percent", operator: ">", value: "{{ inputs.min_discount }}" }],
    },
    process_steps: [
      { type: "approval", name: "Manager Approval", config: { approvers: ["manager"] } },
      {
        type: "approval",
        name: "CFO Approval",
        config: { approvers: ["title:{{ inputs.cfo_title }}"] },
        on_reject: [{ type: "send_notification", name: "Remise refusée", config: { user: "owner", message: "x" } }],
      },
    ],
    variables: {
      type: "object",
      properties: {
        min_discount: { type: "number", title: "Remise soumise à accord (%)", default: 10, minimum: 0, maximum: 100, "x-widget": "percent" },
        cfo_title: { type: "string", title: "Titre du CFO", default: "cfo", minLength: 1, "x-widget": "title" },
      },
      required: ["min_discount"],
    },
    settings: { category: "sales" },
    graph_spec: {
      layout: "auto",
      nodes: [
        { id: "trigger", type: "trigger", x: 0, y: 0 },
        { id: "actions/0", type: "approval", x: 0, y: 118 },
        { id: "actions/1", type: "approval", x: 0, y: 236 },
        { id: "actions/1/on_reject/0", type: "send_notification", x: 0, y: 354 },
      ],
      edges: [
        { from: "trigger", to: "actions/0" },
        { from: "actions/0", to: "actions/1" },
        { from: "actions/1", to: "actions/1/on_reject/0" },
      ],
    },
    checksum: "0".repeat(64),
    created_by: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    versions: ["1.0.0"],
    inputs_used: ["cfo_title", "min_discount"],
    ...over,
  };
}

export const NURTURE = blueprint({
  id: 5,
  name: "Relance lead dormant",
  template_type: "nurture",
  description: "Une organisation sans activité depuis N jours.",
  slug: "relance-lead-dormant",
  trigger_type: "inactivity_delay",
  trigger_config: { entity_type: "organisation", days: "{{ inputs.days }}" },
  conditions: null,
  process_steps: [{ type: "add_tag", name: "Étiqueter nurture", config: { tag: "nurture" } }],
  variables: {
    type: "object",
    properties: { days: { type: "integer", title: "Jours sans activité", default: 14, minimum: 1, maximum: 365 } },
    required: ["days"],
  },
  graph_spec: { layout: "auto", nodes: [{ id: "trigger", type: "trigger", x: 0, y: 0 }, { id: "actions/0", type: "add_tag", x: 0, y: 118 }], edges: [{ from: "trigger", to: "actions/0" }] },
  inputs_used: ["days"],
});

export function page(items: unknown[], over: Record<string, unknown> = {}) {
  return { items, total: items.length, page: 1, size: 50, pages: items.length ? 1 : 0, ...over };
}

export function workflowCreated(over: Record<string, unknown> = {}) {
  return {
    id: 42, name: "Approbation de remise", description: "", status: "draft", trigger_type: "deal_updated",
    is_template: false, template_slug: "approbation-remise", version: 1, execution_count: 0,
    last_executed_at: null, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
    success_rate: null, trigger_config: {}, conditions: null, actions: [], run_policy: {},
    created_by: 1, current_version_id: 1, graph_layout: null, warnings: [],
    ...over,
  };
}
