import "../pages/execution/api-test-shim";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SignInPage } from "./SignInPage";
import { AccountMenu } from "./AccountMenu";
import { SessionProvider, useSession } from "./session";
import { ADMIN, json } from "../pages/execution/test-utils";

interface Seen {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

const NO_HELP = { demo: false, users: [], password: null, admin: null };
const DEMO_HELP = {
  demo: true,
  users: [
    { email: "alice@demo.crmflow", name: "Alice Martin", role: "editor" },
    { email: "viewer@demo.crmflow", name: "Victor Lemoine", role: "viewer" },
  ],
  password: "demo",
  admin: { email: "admin@crmflow.local", token: "demo-token" },
};

/** Stub fetch like the API would answer; a sign-in "sets" the CSRF cookie as the server does. */
function mockApi(help: unknown, respond: (seen: Seen) => Response | undefined = () => undefined) {
  const seen: Seen[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = input instanceof Request ? input : new Request(String(input), init);
      const url = new URL(req.url, "http://localhost");
      const text = req.method === "GET" ? "" : await req.clone().text();
      const call = { method: req.method, path: url.pathname, headers: req.headers, body: text ? JSON.parse(text) : undefined };
      seen.push(call);
      if (url.pathname === "/api/v1/auth/sign-in-help") return json(help);
      if (url.pathname === "/api/v1/users/me") return json(ADMIN);
      return respond(call) ?? json({ detail: "no mock" }, 404);
    }),
  );
  return seen;
}

function Shell() {
  const { signedIn, user } = useSession();
  return signedIn ? (
    <div>
      <p>Signed in as {user?.email ?? "…"}</p>
      <AccountMenu />
    </div>
  ) : (
    <SignInPage />
  );
}

function renderShell() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </QueryClientProvider>,
  );
}

const setCsrfCookie = () => {
  document.cookie = "crmflow_csrf=csrf-1; Path=/";
};

beforeEach(() => {
  document.cookie = "crmflow_csrf=; Max-Age=0; Path=/";
  sessionStorage.clear();
  localStorage.clear();
});
afterEach(() => vi.unstubAllGlobals());

