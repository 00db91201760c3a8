import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { MASK, isCredentialHeader } from "./HeadersInput";
import { fieldKind, SchemaForm } from "./SchemaForm";
import type { Json, JsonSchema } from "./types";

// call_webhook's input schema, as the catalog serves it (the part the form reads).
const WEBHOOK: JsonSchema = {
  type: "object",
  properties: {
    url: { type: "string" },
    headers: { type: "object", additionalProperties: { type: "string" }, description: "extra request headers" },
  },
};

function Harness({ initial }: { initial: Record<string, Json> }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <SchemaForm schema={WEBHOOK} value={value} onChange={setValue} idPrefix="f" errorPrefix="actions[0].config" />
      <output data-testid="config">{JSON.stringify(value)}</output>
    </>
  );
}
const config = () => JSON.parse(screen.getByTestId("config").textContent ?? "{}");

describe("webhook headers in the step form", () => {
  it("knows credential header names as the server does", () => {
    for (const name of ["Authorization", "X-Api-Key", "x-auth-token", "Cookie", "X-Session"]) {
      expect(isCredentialHeader(name)).toBe(true);
    }
    expect(isCredentialHeader("X-Account")).toBe(false);
    expect(fieldKind(WEBHOOK.properties!.headers, { A: "1" }, "headers")).toBe("map");
    expect(fieldKind(WEBHOOK.properties!.headers, { A: "1" }, "other")).toBe("json");
  });

  it("shows a stored credential as a placeholder, keeps it untouched and takes a secret reference", async () => {
    const user = userEvent.setup();
    render(<Harness initial={{ url: "https://x.test", headers: { Authorization: MASK, "X-Account": "acme" } }} />);
    const auth = screen.getByLabelText("Headers 1: value");
    expect(auth).toHaveValue("");
    expect(auth).toHaveAttribute("placeholder", expect.stringContaining("stored credential"));
    expect(auth).toHaveAccessibleDescription(expect.stringContaining("{{ secrets.NAME }}"));
    // An ordinary header has no credential hint and shows its value.
    expect(screen.getByLabelText("Headers 2: value")).toHaveValue("acme");
    expect(screen.getByLabelText("Headers 2: value")).not.toHaveAccessibleDescription();
    await user.type(screen.getByLabelText("Headers 2: value"), "2");
    expect(config().headers).toEqual({ Authorization: MASK, "X-Account": "acme2" });

    await user.type(auth, "Bearer {{{{ secrets.API_TOKEN }}");
    expect(config().headers.Authorization).toBe("Bearer {{ secrets.API_TOKEN }}");
    await user.click(screen.getByRole("button", { name: "Add another" }));
    await user.type(screen.getByLabelText("Headers 3: name"), "X-Api-Key");
    expect(screen.getByLabelText("Headers 3: value")).toHaveAccessibleDescription(expect.stringContaining("Secrets page"));
    await user.click(screen.getByRole("button", { name: "Remove X-Account" }));
    expect(config().headers).toEqual({ Authorization: "Bearer {{ secrets.API_TOKEN }}", "X-Api-Key": "" });
  });
});
