// Textes français communs à toutes les pages : l'ossature, la navigation, les mots courants.
import type { Catalog } from "../catalog";
import type { common as en } from "../en/common";

export const common: Catalog<typeof en> = {
  appName: "crmflow",
  language: {
    label: "Langue",
    en: "English",
    fr: "Français",
    browser: "Langue du navigateur",
  },
  nav: {
    main: "Principale",
    workflows: "Workflows",
    runs: "Exécutions",
    approvals: "Approbations",
    suggestions: "Suggestions",
    blueprints: "Modèles",
    operations: "Exploitation",
    secrets: "Secrets",
    menu: "Menu",
  },
  actions: {
    save: "Enregistrer",
    cancel: "Annuler",
    close: "Fermer",
    delete: "Supprimer",
    retry: "Réessayer",
    signOut: "Se déconnecter",
    signOutEverywhere: "Se déconnecter partout",
  },
  states: {
    loading: "Chargement…",
    none: "—",
    never: "jamais",
    justNow: "à l'instant",
  },
  errors: {
    pageMissing: "Cette page n'existe pas.",
  },
  time: {
    ago: "il y a {{when}}",
  },
};
