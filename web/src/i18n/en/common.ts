// English texts shared by every page: the shell, navigation, common words.
// Plural texts carry _one, _many and _other (French needs "many"; English uses "other").
export const common = {
  appName: "crmflow",
  language: {
    label: "Language",
    en: "English",
    fr: "Français",
    browser: "Browser's language",
  },
  nav: {
    main: "Main",
    workflows: "Workflows",
    runs: "Runs",
    approvals: "Approvals",
    suggestions: "Suggestions",
    blueprints: "Blueprints",
    operations: "Operations",
    secrets: "Secrets",
    menu: "Menu",
  },
  actions: {
    save: "Save",
    cancel: "Cancel",
    close: "Close",
    delete: "Delete",
    retry: "Try again",
    signOut: "Sign out",
    signOutEverywhere: "Sign out everywhere",
  },
  states: {
    loading: "Loading…",
    none: "—",
    never: "never",
    justNow: "just now",
  },
  errors: {
    pageMissing: "This page does not exist.",
  },
  time: {
    ago: "{{when}} ago",
  },
} as const;
