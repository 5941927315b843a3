// HistogramView: the HU histogram with its peaks marked and the Hounsfield
// scale under its axis, the window shaded on it, the VOI function drawn over
// it as the HU -> grey curve, a grey ramp, and the grey levels each tissue
// band gets. Every tissue band and every peak is named, and no name covers
// another (histogram_labels.js lays them out; the canvas's data-labels
// attribute lists the boxes drawn).
//
// The window is the SliceView's (its model is read, never copied here).
//
// The counts arrive once; the bars, bands and axis are drawn once into an
// offscreen canvas, and each window change only redraws what depends on it.

import { GAP, layoutBands, layoutLegend, layoutPeaks, leaderLine, overlaps } from "./histogram_labels.js";
import { levelsTable, offscale, textColourOn, tickStep } from "./histogram_parts.js";
import { GREY_MAX, typedArray, voiGrey } from "./voi.js";
import { formatHU, formatWindow } from "./window_steps.js";

const MARGIN = { left: 58, right: 44, top: 22 };
// The plot's height; its top PEAK_ROOM pixels are left to the tallest peak's
// marker and label (MARKER + GAP + the label's 14 px, and a pixel to spare).
const PLOT = 176;
const PEAK_ROOM = 26;
const BAND_ROW = 15;
// More rows than this under the plot, and the narrow bands get keys and a legend.
const MAX_BAND_ROWS = 7;
const RAMP = 12;
const AXIS = 30;
const LEGEND_ROW = 15;
const SWATCH = 10;
const MARKER = 7;
const FONT = "11px sans-serif";
const PEAK_COLOUR = "#b04a00";

