import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import WorkflowDetailPage from "../WorkflowDetailPage";
import { blueprint, page } from "../blueprints/fixtures";
import { compareVersions, newestVersion, parseVersion, SEMVER } from "../blueprints/semver";
import { ADMIN, json, mockFetch, renderPage, type Call } from "../execution/test-utils";
import { workflow } from "./fixtures";
import { suggestedVersion } from "./PublishBlueprintDialog";

const LIST = "/api/v1/workflow/process-templates/";
const PUBLISH = "/api/v1/workflow/process-templates/from_workflow/";
const at = { route: "/workflows/1", path: "/workflows/:workflowId" };

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** The workflow "Lead triage", the catalog answering `catalog` to any search, and `publish` on POST. */
function api(catalog: unknown[], publish?: (call: Call) => Response, user: unknown = ADMIN) {
  return mockFetch((call) => {
    if (call.path === "/api/v1/workflows/1") return json(workflow({ description: "Sort new leads" }));
    if (call.method === "GET" && call.path === LIST) return json(page(catalog));
    if (call.method === "POST" && call.path === PUBLISH && publish) return publish(call);
    return undefined;
  }, user);
}

async function openDialog() {
  const user = userEvent.setup();
  renderPage(<WorkflowDetailPage />, at);
  await user.click(await screen.findByRole("button", { name: "Publish as blueprint" }));
  const dialog = await screen.findByRole("dialog", { name: "Publish as blueprint" });
  return { user, dialog };
}

describe("semver", () => {
  it("takes what semver.org's expression takes, ordered by precedence", () => {
    for (const ok of ["1.0.0", "0.1.0", "2.0.0-rc.1", "1.0.0+build.5", "10.20.30-alpha.beta"]) expect(SEMVER.test(ok)).toBe(true);
    for (const bad of ["1.0", "v1.0.0", "01.0.0", "1.0.0-", "1.0.0-01", "1.0.0 beta"]) expect(SEMVER.test(bad)).toBe(false);
    const order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.2.0", "1.10.0"];
    for (let i = 1; i < order.length; i++) expect(compareVersions(parseVersion(order[i - 1])!, parseVersion(order[i])!)).toBeLessThan(0);
    expect(newestVersion(["1.2.0", "1.10.0", "junk", "1.9.9"])).toBe("1.10.0");
  });

  it("suggests 1.0.0, the next minor version, or the next major one when the installed one has inputs", () => {
    expect(suggestedVersion(null)).toEqual({ version: "1.0.0", newest: null, major: false });
    const noInputs = { variables: {} };
    expect(suggestedVersion({ ...noInputs, version: "1.2.3", versions: ["1.2.3", "1.0.0"] }).version).toBe("1.3.0");
    expect(suggestedVersion({ ...noInputs, version: "2.0.0-rc.1", versions: ["2.0.0-rc.1", "1.4.0"] }).version).toBe("2.1.0");
    // Publishing a workflow removes the inputs: a new major version (any minor one below 1.0.0).
    expect(suggestedVersion(blueprint({ versions: ["1.0.0"] }))).toEqual({ version: "2.0.0", newest: "1.0.0", major: true });
    expect(suggestedVersion(blueprint({ version: "0.3.1", versions: ["0.3.1"] })).version).toBe("0.4.0");
  });
});

