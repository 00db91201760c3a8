// The shell in French: the user's saved language switches it, the select in the account panel
// switches it back (and saves the choice); the sign-in page offers the select too.
import "../pages/execution/api-test-shim";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { SignInPage } from "../auth/SignInPage";
import { SessionProvider } from "../auth/session";
import i18n from "../i18n";
import { inFrench } from "../pages/execution/frenchTest";
import { ADMIN, json, mockFetch, renderPage } from "../pages/execution/test-utils";
import { Layout } from "./Layout";

class SilentWebSocket {
  close() {}
}

describe("the shell in French", () => {
  inFrench();

  it("follows the user's saved language, and the select saves a new one", async () => {
    await i18n.changeLanguage("en");
    vi.stubGlobal("WebSocket", SilentWebSocket);
    const { calls } = mockFetch(({ path }) => {
      if (path === "/api/v1/notifications/unread-count") return json({ count: 2 });
      if (path === "/api/v1/users/me/preferences") return json({ ...ADMIN, locale: "en" });
      return undefined;
    }, { ...ADMIN, locale: "fr" });
    renderPage(<Layout />, { route: "/approvals" });

    expect(await screen.findByRole("link", { name: "Approbations" }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Toutes les exécutions" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Se déconnecter" })).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Notifications, 2 non lues" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("fr");

    await userEvent.click(screen.getByRole("button", { name: "Compte : Admin" }));
    await userEvent.selectOptions(screen.getByLabelText("Langue"), "en");
    expect(await screen.findByRole("link", { name: "Approvals" })).toBeInTheDocument();
    await waitFor(() => expect(calls.find((c) => c.path === "/api/v1/users/me/preferences")?.body).toEqual({ locale: "en" }));
    localStorage.clear();
  });

  it("shows the sign-in page in French", async () => {
    mockFetch(() => json({ demo: false, users: [], password: null, admin: null }));
    document.cookie = "crmflow_csrf=; Max-Age=0; Path=/";
    render(
      <QueryClientProvider client={new QueryClient()}>
        <SessionProvider>
          <SignInPage />
        </SessionProvider>
      </QueryClientProvider>,
    );
    expect(screen.getByRole("heading", { name: "Connexion à crmflow" })).toBeInTheDocument();
    expect(screen.getByLabelText("Mot de passe")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Se connecter" })).toBeInTheDocument();
    expect(screen.getByLabelText("Langue")).toHaveDisplayValue("Français");
  });
});
