// JSON Patch (RFC 6902: add, remove, replace, move, copy, test) over plain JSON values, so a
// suggestion's change can be shown applied to the workflow as it is now (the server applies the
// same patch on accept: src/crmflow/suggestions/patch.py).
import i18n from "../../i18n";
import type { suggestions as en } from "../../i18n/en/suggestions";

/** Why the patch does not apply, in the interface's language at the time of the failure. */
const say = (key: keyof typeof en.patch, values?: Record<string, string | number>): string =>
  (i18n.t as unknown as (key: string, values?: object) => string)(`suggestions:patch.${key}`, values);

export type PatchOperation =
  | { op: "add" | "replace" | "test"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "move" | "copy"; path: string; from: string };

/** The patch does not apply: a `test` failed or a path is missing (the document changed). */
export class PatchError extends Error {}

type Container = Record<string, unknown> | unknown[];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A JSON pointer's reference tokens: `/a~1b/0` → ["a/b", "0"]; "" is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new PatchError(say("notPointer", { pointer: JSON.stringify(pointer) }));
  // ~1 before ~0, as RFC 6901 says: "~01" is "~1", not "/".
  return pointer.slice(1).split("/").map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Deep equality of JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]));
  }
  return false;
}

/** An array index token: digits without a leading zero (RFC 6901), within `limit`. */
function arrayIndex(token: string, limit: number, pointer: string): number {
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(say("notIndex", { pointer, token: JSON.stringify(token) }));
  const index = Number(token);
  if (index > limit) throw new PatchError(say("outOfRange", { pointer, index }));
  return index;
}

function child(node: unknown, token: string, pointer: string): unknown {
  if (Array.isArray(node)) return node[arrayIndex(token, node.length - 1, pointer)];
  if (isObject(node) && Object.prototype.hasOwnProperty.call(node, token)) return node[token];
  throw new PatchError(say("missing", { pointer, token: JSON.stringify(token) }));
}

/** The value at `pointer` (PatchError when a part of it is missing). */
export function valueAt(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const token of parsePointer(pointer)) node = child(node, token, pointer);
  return node;
}

/** The container holding the target of `pointer`, and the target's last token. */
function parentOf(doc: unknown, pointer: string): { parent: Container; last: string } {
  const tokens = parsePointer(pointer);
  const last = tokens.pop() as string;
  let node = doc;
  for (const token of tokens) node = child(node, token, pointer);
  if (!Array.isArray(node) && !isObject(node)) throw new PatchError(say("notContainer", { pointer }));
  return { parent: node, last };
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  if (pointer === "") return value;
  const { parent, last } = parentOf(doc, pointer);
  if (Array.isArray(parent)) {
    const index = last === "-" ? parent.length : arrayIndex(last, parent.length, pointer);
    parent.splice(index, 0, value);
  } else {
    parent[last] = value;
  }
  return doc;
}

function remove(doc: unknown, pointer: string): unknown {
  if (pointer === "") throw new PatchError(say("wholeDocument"));
  const { parent, last } = parentOf(doc, pointer);
  child(parent, last, pointer); // missing: refused
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return doc;
}

const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** A patched copy of `document` (the original is untouched); PatchError names the failing
 *  operation, e.g. `patch[0] (test /actions/0): /actions/0 is no longer what was expected`. */
export function applyPatch<T = unknown>(document: unknown, patch: readonly PatchOperation[]): T {
  let doc = clone(document);
  patch.forEach((operation, index) => {
    const { op, path } = operation;
    try {
      switch (op) {
        case "test":
          if (!jsonEqual(valueAt(doc, path), operation.value)) throw new PatchError(say("changed", { path }));
          break;
        case "add":
          doc = add(doc, path, clone(operation.value));
          break;
        case "remove":
          doc = remove(doc, path);
          break;
        case "replace":
          valueAt(doc, path); // must exist
          doc = path === "" ? clone(operation.value) : add(remove(doc, path), path, clone(operation.value));
          break;
        case "move": {
          if (path !== operation.from && path.startsWith(`${operation.from}/`)) {
            throw new PatchError(say("intoItself", { from: operation.from }));
          }
          const value = valueAt(doc, operation.from);
          doc = add(remove(doc, operation.from), path, value);
          break;
        }
        case "copy":
          doc = add(doc, path, clone(valueAt(doc, operation.from)));
          break;
        default:
          throw new PatchError(say("unknownOperation", { op: JSON.stringify(op) }));
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PatchError(say("failed", { index, op: String(op), path, reason }));
    }
  });
  return doc as T;
}
