// Textes français des sélecteurs (étapes du pipeline, personnes, destinataires) de l'éditeur et
// des formulaires de blueprint.
import type { Catalog } from "../catalog";
import type { pickers as en } from "../en/pickers";

export const pickers: Catalog<typeof en> = {
  chooseFromList: "Choisir dans la liste",
  stage: {
    one: "Une seule étape",
    loading: "Chargement des étapes…",
    choose: "Choisir une étape",
    several: "Plusieurs étapes…",
    template: "Modèle…",
  },
  user: {
    relative: "Par rapport à l'enregistrement",
    owner: "Le responsable de l'enregistrement",
    manager: "Le manager du responsable",
    users: "Utilisateurs",
    withTitle: "Toutes les personnes ayant la fonction",
    withRole: "Toutes les personnes ayant le rôle",
    idPlaceholder: "ID utilisateur",
    referencePlaceholder: "ID utilisateur, e-mail, owner, title:… ou un modèle",
    search: "Rechercher des personnes pour {{label}}",
    searchPlaceholder: "Rechercher par nom…",
    loading: "Chargement des utilisateurs…",
    choose: "Choisir une personne",
    otherId: "Autre (ID utilisateur)…",
    otherReference: "Autre (ID utilisateur, e-mail ou modèle)…",
  },
  email: {
    placeholder: "nom@exemple.fr, owner, title:director ou {{template}}",
    unknownKind: "« {{entry}} » : type inconnu « {{kind}} » (utilisez user:, title: ou role:)",
    sayWhich: {
      user: "« {{entry}} » : précisez quel utilisateur",
      title: "« {{entry}} » : précisez quelle fonction",
      role: "« {{entry}} » : précisez quel rôle",
    },
    notRecipient: "« {{entry}} » n'est ni une adresse e-mail, ni un ID utilisateur, ni owner, manager, title:…, role:… ou un modèle",
    invalid: "« {{entry}} » n'est pas une adresse e-mail valide",
  },
  duration: {
    unitOf: "{{label}} : unité",
    units: {
      minutes: "minutes",
      hours: "heures",
      days: "jours",
      weeks: "semaines",
    },
  },
  record: {
    organisation: {
      search: "Rechercher des organisations pour {{label}}",
      placeholder: "Rechercher une organisation…",
      choose: "Choisir une organisation",
      none: "Aucune organisation trouvée",
    },
    contact: {
      search: "Rechercher des contacts pour {{label}}",
      placeholder: "Rechercher un contact…",
      choose: "Choisir un contact",
      none: "Aucun contact trouvé",
    },
    deal: {
      search: "Rechercher des affaires pour {{label}}",
      placeholder: "Rechercher une affaire…",
      choose: "Choisir une affaire",
      none: "Aucune affaire trouvée",
    },
    searching: "Recherche…",
    notFound: "introuvable",
    option: "{{label}} (n° {{id}})",
    contactNumber: "contact n° {{id}}",
    activity: "{{kind}} n° {{id}}",
    activityDetail: "{{kind}} sur {{type}} n° {{id}}",
  },
};
