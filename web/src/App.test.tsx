import { vi } from "vitest";

// Record which page chunk each path asks for, without loading any page.
const preloaded: string[] = [];
vi.mock("./lazyWithPreload", () => ({
  lazyWithPreload: (load: () => Promise<unknown>) => {
    const name = /(\w+Page)\b/.exec(load.toString())?.[1] ?? "?";
    return Object.assign(() => null, {
      preload: () => {
        preloaded.push(name);
        return Promise.resolve();
      },
    });
  },
}));

const { preloadPages } = await import("./App");

describe("preloadPages", () => {
  it.each([
    ["/", "WorkflowsPage"],
    ["/workflows", "WorkflowsPage"],
    ["/workflows/new", "WorkflowEditorPage"],
    ["/workflows/12/edit", "WorkflowEditorPage"],
    ["/workflows/12", "WorkflowDetailPage"],
    ["/workflows/12/executions/7", "ExecutionPage"],
    ["/approvals", "ApprovalsPage"],
    ["/secrets", "SecretsPage"],
    ["/blueprints", "BlueprintsPage"],
    ["/suggestions", "SuggestionsPage"],
    ["/suggestions/11", "SuggestionsPage"],
  ])("fetches the chunk of the page %s opens first", async (path, page) => {
    preloaded.length = 0;
    await preloadPages(path);
    expect(preloaded).toEqual([page]);
  });

  it("fetches nothing first for a path no page serves", async () => {
    preloaded.length = 0;
    await preloadPages("/nowhere/at/all");
    expect(preloaded).toEqual([]);
  });
});
