// English texts of the secrets page and its add / replace dialog.
export const secrets = {
  title: "Secrets",
  intro:
    "API tokens and passwords that webhook steps send, written as <code>{{usage}}</code> in a header, the URL or the body. Values are encrypted and never shown again, to anyone; step records show them as <code>********</code>.",
  add: "Add a secret",
  adminsOnly: "Only admins can add, replace or delete secrets.",
  loading: "Loading secrets…",
  empty: "No secrets yet.",
  emptyAdmin: "Add one, then use it in a webhook step as {{usage}}.",
  emptyOther: "Ask an admin to add the credentials your webhooks need.",
  table: {
    caption: "Secrets of your company",
    name: "Name",
    description: "Description",
    updated: "Last updated",
    used: "Last used by a run",
    actions: "Actions",
    replace: "Replace value",
    replaceOf: "Replace value of {{name}}",
    deleteOf: "Delete {{name}}",
  },
  announce: {
    deleted: "Secret {{name}} deleted. Steps that use it now fail until it is added again.",
    added: "Secret {{name}} added.",
    updated: "Secret {{name}} updated.",
  },
  delete: {
    title: "Delete the secret {{name}}?",
    body: "Steps that use <code>{{usage}}</code> will fail until a secret with this name is added again. The value cannot be recovered.",
  },
  dialog: {
    replaceTitle: "Replace {{name}}",
    name: "Name",
    namePattern: "A letter, then letters, digits or _ (64 at most).",
    nameUse: "Steps use it as {{usage}}.",
    value: "Value",
    newValue: "New value",
    valueHint: "Stored encrypted; nobody can read it back, admins included.",
    newValueHint: "The current value is never shown. Leave empty to keep it and change only the description.",
    description: "Description",
    add: "Add",
  },
} as const;
