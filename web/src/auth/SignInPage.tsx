// Sign in with email and password, or with an API token; a demo server says which accounts exist.
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, ApiError, unwrap, type Schemas } from "../api/client";
import { useSession } from "./session";
import "./signin.css";

type Mode = "password" | "token";
type SignInHelp = Schemas["SignInHelp"];

export function SignInPage() {
  const { signIn } = useSession();
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
        if (!out.response.ok || !out.data) throw new ApiError(out.response.status, "this token is not valid");
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
        <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
          <h1 id="signin-title">Sign in to crmflow</h1>
          <div className="segmented" role="radiogroup" aria-label="Sign-in method">
            <label>
              <input type="radio" name="mode" checked={mode === "password"} onChange={() => choose("password")} />
              Email and password
            </label>
            <label>
              <input type="radio" name="mode" checked={mode === "token"} onChange={() => choose("token")} />
              API token
            </label>
          </div>
          {mode === "password" ? (
            <>
              <label className="field">
                <span>Email</span>
                <input
                  type="email"
                  autoComplete="username"
                  required
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                />
              </label>
              <label className="field">
                <span>Password</span>
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
              <span>API token</span>
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
            {busy ? "Signing in…" : "Sign in"}
          </button>
          <p className="hint">You stay signed in on this browser, in every tab, until you sign out.</p>
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
  const admin = help.admin;
  return (
    <section className="card signin-help" aria-labelledby="demo-help-title">
      <h2 id="demo-help-title">Demo accounts</h2>
      {help.users.length > 0 && help.password && (
        <>
          <p>
            This server runs the demo. Every demo user&apos;s password is <code>{help.password}</code>; choose one
            to fill in the form:
          </p>
          <ul className="demo-users">
            {help.users.map((user) => (
              <li key={user.email}>
                <button type="button" className="link" onClick={() => onUser(user.email)}>
                  {user.email}
                </button>{" "}
                <span className="hint">
                  {user.name}, {user.role}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {admin && (
        <p>
          Administrator <strong>{admin.email}</strong>:{" "}
          {admin.token ? (
            <>
              sign in with the API token <code>{admin.token}</code> (CRMFLOW_ADMIN_TOKEN){" "}
              <button type="button" className="link" onClick={() => onToken(admin.token ?? "")}>
                Use the admin token
              </button>
            </>
          ) : (
            <>its API token was printed once in the server&apos;s log when the database was created.</>
          )}
        </p>
      )}
    </section>
  );
}
