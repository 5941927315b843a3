// SliceView: one CT slice on a canvas, windowed in the browser.
//
// The kernel sends each slice once, as a binary buffer, when the view asks
// for it; every window change is then a table look-up per pixel here, with
// no round trip to the kernel. Traits follow what the user does (throttled by
// ipywidgets: one update in flight), so Python always knows the window.

import { int16Lut, ownKeys, tissueAt, typedArray, voiLevel } from "./voi.js";
import { formatWindow } from "./window_steps.js";

const CACHE_BYTES = 256 * 1024 * 1024; // slices kept per widget
const PREFETCH = [1, -1, 2, -2, 3, -3];
const MAX_PENDING = 4;

// Per-model state, shared by every view of the same widget.
const stores = new WeakMap();

function storeOf(model) {
  let store = stores.get(model);
  if (!store) {
    store = { slices: new Map(), pending: new Set(), listeners: new Set() };
    stores.set(model, store);
    model.on("msg:custom", (message, buffers) => {
      if (message.type !== "slice") return;
      const Type = message.dtype === "float32" ? Float32Array : message.dtype === "uint8" ? Uint8Array : Int16Array;
      const values = typedArray(buffers[0], Type);
      store.pending.delete(message.index);
      store.slices.set(message.index, values);
      let bytes = 0;
      for (const cached of store.slices.values()) bytes += cached.byteLength;
      // Forget the oldest slices first (Map keeps insertion order).
      for (const key of store.slices.keys()) {
        if (bytes <= CACHE_BYTES || store.slices.size <= 1) break;
        bytes -= store.slices.get(key).byteLength;
        store.slices.delete(key);
      }
      for (const listener of store.listeners) listener(message.index);
    });
  }
  return store;
}

function request(model, store, index) {
  const count = model.get("_shape")[0];
  if (index < 0 || index >= count || store.slices.has(index) || store.pending.has(index)) return;
  if (store.pending.size >= MAX_PENDING) return;
  store.pending.add(index);
  model.send({ type: "request", index });
}

// A window inside the widget's limits (the sliders' reach).
function clampWindow(model, center, width) {
  const limits = model.get("_limits");
  const clamp = (value, [low, high]) => Math.min(high, Math.max(low, value));
  return { center: clamp(center, limits.center), width: clamp(width, limits.width) };
}

function hexToRgb(hex) {
  const value = parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

// Grey levels 0..255 of every pixel, plus how many non-padding pixels were
// clipped to black and to white.
function windowPixels(values, dtype, center, width, fn, padding) {
  const grey = new Uint8Array(values.length);
  const [padLow, padHigh] = padding.length ? padding : [Infinity, -Infinity];
  let black = 0,
    white = 0,
    counted = 0;
  // Two copies of the loop, so the int16 one (every real CT) stays a plain
  // table look-up per pixel with no call in it: this is the per-move hot path.
  if (dtype === "int16") {
    const lut = int16Lut(center, width, fn);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const level = lut[value & 0xffff];
      grey[i] = level;
      if (value >= padLow && value <= padHigh) continue;
      counted++;
      if (level === 0) black++;
      else if (level === 255) white++;
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const level = voiLevel(value, center, width, fn);
      grey[i] = level;
      if (value >= padLow && value <= padHigh) continue;
      counted++;
      if (level === 0) black++;
      else if (level === 255) white++;
    }
  }
  return { grey, black, white, counted };
}

