// Textes français de l'espace de noms variables : le sélecteur de variables {{ }} et l'aperçu.
import type { Catalog } from "../catalog";
import type { variables as en } from "../en/variables";

export const variables: Catalog<typeof en> = {
  picker: {
    open: "Insérer une variable",
    openFor: "Insérer une variable dans {{label}}",
    title: "Variables",
    search: "Rechercher une variable",
    close: "Fermer",
    none: "Aucune variable ne correspond à « {{query}} ».",
    insert: "Insérer {{path}}",
  },
  groups: {
    record: {
      organisation: "Organisation",
      contact: "Contact",
      deal: "Affaire",
      task: "Tâche",
      activity: "Activité",
    },
    people: {
      owner: "{{record}} : responsable",
      owner_manager: "{{record}} : manager du responsable",
      assignee: "{{record}} : personne assignée",
      assignee_manager: "{{record}} : manager de la personne assignée",
      user: "{{record}} : utilisateur",
      user_manager: "{{record}} : manager de l'utilisateur",
    },
    trigger: "Déclencheur",
    steps: "Étapes ayant un ID (statut et résultat)",
    run: "Exécution",
  },
  preview: {
    label: "Aperçu",
    loading: "Calcul de l'aperçu…",
    onSample: "Aperçu sur un enregistrement d'exemple ({{record}} ; cette société n'en a pas encore) :",
    onRecord: "Aperçu ({{record}} n° {{id}}) :",
    noRecord: "Aperçu (ce déclencheur n'a pas d'enregistrement) :",
    empty: "(vide)",
    truncated: "Seul le début est affiché.",
    templateError: "Ce modèle ne peut pas être rendu : {{message}}",
    unavailable: "L'aperçu n'est pas disponible : {{message}}",
  },
  recordNames: {
    organisation: "organisation",
    contact: "contact",
    deal: "affaire",
    task: "tâche",
    activity: "activité",
  },
};
