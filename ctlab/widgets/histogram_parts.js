// The numbers and text of a HistogramView, apart from its drawing: tick
// spacing, which edge a window lies beyond, and the grey levels per reference tissue range.

import { greyLevelsSpanned } from "./voi.js";
import { formatHU } from "./window_steps.js";

// Round tick spacing (1, 2 or 5 times a power of ten) giving about `count` ticks.
export function tickStep(span, count) {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 5, 10].find((m) => m * power >= raw);
  return multiple * power;
}

// Grey levels a tissue band gets in a window: the levels its HU range spans
// inside the window, and how many of those it can use (a band of whole HU
// holds no more distinct values than it has integers inside the window).
export function bandLevels(band, center, width, fn) {
  const low = Math.max(band.low, center - width / 2);
  const high = Math.min(band.high, center + width / 2);
  if (low > high) return { spans: 0, canUse: 0 };
  const spans = greyLevelsSpanned(low, high, center, width, fn);
  const integers = Math.max(0, Math.floor(high) - Math.ceil(low) + 1);
  return { spans, canUse: Math.min(spans, integers) };
}

// "left" or "right" when the window low..high lies wholly beyond that edge
// of the histogram's start..end, else "".
export function offscale(low, high, start, end) {
  if (high < start) return "left";
  if (low > end) return "right";
  return "";
}

// The table of grey levels each readout tissue band gets: "spans" and "can use".
export function levelsTable(bands, center, width, fn) {
  const rows = bands.map((band) => {
    const { spans, canUse } = bandLevels(band, center, width, fn);
    return (
      `<tr data-tissue="${band.name}" data-spans="${spans}" data-can-use="${canUse}">` +
      `<td><span class="ctlab-swatch" style="background:${band.color}"></span>${band.label}</td>` +
      `<td>${formatHU(band.low)}..${formatHU(band.high)} HU</td><td>${spans}</td><td>${canUse}</td></tr>`
    );
  });
  return (
    "<table><caption>grey levels (of 256) per tissue range</caption>" +
    '<thead><tr><th scope="col">tissue</th><th scope="col">HU</th>' +
    '<th scope="col" title="grey levels the band\'s HU range covers inside the window">spans</th>' +
    '<th scope="col" title="at most one grey level per whole HU of the band inside the window">can use</th>' +
    `</tr></thead><tbody>${rows.join("")}</tbody></table>`
  );
}

// WCAG 2.1 relative luminance of a "#rrggbb" colour.
function luminance(hex) {
  const value = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(value >> 16) & 255, (value >> 8) & 255, value & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

// WCAG 2.1 contrast ratio of two "#rrggbb" colours (1..21).
export function contrastRatio(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

// Black text on a band's colour where it reaches 4.5:1 (WCAG AA), else white.
export function textColourOn(hex) {
  return contrastRatio(hex, "#000000") >= 4.5 ? "#000000" : "#ffffff";
}
