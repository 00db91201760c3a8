// English texts of signing in and the account menu.
export const auth = {
  signIn: {
    title: "Sign in to crmflow",
    method: "Sign-in method",
    password: "Email and password",
    token: "API token",
    email: "Email",
    passwordField: "Password",
    submit: "Sign in",
    submitting: "Signing in…",
    stay: "You stay signed in on this browser, in every tab, until you sign out.",
    badToken: "this token is not valid",
  },
  demo: {
    title: "Demo accounts",
    users: "This server runs the demo. Every demo user's password is <code>{{password}}</code>; choose one to fill in the form:",
    user: "{{name}}, {{role}}",
    admin: "Administrator <strong>{{email}}</strong>:",
    adminToken: "sign in with the API token <code>{{token}}</code> (CRMFLOW_ADMIN_TOKEN)",
    useAdminToken: "Use the admin token",
    adminTokenLogged: "its API token was printed once in the server's log when the database was created.",
  },
  account: {
    button: "Account: {{name}}",
    panel: "Account",
    everywhereHint: "Ends your sessions in every browser and tab. Your API tokens keep working.",
  },
} as const;
