// English texts of the pickers (stages, people, recipients) used by the editor and blueprint forms.
export const pickers = {
  chooseFromList: "Choose from the list",
  stage: {
    one: "One stage",
    loading: "Loading stages…",
    choose: "Choose a stage",
    several: "Several stages…",
    template: "Template…",
  },
  user: {
    relative: "Relative to the record",
    owner: "The record's owner",
    manager: "The owner's manager",
    users: "Users",
    withTitle: "Everyone with the title",
    withRole: "Everyone with the role",
    idPlaceholder: "user id",
    referencePlaceholder: "user id, email, owner, title:… or a template",
    search: "Search people for {{label}}",
    searchPlaceholder: "Search by name…",
    loading: "Loading users…",
    choose: "Choose someone",
    otherId: "Other (user id)…",
    otherReference: "Other (user id, email or template)…",
  },
  email: {
    placeholder: "name@example.com, owner, title:director or {{template}}",
    unknownKind: "“{{entry}}”: unknown kind “{{kind}}” (use user:, title: or role:)",
    sayWhich: {
      user: "“{{entry}}”: say which user",
      title: "“{{entry}}”: say which title",
      role: "“{{entry}}”: say which role",
    },
    notRecipient: "“{{entry}}” is not an email address, a user id, owner, manager, title:…, role:… or a template",
    invalid: "“{{entry}}” is not a valid email address",
  },
  duration: {
    unitOf: "{{label}}: unit",
    units: {
      minutes: "minutes",
      hours: "hours",
      days: "days",
      weeks: "weeks",
    },
  },
  // Whole sentences per record kind: French nouns differ in gender (une affaire, un contact).
  record: {
    organisation: {
      search: "Search organisations for {{label}}",
      placeholder: "Search organisations…",
      choose: "Choose an organisation",
      none: "No organisation found",
    },
    contact: {
      search: "Search contacts for {{label}}",
      placeholder: "Search contacts…",
      choose: "Choose a contact",
      none: "No contact found",
    },
    deal: {
      search: "Search deals for {{label}}",
      placeholder: "Search deals…",
      choose: "Choose a deal",
      none: "No deal found",
    },
    searching: "Searching…",
    notFound: "not found",
    option: "{{label}} (#{{id}})",
    // Records without a name of their own (records.ts).
    contactNumber: "contact #{{id}}",
    activity: "{{kind}} #{{id}}",
    activityDetail: "{{kind}} on {{type}} #{{id}}",
  },
} as const;
