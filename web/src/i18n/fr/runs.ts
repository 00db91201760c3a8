// Textes français de la page de toutes les exécutions (/runs) : filtres, tableau, états vides.
import type { Catalog } from "../catalog";
import type { runs as en } from "../en/runs";

export const runs: Catalog<typeof en> = {
  title: "Toutes les exécutions",
  filters: {
    label: "Filtrer les exécutions",
    failed: "En échec",
    status: "Statut",
    allStatuses: "Tous les statuts",
    workflow: "Workflow",
    allWorkflows: "Tous les workflows",
    since: "Du",
    until: "Au (inclus)",
    recordType: "Type d'enregistrement",
    anyRecord: "Tous les enregistrements",
    recordId: "ID de l'enregistrement",
    clear: "Effacer les filtres",
    badRange: "La date de fin précède la date de début : aucune exécution ne peut correspondre.",
    truncated: "Plus de {{count}} workflows : certains sont affichés par leur numéro.",
  },
  recordTypes: {
    organisation: "Organisation",
    contact: "Contact",
    deal: "Affaire",
    task: "Tâche",
    activity: "Activité",
  },
  loading: "Chargement des exécutions…",
  emptyPage: "Il n'y a rien en page {{page}}.",
  firstPage: "Aller à la première page",
  noMatch: "Aucune exécution ne correspond à ces filtres.",
  noRuns: "Aucun workflow ne s'est encore exécuté.",
  caption: "Exécutions, des plus récentes aux plus anciennes, page {{page}} sur {{pages}}",
  columns: {
    run: "Exécution",
    workflow: "Workflow",
    status: "Statut",
    record: "Enregistrement",
    started: "Début",
    duration: "Durée",
    error: "Erreur",
  },
  rerunOf: " · relance du n° {{id}}",
  version: "version {{version}}",
  record: "{{type}} n° {{id}}",
};
