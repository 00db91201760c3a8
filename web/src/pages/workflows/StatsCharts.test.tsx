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

  it("draws the three charts of a workflow's days, durations in ms when fast", () => {
    const day = (date: string, success: number, failed: number, p95: number | null): DailyStat => ({
      date, total: success + failed, success, failed, skipped: 0, rejected: 0, cancelled: 0,
      success_rate: success + failed ? (100 * success) / (success + failed) : 0,
      p50_duration_seconds: p95 === null ? null : p95 / 2, p95_duration_seconds: p95,
    });
    render(<StatsCharts days={[day("2026-12-01", 3, 1, 0.2), day("2026-12-02", 0, 0, null)]} />);
    expect(screen.getByRole("figure", { name: "Runs per day" })).toHaveTextContent("4 finished runs, 3 succeeded");
    expect(screen.getByRole("figure", { name: "Duration" })).toHaveTextContent("median (p50) and p95, in milliseconds");
    const durations = screen.getByRole("table", { name: "Duration, per day" });
    expect(within(durations).getAllByRole("row")[1]).toHaveTextContent("100 ms200 ms");
    expect(screen.getAllByRole("figure")).toHaveLength(3);
  });
});
