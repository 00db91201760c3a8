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
    allRuns: "Toutes les exécutions",
    approvals: "Approbations",
    suggestions: "Suggestions",
    blueprints: "Modèles",
    operations: "Exploitation",
    secrets: "Secrets",
    menu: "Menu",
    skipToContent: "Aller au contenu",
  },
  actions: {
    save: "Enregistrer",
    saving: "Enregistrement…",
    cancel: "Annuler",
    close: "Fermer",
    confirm: "Confirmer",
    delete: "Supprimer",
    deleting: "Suppression…",
    retry: "Réessayer",
    reload: "Recharger",
    previous: "Précédente",
    next: "Suivante",
    signOut: "Se déconnecter",
    signOutEverywhere: "Se déconnecter partout",
  },
  states: {
    loading: "Chargement…",
    none: "—",
    never: "jamais",
    justNow: "à l'instant",
    yes: "oui",
    no: "non",
  },
  errors: {
    pageMissing: "Cette page n'existe pas.",
    pageStale:
      "Cette page n'a pas pu être chargée : l'application a probablement été mise à jour depuis que vous l'avez ouverte.",
    pageFailed: "Cette page a rencontré une erreur : {{message}}",
  },
  time: {
    ago: "il y a {{when}}",
  },
  pager: {
    label: "Pagination",
    position: "Page {{page}} sur {{pages}} · {{total}} au total",
  },
  notes: {
    label: "Notes",
  },
  status: {
    draft: "brouillon",
    active: "actif",
    inactive: "inactif",
    pending: "en attente",
    running: "en cours",
    waiting: "en suspens",
    success: "succès",
    partial: "terminé avec des erreurs",
    failed: "échec",
    skipped: "ignoré",
    rejected: "rejeté",
    cancelled: "annulé",
    approved: "approuvé",
    expired: "expiré",
    breach: "dépassement",
    warning: "avertissement",
    critical: "critique",
  },
};
