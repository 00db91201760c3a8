import "../../pages/execution/api-test-shim";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, mockApi } from "../test-utils";
import type { Json } from "../types";
import { DEAL_SCOPE, PREVIEW } from "./fixtures";
import { VariableScopeContext, variableGroups, type VariableScope } from "./scope";
import { PREVIEW_DELAY_MS } from "./TemplatePreview";
import { insertAt, isTemplated, TemplateTools } from "./TemplateTools";

function Field({ scope = DEAL_SCOPE, initial = "" }: { scope?: VariableScope | null; initial?: string }) {
  const [value, setValue] = useState<Json | undefined>(initial);
  return (
    <VariableScopeContext.Provider value={scope}>
      <label htmlFor="f-title">Title</label>
      <input id="f-title" value={typeof value === "string" ? value : ""} onChange={(e) => setValue(e.target.value)} />
      <TemplateTools id="f-title" loc="actions[0].config.title" value={value} onChange={setValue} label="Title" />
      <output data-testid="value">{String(value)}</output>
    </VariableScopeContext.Provider>
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("variableGroups", () => {
  it("offers the trigger's records, their people, trigger fields, steps with an id and now", () => {
    const groups = variableGroups(DEAL_SCOPE);
    expect(groups.map((g) => g.key)).toEqual(["deal", "deal.owner", "deal.owner.manager", "organisation", "trigger", "steps", "run"]);
    expect(groups.find((g) => g.key === "steps")!.variables.map((v) => v.path)).toEqual([
      "steps.call.status", "steps.call.output", "steps.mail.status", "steps.mail.output",
    ]);
    // A trigger without record offers no record fields.
    expect(variableGroups({ ...DEAL_SCOPE, triggerType: "scheduled", steps: [] }).map((g) => g.key)).toEqual(["trigger", "run"]);
  });

  it("knows which fields a run renders: a step's config only", () => {
    expect(isTemplated("actions[0].config.title")).toBe(true);
    expect(isTemplated("actions[1].branches[0].actions[0].config.headers.X")).toBe(true);
    expect(isTemplated("trigger_config.cron")).toBe(false);
    expect(isTemplated("actions[0].retry.initial")).toBe(false);
  });

  it("inserts at the cursor, replacing a selection", () => {
    const input = document.createElement("input");
    input.value = "Hello  world";
    input.setSelectionRange(6, 6);
    expect(insertAt(input, input.value, "deal.title")).toEqual({ text: "Hello {{ deal.title }} world", caret: 22 });
    input.setSelectionRange(0, 5);
    expect(insertAt(input, input.value, "now").text).toBe("{{ now }}  world");
    expect(insertAt(null, "x", "now").text).toBe("x{{ now }}");
  });
});

describe("TemplateTools", () => {
  it("shows nothing outside the workflow editor", () => {
    render(<Field scope={null} />);
    expect(screen.queryByRole("button", { name: /insert a variable/i })).not.toBeInTheDocument();
  });

  it("searches the grouped variables and inserts the chosen one at the cursor", async () => {
    mockApi(() => json(PREVIEW));
    const user = userEvent.setup();
    render(<Field initial="Deal: " />);
    await user.click(screen.getByRole("button", { name: "Insert a variable into Title" }));
    const panel = screen.getByRole("dialog", { name: "Variables" });
    expect(within(panel).getByRole("region", { name: "Deal owner's manager" })).toHaveTextContent("deal.owner.manager.name");
    expect(within(panel).getByRole("region", { name: "Steps with an ID (status and output)" })).toHaveTextContent("Call the client");
    await user.type(within(panel).getByRole("searchbox", { name: "Search variables" }), "amou");
    expect(within(panel).getAllByRole("button", { name: /^Insert / })).toHaveLength(1);
    await user.click(within(panel).getByRole("button", { name: "Insert deal.amount" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByTestId("value")).toHaveTextContent("Deal: {{ deal.amount }}");
  });

  it("says when no variable matches and closes on Escape", async () => {
    const user = userEvent.setup();
    render(<Field />);
    await user.click(screen.getByRole("button", { name: "Insert a variable into Title" }));
    await user.type(screen.getByRole("searchbox"), "zzz");
    expect(screen.getByText("No variable matches “zzz”.")).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("previews the rendered text once typing pauses, on the trigger's record", async () => {
    const calls = mockApi(() => json(PREVIEW));
    render(<Field initial="{{ deal.title }}: {{ deal.amount }} €" />);
    expect(await screen.findByRole("status", { name: "Preview" }, { timeout: PREVIEW_DELAY_MS + 2000 })).toHaveTextContent("Acme renewal: 82,000 €");
    expect(screen.getByText("Preview on a sample deal (this company has none yet):")).toBeInTheDocument();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: "POST",
      path: "/api/v1/workflows/template-preview",
      body: { template: "{{ deal.title }}: {{ deal.amount }} €", trigger_type: "deal_created" },
    });
  });

  it("asks once for a burst of keystrokes and not at all for plain text", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const calls = mockApi(() => json(PREVIEW));
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      render(<Field />);
      await user.type(screen.getByRole("textbox", { name: "Title" }), "plain");
      await act(async () => { vi.advanceTimersByTime(PREVIEW_DELAY_MS * 2); });
      expect(calls).toHaveLength(0);
      await user.type(screen.getByRole("textbox", { name: "Title" }), " {{{{ now }}");
      await act(async () => { vi.advanceTimersByTime(PREVIEW_DELAY_MS * 2); });
      await waitFor(() => expect(calls).toHaveLength(1));
      expect(calls[0].body).toMatchObject({ template: "plain {{ now }}" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows a template error plainly, and a failed call too", async () => {
    const error = { ...PREVIEW, rendered: null, errors: [{ path: "template", message: "template syntax error: unexpected end of template (line 1)" }] };
    mockApi(() => json(error));
    const { unmount } = render(<Field initial="{{ deal.title " />);
    expect(await screen.findByRole("alert", {}, { timeout: PREVIEW_DELAY_MS + 2000 })).toHaveTextContent(
      "This template does not render: template syntax error: unexpected end of template (line 1)",
    );
    unmount();
    mockApi(() => json({ detail: [{ loc: "record_id", msg: "no deal 5 in this company", type: "not_found" }] }, 404));
    render(<Field initial="{{ deal.title }}" />);
    expect(await screen.findByRole("alert", {}, { timeout: PREVIEW_DELAY_MS + 2000 })).toHaveTextContent(/^The preview is unavailable: /);
  });
});
