// The API's 422 problems read as people's words, in the interface's language; the precise
// message stays available as `detail`. Every request tells the API the interface's language.
import "../pages/execution/api-test-shim";
import { describe, expect, it, vi } from "vitest";
import { json } from "../pages/execution/test-utils";
import { inFrench } from "../test/inFrench";
import { api, toApiError } from "./client";
import { expectedValues } from "./problems";

const problem = (loc: string, type: string, msg: string, ctx: Record<string, unknown> = {}) => ({ loc, msg: `${loc}: ${msg}`, type, ctx });

function worded(...items: ReturnType<typeof problem>[]) {
  return toApiError(422, { detail: items }).fieldErrors.map((e) => e.msg);
}

const SAMPLES = [
  problem("name", "missing", "Field required"),
  problem("name", "string_too_short", "String should have at least 1 character", { min_length: 1 }),
  problem("code", "string_too_short", "String should have at least 3 characters", { min_length: 3 }),
  problem("title", "string_too_long", "String should have at most 300 characters", { max_length: 300 }),
  problem("tags", "too_short", "List should have at least 1 item after validation, not 0", { field_type: "List", min_length: 1, actual_length: 0 }),
  problem("amount", "greater_than_equal", "Input should be greater than or equal to 0", { ge: 0 }),
  problem("size", "less_than_equal", "Input should be less than or equal to 500", { le: 500 }),
  problem("days", "int_parsing", "Input should be a valid integer, unable to parse string as an integer"),
  problem("due", "datetime_from_date_parsing", "Input should be a valid datetime or date, input is too short", { error: "input is too short" }),
  problem("level", "enum", "Input should be 'info', 'warning' or 'error'", { expected: "'info', 'warning' or 'error'" }),
  problem("email", "string_pattern_mismatch", "String should match pattern '^...$'", { pattern: "^...$" }),
  problem("extra", "extra_forbidden", "Extra inputs are not permitted"),
];

describe("API problems in English", () => {
  it("words each Pydantic type with its limits", () => {
    expect(worded(...SAMPLES)).toEqual([
      "Required.",
      "Cannot be empty.",
      "Enter at least 3 characters.",
      "Use at most 300 characters.",
      "Give at least 1 item.",
      "Must be 0 or more.",
      "Must be 500 or less.",
      "Enter a whole number.",
      "Enter a valid date and time, such as 2026-03-31T09:30.",
      "Choose one of: info, warning, error.",
      "Enter an email address, such as name@example.com.",
      "This field is not expected here.",
    ]);
  });

  it("keeps crmflow's own value errors, without the path in front", () => {
    const error = toApiError(422, { detail: [
      problem("actions[0].config.due_date", "value_error", "'next tuesday' is not a date or a relative date like '+3 days'"),
      problem("step_path", "value_error", "Value error, give the step's path"),
    ] });
    expect(error.fieldErrors.map((e) => e.msg)).toEqual([
      "'next tuesday' is not a date or a relative date like '+3 days'",
      "give the step's path",
    ]);
    // The summary still says where.
    expect(error.message).toBe(
      "actions[0].config.due_date: 'next tuesday' is not a date or a relative date like '+3 days'; step_path: Value error, give the step's path",
    );
  });

  it("keeps the API's message as detail, and the summary names the field", () => {
    const error = toApiError(422, { detail: [problem("name", "string_too_short", "String should have at least 1 character", { min_length: 1 })] });
    expect(error.fieldErrors).toEqual([
      { loc: "name", msg: "Cannot be empty.", detail: "name: String should have at least 1 character", type: "string_too_short" },
    ]);
    expect(error.message).toBe("name: Cannot be empty.");
  });

  it("falls back to the API's message for a type it has no words for, or none", () => {
    const error = toApiError(409, { detail: [
      { loc: "version", msg: "version: 1.0.0 is already installed", type: "conflict" },
      { loc: "name", msg: "name already used" },
      problem("size", "less_than_equal", "Input should be less than or equal to 5"), // no ctx limit
    ] });
    expect(error.fieldErrors.map((e) => e.msg)).toEqual([
      "version: 1.0.0 is already installed",
      "name already used",
      "size: Input should be less than or equal to 5",
    ]);
  });

  it("words a problem with the whole body without a path", () => {
    const error = toApiError(422, { detail: [{ loc: "", msg: "body: invalid JSON (Expecting value)", type: "json_invalid", ctx: {} }] });
    expect(error.message).toBe("The data sent is not valid JSON.");
    expect(error.fieldErrors[0].detail).toBe("body: invalid JSON (Expecting value)");
  });

  it("asks the API for English texts", async () => {
    const fetch = vi.fn(async () => json({ triggers: [] }));
    vi.stubGlobal("fetch", fetch);
    await api.GET("/api/v1/workflows/editor-schema");
    const request = (fetch.mock.calls[0] as unknown[])[0] as Request;
    expect(request.headers.get("Accept-Language")).toBe("en");
    vi.unstubAllGlobals();
  });

  it("reads Pydantic's expected values as a list", () => {
    expect(expectedValues("'a', 'b' or 'c'")).toBe("a, b, c");
    expect(expectedValues("'x'")).toBe("x");
    expect(expectedValues("one of the stages")).toBe("one of the stages");
  });
});

describe("API problems in French", () => {
  inFrench();

  it("words each Pydantic type in French", () => {
    expect(worded(...SAMPLES)).toEqual([
      "Obligatoire.",
      "Ne peut pas être vide.",
      "Saisissez au moins 3 caractères.",
      "Utilisez au plus 300 caractères.",
      "Indiquez au moins 1 élément.",
      "Doit être supérieur ou égal à 0.",
      "Doit être inférieur ou égal à 500.",
      "Saisissez un nombre entier.",
      "Saisissez une date et une heure valides, par exemple 2026-03-31T09:30.",
      "Choisissez parmi : info, warning, error.",
      "Saisissez une adresse e-mail, par exemple nom@exemple.fr.",
      "Ce champ n'est pas attendu ici.",
    ]);
  });

  it("asks the API for French texts", async () => {
    const fetch = vi.fn(async () => json({ triggers: [] }));
    vi.stubGlobal("fetch", fetch);
    await api.GET("/api/v1/workflows/editor-schema");
    const request = (fetch.mock.calls[0] as unknown[])[0] as Request;
    expect(request.headers.get("Accept-Language")).toBe("fr");
  });

  it("keeps the server's own message as it is", () => {
    expect(worded(problem("inputs.cfo_title", "value_error", "unknown approver title 'cfx'"))).toEqual(["unknown approver title 'cfx'"]);
  });
});
