import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { RunPolicyView, runPolicyWords } from "./runPolicy";

describe("run policy words", () => {
  it("writes a missing, empty or spelled-out default policy the same way", () => {
    const stored = runPolicyWords(null);
    expect(stored).toEqual(runPolicyWords({}));
    expect(stored).toEqual(runPolicyWords({ mode: "parallel", reenrollment: "always" }));
    expect(stored).toEqual(runPolicyWords({ mode: "PARALLEL" }));
    expect(stored.isDefault).toBe(true);
    expect(stored.mode).toBe("Parallel: every trigger starts a run");
    expect(stored.reenrollment).toBe("Always: a record can go through again");
  });

  it("names each mode and re-enrollment choice", () => {
    expect(runPolicyWords({ mode: "queued", reenrollment: "never" })).toEqual({
      mode: "Queued: wait for the run in progress to end",
      reenrollment: "Never: once per record",
      isDefault: false,
    });
    expect(runPolicyWords({ mode: "single" }).mode).toBe("Single: skip while a run for the record is in progress");
    expect(runPolicyWords({ reenrollment: { after_days: 1 } }).reenrollment).toMatch(/^After 1 day:/);
    expect(runPolicyWords({ reenrollment: { after_days: 30 } }).isDefault).toBe(false);
  });

  it("shows the words and says when the policy is the default", () => {
    const { rerender } = render(<RunPolicyView policy={null} />);
    expect(screen.getByText("Parallel: every trigger starts a run")).toBeInTheDocument();
    expect(screen.getByText("The default run policy.")).toBeInTheDocument();
    rerender(<RunPolicyView policy={{ mode: "restart" }} />);
    expect(screen.getByText("Restart: cancel the run in progress and start again")).toBeInTheDocument();
    expect(screen.queryByText("The default run policy.")).toBeNull();
  });
});