async function render({ model, el, host }) {
  const state = await host.getModel(model.get("source"));
  el.classList.add("ctlab-histogram-view");
  const canvas = document.createElement("canvas");
  canvas.className = "ctlab-histogram-canvas";
  const levels = document.createElement("div");
  levels.className = "ctlab-tissue-levels";
  el.append(canvas, levels);

  const counts = typedArray(model.get("_counts"), Float64Array);
  const start = model.get("_hist_start");
  const step = model.get("_hist_step");
  const end = start + step * counts.length;
  const bands = model.get("_tissues").filter((band) => band.high >= start && band.low <= end);
  const scale = window.devicePixelRatio || 1;
  const offscreen = document.createElement("canvas");
  let width = 0;
  let height = 0;
  let plotBottom = 0;
  let strip = { rows: 0, bands: [], legend: [] };
  let legend = { lines: 0, entries: [] };
  let peakLabels = [];
  let paintQueued = false;

  const xOf = (hu) => MARGIN.left + ((hu - start) / (end - start)) * (width - MARGIN.left - MARGIN.right);
  const huOf = (x) => start + ((x - MARGIN.left) / (width - MARGIN.left - MARGIN.right)) * (end - start);

  const measure = offscreen.getContext("2d");
  const textWidth = (text) => {
    measure.font = FONT;
    return measure.measureText(text).width;
  };

  // Where the bands, their names and the legend go at this width; the canvas grows to fit them.
  function layout() {
    width = model.get("display_width");
    const edges = { minX: 2, maxX: width - 2 };
    strip = layoutBands(
      bands.map((band) => ({
        name: band.name,
        label: band.label,
        left: xOf(Math.max(band.low, start)),
        right: xOf(Math.min(band.high, end)),
      })),
      textWidth,
      { ...edges, rowHeight: BAND_ROW, maxRows: MAX_BAND_ROWS },
    );
    legend = layoutLegend(strip.legend, textWidth, { ...edges, lineHeight: LEGEND_ROW, swatch: SWATCH });
    plotBottom = MARGIN.top + PLOT;
    height = plotBottom + strip.rows * BAND_ROW + RAMP + AXIS + legend.lines * LEGEND_ROW + (legend.lines ? 4 : 0);
    for (const target of [canvas, offscreen]) {
      target.width = Math.round(width * scale);
      target.height = Math.round(height * scale);
    }
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    drawStatic();
    schedule();
  }

  // Bars, tissue bands and the HU axis: what no window change alters.
  function drawStatic() {
    const g = offscreen.getContext("2d");
    g.setTransform(scale, 0, 0, scale, 0, 0);
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, width, height);
    g.font = FONT;
    const log = model.get("log");
    const most = Math.max(1, ...counts);
    const heightOf = (count) => (log ? Math.log10(1 + count) / Math.log10(1 + most) : count / most);
    const plotHeight = PLOT - PEAK_ROOM;
    g.fillStyle = "#555555";
    for (let i = 0; i < counts.length; i++) {
      if (!counts[i]) continue;
      const left = xOf(start + i * step);
      const barWidth = Math.max(1, xOf(start + (i + 1) * step) - left);
      const barHeight = heightOf(counts[i]) * plotHeight;
      g.fillRect(left, plotBottom - barHeight, barWidth, barHeight);
    }
    // Count axis.
    g.fillStyle = "#222222";
    g.strokeStyle = "#222222";
    g.textAlign = "right";
    g.textBaseline = "middle";
    g.beginPath();
    g.moveTo(MARGIN.left, MARGIN.top);
    g.lineTo(MARGIN.left, plotBottom);
    g.stroke();
    for (const fraction of [0, 0.5, 1]) {
      const count = log ? 10 ** (fraction * Math.log10(1 + most)) - 1 : fraction * most;
      const y = plotBottom - fraction * plotHeight;
      g.fillText(
        count >= 1000 ? `${(count / 1000).toFixed(count >= 10000 ? 0 : 1)}k` : count.toFixed(0),
        MARGIN.left - 4,
        y,
      );
    }
    g.save();
    g.translate(12, (MARGIN.top + plotBottom) / 2);
    g.rotate(-Math.PI / 2);
    g.textAlign = "center";
    g.fillText(log ? "pixels (log)" : "pixels", 0, 0);
    g.restore();
    peakLabels = placePeaks(heightOf, plotHeight);
    // The Hounsfield scale: tissue bands in rows under the axis, each named
    // inside its bar, beside it, or by a key spelt out in the legend.
    const colourOf = Object.fromEntries(bands.map((band) => [band.name, band.color]));
    const moved = (box, top) => ({ ...box, y: box.y + top });
    const drawn = { bands: [], legend: [], peaks: peakLabels.map(({ hus, text, box }) => ({ hus, text, box })) };
    g.textBaseline = "middle";
    g.lineWidth = 0.5;
    for (const placed of strip.bands) {
      const bar = moved(placed.bar, plotBottom);
      const box = moved(placed.label, plotBottom);
      g.fillStyle = colourOf[placed.name];
      g.fillRect(bar.x, bar.y, bar.w, bar.h);
      g.strokeStyle = "#000000";
      g.strokeRect(bar.x, bar.y, bar.w, bar.h);
      // A name or a key inside its bar is written in the colour that stands out on it.
      const inside = placed.side === "inside";
      if (placed.placement === "over") {
        g.fillStyle = "rgba(255, 255, 255, 0.85)";
        g.fillRect(box.x, box.y, box.w, box.h);
      }
      g.fillStyle = inside ? textColourOn(colourOf[placed.name]) : "#222222";
      g.textAlign = "center";
      g.fillText(placed.text, box.x + box.w / 2, box.y + box.h / 2 + 0.5);
      drawn.bands.push({ name: placed.name, text: placed.text, placement: placed.placement, bar, box });
    }
    // HU axis under the ramp.
    const axisTop = plotBottom + strip.rows * BAND_ROW + RAMP;
    const every = tickStep(end - start, 8);
    g.fillStyle = "#222222";
    g.textBaseline = "top";
    for (let hu = Math.ceil(start / every) * every; hu <= end; hu += every) {
      const x = xOf(hu);
      g.fillRect(x, axisTop, 1, 4);
      g.fillText(String(hu), x, axisTop + 5);
    }
    g.fillText("Hounsfield units", (MARGIN.left + width - MARGIN.right) / 2, axisTop + 17);
    // The legend of keyed bands under the axis title.
    const legendTop = axisTop + AXIS + 4;
    g.textAlign = "left";
    g.textBaseline = "middle";
    for (const entry of legend.entries) {
      const box = moved(entry, legendTop);
      const middle = box.y + box.h / 2;
      g.fillStyle = colourOf[entry.name];
      g.fillRect(box.x, middle - SWATCH / 2, SWATCH, SWATCH);
      g.strokeStyle = "#000000";
      g.strokeRect(box.x, middle - SWATCH / 2, SWATCH, SWATCH);
      g.fillStyle = "#222222";
      g.font = `bold ${FONT}`;
      g.fillText(entry.key, box.x + SWATCH + GAP, middle + 0.5);
      const keyWidth = g.measureText(`${entry.key} `).width;
      g.font = FONT;
      g.fillText(entry.label, box.x + SWATCH + GAP + keyWidth, middle + 0.5);
      drawn.legend.push({ key: entry.key, name: entry.name, text: entry.text, box });
    }
    canvas.setAttribute("data-labels", JSON.stringify(drawn));
  }

  // The peaks' markers on top of their bars, and their labels laid out above them.
  function placePeaks(heightOf, plotHeight) {
    const reach = Math.max(step, 7);
    const peaks = model.get("_peaks").map(([hu]) => {
      // The marker sits on the tallest drawn bar within a few HU of the peak.
      const first = Math.max(0, Math.floor((hu - reach - start) / step));
      const last = Math.min(counts.length - 1, Math.floor((hu + reach - start) / step));
      const tallest = Math.max(0, ...counts.slice(first, last + 1));
      return { hu, x: xOf(hu), y: plotBottom - heightOf(tallest) * plotHeight - 1 };
    });
    return layoutPeaks(peaks, textWidth, (hus) => hus.map(formatHU).join(", "), {
      area: { left: MARGIN.left + 1, right: width - MARGIN.right - 1, top: MARGIN.top, bottom: plotBottom - 1 },
      height: 14,
      markerSize: MARKER,
    });
  }

  function drawPeaks(g) {
    g.font = FONT;
    g.textAlign = "center";
    g.textBaseline = "middle";
    g.lineWidth = 1;
    for (const peak of peakLabels) {
      g.fillStyle = PEAK_COLOUR;
      g.strokeStyle = PEAK_COLOUR;
      for (const tip of peak.markers) {
        g.beginPath();
        g.moveTo(tip.x, tip.y + MARKER);
        g.lineTo(tip.x - MARKER / 2, tip.y);
        g.lineTo(tip.x + MARKER / 2, tip.y);
        g.closePath();
        g.fill();
        if (peak.leader) {
          const [x0, y0, x1, y1] = leaderLine(peak.box, tip);
          g.beginPath();
          g.moveTo(x0, y0);
          g.lineTo(x1, y1);
          g.stroke();
        }
      }
      const { x, y, w, h } = peak.box;
      g.fillStyle = "rgba(255, 255, 255, 0.9)";
      g.fillRect(x, y, w, h);
      g.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
      g.fillStyle = PEAK_COLOUR;
      g.fillText(peak.text, x + w / 2, y + h / 2 + 0.5);
    }
  }

  function draw() {
    paintQueued = false;
    const center = state.get("center");
    const windowWidth = state.get("width");
    const fn = state.get("function");
    const invert = state.get("invert");
    const g = canvas.getContext("2d");
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.drawImage(offscreen, 0, 0);
    g.setTransform(scale, 0, 0, scale, 0, 0);
    const right = width - MARGIN.right;
    const plotHeight = PLOT;
    // The window, shaded.
    const low = Math.max(MARGIN.left, xOf(center - windowWidth / 2));
    const high = Math.min(right, xOf(center + windowWidth / 2));
    if (high > low) {
      g.fillStyle = "rgba(255, 215, 0, 0.3)";
      g.fillRect(low, MARGIN.top, high - low, plotHeight);
    }
    // The VOI function as the HU -> grey curve (right axis), and the ramp.
    const rampTop = plotBottom + strip.rows * BAND_ROW;
    g.strokeStyle = "#0072b2";
    g.lineWidth = 1.5;
    g.beginPath();
    for (let x = MARGIN.left; x <= right; x++) {
      const level = voiGrey(huOf(x), center, windowWidth, fn);
      const grey = invert ? GREY_MAX - level : level;
      const y = plotBottom - (grey / GREY_MAX) * plotHeight;
      if (x === MARGIN.left) g.moveTo(x, y);
      else g.lineTo(x, y);
      const shade = Math.floor(grey + 0.5);
      g.fillStyle = `rgb(${shade},${shade},${shade})`;
      g.fillRect(x, rampTop, 1, RAMP);
    }
    g.stroke();
    g.fillStyle = "#0072b2";
    g.font = FONT;
    g.textAlign = "left";
    g.textBaseline = "middle";
    for (const level of [0, 128, 255]) {
      g.fillText(String(level), right + 4, plotBottom - (level / GREY_MAX) * plotHeight);
    }
    g.fillStyle = "#222222";
    g.textAlign = "center";
    g.textBaseline = "top";
    const title = `${formatWindow(center, windowWidth)} [${fn}]`;
    g.fillText(title, (MARGIN.left + right) / 2, 4);
    drawPeaks(g);
    // A window off the histogram still shows where it is: an arrow at that edge.
    const lowHU = center - windowWidth / 2;
    const highHU = center + windowWidth / 2;
    const side = offscale(lowHU, highHU, start, end);
    if (side) {
      const text =
        side === "left"
          ? `\u25c0 window ${formatHU(lowHU)}..${formatHU(highHU)} HU`
          : `window ${formatHU(lowHU)}..${formatHU(highHU)} HU \u25b6`;
      g.font = "bold 12px sans-serif";
      g.textAlign = side;
      g.textBaseline = "middle";
      const x = side === "left" ? MARGIN.left + 4 : right - 4;
      const box = g.measureText(text).width + 8;
      const boxX = side === "left" ? x - 4 : x - box + 4;
      // Half way up the plot, or the nearest height where it covers no peak label.
      const heights = Array.from({ length: PLOT - 20 }, (_, i) => MARGIN.top + 10 + i).sort(
        (a, b) => Math.abs(a - (MARGIN.top + PLOT / 2)) - Math.abs(b - (MARGIN.top + PLOT / 2)),
      );
      const arrowY =
        heights.find((y) => peakLabels.every((peak) => !overlaps({ x: boxX, y: y - 10, w: box, h: 20 }, peak.box))) ??
        MARGIN.top + PLOT / 2;
      g.fillStyle = "#fff3b0";
      g.fillRect(boxX, arrowY - 10, box, 20);
      g.fillStyle = "#000000";
      g.fillText(text, x, arrowY);
      g.font = FONT;
    }
    canvas.setAttribute("data-offscale", side);
    canvas.setAttribute("role", "img");
    const peaks = peakLabels.flatMap((peak) => peak.hus.map(formatHU)).join(", ");
    canvas.setAttribute(
      "aria-label",
      `HU histogram with the window ${title}${side ? `, off the ${side} edge` : ""}${peaks ? `; peaks at ${peaks} HU` : ""}`,
    );
    canvas.setAttribute("data-painted", JSON.stringify({ center, width: windowWidth, function: fn, invert }));
    showLevels(center, windowWidth, fn);
  }

  // The lesson in numbers: how many grey levels each tissue band gets.
  function showLevels(center, windowWidth, fn) {
    levels.innerHTML = levelsTable(model.get("_readout_tissues"), center, windowWidth, fn);
  }

  function schedule() {
    // Paint once the current event's changes are all in (a drag sets centre
    // and width together), still before the browser draws its next frame.
    if (paintQueued) return;
    paintQueued = true;
    queueMicrotask(draw);
  }
  function redrawAll() {
    drawStatic();
    schedule();
  }

  const windowEvents = "change:center change:width change:function change:invert";
  state.on(windowEvents, schedule);
  model.on("change:log", redrawAll);
  model.on("change:display_width", layout);
  layout();
  return () => {
    state.off(windowEvents, schedule);
    model.off("change:log", redrawAll);
    model.off("change:display_width", layout);
  };
}

export default { render };
