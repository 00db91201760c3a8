import "../execution/api-test-shim";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN, json, mockFetch, renderPage, type Call } from "../execution/test-utils";
import BlueprintsPage from "./BlueprintsPage";
import { blueprint, IMPORT, LIST, NURTURE, page } from "./fixtures";

// jsdom's File has no text(): read it the older way.
if (!File.prototype.text) {
  File.prototype.text = function (this: File) {
    return new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsText(this);
    });
  };
}
const file = (text: string, name = "remise-1.0.0.blueprint.json") => new File([text], name, { type: "application/json" });

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const REMISE = blueprint();
const ALL = [REMISE, NURTURE];

/** The catalog's list endpoint, filtering like the API (name, description, type; newest only). */
function listAnswer(call: Call, items: ReturnType<typeof blueprint>[] = ALL) {
  const search = (call.search.get("search") ?? "").toLowerCase();
  const type = call.search.get("template_type") ?? "";
  return json(page(items.filter((b) =>
    (!type || b.template_type === type) && `${b.name} ${b.description} ${b.template_type}`.toLowerCase().includes(search))));
}

const cards = () => within(screen.getByRole("list", { name: "Blueprints" })).getAllByRole("listitem");

describe("the catalog", () => {
  it("shows each blueprint's name, version, type, author, trigger and inputs", async () => {
    mockFetch((call) => (call.path === LIST ? listAnswer(call) : undefined));
    renderPage(<BlueprintsPage />, { route: "/blueprints" });
    await screen.findByRole("link", { name: "Approbation de remise" });
    const [remise, nurture] = cards();
    expect(remise).toHaveTextContent("v1.0.0");
    expect(remise).toHaveTextContent("built-in");
    expect(remise).toHaveTextContent("approval · crmflow");
    expect(remise).toHaveTextContent("When a deal is updated · 2 inputs");
    expect(nurture).toHaveTextContent("When an organisation has had no activity for [Jours sans activité] days · 1 input");
  });

  it("searches as one types and filters by type", async () => {
    const { calls } = mockFetch((call) => (call.path === LIST ? listAnswer(call) : undefined));
    const user = userEvent.setup();
    renderPage(<BlueprintsPage />, { route: "/blueprints" });
    await screen.findByRole("link", { name: "Relance lead dormant" });
    expect(cards()).toHaveLength(2);

    await user.type(screen.getByRole("searchbox", { name: "Search" }), "remise");
    await waitFor(() => expect(screen.queryByRole("link", { name: "Relance lead dormant" })).not.toBeInTheDocument());
    expect(cards()).toHaveLength(1);
    expect(calls.some((c) => c.path === LIST && c.search.get("search") === "remise")).toBe(true);

    await user.clear(screen.getByRole("searchbox", { name: "Search" }));
    await screen.findByRole("link", { name: "Relance lead dormant" });
    const typeFilter = screen.getByRole("combobox", { name: "Type" });
    await waitFor(() => expect(within(typeFilter).getByRole("option", { name: "nurture" })).toBeInTheDocument());
    await user.selectOptions(typeFilter, "nurture");
    await waitFor(() => expect(screen.queryByRole("link", { name: "Approbation de remise" })).not.toBeInTheDocument());
    expect(calls.some((c) => c.path === LIST && c.search.get("template_type") === "nurture")).toBe(true);

    await user.type(screen.getByRole("searchbox", { name: "Search" }), "zzz");
    expect(await screen.findByText("No blueprint matches these filters.")).toBeInTheDocument();
  });

  it("shows an error with a retry when the list cannot be loaded", async () => {
    mockFetch(({ path }) => (path === LIST ? json({ detail: "database unavailable: locked; retry later" }, 503) : undefined));
    renderPage(<BlueprintsPage />, { route: "/blueprints" });
    expect(await screen.findByRole("alert")).toHaveTextContent("database unavailable: locked; retry later");
    expect(screen.getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });
});

describe("a blueprint's detail", () => {
  it("opens with its trigger and steps in words, a graph preview and its inputs", async () => {
    mockFetch((call) => {
      if (call.path === LIST) return listAnswer(call);
      if (call.path === "/api/v1/workflow/process-templates/7/") return json(REMISE);
      if (call.path === "/api/v1/users") return json(page([ADMIN]));
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(<BlueprintsPage />, { route: "/blueprints" });
    await user.click(await screen.findByRole("link", { name: "Approbation de remise" }));
    const detail = await screen.findByRole("article");
    expect(within(detail).getByRole("heading", { level: 2, name: "Approbation de remise" })).toBeInTheDocument();
    expect(detail).toHaveTextContent("When a deal is updated, if deal.discount_percent > [Remise soumise à accord (%)]:");
    const steps = within(detail).getAllByRole("listitem").map((li) => li.firstChild?.textContent);
    expect(steps).toEqual(["Approval — Manager Approval", "Approval — CFO Approval", "Send notification — Remise refusée"]);
    expect(detail).toHaveTextContent("If rejected");
    expect(within(detail).getByRole("img", { name: "Graph preview: the trigger and 3 steps" })).toBeInTheDocument();
    expect(within(detail).getByRole("textbox", { name: "Remise soumise à accord (%)" })).toHaveValue("10");
    expect(within(detail).getByRole("button", { name: "Create workflow" })).toBeEnabled();
    expect(cards()[0]).toHaveClass("selected");
  });

  it("switches between installed versions", async () => {
    const v2 = blueprint({ id: 9, version: "2.0.0", versions: ["2.0.0", "1.0.0"] });
    const v1 = blueprint({ id: 7, version: "1.0.0", versions: ["2.0.0", "1.0.0"], description: "La première version." });
    const { calls } = mockFetch((call) => {
      if (call.path === LIST) return listAnswer(call, call.search.get("all_versions") === "true" ? [v2, v1, NURTURE] : [v2, NURTURE]);
      if (call.path === "/api/v1/workflow/process-templates/9/") return json(v2);
      if (call.path === "/api/v1/workflow/process-templates/7/") return json(v1);
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(<BlueprintsPage />, { route: "/blueprints?id=9" });
    const version = await screen.findByRole("combobox", { name: "Version" });
    await waitFor(() => expect(version).toBeEnabled());
    expect(within(version).getAllByRole("option").map((o) => o.textContent)).toEqual(["2.0.0 (newest)", "1.0.0"]);
    await user.selectOptions(version, "7");
    expect(await screen.findByText("La première version.")).toBeInTheDocument();
    expect(calls.some((c) => c.search.get("all_versions") === "true" && c.search.get("search") === "Approbation de remise")).toBe(true);
  });

  it("archives a built-in blueprint after a confirmation that says so", async () => {
    let archived = false;
    const { calls } = mockFetch((call) => {
      if (call.path === LIST) return listAnswer(call, archived ? [NURTURE] : ALL);
      if (call.method === "DELETE" && call.path === "/api/v1/workflow/process-templates/7/") {
        archived = true;
        return new Response(null, { status: 204 });
      }
      if (call.path === "/api/v1/workflow/process-templates/7/") return json(REMISE);
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(<BlueprintsPage />, { route: "/blueprints?id=7" });
    await user.click(await screen.findByRole("button", { name: "Archive" }));
    const dialog = screen.getByRole("dialog", { name: "Archive “Approbation de remise” 1.0.0?" });
    expect(dialog).toHaveTextContent("archived, hidden from the catalog and not installed again");
    await user.click(within(dialog).getByRole("button", { name: "Archive" }));
    expect(await screen.findByText("“Approbation de remise” 1.0.0 was archived.")).toBeInTheDocument();
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(1);
    await waitFor(() => expect(screen.queryByRole("link", { name: "Approbation de remise" })).not.toBeInTheDocument());
    expect(screen.queryByRole("article")).not.toBeInTheDocument();
  });

  it("offers viewers neither import, delete nor create", async () => {
    mockFetch((call) => {
      if (call.path === LIST) return listAnswer(call);
      if (call.path === "/api/v1/workflow/process-templates/7/") return json(REMISE);
      return undefined;
    }, { ...ADMIN, role: "viewer" });
    renderPage(<BlueprintsPage />, { route: "/blueprints?id=7" });
    await screen.findByRole("article");
    expect(screen.getByRole("button", { name: "Export" })).toBeInTheDocument();
    for (const name of ["Import blueprint", "Archive", "Delete", "Create workflow"]) {
      expect(screen.queryByRole("button", { name })).not.toBeInTheDocument();
    }
    expect(screen.getByRole("textbox", { name: "Remise soumise à accord (%)" })).toBeDisabled();
  });
});

describe("Import blueprint", () => {
  const upload = async (text: string, answer?: (call: Call) => Response | undefined) => {
    const result = mockFetch((call) => (call.path === LIST ? listAnswer(call) : answer?.(call)));
    const user = userEvent.setup();
    renderPage(<BlueprintsPage />, { route: "/blueprints" });
    await screen.findByRole("link", { name: "Approbation de remise" });
    await user.upload(screen.getByLabelText("Blueprint file to import"), file(text));
    return result;
  };

  it("reports a file that is not JSON before sending anything", async () => {
    const { calls } = await upload("{not json");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("“remise-1.0.0.blueprint.json” was not imported:");
    expect(alert).toHaveTextContent(/it is not a JSON file \(.*JSON.*\)/);
    expect(calls.some((c) => c.path === IMPORT)).toBe(false);
  });

  it("shows the refusal of a version that is already installed", async () => {
    const msg = "version: 1.0.0 is not above the installed version 1.0.0 of 'Approbation de remise'; publish a higher version";
    const { calls } = await upload(JSON.stringify({ name: "Approbation de remise", version: "1.0.0" }), (call) =>
      call.path === IMPORT ? json({ detail: [{ msg, loc: "version", type: "conflict" }] }, 409) : undefined);
    expect(await screen.findByRole("alert")).toHaveTextContent(msg);
    expect(calls.find((c) => c.path === IMPORT)!.body).toEqual({ name: "Approbation de remise", version: "1.0.0" });
  });

  it("lists the actions this installation lacks", async () => {
    await upload(JSON.stringify({ name: "Fax", version: "2.0.0" }), (call) =>
      call.path === IMPORT
        ? json({ detail: [{
          msg: "process_steps: this installation has no action 'send_fax', 'send_sms' (install the plugin or create the custom action first)",
          loc: "process_steps", type: "value_error", info: { missing_actions: ["send_fax", "send_sms"] },
        }] }, 422)
        : undefined);
    const missing = await screen.findByRole("list", { name: "Missing actions" });
    expect(within(missing).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["send_fax", "send_sms"]);
  });

  it("lists the breaking changes of a version without a new major number", async () => {
    await upload(JSON.stringify({ name: "Approbation de remise", version: "1.1.0" }), (call) =>
      call.path === IMPORT
        ? json({ detail: [{
          msg: "version: 1.1.0 removes or tightens inputs of 1.0.0 without a new major version (input 'cfo_title' was removed); publish it as 2.0.0",
          loc: "version", type: "conflict", info: { breaking_changes: ["input 'cfo_title' was removed", "input 'min_discount': maximum lowered to 50"] },
        }] }, 409)
        : undefined);
    const changes = await screen.findByRole("list", { name: "Breaking changes" });
    expect(within(changes).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "input 'cfo_title' was removed", "input 'min_discount': maximum lowered to 50",
    ]);
    expect(screen.getByRole("alert")).toHaveTextContent("publish it as 2.0.0");
  });

  it("opens the imported version", async () => {
    const imported = blueprint({ id: 12, name: "Fax follow-up", builtin: false, author: "Ops" });
    await upload(JSON.stringify({ name: "Fax follow-up", version: "1.0.0" }), (call) => {
      if (call.path === IMPORT) return json(imported, 201);
      if (call.path === "/api/v1/workflow/process-templates/12/") return json(imported);
      return undefined;
    });
    expect(await screen.findByText("Imported “Fax follow-up” version 1.0.0.")).toBeInTheDocument();
    const detail = await screen.findByRole("article");
    expect(within(detail).getByRole("heading", { level: 2, name: "Fax follow-up" })).toBeInTheDocument();
    expect(within(detail).getByRole("button", { name: "Delete" })).toBeInTheDocument();
  });
});