describe("Publish as blueprint", () => {
  it("is offered to editors and admins only", async () => {
    api([], undefined, { ...ADMIN, role: "viewer" });
    renderPage(<WorkflowDetailPage />, at);
    expect(await screen.findByRole("button", { name: "Export" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Publish as blueprint" })).toBeNull();
  });

  it("fills in the workflow's name and description, and 1.0.0 for a new name", async () => {
    const { calls } = api([blueprint({ id: 3, name: "Lead triage (old)", description: "mentions Lead triage", version: "4.0.0" })]);
    const { dialog } = await openDialog();
    expect(within(dialog).getByRole("textbox", { name: "Name" })).toHaveValue("Lead triage");
    expect(within(dialog).getByRole("textbox", { name: "Description" })).toHaveValue("Sort new leads");
    expect(within(dialog).getByRole("combobox", { name: "Type" })).toHaveValue("general");
    await waitFor(() => expect(calls.some((c) => c.path === LIST && c.search.get("search") === "Lead triage")).toBe(true));
    // Another name found by the search does not count.
    await waitFor(() => expect(within(dialog).getByRole("textbox", { name: "Version" })).toHaveAccessibleDescription(/Semantic Versioning/));
    expect(within(dialog).getByRole("textbox", { name: "Version" })).toHaveValue("1.0.0");
  });

  it("suggests the next minor version of a blueprint of the same name", async () => {
    api([blueprint({ id: 9, name: "Lead triage", version: "1.2.0", versions: ["1.2.0", "1.0.0"], variables: null, builtin: false })]);
    const { user, dialog } = await openDialog();
    const version = within(dialog).getByRole("textbox", { name: "Version" });
    await waitFor(() => expect(version).toHaveValue("1.3.0"));
    expect(version).toHaveAccessibleDescription("“Lead triage” is in the catalog, newest version 1.2.0: 1.3.0 is suggested.");
    // A new name is new to the catalog.
    const name = within(dialog).getByRole("textbox", { name: "Name" });
    await user.clear(name);
    await user.type(name, "Lead triage v2");
    await waitFor(() => expect(version).toHaveValue("1.0.0"));
  });

  it("refuses a version that is not SemVer before sending anything", async () => {
    const { calls } = api([], () => json({}, 201));
    const { user, dialog } = await openDialog();
    const version = within(dialog).getByRole("textbox", { name: "Version" });
    await user.clear(version);
    await user.type(version, "1.0");
    await user.click(within(dialog).getByRole("button", { name: "Publish" }));
    expect(version).toHaveAttribute("aria-invalid", "true");
    expect(version).toHaveAccessibleDescription("“1.0” is not a semantic version: MAJOR.MINOR.PATCH, e.g. 1.0.0 or 2.1.0-rc.1.");
    await waitFor(() => expect(version).toHaveFocus());
    expect(calls.some((c) => c.path === PUBLISH)).toBe(false);
    // Corrected, the problem goes.
    await user.type(version, ".0");
    expect(version).not.toHaveAttribute("aria-invalid");
  });

  it("shows the API's 409 under the version", async () => {
    api([], () =>
      json({ detail: [{ loc: "version", msg: "version: 1.0.0 is not above the installed version 1.0.0 of 'Lead triage'; publish a higher version" }] }, 409),
    );
    const { user, dialog } = await openDialog();
    await user.click(within(dialog).getByRole("button", { name: "Publish" }));
    const version = within(dialog).getByRole("textbox", { name: "Version" });
    await waitFor(() => expect(version).toHaveAttribute("aria-invalid", "true"));
    expect(version).toHaveAccessibleDescription("1.0.0 is not above the installed version 1.0.0 of 'Lead triage'; publish a higher version");
    expect(within(dialog).queryByRole("link", { name: "Open in the catalog" })).toBeNull();
  });

  it("shows a refusal that names no field of the form on top", async () => {
    api([], () =>
      json({ detail: [{ loc: "process_steps[0].config.password", msg: "process_steps[0].config.password: a credential typed in clear; use {{ secrets.NAME }}" }] }, 422),
    );
    const { user, dialog } = await openDialog();
    await user.click(within(dialog).getByRole("button", { name: "Publish" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("process_steps[0].config.password: a credential typed in clear");
    expect(within(dialog).getByRole("textbox", { name: "Version" })).not.toHaveAttribute("aria-invalid");
  });

  it("publishes and links to the new blueprint in the catalog", async () => {
    const { calls } = api([], (call) =>
      json(blueprint({ id: 31, name: "Lead triage", version: "1.0.0", template_type: "approval", builtin: false, ...(call.body as object) }), 201),
    );
    const { user, dialog } = await openDialog();
    await user.selectOptions(within(dialog).getByRole("combobox", { name: "Type" }), "approval");
    await user.click(within(dialog).getByRole("button", { name: "Publish" }));
    expect(await within(dialog).findByText("Published “Lead triage” 1.0.0 as a blueprint.")).toBeInTheDocument();
    expect(within(dialog).getByRole("link", { name: "Open in the catalog" })).toHaveAttribute("href", "/blueprints?id=31");
    expect(calls.find((c) => c.path === PUBLISH)!.body).toEqual({
      workflow_id: 1, name: "Lead triage", version: "1.0.0", template_type: "approval", description: "Sort new leads", author: "",
    });
  });
});
