// Textes français de la connexion et du menu du compte.
import type { Catalog } from "../catalog";
import type { auth as en } from "../en/auth";

export const auth: Catalog<typeof en> = {
  signIn: {
    title: "Connexion à crmflow",
    method: "Mode de connexion",
    password: "E-mail et mot de passe",
    token: "Jeton d'API",
    email: "E-mail",
    passwordField: "Mot de passe",
    submit: "Se connecter",
    submitting: "Connexion…",
    stay: "Vous restez connecté sur ce navigateur, dans tous les onglets, jusqu'à votre déconnexion.",
    badToken: "ce jeton n'est pas valide",
  },
  demo: {
    title: "Comptes de démonstration",
    users:
      "Ce serveur exécute la démonstration. Le mot de passe de chaque utilisateur de démonstration est <code>{{password}}</code> ; choisissez-en un pour remplir le formulaire :",
    user: "{{name}}, {{role}}",
    admin: "Administrateur <strong>{{email}}</strong> :",
    adminToken: "connectez-vous avec le jeton d'API <code>{{token}}</code> (CRMFLOW_ADMIN_TOKEN)",
    useAdminToken: "Utiliser le jeton administrateur",
    adminTokenLogged:
      "son jeton d'API a été affiché une seule fois dans le journal du serveur à la création de la base de données.",
  },
  account: {
    button: "Compte : {{name}}",
    panel: "Compte",
    everywhereHint:
      "Met fin à vos sessions dans tous les navigateurs et onglets. Vos jetons d'API continuent de fonctionner.",
  },
};
