// Test helpers of the editor: a fetch mock for the API client and a render with providers.
// Import "../pages/execution/api-test-shim" first in a test file that renders the page.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { vi } from "vitest";

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

export interface Call { method: string; path: string; body: unknown; search: URLSearchParams }

export function mockApi(handler: (call: Call) => Response | undefined) {
  const calls: Call[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(new URL(String(input), "http://localhost"), init);
    const url = new URL(req.url, "http://localhost");
    const text = req.method === "GET" ? "" : await req.clone().text();
    const call = { method: req.method, path: url.pathname, body: text ? JSON.parse(text) : undefined, search: url.searchParams };
    calls.push(call);
    return handler(call) ?? json({ detail: `no mock for ${req.method} ${url.pathname}` }, 404);
  }));
  return calls;
}

/** React Flow measures its container; jsdom has no layout, so give it sizes. */
export function stubLayout() {
  class RO {
    cb: ResizeObserverCallback;
    constructor(cb: ResizeObserverCallback) { this.cb = cb; }
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  vi.stubGlobal("ResizeObserver", RO);
  if (!("DOMMatrixReadOnly" in window)) {
    vi.stubGlobal("DOMMatrixReadOnly", class { m22 = 1; constructor() {} });
  }
}

/** Render `ui` at `route` (a path, or a path with router state) matched by `path`, in a data
 *  router (as the app) with a page at /elsewhere to navigate to; the router is returned too. */
export function renderAt(ui: ReactElement, route: string | { pathname: string; state?: unknown }, path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(
    [
      { path, element: ui },
      { path: "/workflows/:workflowId/edit", element: ui },
      { path: "/elsewhere", element: <h1>Elsewhere</h1> },
    ],
    { initialEntries: [route] },
  );
  const rendered = render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...rendered, router };
}
