// A small editor schema and workflow scope for the variable picker's tests.
import type { EditorSchema, Step } from "../types";
import type { VariableScope } from "./scope";

const field = (path: string, label: string, group: string) => ({ path, label, group, type: "string" as const, options: null });

export const SCHEMA = {
  triggers: [],
  entities: {
    deal: [
      field("deal.title", "Title", "Deal"),
      field("deal.amount", "Amount", "Deal"),
      field("deal.owner.email", "Email", "Deal owner"),
      field("deal.owner.manager.name", "Name", "Deal owner's manager"),
    ],
    organisation: [field("organisation.name", "Name", "Organisation")],
    task: [field("task.title", "Title", "Task")],
  },
  trigger_entities: { deal_created: ["deal", "organisation"], scheduled: [] },
  trigger_fields: [field("trigger.type", "Type", "Trigger")],
  operators: [],
  step_types: [],
} as unknown as EditorSchema;

export const STEPS: Step[] = [
  { type: "create_task", id: "call", name: "Call the client", config: {} },
  { type: "branch", branches: [{ actions: [{ type: "send_email", id: "mail", config: {} }] }] },
];

export const DEAL_SCOPE: VariableScope = { schema: SCHEMA, triggerType: "deal_created", steps: STEPS };

export const PREVIEW = {
  rendered: "Acme renewal: 82,000 €",
  truncated: false,
  record_type: "deal",
  record_id: null,
  sample: true,
  language: "en",
  variables_used: ["deal.title", "deal.amount"],
  errors: [],
};
