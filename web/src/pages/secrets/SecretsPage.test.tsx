import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import SecretsPage from "../SecretsPage";
import { ADMIN, json, mockFetch, renderPage } from "../execution/test-utils";

const VIEWER = { ...ADMIN, id: 3, email: "viewer@acme.test", name: "Vera Viewer", role: "viewer" };
const token = {
  id: 1, name: "BILLING_TOKEN", description: "billing API", has_value: true, created_by: 1, updated_by: 1,
  created_at: "2026-12-01T10:00:00Z", updated_at: "2026-12-02T10:00:00Z", last_used_at: null,
};
const page = (items: unknown[]) => ({ items, total: items.length, page: 1, size: 50, pages: items.length ? 1 : 0 });

afterEach(() => vi.unstubAllGlobals());

describe("SecretsPage", () => {
  it("lets an admin add a secret through a password field and never shows a value", async () => {
    let stored: unknown[] = [token];
    const { calls } = mockFetch(({ path, method, body }) => {
      if (path === "/api/v1/secrets" && method === "GET") return json(page(stored));
      if (path === "/api/v1/secrets" && method === "POST") {
        const created = { ...token, id: 2, name: (body as { name: string }).name, description: "" };
        stored = [...stored, created];
        return json(created, 201);
      }
      return undefined;
    });
    renderPage(<SecretsPage />, { route: "/secrets" });

    const row = await screen.findByRole("row", { name: /BILLING_TOKEN/ });
    expect(row).toHaveTextContent("billing API");
    expect(row).toHaveTextContent("never");
    await userEvent.click(screen.getByRole("button", { name: "Add a secret" }));
    const dialog = screen.getByRole("dialog", { name: "Add a secret" });
    const value = within(dialog).getByLabelText("Value");
    expect(value).toHaveAttribute("type", "password");
    await userEvent.type(within(dialog).getByLabelText("Name"), "ERP_KEY");
    expect(dialog).toHaveTextContent("Steps use it as {{ secrets.ERP_KEY }}.");
    await userEvent.type(value, "s3cr3t-value");
    await userEvent.click(within(dialog).getByRole("button", { name: "Add" }));

    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Secret ERP_KEY added."));
    const post = calls.find((c) => c.method === "POST");
    expect(post?.body).toEqual({ name: "ERP_KEY", value: "s3cr3t-value", description: "" });
    expect(await screen.findByRole("row", { name: /ERP_KEY/ })).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent("s3cr3t-value");
  });

  it("refuses a bad name before sending and shows the server's refusal", async () => {
    const { calls } = mockFetch(({ path, method }) => {
      if (path === "/api/v1/secrets" && method === "GET") return json(page([]));
      if (path === "/api/v1/secrets" && method === "POST")
        return json({ detail: "secrets cannot be stored: CRMFLOW_SECRET_KEY is not configured: set it" }, 409);
      return undefined;
    });
    renderPage(<SecretsPage />, { route: "/secrets" });
    await userEvent.click(await screen.findByRole("button", { name: "Add a secret" }));
    const dialog = screen.getByRole("dialog", { name: "Add a secret" });
    await userEvent.type(within(dialog).getByLabelText("Name"), "1bad");
    await userEvent.type(within(dialog).getByLabelText("Value"), "x");
    expect(within(dialog).getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
    expect(within(dialog).getByRole("button", { name: "Add" })).toBeDisabled();
    await userEvent.clear(within(dialog).getByLabelText("Name"));
    await userEvent.type(within(dialog).getByLabelText("Name"), "GOOD");
    await userEvent.click(within(dialog).getByRole("button", { name: "Add" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("CRMFLOW_SECRET_KEY is not configured");
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
  });

  it("replaces a value without ever filling the field in", async () => {
    const { calls } = mockFetch(({ path, method }) => {
      if (path === "/api/v1/secrets" && method === "GET") return json(page([token]));
      if (path === "/api/v1/secrets/BILLING_TOKEN" && method === "PUT") return json({ ...token, description: "rotated" });
      return undefined;
    });
    renderPage(<SecretsPage />, { route: "/secrets" });
    await userEvent.click(await screen.findByRole("button", { name: "Replace value of BILLING_TOKEN" }));
    const dialog = screen.getByRole("dialog", { name: "Replace BILLING_TOKEN" });
    const value = within(dialog).getByLabelText("New value");
    expect(value).toHaveValue("");
    expect(value).toHaveAttribute("type", "password");
    expect(within(dialog).getByLabelText("Description")).toHaveValue("billing API");
    await userEvent.type(value, "rotated-value");
    await userEvent.clear(within(dialog).getByLabelText("Description"));
    await userEvent.type(within(dialog).getByLabelText("Description"), "rotated");
    await userEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Secret BILLING_TOKEN updated."));
    expect(calls.find((c) => c.method === "PUT")?.body).toEqual({ value: "rotated-value", description: "rotated" });
  });

  it("deletes only after confirmation", async () => {
    let stored: unknown[] = [token];
    const { calls } = mockFetch(({ path, method }) => {
      if (path === "/api/v1/secrets" && method === "GET") return json(page(stored));
      if (path === "/api/v1/secrets/BILLING_TOKEN" && method === "DELETE") {
        stored = [];
        return new Response(null, { status: 204 });
      }
      return undefined;
    });
    renderPage(<SecretsPage />, { route: "/secrets" });
    await userEvent.click(await screen.findByRole("button", { name: "Delete BILLING_TOKEN" }));
    const confirm = screen.getByRole("dialog", { name: "Delete the secret BILLING_TOKEN?" });
    expect(confirm).toHaveTextContent("{{ secrets.BILLING_TOKEN }}");
    await userEvent.click(within(confirm).getByRole("button", { name: "Cancel" }));
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    await userEvent.click(screen.getByRole("button", { name: "Delete BILLING_TOKEN" }));
    await userEvent.click(within(screen.getByRole("dialog", { name: "Delete the secret BILLING_TOKEN?" })).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Secret BILLING_TOKEN deleted."));
    expect(await screen.findByText("No secrets yet.")).toBeInTheDocument();
  });

  it("shows names to a viewer without any way to change them", async () => {
    mockFetch(({ path, method }) => (path === "/api/v1/secrets" && method === "GET" ? json(page([token])) : undefined), VIEWER);
    renderPage(<SecretsPage />, { route: "/secrets" });
    expect(await screen.findByRole("row", { name: /BILLING_TOKEN/ })).toBeInTheDocument();
    expect(screen.getByText("Only admins can add, replace or delete secrets.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add a secret" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Replace|Delete/ })).not.toBeInTheDocument();
  });
});
