import "../execution/api-test-shim";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useLocation } from "react-router-dom";
import WorkflowDetailPage from "../WorkflowDetailPage";
import WorkflowsPage from "../WorkflowsPage";
import { ADMIN, json, mockFetch, renderPage } from "../execution/test-utils";
import { listItem, page, workflow } from "./fixtures";
import { filenameFromDisposition } from "./workflowTransfer";

function Probe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}
const LIST = "/api/v1/workflows";
const IMPORT = "/api/v1/workflows/import";
const EXPORT_FILE = { crmflow_export: 1, workflows: [{ name: "Lead triage", trigger_type: "manual", actions: [] }] };

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
const jsonFile = (text: string, name = "lead-triage.crmflow.json") => new File([text], name, { type: "application/json" });

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("filenameFromDisposition", () => {
  it("reads the attachment's file name", () => {
    expect(filenameFromDisposition('attachment; filename="lead-triage.crmflow.json"')).toBe("lead-triage.crmflow.json");
    expect(filenameFromDisposition("attachment; filename=plain.json")).toBe("plain.json");
    expect(filenameFromDisposition("attachment; filename*=UTF-8''caf%C3%A9.json; filename=\"cafe.json\"")).toBe("café.json");
    expect(filenameFromDisposition("attachment")).toBeNull();
    expect(filenameFromDisposition(null)).toBeNull();
  });
});

describe("Export", () => {
  it("downloads the export file under the name the API gives", async () => {
    const { calls } = mockFetch(({ path }) => {
      if (path === "/api/v1/workflows/1") return json(workflow());
      if (path === "/api/v1/workflows/1/export") {
        return new Response(JSON.stringify(EXPORT_FILE), {
          headers: { "Content-Type": "application/json", "Content-Disposition": 'attachment; filename="lead-triage.crmflow.json"' },
        });
      }
      return undefined;
    });
    const createObjectURL = vi.fn((_blob: Blob) => "blob:export");
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    const user = userEvent.setup();
    renderPage(<WorkflowDetailPage />, { route: "/workflows/1", path: "/workflows/:workflowId" });
    await user.click(await screen.findByRole("button", { name: "Export" }));
    expect(await screen.findByText("Exported as lead-triage.crmflow.json.")).toBeInTheDocument();
    expect(calls.some((c) => c.path === "/api/v1/workflows/1/export")).toBe(true);
    expect(clicked.map((a) => [a.download, a.href])).toEqual([["lead-triage.crmflow.json", "blob:export"]]);
    expect(JSON.parse(await createObjectURL.mock.calls[0][0].text())).toEqual(EXPORT_FILE);
  });
});

describe("Import", () => {
  const ui = (
    <>
      <WorkflowsPage />
      <Probe />
    </>
  );

  it("reports a file that is not JSON before sending anything", async () => {
    const { calls } = mockFetch(({ path }) => (path === LIST ? json(page([listItem()])) : undefined));
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows" });
    await screen.findByRole("link", { name: "Lead triage" });
    await user.upload(screen.getByLabelText("Workflow file to import"), jsonFile("{not json", "broken.json"));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      /^“broken\.json” is not a JSON file \(.*JSON.*\)\. Nothing was imported\.$/,
    );
    expect(calls.some((c) => c.path === IMPORT)).toBe(false);
  });

  it("shows the API's refusal naming the entry", async () => {
    const { calls } = mockFetch(({ method, path }) => {
      if (path === LIST) return json(page([listItem()]));
      if (method === "POST" && path === IMPORT) {
        return json({ detail: [{ loc: ["body", "workflows", 0], msg: "workflows[0] (Lead triage).actions[0].type: unknown action type 'fax'", type: "value_error" }] }, 422);
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows" });
    await screen.findByRole("link", { name: "Lead triage" });
    await user.upload(screen.getByLabelText("Workflow file to import"), jsonFile(JSON.stringify(EXPORT_FILE)));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Nothing was imported: workflows[0] (Lead triage).actions[0].type: unknown action type 'fax'",
    );
    expect(calls.find((c) => c.path === IMPORT)!.body).toEqual(EXPORT_FILE);
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/workflows$/);
  });

  it("opens the one imported workflow", async () => {
    mockFetch(({ method, path }) => {
      if (path === LIST) return json(page([listItem()]));
      if (method === "POST" && path === IMPORT) return json([workflow({ id: 7, status: "draft" })], 201);
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows" });
    await user.click(await screen.findByRole("button", { name: "Import" }));
    await user.upload(screen.getByLabelText("Workflow file to import"), jsonFile(JSON.stringify(EXPORT_FILE)));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/workflows/7"));
  });

  it("says how many were imported and refreshes the list when there are several", async () => {
    let imported = false;
    const { calls } = mockFetch(({ method, path }) => {
      if (path === LIST) return json(page(imported ? [listItem(), listItem({ id: 7, name: "A" }), listItem({ id: 8, name: "B" })] : [listItem()]));
      if (method === "POST" && path === IMPORT) {
        imported = true;
        return json([workflow({ id: 7, name: "A" }), workflow({ id: 8, name: "B" })], 201);
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderPage(ui, { route: "/workflows" });
    await screen.findByRole("link", { name: "Lead triage" });
    await user.upload(screen.getByLabelText("Workflow file to import"), jsonFile(JSON.stringify(EXPORT_FILE)));
    expect(await screen.findByText("Imported 2 workflows as drafts.")).toBeInTheDocument();
    expect(await screen.findByRole("link", { name: "B" })).toBeInTheDocument();
    expect(calls.filter((c) => c.path === LIST)).toHaveLength(2);
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/workflows$/);
  });

  it("is not offered to viewers", async () => {
    mockFetch(({ path }) => (path === LIST ? json(page([listItem()])) : undefined), { ...ADMIN, role: "viewer" });
    renderPage(ui, { route: "/workflows" });
    await screen.findByRole("link", { name: "Lead triage" });
    expect(screen.queryByRole("button", { name: "Import" })).not.toBeInTheDocument();
  });
});
