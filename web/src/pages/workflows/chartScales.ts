// Scales and ticks for the statistics charts (plain SVG, no chart library).

/** Round `max` up to a "nice" axis end and return evenly spaced ticks from 0 (1, 2, 2.5, 5 x 10^n). */
export function niceTicks(max: number, count = 4, integers = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const steps = integers ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  let step = power * (steps.find((s) => s * power >= raw) ?? 10);
  if (integers) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let v = 0; v < max + step / 2; v += step) ticks.push(round(v));
  if (ticks[ticks.length - 1] < max) ticks.push(round(ticks[ticks.length - 1] + step));
  return ticks;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Indexes of the x labels to draw so that labels `minGap` pixels wide never overlap. */
export function labelIndexes(count: number, band: number, minGap: number): number[] {
  if (count === 0) return [];
  const every = Math.max(1, Math.ceil(minGap / Math.max(band, 1)));
  const picked: number[] = [];
  // From the newest day backwards, so today always has its label.
  for (let i = count - 1; i >= 0; i -= every) picked.unshift(i);
  return picked;
}

/** A linear map from [0, domainMax] onto [rangeFrom, rangeTo] (y grows downwards in SVG). */
export function linear(domainMax: number, rangeFrom: number, rangeTo: number): (v: number) => number {
  const span = domainMax > 0 ? domainMax : 1;
  return (v) => rangeFrom + ((rangeTo - rangeFrom) * v) / span;
}

/** Format an axis value: no trailing zeros, thousands separated. */
export function tickLabel(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString() : String(Number(v.toFixed(2)));
}
