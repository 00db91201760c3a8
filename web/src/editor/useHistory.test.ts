import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { COALESCE_MS, HISTORY_LIMIT, useHistory } from "./useHistory";

/** The hook on a clock the test moves by hand. */
function setup(initial = "a") {
  const clock = { t: 0 };
  const now = () => clock.t;
  const hook = renderHook(() => useHistory(initial, now));
  return { clock, hook, h: () => hook.result.current };
}

describe("useHistory", () => {
  it("undoes and redoes edits in order; a new edit drops the redo stack", () => {
    const { h } = setup();
    expect([h().canUndo, h().canRedo]).toEqual([false, false]);
    act(() => h().set("b"));
    act(() => h().set((v) => `${v}c`));
    expect(h().value).toBe("bc");
    act(() => h().undo());
    expect([h().value, h().canUndo, h().canRedo]).toEqual(["b", true, true]);
    act(() => h().undo());
    expect([h().value, h().canUndo, h().canRedo]).toEqual(["a", false, true]);
    act(() => h().undo());
    expect(h().value).toBe("a");
    act(() => h().redo());
    act(() => h().redo());
    expect([h().value, h().canRedo]).toEqual(["bc", false]);
    act(() => h().undo());
    act(() => h().set("x"));
    expect([h().value, h().canRedo]).toEqual(["x", false]);
    act(() => h().undo());
    expect(h().value).toBe("b");
  });

  it("makes one entry of a burst of edits with the same key, and a new one after a pause", () => {
    const { clock, h } = setup("");
    for (const text of ["H", "He", "Hel", "Hell", "Hello"]) {
      clock.t += COALESCE_MS / 2;
      act(() => h().set(text, { coalesce: "name" }));
    }
    clock.t += COALESCE_MS + 1;
    act(() => h().set("Hello!", { coalesce: "name" }));
    act(() => h().undo());
    expect(h().value).toBe("Hello");
    act(() => h().undo());
    expect([h().value, h().canUndo]).toEqual(["", false]);
  });

  it("does not merge edits with another key, without a key, or across an undo", () => {
    const { h } = setup("");
    act(() => h().set("a", { coalesce: "name" }));
    act(() => h().set("ab", { coalesce: "subject" }));
    act(() => h().set("abc"));
    act(() => h().set("abcd", { coalesce: "subject" }));
    act(() => h().undo());
    expect(h().value).toBe("abc");
    act(() => h().set("abcX", { coalesce: "subject" }));
    act(() => h().undo());
    expect(h().value).toBe("abc");
    act(() => h().undo());
    act(() => h().undo());
    act(() => h().undo());
    expect([h().value, h().canUndo]).toEqual(["", false]);
  });

  it("amends the current entry without adding one, keeping what can be undone", () => {
    const { h } = setup();
    act(() => h().set("b"));
    act(() => h().set("B", { amend: true }));
    expect(h().value).toBe("B");
    act(() => h().undo());
    expect([h().value, h().canUndo]).toEqual(["a", false]);
    act(() => h().redo());
    expect(h().value).toBe("B");
  });

  it("ignores an edit that changes nothing", () => {
    const { h } = setup();
    act(() => h().set((v) => v));
    expect(h().canUndo).toBe(false);
  });

  it(`keeps only the last ${HISTORY_LIMIT} edits`, () => {
    const { h } = setup("0");
    act(() => {
      for (let i = 1; i <= HISTORY_LIMIT + 20; i++) h().set(String(i));
    });
    let undone = 0;
    while (h().canUndo) {
      act(() => h().undo());
      undone += 1;
    }
    expect(undone).toBe(HISTORY_LIMIT);
    expect(h().value).toBe("20");
  });

  it("starts again from a reset value with nothing to undo or redo", () => {
    const { h } = setup();
    act(() => h().set("b"));
    act(() => h().undo());
    act(() => h().reset("saved"));
    expect([h().value, h().canUndo, h().canRedo]).toEqual(["saved", false, false]);
  });
});
