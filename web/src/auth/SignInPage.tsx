// Sign in with email and password, or paste an API token.
import { useState, type FormEvent } from "react";
import { api, ApiError, unwrap } from "../api/client";
import { useSession } from "./session";

export function SignInPage() {
  const { signIn } = useSession();
  const [mode, setMode] = useState<"password" | "token">("password");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [token, setTokenValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      if (mode === "password") {
        const out = await unwrap(api.POST("/api/v1/auth/login", { body: { email, password } }));
        signIn(out.access_token);
      } else {
        const value = token.trim();
        const check = await fetch("/api/v1/users/me", {
          headers: { Authorization: `Bearer ${value}` },
        });
        if (!check.ok) throw new ApiError(check.status, "this token is not valid");
        signIn(value);
      }
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to crmflow</h1>
        <div className="segmented" role="radiogroup" aria-label="Sign-in method">
          <label>
            <input
              type="radio"
              name="mode"
              checked={mode === "password"}
              onChange={() => setMode("password")}
            />
            Email and password
          </label>
          <label>
            <input
              type="radio"
              name="mode"
              checked={mode === "token"}
              onChange={() => setMode("token")}
            />
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
      </form>
    </main>
  );
}
