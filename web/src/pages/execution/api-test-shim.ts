// For tests, imported FIRST (before anything that loads src/api/client.ts): openapi-fetch keeps
// the global Request and fetch it sees when the client is created, so
// - Request: Node refuses `new Request("/api/...")` (no base URL): resolve it against localhost;
// - fetch: delegate to whatever `globalThis.fetch` is at call time, so `vi.stubGlobal("fetch")`
//   in a test reaches the client.
const BaseRequest = globalThis.Request;
class RelativeRequest extends BaseRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === "string" ? new URL(input, "http://localhost").href : input, init);
  }
}
globalThis.Request = RelativeRequest as typeof Request;

const originalFetch = globalThis.fetch;
const delegate: typeof fetch = (input, init) => {
  const current = globalThis.fetch;
  return (current === delegate ? originalFetch : current)(input, init);
};
globalThis.fetch = delegate;
export {};
