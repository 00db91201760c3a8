import { describe, expect, it } from "vitest";
import { applyPatch, jsonEqual, parsePointer, PatchError, valueAt, type PatchOperation } from "./jsonPatch";

describe("parsePointer", () => {
  it("splits and unescapes tokens (RFC 6901)", () => {
    expect(parsePointer("")).toEqual([]);
    expect(parsePointer("/a~1b/m~0n/0")).toEqual(["a/b", "m~n", "0"]);
    expect(parsePointer("/~01")).toEqual(["~1"]);
    expect(() => parsePointer("a/b")).toThrow(PatchError);
  });
});

describe("applyPatch", () => {
  // The examples of RFC 6902, appendix A.
  it.each<[string, unknown, PatchOperation[], unknown]>([
    ["adds an object member", { foo: "bar" }, [{ op: "add", path: "/baz", value: "qux" }], { baz: "qux", foo: "bar" }],
    ["adds an array element", { foo: ["bar", "baz"] }, [{ op: "add", path: "/foo/1", value: "qux" }], { foo: ["bar", "qux", "baz"] }],
    ["removes an object member", { baz: "qux", foo: "bar" }, [{ op: "remove", path: "/baz" }], { foo: "bar" }],
    ["removes an array element", { foo: ["bar", "qux", "baz"] }, [{ op: "remove", path: "/foo/1" }], { foo: ["bar", "baz"] }],
    ["replaces a value", { baz: "qux", foo: "bar" }, [{ op: "replace", path: "/baz", value: "boo" }], { baz: "boo", foo: "bar" }],
    [
      "moves a value",
      { foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } },
      [{ op: "move", from: "/foo/waldo", path: "/qux/thud" }],
      { foo: { bar: "baz" }, qux: { corge: "grault", thud: "fred" } },
    ],
    ["moves an array element", { foo: ["all", "grass", "cows", "eat"] }, [{ op: "move", from: "/foo/1", path: "/foo/3" }], { foo: ["all", "cows", "eat", "grass"] }],
    ["adds a nested member object", { foo: "bar" }, [{ op: "add", path: "/child", value: { grandchild: {} } }], { foo: "bar", child: { grandchild: {} } }],
    ["appends to an array with -", { foo: ["bar"] }, [{ op: "add", path: "/foo/-", value: ["abc", "def"] }], { foo: ["bar", ["abc", "def"]] }],
    ["handles escaped pointers", { "/": 9, "~1": 10 }, [{ op: "test", path: "/~01", value: 10 }, { op: "replace", path: "/~1", value: 1 }], { "/": 1, "~1": 10 }],
    ["copies a value", { a: { b: [1] } }, [{ op: "copy", from: "/a/b", path: "/c" }], { a: { b: [1] }, c: [1] }],
    ["replaces the whole document", { a: 1 }, [{ op: "replace", path: "", value: [1] }], [1]],
  ])("%s", (_, doc, patch, expected) => {
    expect(applyPatch(doc, patch)).toEqual(expected);
  });

  it("passes a test on an equal value whatever the key order", () => {
    const doc = { baz: "qux", foo: ["a", 2, "c"], deep: { x: 1, y: [true, null] } };
    expect(() =>
      applyPatch(doc, [
        { op: "test", path: "/baz", value: "qux" },
        { op: "test", path: "/foo/1", value: 2 },
        { op: "test", path: "/deep", value: { y: [true, null], x: 1 } },
      ]),
    ).not.toThrow();
  });

  it.each<[string, unknown, PatchOperation[], RegExp]>([
    ["a failed test", { baz: "qux" }, [{ op: "test", path: "/baz", value: "bar" }], /patch\[0\] \(test \/baz\): \/baz is no longer what was expected/],
    ["a string that is not a number", { baz: "10" }, [{ op: "test", path: "/baz", value: 10 }], /no longer/],
    ["adding under a missing member", { foo: "bar" }, [{ op: "add", path: "/baz/bat", value: "qux" }], /no "baz"/],
    ["removing a missing member", { foo: "bar" }, [{ op: "remove", path: "/baz" }], /no "baz"/],
    ["replacing a missing member", { foo: "bar" }, [{ op: "replace", path: "/baz", value: 1 }], /no "baz"/],
    ["an index past the end", { foo: [1] }, [{ op: "add", path: "/foo/2", value: 3 }], /out of range/],
    ["an index with a leading zero", { foo: [1, 2] }, [{ op: "remove", path: "/foo/01" }], /not an array index/],
    ["a move into its own child", { a: { b: {} } }, [{ op: "move", from: "/a", path: "/a/b/c" }], /into itself/],
    ["an unknown operation", {}, [{ op: "merge", path: "/a", value: 1 } as unknown as PatchOperation], /unknown operation/],
  ])("refuses %s", (_, doc, patch, message) => {
    expect(() => applyPatch(doc, patch)).toThrow(message);
    expect(() => applyPatch(doc, patch)).toThrow(PatchError);
  });

  it("never changes the document it is given, and the patch applies all or nothing", () => {
    const doc = { actions: [{ type: "approval", name: "Manager approval" }] };
    const before = JSON.stringify(doc);
    const patched = applyPatch<typeof doc>(doc, [
      { op: "test", path: "/actions/0", value: { name: "Manager approval", type: "approval" } },
      { op: "add", path: "/actions/0/when", value: { field: "deal.discount_percent", operator: ">=", value: 10 } },
    ]);
    expect(patched.actions[0]).toEqual({
      type: "approval", name: "Manager approval", when: { field: "deal.discount_percent", operator: ">=", value: 10 },
    });
    expect(() => applyPatch(doc, [{ op: "remove", path: "/actions/0/name" }, { op: "remove", path: "/nope" }])).toThrow(PatchError);
    expect(JSON.stringify(doc)).toBe(before);
  });

  it("applies a suggestion's parallel-approvals change (remove, then replace)", () => {
    const first = { type: "approval", name: "Director sign-off", config: { approvers: ["title:director"] } };
    const second = { type: "approval", name: "Finance sign-off", config: { approvers: ["manager"] } };
    const together = { type: "parallel", name: "Director sign-off + Finance sign-off", branches: [[first], [second]] };
    const patched = applyPatch({ actions: [first, second] }, [
      { op: "test", path: "/actions/0", value: first },
      { op: "test", path: "/actions/1", value: second },
      { op: "remove", path: "/actions/1" },
      { op: "replace", path: "/actions/0", value: together },
    ]);
    expect(patched).toEqual({ actions: [together] });
  });
});

describe("jsonEqual and valueAt", () => {
  it("compares JSON values deeply", () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });

  it("reads a value at a pointer", () => {
    expect(valueAt({ a: [{ b: 5 }] }, "/a/0/b")).toBe(5);
    expect(() => valueAt({ a: [] }, "/a/0")).toThrow(/out of range/);
  });
});
