// Textes français de la page des secrets et de sa fenêtre d'ajout / de remplacement.
import type { Catalog } from "../catalog";
import type { secrets as en } from "../en/secrets";

export const secrets: Catalog<typeof en> = {
  title: "Secrets",
  intro:
    "Jetons d'API et mots de passe envoyés par les étapes webhook, écrits <code>{{usage}}</code> dans un en-tête, l'URL ou le corps. Les valeurs sont chiffrées et ne sont plus jamais affichées, à personne ; les traces des étapes les montrent sous la forme <code>********</code>.",
  add: "Ajouter un secret",
  adminsOnly: "Seuls les administrateurs peuvent ajouter, remplacer ou supprimer des secrets.",
  loading: "Chargement des secrets…",
  empty: "Aucun secret pour l'instant.",
  emptyAdmin: "Ajoutez-en un, puis utilisez-le dans une étape webhook sous la forme {{usage}}.",
  emptyOther: "Demandez à un administrateur d'ajouter les identifiants dont vos webhooks ont besoin.",
  table: {
    caption: "Secrets de votre entreprise",
    name: "Nom",
    description: "Description",
    updated: "Dernière modification",
    used: "Dernière utilisation par une exécution",
    actions: "Actions",
    replace: "Remplacer la valeur",
    replaceOf: "Remplacer la valeur de {{name}}",
    deleteOf: "Supprimer {{name}}",
  },
  announce: {
    deleted:
      "Secret {{name}} supprimé. Les étapes qui l'utilisent échouent désormais jusqu'à ce qu'il soit de nouveau ajouté.",
    added: "Secret {{name}} ajouté.",
    updated: "Secret {{name}} mis à jour.",
  },
  delete: {
    title: "Supprimer le secret {{name}} ?",
    body: "Les étapes qui utilisent <code>{{usage}}</code> échoueront jusqu'à ce qu'un secret portant ce nom soit de nouveau ajouté. La valeur ne pourra pas être récupérée.",
  },
  dialog: {
    replaceTitle: "Remplacer {{name}}",
    name: "Nom",
    namePattern: "Une lettre, puis des lettres, des chiffres ou _ (64 au plus).",
    nameUse: "Les étapes l'utilisent sous la forme {{usage}}.",
    value: "Valeur",
    newValue: "Nouvelle valeur",
    valueHint: "Stockée chiffrée ; personne ne peut la relire, administrateurs compris.",
    newValueHint:
      "La valeur actuelle n'est jamais affichée. Laissez vide pour la conserver et ne modifier que la description.",
    description: "Description",
    add: "Ajouter",
  },
};
