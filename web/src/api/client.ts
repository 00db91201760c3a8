// The typed API client (generated from openapi.json) and the session token it sends.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const TOKEN_KEY = "crmflow.token";

/** Return the token kept for this browser tab's session, if signed in. */
export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Keep (or forget, with null) the session's token. */
export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** One problem the API reported, with the JSON path it names (e.g. `actions[2].config.to`). */
export interface FieldError {
  loc: string;
  msg: string;
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
  const fieldErrors: FieldError[] = items.map((item) => {
    const entry = item as { loc?: unknown; msg?: unknown };
    const loc = Array.isArray(entry.loc) ? entry.loc.join(".") : String(entry.loc ?? "");
    return { loc, msg: String(entry.msg ?? JSON.stringify(item)) };
  });
  const message = fieldErrors.map((e) => e.msg).join("; ") || `request failed (${status})`;
  return new ApiError(status, message, fieldErrors);
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    // A revoked or expired token: forget it so the app shows the sign-in page.
    if (response.status === 401 && getToken()) {
      setToken(null);
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
    throw new ApiError(0, `network error: ${(err as Error).message}`);
  }
  if (!result.response.ok) throw toApiError(result.response.status, result.error);
  return result.data as T;
}