// Lowest and highest HU of a slice, padding and NaN left out; computed once per slice.
const ranges = new WeakMap();
function sliceRange(values, padding) {
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
function windowBeyond(range, center, width, invert) {
  if (!(range.low <= range.high)) return "";
  const [dark, light] = invert ? ["white", "black"] : ["black", "white"];
  if (center - width / 2 > range.high) return `window above every HU in this slice: all ${dark}`;
  if (center + width / 2 < range.low) return `window below every HU in this slice: all ${light}`;
  return "";
}

function render({ model, el }) {
  const store = storeOf(model);
  const [, rows, cols] = model.get("_shape");

  el.classList.add("ctlab-slice-view");
  const title = document.createElement("div");
  title.className = "ctlab-view-title";
  const frame = document.createElement("div");
  frame.className = "ctlab-canvas-frame";
  const canvas = document.createElement("canvas");
  canvas.className = "ctlab-slice-canvas";
  canvas.width = cols;
  canvas.height = rows;
  canvas.setAttribute("role", "img");
  ownKeys(canvas);
  const box = document.createElement("div");
  box.className = "ctlab-roi-box";
  frame.append(canvas, box);
  const pointer = document.createElement("div");
  pointer.className = "ctlab-pointer";
  pointer.textContent = "\u00a0";
  const readouts = document.createElement("div");
  readouts.className = "ctlab-readouts";
  el.append(title, frame, pointer, readouts);

  const context = canvas.getContext("2d");
  const image = context.createImageData(cols, rows);
  const pixels = new Uint32Array(image.data.buffer); // little-endian RGBA
  const bands = model.get("_tissues");
  let painted = null;
  let paintQueued = false;

  function fit() {
    el.style.maxWidth = `${model.get("display_width")}px`;
    const displayWidth = model.get("display_width");
    canvas.style.width = `${displayWidth}px`;
    canvas.style.height = `${Math.round(displayWidth * (rows / cols) * model.get("_pixel_aspect"))}px`;
    title.style.maxWidth = `${displayWidth}px`;
    title.textContent = model.get("title");
    title.style.display = model.get("title") ? "" : "none";
  }

  function currentSlice() {
    const index = model.get("slice_index");
    const values = store.slices.get(index);
    if (!values) request(model, store, index);
    return values;
  }

  function paint() {
    paintQueued = false;
    const values = currentSlice();
    if (!values) return;
    const index = model.get("slice_index");
    const mode = model.get("mode");
    const dtype = model.get("_dtype");
    const center = model.get("center");
    const width = model.get("width");
    const fn = model.get("function");
    const invert = model.get("invert");
    const padding = model.get("_padding");
    let stats = null;
    if (mode === "grey") {
      for (let i = 0; i < values.length; i++) {
        const g = values[i];
        pixels[i] = 0xff000000 | (g << 16) | (g << 8) | g;
      }
    } else if (mode === "rgb") {
      const channels = model
        .get("rgb_windows")
        .map((w) => windowPixels(values, dtype, w.center, w.width, w.function, padding).grey);
      const [r, g, b] = channels;
      for (let i = 0; i < values.length; i++) {
        pixels[i] = 0xff000000 | (b[i] << 16) | (g[i] << 8) | r[i];
      }
    } else {
      stats = windowPixels(values, dtype, center, width, fn, padding);
      const grey = stats.grey;
      const tint = model.get("tint");
      const [tr, tg, tb] = tint ? hexToRgb(tint).map((c) => c / 255) : [1, 1, 1];
      for (let i = 0; i < values.length; i++) {
        const g = invert ? 255 - grey[i] : grey[i];
        if (tint) {
          pixels[i] = 0xff000000 | (Math.round(g * tb) << 16) | (Math.round(g * tg) << 8) | Math.round(g * tr);
        } else {
          pixels[i] = 0xff000000 | (g << 16) | (g << 8) | g;
        }
      }
      if (mode === "overlay") overlayBands(values, padding);
    }
    context.putImageData(image, 0, 0);
    painted = { center, width, function: fn, invert, slice: index, mode };
    canvas.setAttribute("data-painted", JSON.stringify(painted));
    showReadouts(stats, values, index, center, width, invert);
    for (const step of PREFETCH) request(model, store, index + step);
  }

  // Tissue bands in colour over the windowed slice: what an HU threshold
  // segments, whatever the window (later bands drawn over earlier ones).
  function overlayBands(values, padding) {
    const opacity = model.get("opacity");
    const [padLow, padHigh] = padding.length ? padding : [Infinity, -Infinity];
    const chosen = model.get("overlay").map((band) => ({ ...band, rgb: hexToRgb(band.color) }));
    const counts = chosen.map(() => 0);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value >= padLow && value <= padHigh) continue;
      for (let k = chosen.length - 1; k >= 0; k--) {
        const band = chosen[k];
        if (value < band.low || value > band.high) continue;
        counts[k]++;
        const g = pixels[i] & 255;
        const [r, gg, b] = band.rgb;
        const mix = (c) => Math.round((1 - opacity) * g + opacity * c);
        pixels[i] = 0xff000000 | (mix(b) << 16) | (mix(gg) << 8) | mix(r);
        break;
      }
    }
    const area = model.get("_pixel_area_cm2");
    canvas.setAttribute(
      "data-overlay-areas",
      JSON.stringify(Object.fromEntries(chosen.map((band, k) => [band.name, counts[k] * area]))),
    );
  }

  function showReadouts(stats, values, index, center, width, invert) {
    const parts = [];
    if (stats?.counted) {
      const beyond = windowBeyond(sliceRange(values, model.get("_padding")), center, width, invert);
      if (beyond) parts.push(beyond);
      const black = (100 * stats.black) / stats.counted;
      const white = (100 * stats.white) / stats.counted;
      parts.push(`clipped ${black.toFixed(1)}% black, ${white.toFixed(1)}% white`);
      parts.push(`${(width / 256).toFixed(2)} HU per grey level`);
    }
    const count = model.get("_shape")[0];
    if (count > 1) {
      const positions = model.get("_slice_positions");
      const where = positions.length === count ? `, ${positions[index].toFixed(1)} mm` : "";
      parts.push(`slice ${index + 1} of ${count}${where}`);
    }
    readouts.textContent = parts.join(" \u00b7 ") || "\u00a0";
    describe();
  }

  // The canvas's text alternative: what a screen reader says for the picture.
  function describe() {
    const mode = model.get("mode");
    const count = model.get("_shape")[0];
    const what =
      mode === "grey"
        ? "grey-level image"
        : mode === "rgb"
          ? "three windows as red, green and blue"
          : `windowed at ${formatWindow(model.get("center"), model.get("width"))}${model.get("invert") ? ", inverted" : ""}`;
    const where = count > 1 ? `, slice ${model.get("slice_index") + 1} of ${count}` : "";
    const under = pointer.dataset.hu ? `; under the pointer ${pointer.dataset.hu}` : "";
    canvas.setAttribute("aria-label", `CT slice, ${what}${where}${under}`);
  }

  function schedule() {
    // Paint once the current event's changes are all in (a drag sets centre
    // and width together), still before the browser draws its next frame.
    if (paintQueued) return;
    paintQueued = true;
    queueMicrotask(paint);
  }

  function hu_at(event) {
    const values = store.slices.get(model.get("slice_index"));
    const bounds = canvas.getBoundingClientRect();
    const col = Math.floor(((event.clientX - bounds.left) / bounds.width) * cols);
    const row = Math.floor(((event.clientY - bounds.top) / bounds.height) * rows);
    if (!values || col < 0 || row < 0 || col >= cols || row >= rows) return null;
    return { row, col, hu: values[row * cols + col] };
  }

  // Clinical-viewer gestures: drag = window (horizontal width, vertical
  // level); shift-drag = box whose HU percentiles set the window.
  let drag = null;
  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || model.get("mode") === "grey" || !model.get("interactive")) return;
    canvas.setPointerCapture(event.pointerId);
    const bounds = canvas.getBoundingClientRect();
    drag = {
      x: event.clientX,
      y: event.clientY,
      box: event.shiftKey,
      bounds,
      center: model.get("center"),
      width: model.get("width"),
    };
  });
  canvas.addEventListener("pointermove", (event) => {
    const at = hu_at(event);
    if (at) {
      const band = tissueAt(at.hu, bands);
      const value = Number.isInteger(at.hu) ? at.hu : at.hu.toFixed(1);
      pointer.textContent = `${value} HU${band ? ` \u00b7 ${band.label}` : ""} (row ${at.row}, column ${at.col})`;
      pointer.dataset.hu = pointer.textContent;
      describe();
    }
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (drag.box) {
      const left = Math.min(event.clientX, drag.x) - drag.bounds.left;
      const top = Math.min(event.clientY, drag.y) - drag.bounds.top;
      Object.assign(box.style, {
        display: "block",
        left: `${left}px`,
        top: `${top}px`,
        width: `${Math.abs(dx)}px`,
        height: `${Math.abs(dy)}px`,
      });
      return;
    }
    const huPerPixel = Math.max(1, drag.width / 128);
    model.set(clampWindow(model, Math.round(drag.center + dy * huPerPixel), Math.round(drag.width + dx * huPerPixel)));
    model.save_changes();
  });
  canvas.addEventListener("pointerup", (event) => {
    if (drag?.box) {
      box.style.display = "none";
      windowFromBox(drag, event);
    }
    drag = null;
  });

  function windowFromBox(start, end) {
    const values = store.slices.get(model.get("slice_index"));
    const { bounds } = start;
    const toCol = (x) => Math.min(cols, Math.max(0, Math.round(((x - bounds.left) / bounds.width) * cols)));
    const toRow = (y) => Math.min(rows, Math.max(0, Math.round(((y - bounds.top) / bounds.height) * rows)));
    const [c0, c1] = [toCol(Math.min(start.x, end.clientX)), toCol(Math.max(start.x, end.clientX))];
    const [r0, r1] = [toRow(Math.min(start.y, end.clientY)), toRow(Math.max(start.y, end.clientY))];
    if (!values || c1 <= c0 || r1 <= r0) return;
    const padding = model.get("_padding");
    const [padLow, padHigh] = padding.length ? padding : [Infinity, -Infinity];
    const inside = [];
    for (let r = r0; r < r1; r++) {
      for (let c = c0; c < c1; c++) {
        const value = values[r * cols + c];
        if (!(value >= padLow && value <= padHigh) && !Number.isNaN(value)) inside.push(value);
      }
    }
    if (!inside.length) return;
    const sorted = Float64Array.from(inside).sort();
    const p = model.get("roi_percentile");
    // To 0.01 HU: finer digits are noise from the interpolation.
    const low = Math.round(percentile(sorted, p) * 100) / 100;
    const high = Math.round(percentile(sorted, 100 - p) * 100) / 100;
    model.set(clampWindow(model, (low + high) / 2, high - low));
    model.save_changes();
    canvas.setAttribute("data-roi", JSON.stringify({ rows: [r0, r1], cols: [c0, c1] }));
  }

  // numpy.percentile's default (linear interpolation between closest ranks).
  function percentile(sorted, p) {
    const position = (p / 100) * (sorted.length - 1);
    const below = Math.floor(position);
    const above = Math.min(sorted.length - 1, below + 1);
    return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
  }

  function step(delta) {
    const count = model.get("_shape")[0];
    const next = Math.min(count - 1, Math.max(0, model.get("slice_index") + delta));
    if (next !== model.get("slice_index")) {
      model.set("slice_index", next);
      model.save_changes();
    }
  }
  canvas.addEventListener(
    "wheel",
    (event) => {
      if (model.get("_shape")[0] < 2) return;
      event.preventDefault();
      step(Math.sign(event.deltaY));
    },
    { passive: false },
  );
  canvas.addEventListener("keydown", (event) => {
    const delta = { ArrowUp: -1, ArrowDown: 1, PageUp: -10, PageDown: 10 }[event.key];
    if (delta === undefined || model.get("_shape")[0] < 2) return;
    event.preventDefault();
    step(delta);
  });

  const onSlice = (index) => {
    if (index === model.get("slice_index")) schedule();
  };
  store.listeners.add(onSlice);
  const repaintOn =
    "change:center change:width change:function change:invert change:slice_index " +
    "change:mode change:overlay change:opacity change:rgb_windows change:tint";
  model.on(repaintOn, schedule);
  model.on("change:display_width change:title", fit);
  fit();
  schedule();

  return () => {
    store.listeners.delete(onSlice);
    model.off(repaintOn, schedule);
    model.off("change:display_width change:title", fit);
  };
}

export default { render };
