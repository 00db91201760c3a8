// The typed API client (generated from openapi.json). Signing in sets an HttpOnly session cookie
// the browser sends by itself; the page only reads the CSRF cookie, to echo it on writes.
import createClient, { type Middleware } from "openapi-fetch";
import i18n, { supported } from "../i18n";
import { phrase } from "./problems";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

export const CSRF_COOKIE = "crmflow_csrf";
const CSRF_HEADER = "X-CSRF-Token";
const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
// A 401 from these means "wrong credentials on the sign-in form", not "your session ended".
const SIGN_IN_PATHS = ["/api/v1/auth/login", "/api/v1/auth/session"];

/** Return a cookie's value as the page sees it (HttpOnly cookies are invisible here). */
export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/** True while this browser holds a session (the CSRF cookie lives exactly as long as it). */
export function hasSession(): boolean {
  return readCookie(CSRF_COOKIE) !== null;
}

/** Forget the session on this side (after sign-out, or when the API refused the cookie). */
export function forgetSession(): void {
  document.cookie = `${CSRF_COOKIE}=; Max-Age=0; Path=/; SameSite=Lax`;
}

/** One problem the API reported, with the JSON path it names (e.g. `actions[2].config.to`). */
export interface FieldError {
  loc: string;
  /** What a person reads, in the interface's language (the API's own message when none fits). */
  msg: string;
  /** The API's own message, precise, for a "details" affordance. */
  detail?: string;
  /** The API's error type (`missing`, `string_too_short`, `value_error`...), when it gave one. */
  type?: string;
}

/** An API answer that is not 2xx: its status, a readable message and any field errors. */
export class ApiError extends Error {
  readonly status: number;
  readonly fieldErrors: FieldError[];

  constructor(status: number, message: string, fieldErrors: FieldError[] = []) {
    super(message);
    this.status = status;
    this.fieldErrors = fieldErrors;
  }
}

/** Turn a `{"detail": ...}` body into an ApiError (detail is a string, an object or a list). */
export function toApiError(status: number, body: unknown): ApiError {
  const detail = (body as { detail?: unknown } | undefined)?.detail ?? body;
  if (typeof detail === "string") return new ApiError(status, detail);
  const items = Array.isArray(detail) ? detail : detail ? [detail] : [];
  const worded = items.map((item) => {
    const entry = item as { loc?: unknown; msg?: unknown; type?: unknown; ctx?: unknown };
    const loc = Array.isArray(entry.loc) ? entry.loc.join(".") : String(entry.loc ?? "");
    const detail = String(entry.msg ?? JSON.stringify(item));
    const type = typeof entry.type === "string" ? entry.type : undefined;
    const ctx = entry.ctx && typeof entry.ctx === "object" ? (entry.ctx as Record<string, unknown>) : undefined;
    const people = phrase({ loc, msg: detail, type, ctx });
    const error: FieldError = { loc, msg: people ?? detail, detail, ...(type ? { type } : {}) };
    // The summary names the field: the API's own message does; a catalogue text is prefixed.
    const own = people === null || type === "value_error" || type === "assertion_error";
    const summary = own ? detail : loc ? `${loc}: ${people}` : people;
    return { error, summary };
  });
  const fieldErrors = worded.map((w) => w.error);
  const message = worded.map((w) => w.summary).join("; ") || `request failed (${status})`;
  return new ApiError(status, message, fieldErrors);
}

const auth: Middleware = {
  onRequest({ request }) {
    // Texts the API writes for people (the editor's labels, the action catalog) follow the UI.
    request.headers.set("Accept-Language", supported(i18n.language) ?? "en");
    const csrf = UNSAFE_METHODS.has(request.method) ? readCookie(CSRF_COOKIE) : null;
    if (csrf && !request.headers.has(CSRF_HEADER)) request.headers.set(CSRF_HEADER, csrf);
    return request;
  },
  onResponse({ request, response }) {
    // A revoked or expired session (signed out elsewhere): show the sign-in page.
    const path = new URL(request.url, window.location.origin).pathname;
    if (response.status === 401 && !SIGN_IN_PATHS.includes(path)) {
      forgetSession();
      window.dispatchEvent(new Event("crmflow:signed-out"));
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(auth);

/** Await an openapi-fetch call and return its data, throwing an ApiError on any non-2xx. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    throw new ApiError(0, i18n.t("errors:network", { reason: (err as Error).message }));
  }
  if (!result.response.ok) throw toApiError(result.response.status, result.error);
  return result.data as T;
}
