import { fireEvent, render, screen, within } from "@testing-library/react";
import { labelIndexes, niceTicks, tickLabel } from "./chartScales";
import StatsCharts, { DayChart } from "./StatsCharts";
import type { DailyStat } from "./labels";

describe("chart scales", () => {
  it("ends the axis on a round number just above the data", () => {
    expect(niceTicks(37)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(100)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(3, 4, true)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0.7)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it("labels the newest day and spaces the others so they cannot overlap", () => {
    const picked = labelIndexes(30, 10, 56);
    expect(picked.at(-1)).toBe(29);
    for (let i = 1; i < picked.length; i++) expect((picked[i] - picked[i - 1]) * 10).toBeGreaterThanOrEqual(56);
    expect(labelIndexes(7, 100, 56)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(tickLabel(2500)).toBe((2500).toLocaleString());
    expect(tickLabel(0.25)).toBe("0.25");
  });
});

describe("DayChart", () => {
  beforeAll(() => {
    // jsdom lays nothing out: give the chart a width to draw in.
    Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 600 });
  });
  afterAll(() => {
    delete (HTMLElement.prototype as unknown as Record<string, unknown>).clientWidth;
  });

  it("stacks a day's statuses in proportion and shows the day on hover", () => {
    const { container } = render(
      <DayChart title="Runs per day" summary="" labels={["Dec 1", "Dec 2"]} kind="stacked" integers
        series={[
          { key: "success", label: "success", color: "#0a0", values: [6, 0] },
          { key: "failed", label: "failed", color: "#a00", values: [2, 4] },
        ]} />,
    );
    const bars = [...container.querySelectorAll("svg rect[fill]")];
    expect(bars.map((b) => b.getAttribute("fill"))).toEqual(["#0a0", "#a00", "#a00"]);
    const height = (b: Element) => Number(b.getAttribute("height"));
    expect(height(bars[0]) / height(bars[1])).toBeCloseTo(3);
    expect(height(bars[2]) / height(bars[1])).toBeCloseTo(2);
    fireEvent.mouseEnter(container.querySelectorAll("rect.chart-hit")[0]);
    const tip = container.querySelector(".chart-tooltip") as HTMLElement;
    expect(tip).toHaveTextContent("Dec 1");
    expect(tip).toHaveTextContent("success: 6");
    expect(tip).toHaveTextContent("failed: 2");
  });

  it("leaves days without a value out of a line and says so in its table", () => {
    const { container } = render(
      <DayChart title="Success rate" summary="" labels={["Dec 1", "Dec 2", "Dec 3"]} kind="lines" unit="%" yMax={100}
        series={[{ key: "rate", label: "success rate", color: "#0a0", values: [50, null, 100] }]} />,
    );
    expect(container.querySelectorAll("circle")).toHaveLength(2);
    expect(container.querySelector("polyline")!.getAttribute("points")!.split(" ")).toHaveLength(2);
    const table = screen.getByRole("table", { name: "Success rate, per day" });
    const cells = within(table).getAllByRole("row").slice(1).map((row) => row.textContent);
    expect(cells).toEqual(["Dec 150%", "Dec 2—", "Dec 3100%"]);
  });

  const day = (date: string, success: number, failed: number, p95: number | null, over: Partial<DailyStat> = {}): DailyStat => ({
    date, total: success + failed, success, partial: 0, failed, skipped: 0, rejected: 0, cancelled: 0,
    success_rate: success + failed ? (100 * success) / (success + failed) : null,
    p50_duration_seconds: p95 === null ? null : p95 / 2, p95_duration_seconds: p95, ...over,
  });

  it("draws the three charts of a workflow's days, durations in ms when fast", () => {
    render(<StatsCharts days={[day("2026-12-01", 3, 1, 0.2), day("2026-12-02", 0, 0, null)]} />);
    expect(screen.getByRole("figure", { name: "Runs per day" })).toHaveTextContent("4 finished runs, 3 succeeded");
    expect(screen.getByRole("figure", { name: "Duration" })).toHaveTextContent("median (p50) and p95, in milliseconds");
    const durations = screen.getByRole("table", { name: "Duration, per day" });
    expect(within(durations).getAllByRole("row")[1]).toHaveTextContent("100 ms200 ms");
    expect(screen.getAllByRole("figure")).toHaveLength(3);
  });

  it("stacks runs completed with errors in their own colour, in the legend and the tooltip", () => {
    render(
      <StatsCharts days={[
        day("2026-12-01", 3, 1, 0.2, { total: 6, partial: 2, success_rate: 50 }),
        // Only skipped runs: nothing acted, so no rate (a gap, not 0 %).
        day("2026-12-02", 0, 0, null, { total: 2, skipped: 2, success_rate: null }),
      ]} />,
    );
    const runs = screen.getByRole("figure", { name: "Runs per day" });
    expect(runs).toHaveTextContent("8 finished runs, 3 succeeded, 2 completed with errors");
    const legend = [...runs.querySelectorAll(".chart-legend li")].map((li) => li.textContent?.trim());
    expect(legend).toEqual(["success", "completed with errors", "failed", "skipped", "rejected", "cancelled"]);
    const colours = [...runs.querySelectorAll("svg rect[fill]")].map((b) => b.getAttribute("fill"));
    expect(new Set(colours).size).toBe(4); // success, partial, failed, then the skipped day
    expect(colours[1]).not.toBe(colours[0]);
    expect(colours[1]).not.toBe(colours[2]);
    fireEvent.mouseEnter(runs.querySelectorAll("rect.chart-hit")[0]);
    expect(runs.querySelector(".chart-tooltip")).toHaveTextContent("completed with errors: 2");

    const rate = screen.getByRole("figure", { name: "Success rate" });
    expect(rate).toHaveTextContent("success ÷ (success + completed with errors + failed + rejected)");
    expect(rate.querySelectorAll("circle")).toHaveLength(1);
    const cells = within(within(rate).getByRole("table")).getAllByRole("row").slice(1).map((row) => row.textContent);
    expect(cells).toEqual(["Dec 150%", "Dec 2—"]);
  });
});
