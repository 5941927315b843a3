// What a SliceView says in words: the readouts under the slice, the pointer
// line and the canvas's text alternative. Pure: numbers in, text out.

import { formatWindow } from "./window_steps.js";

// Lowest and highest HU of a slice, padding and NaN left out; computed once per slice.
const ranges = new WeakMap();
export function sliceRange(values, padding) {
  let range = ranges.get(values);
  if (range) return range;
  const [padLow, padHigh] = padding.length ? padding : [Infinity, -Infinity];
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value >= padLow && value <= padHigh) continue;
    if (value < low) low = value;
    if (value > high) high = value;
  }
  range = { low, high };
  ranges.set(values, range);
  return range;
}

// What to say when the window lies wholly above or below the slice's HU.
export function windowBeyond(range, center, width, invert) {
  if (!(range.low <= range.high)) return "";
  const [dark, light] = invert ? ["white", "black"] : ["black", "white"];
  if (center - width / 2 > range.high) return `window above every HU in this slice: all ${dark}`;
  if (center + width / 2 < range.low) return `window below every HU in this slice: all ${light}`;
  return "";
}

// The line under the slice: where the window lies, clipping, HU per grey
// level, and which slice of how many (with its position in mm).
export function readoutText({ stats, range, center, width, invert, index, count, positions }) {
  const parts = [];
  if (stats?.counted) {
    const beyond = windowBeyond(range, center, width, invert);
    if (beyond) parts.push(beyond);
    const black = (100 * stats.black) / stats.counted;
    const white = (100 * stats.white) / stats.counted;
    parts.push(`clipped ${black.toFixed(1)}% black, ${white.toFixed(1)}% white`);
    parts.push(`${(width / 256).toFixed(2)} HU per grey level`);
  }
  if (count > 1) {
    const where = positions.length === count ? `, ${positions[index].toFixed(1)} mm` : "";
    parts.push(`slice ${index + 1} of ${count}${where}`);
  }
  return parts.join(" \u00b7 ") || "\u00a0";
}

// The HU and tissue under the pointer.
export function pointerText(hu, band, row, col) {
  const value = Number.isInteger(hu) ? hu : hu.toFixed(1);
  return `${value} HU${band ? ` \u00b7 ${band.label}` : ""} (row ${row}, column ${col})`;
}

// The canvas's text alternative: what a screen reader says for the picture.
export function canvasLabel({ mode, center, width, invert, index, count, under }) {
  let what;
  if (mode === "grey") what = "grey-level image";
  else if (mode === "rgb") what = "three windows as red, green and blue";
  else what = `windowed at ${formatWindow(center, width)}${invert ? ", inverted" : ""}`;
  const where = count > 1 ? `, slice ${index + 1} of ${count}` : "";
  return `CT slice, ${what}${where}${under ? `; under the pointer ${under}` : ""}`;
}
