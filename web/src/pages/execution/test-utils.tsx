// Test helpers shared by the execution, approvals and notification tests: a fetch mock and a
// render with the app's providers (query client, session, router).
// Import "./api-test-shim" first in a test file, before anything that loads the API client.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { vi } from "vitest";
import { SessionProvider } from "../../auth/session";

export const ADMIN = {
  id: 1, company_id: 1, email: "admin@crmflow.local", name: "Admin", role: "admin",
  titles: ["admin"], manager_id: null, is_active: true,
  created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
};

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

export interface Call {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

type Handler = (call: Call) => Response | undefined | Promise<Response | undefined>;

/** Stub global fetch: `/users/me` answers `user`, the rest goes to `handler` (404 when it returns nothing). */
export function mockFetch(handler: Handler, user: unknown = ADMIN) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(new URL(String(input), "http://localhost"), init);
    const url = new URL(req.url, "http://localhost");
    const text = req.method === "GET" ? "" : await req.clone().text();
    const call: Call = {
      method: req.method,
      path: url.pathname,
      search: url.searchParams,
      body: text ? JSON.parse(text) : undefined,
    };
    calls.push(call);
    if (url.pathname === "/api/v1/users/me") return json(user);
    return (await handler(call)) ?? json({ detail: `no mock for ${req.method} ${url.pathname}` }, 404);
  });
  vi.stubGlobal("fetch", fn);
  return { fn, calls };
}

/** Render `ui` at `route` (matched by `path`) inside the app's providers, signed in. */
export function renderPage(ui: ReactElement, { route = "/", path = "*" }: { route?: string; path?: string } = {}) {
  document.cookie = "crmflow_csrf=test-csrf; Path=/"; // signed in: the session cookie is held
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <MemoryRouter initialEntries={[route]}>
          <Routes>
            <Route path={path} element={ui} />
            <Route path="*" element={<p>elsewhere</p>} />
          </Routes>
        </MemoryRouter>
      </SessionProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}