describe("SignInPage", () => {
  it("shows no help outside demo mode", async () => {
    const seen = mockApi(NO_HELP);
    renderShell();
    expect(await screen.findByRole("heading", { name: "Sign in to crmflow" })).toBeInTheDocument();
    await waitFor(() => expect(seen.some((s) => s.path === "/api/v1/auth/sign-in-help")).toBe(true));
    expect(screen.queryByRole("heading", { name: "Demo accounts" })).not.toBeInTheDocument();
    expect(screen.queryByText(/demo-token/)).not.toBeInTheDocument();
  });

  it("lists the demo accounts and fills the form from them", async () => {
    mockApi(DEMO_HELP);
    const user = userEvent.setup();
    renderShell();
    const help = await screen.findByRole("region", { name: "Demo accounts" });
    expect(help).toHaveTextContent("password is demo");
    expect(help).toHaveTextContent("Alice Martin, editor");
    expect(help).toHaveTextContent("admin@crmflow.local");
    expect(help).toHaveTextContent("demo-token");
    await user.click(within(help).getByRole("button", { name: "viewer@demo.crmflow" }));
    expect(screen.getByLabelText("Email")).toHaveValue("viewer@demo.crmflow");
    expect(screen.getByLabelText("Password")).toHaveValue("demo");
    await user.click(within(help).getByRole("button", { name: "Use the admin token" }));
    expect(screen.getByRole("radio", { name: "API token" })).toBeChecked();
    expect(screen.getByLabelText("API token", { selector: "input[type=password]" })).toHaveValue("demo-token");
  });

  it("clears the previous error when the method changes", async () => {
    mockApi(NO_HELP, (s) =>
      s.path === "/api/v1/auth/login" ? json({ detail: "unknown email or wrong password" }, 401) : undefined,
    );
    const user = userEvent.setup();
    renderShell();
    await user.type(await screen.findByLabelText("Email"), "pat@acme.test");
    await user.type(screen.getByLabelText("Password"), "wrong");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("unknown email or wrong password");
    await user.click(screen.getByRole("radio", { name: "API token" }));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    await user.type(screen.getByLabelText("API token", { selector: "input[type=password]" }), "nope");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("this token is not valid");
    await user.click(screen.getByRole("radio", { name: "Email and password" }));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("signs in with a password without keeping any token in the page's storage", async () => {
    const seen = mockApi(NO_HELP, (s) => {
      if (s.path !== "/api/v1/auth/login") return undefined;
      setCsrfCookie();
      return json({ access_token: "cfw_secret", token_type: "bearer", user: ADMIN });
    });
    const user = userEvent.setup();
    renderShell();
    await user.type(await screen.findByLabelText("Email"), "admin@crmflow.local");
    await user.type(screen.getByLabelText("Password"), "pw");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Signed in as admin@crmflow.local")).toBeInTheDocument();
    expect(seen.find((s) => s.path === "/api/v1/auth/login")?.body).toEqual({ email: "admin@crmflow.local", password: "pw" });
    const stored = JSON.stringify({ ...sessionStorage, ...localStorage }) + document.cookie;
    expect(stored).not.toContain("cfw_secret");
  });

  it("exchanges an API token for a session and sends no Bearer header afterwards", async () => {
    const seen = mockApi(NO_HELP, (s) => {
      if (s.path === "/api/v1/auth/session") {
        setCsrfCookie();
        return json({ user: ADMIN });
      }
      if (s.path === "/api/v1/auth/sign-out") return new Response(null, { status: 204 });
      return undefined;
    });
    const user = userEvent.setup();
    renderShell();
    await user.click(await screen.findByRole("radio", { name: "API token" }));
    await user.type(screen.getByLabelText("API token", { selector: "input[type=password]" }), " cfw_api ");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Signed in as admin@crmflow.local")).toBeInTheDocument();
    const exchange = seen.find((s) => s.path === "/api/v1/auth/session");
    expect(exchange?.method).toBe("POST");
    expect(exchange?.headers.get("Authorization")).toBe("Bearer cfw_api");
    await user.click(screen.getByRole("button", { name: "Sign out" }));
    expect(await screen.findByRole("heading", { name: "Sign in to crmflow" })).toBeInTheDocument();
    const signOut = seen.find((s) => s.path === "/api/v1/auth/sign-out");
    // A cookie-signed write carries the CSRF proof, and no token is sent by the page.
    expect(signOut?.headers.get("X-CSRF-Token")).toBe("csrf-1");
    expect(signOut?.headers.get("Authorization")).toBeNull();
    expect(document.cookie).not.toContain("crmflow_csrf=csrf-1");
  });

  it("signs out everywhere through its own endpoint", async () => {
    setCsrfCookie();
    const seen = mockApi(NO_HELP, (s) =>
      s.path === "/api/v1/auth/sign-out-everywhere" ? json({ revoked_sessions: 2 }) : undefined,
    );
    const user = userEvent.setup();
    renderShell();
    expect(await screen.findByText("Signed in as admin@crmflow.local")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Sign out everywhere" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Account: Admin" }));
    await user.click(screen.getByRole("button", { name: "Sign out everywhere" }));
    expect(await screen.findByRole("heading", { name: "Sign in to crmflow" })).toBeInTheDocument();
    const call = seen.find((s) => s.path === "/api/v1/auth/sign-out-everywhere");
    expect(call?.method).toBe("POST");
    expect(call?.headers.get("X-CSRF-Token")).toBe("csrf-1");
  });

  it("returns to the sign-in page when the API refuses the session", async () => {
    setCsrfCookie();
    mockApi(NO_HELP);
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL) => {
        const path = new URL(input instanceof Request ? input.url : String(input), "http://localhost").pathname;
        if (path === "/api/v1/auth/sign-in-help") return json(NO_HELP);
        return json({ detail: "invalid, expired or revoked token" }, 401);
      }),
    );
    renderShell();
    expect(await screen.findByRole("heading", { name: "Sign in to crmflow" })).toBeInTheDocument();
    expect(document.cookie).not.toContain("crmflow_csrf");
  });
});
