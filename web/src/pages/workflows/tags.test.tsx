import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, mockFetch, renderPage } from "../execution/test-utils";
import { workflow } from "./fixtures";
import { TagEditor } from "./tags";

afterEach(() => vi.unstubAllGlobals());

describe("TagEditor", { timeout: 20_000 }, () => {
  it("offers the company's tags, adds one and removes one, saving the whole list", async () => {
    const { calls } = mockFetch(({ method, path, body }) => {
      if (path === "/api/v1/workflows/tags") return json([{ name: "sales", count: 4 }, { name: "q4", count: 1 }]);
      if (method === "PUT" && path === "/api/v1/workflows/1") return json(workflow(body as Record<string, unknown>));
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(<TagEditor workflowId={1} tags={["hot"]} canWrite />);
    const input = screen.getByLabelText("New tag");
    const options = document.getElementById(input.getAttribute("list")!)!;
    await waitFor(() => expect([...options.querySelectorAll("option")].map((o) => o.value)).toEqual(["sales", "q4"]));
    await user.type(input, "sales");
    await user.click(screen.getByRole("button", { name: "Add tag" }));
    await waitFor(() => expect(calls.find((c) => c.method === "PUT")?.body).toEqual({ tags: ["hot", "sales"], change_note: "" }));
    await user.click(within(screen.getByRole("list", { name: "Tags" })).getByRole("button", { name: "Remove tag hot" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "PUT").at(-1)?.body).toEqual({ tags: [], change_note: "" }));
  });

  it("shows the API's refusal and gives viewers no controls", async () => {
    mockFetch(({ method }) =>
      method === "PUT" ? json({ detail: [{ loc: "tags[1]", msg: "a tag cannot hold a comma", type: "tag_comma" }] }, 422) : undefined,
    );
    const user = userEvent.setup();
    const { unmount } = renderPage(<TagEditor workflowId={1} tags={["hot"]} canWrite />);
    await user.type(screen.getByLabelText("New tag"), "a,b");
    await user.click(screen.getByRole("button", { name: "Add tag" }));
    expect(await screen.findByText(/a tag cannot hold a comma/)).toBeInTheDocument();
    unmount();
    renderPage(<TagEditor workflowId={1} tags={["hot"]} canWrite={false} />);
    expect(screen.getByText("hot")).toBeInTheDocument();
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
    expect(screen.queryByLabelText("New tag")).not.toBeInTheDocument();
  });
});
