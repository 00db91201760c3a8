// Sign in with email and password, or with an API token; a demo server says which accounts exist.
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Trans, useTranslation } from "react-i18next";
import { api, ApiError, unwrap, type Schemas } from "../api/client";
import { LanguageSelect } from "../i18n/LanguageSelect";
import { useSession } from "./session";
import "./signin.css";

type Mode = "password" | "token";
type SignInHelp = Schemas["SignInHelp"];

export function SignInPage() {
  const { signIn } = useSession();
  const { t } = useTranslation("auth");
  const [mode, setMode] = useState<Mode>("password");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [token, setTokenValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const help = useQuery({
    queryKey: ["sign-in-help"],
    queryFn: () => unwrap(api.GET("/api/v1/auth/sign-in-help")),
    retry: false,
    staleTime: Infinity,
  });

  // An error is about the method it came from: switching method starts clean.
  function choose(next: Mode) {
    setMode(next);
    setError(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      if (mode === "password") {
        const out = await unwrap(api.POST("/api/v1/auth/login", { body: { email, password } }));
        signIn(out.user);
      } else {
        // The token is exchanged for a session cookie of its own; the page never keeps it.
        const out = await api.POST("/api/v1/auth/session", {
          headers: { Authorization: `Bearer ${token.trim()}` },
        });
        if (!out.response.ok || !out.data) throw new ApiError(out.response.status, t("signIn.badToken"));
        signIn(out.data.user);
      }
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <div className="signin-stack">
        <div className="signin-language">
          <LanguageSelect signedIn={false} />
        </div>
        <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
          <h1 id="signin-title">{t("signIn.title")}</h1>
          <div className="segmented" role="radiogroup" aria-label={t("signIn.method")}>
            <label>
              <input type="radio" name="mode" checked={mode === "password"} onChange={() => choose("password")} />
              {t("signIn.password")}
            </label>
            <label>
              <input type="radio" name="mode" checked={mode === "token"} onChange={() => choose("token")} />
              {t("signIn.token")}
            </label>
          </div>
          {mode === "password" ? (
            <>
              <label className="field">
                <span>{t("signIn.email")}</span>
                <input
                  type="email"
                  autoComplete="username"
                  required
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                />
              </label>
              <label className="field">
                <span>{t("signIn.passwordField")}</span>
                <input
                  type="password"
                  autoComplete="current-password"
                  required
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              </label>
            </>
          ) : (
            <label className="field">
              <span>{t("signIn.token")}</span>
              <input
                type="password"
                autoComplete="off"
                required
                value={token}
                onChange={(e) => setTokenValue(e.target.value)}
              />
            </label>
          )}
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("signIn.submitting") : t("signIn.submit")}
          </button>
          <p className="hint">{t("signIn.stay")}</p>
        </form>
        {help.data?.demo && (
          <DemoHelp
            help={help.data}
            onUser={(userEmail) => {
              choose("password");
              setEmail(userEmail);
              setPassword(help.data.password ?? "");
            }}
            onToken={(value) => {
              choose("token");
              setTokenValue(value);
            }}
          />
        )}
      </div>
    </main>
  );
}

/** The demo's accounts; each button fills the form with its credentials. */
function DemoHelp({
  help,
  onUser,
  onToken,
}: {
  help: SignInHelp;
  onUser: (email: string) => void;
  onToken: (token: string) => void;
}) {
  const { t } = useTranslation("auth");
  const admin = help.admin;
  return (
    <section className="card signin-help" aria-labelledby="demo-help-title">
      <h2 id="demo-help-title">{t("demo.title")}</h2>
      {help.users.length > 0 && help.password && (
        <>
          <p>
            <Trans t={t} i18nKey="demo.users" values={{ password: help.password }} components={{ code: <code /> }} />
          </p>
          <ul className="demo-users">
            {help.users.map((user) => (
              <li key={user.email}>
                <button type="button" className="link" onClick={() => onUser(user.email)}>
                  {user.email}
                </button>{" "}
                <span className="hint">{t("demo.user", { name: user.name, role: user.role })}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {admin && (
        <p>
          <Trans t={t} i18nKey="demo.admin" values={{ email: admin.email }} components={{ strong: <strong /> }} />{" "}
          {admin.token ? (
            <>
              <Trans t={t} i18nKey="demo.adminToken" values={{ token: admin.token }} components={{ code: <code /> }} />{" "}
              <button type="button" className="link" onClick={() => onToken(admin.token ?? "")}>
                {t("demo.useAdminToken")}
              </button>
            </>
          ) : (
            t("demo.adminTokenLogged")
          )}
        </p>
      )}
    </section>
  );
}
