// ctlab/widgets/gestures.js
function clampWindow(limits, center, width) {
  const clamp = (value, [low, high]) => Math.min(high, Math.max(low, value));
  return { center: clamp(center, limits.center), width: clamp(width, limits.width) };
}
function percentile(sorted, p) {
  const position = p / 100 * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
function boxWindow(values, cols, [r0, r1], [c0, c1], padding, p) {
  const [padLow, padHigh] = padding.length ? padding : [Infinity, -Infinity];
  const inside = [];
  for (let r = r0; r < r1; r++) {
    for (let c = c0; c < c1; c++) {
      const value = values[r * cols + c];
      if (!(value >= padLow && value <= padHigh) && !Number.isNaN(value)) inside.push(value);
    }
  }
  if (!inside.length) return null;
  const sorted = Float64Array.from(inside).sort();
  const low = Math.round(percentile(sorted, p) * 100) / 100;
  const high = Math.round(percentile(sorted, 100 - p) * 100) / 100;
  return { low, high };
}
function attachGestures({ model, canvas, box, rows, cols, valuesNow, onPointer }) {
  const set = (changes) => {
    model.set(changes);
    model.save_changes();
  };
  const window = (center, width) => clampWindow(model.get("_limits"), center, width);
  function huAt(event) {
    const values = valuesNow();
    const bounds = canvas.getBoundingClientRect();
    const col = Math.floor((event.clientX - bounds.left) / bounds.width * cols);
    const row = Math.floor((event.clientY - bounds.top) / bounds.height * rows);
    if (!values || col < 0 || row < 0 || col >= cols || row >= rows) return null;
    return { row, col, hu: values[row * cols + col] };
  }
  let drag = null;
  const onDown = (event) => {
    if (event.button !== 0 || model.get("mode") === "grey" || !model.get("interactive")) return;
    canvas.setPointerCapture(event.pointerId);
    drag = {
      x: event.clientX,
      y: event.clientY,
      box: event.shiftKey,
      bounds: canvas.getBoundingClientRect(),
      center: model.get("center"),
      width: model.get("width")
    };
  };
  const onMove = (event) => {
    const at = huAt(event);
    if (at) onPointer(at);
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (drag.box) {
      Object.assign(box.style, {
        display: "block",
        left: `${Math.min(event.clientX, drag.x) - drag.bounds.left}px`,
        top: `${Math.min(event.clientY, drag.y) - drag.bounds.top}px`,
        width: `${Math.abs(dx)}px`,
        height: `${Math.abs(dy)}px`
      });
      return;
    }
    const huPerPixel = Math.max(1, drag.width / 128);
    set(window(Math.round(drag.center + dy * huPerPixel), Math.round(drag.width + dx * huPerPixel)));
  };
  const onUp = (event) => {
    if (drag?.box) {
      box.style.display = "none";
      windowFromBox(drag, event);
    }
    drag = null;
  };
  function windowFromBox(start, end) {
    const values = valuesNow();
    const { bounds } = start;
    const toCol = (x) => Math.min(cols, Math.max(0, Math.round((x - bounds.left) / bounds.width * cols)));
    const toRow = (y) => Math.min(rows, Math.max(0, Math.round((y - bounds.top) / bounds.height * rows)));
    const colRange = [toCol(Math.min(start.x, end.clientX)), toCol(Math.max(start.x, end.clientX))];
    const rowRange = [toRow(Math.min(start.y, end.clientY)), toRow(Math.max(start.y, end.clientY))];
    if (!values || colRange[1] <= colRange[0] || rowRange[1] <= rowRange[0]) return;
    const edges = boxWindow(values, cols, rowRange, colRange, model.get("_padding"), model.get("roi_percentile"));
    if (!edges) return;
    set(window((edges.low + edges.high) / 2, edges.high - edges.low));
    canvas.setAttribute("data-roi", JSON.stringify({ rows: rowRange, cols: colRange }));
  }
  function step(delta) {
    const count = model.get("_shape")[0];
    const next = Math.min(count - 1, Math.max(0, model.get("slice_index") + delta));
    if (next !== model.get("slice_index")) set({ slice_index: next });
  }
  const onWheel = (event) => {
    if (model.get("_shape")[0] < 2) return;
    event.preventDefault();
    step(Math.sign(event.deltaY));
  };
  const onKey = (event) => {
    const delta = { ArrowUp: -1, ArrowDown: 1, PageUp: -10, PageDown: 10 }[event.key];
    if (delta === void 0 || model.get("_shape")[0] < 2) return;
    event.preventDefault();
    step(delta);
  };
  canvas.addEventListener("pointerdown", onDown);
  canvas.addEventListener("pointermove", onMove);
  canvas.addEventListener("pointerup", onUp);
  canvas.addEventListener("wheel", onWheel, { passive: false });
  canvas.addEventListener("keydown", onKey);
}

// ctlab/widgets/voi.js
var GREY_MAX = 255;
function voiGrey(hu, center, width, fn) {
  if (fn === "sigmoid") {
    return GREY_MAX / (1 + Math.exp(-4 * (hu - center) / width));
  }
  let grey;
  if (fn === "linear_exact") {
    grey = ((hu - center) / width + 0.5) * GREY_MAX;
  } else if (width === 1) {
    return hu <= center - 0.5 ? 0 : GREY_MAX;
  } else {
    grey = ((hu - (center - 0.5)) / (width - 1) + 0.5) * GREY_MAX;
  }
  return Math.min(Math.max(grey, 0), GREY_MAX);
}
function voiLevel(hu, center, width, fn) {
  const level = Math.floor(voiGrey(hu, center, width, fn) + 0.5);
  return Number.isNaN(level) ? 0 : level;
}
function int16Lut(center, width, fn) {
  const lut = new Uint8Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    lut[bits] = voiLevel(bits < 32768 ? bits : bits - 65536, center, width, fn);
  }
  return lut;
}
function tissueAt(hu, bandsByWidth) {
  for (const band of bandsByWidth) {
    if (band.low <= hu && hu <= band.high) return band;
  }
  return null;
}
function typedArray(view, Type) {
  const bytes = view.byteLength;
  if (view.byteOffset % Type.BYTES_PER_ELEMENT === 0) {
    return new Type(view.buffer, view.byteOffset, bytes / Type.BYTES_PER_ELEMENT);
  }
  return new Type(view.buffer.slice(view.byteOffset, view.byteOffset + bytes));
}
function ownKeys(element2) {
  element2.setAttribute("data-lm-suppress-shortcuts", "true");
  element2.tabIndex = 0;
}

// ctlab/widgets/paint.js
var OPAQUE = 4278190080;
function hexToRgb(hex) {
  const value = Number.parseInt(hex.slice(1), 16);
  return [value >> 16 & 255, value >> 8 & 255, value & 255];
}
function windowPixels(values, dtype, center, width, fn, padding) {
  const grey = new Uint8Array(values.length);
  const [padLow, padHigh] = padding.length ? padding : [Infinity, -Infinity];
  let black = 0;
  let white = 0;
  let counted = 0;
  if (dtype === "int16") {
    const lut = int16Lut(center, width, fn);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const level = lut[value & 65535];
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
function paintGrey(pixels, values) {
  for (let i = 0; i < values.length; i++) {
    const g = values[i];
    pixels[i] = OPAQUE | g << 16 | g << 8 | g;
  }
}
function paintRgb(pixels, values, dtype, windows, padding) {
  const [r, g, b] = windows.map((w) => windowPixels(values, dtype, w.center, w.width, w.function, padding).grey);
  for (let i = 0; i < values.length; i++) {
    pixels[i] = OPAQUE | b[i] << 16 | g[i] << 8 | r[i];
  }
}
function paintWindowed(pixels, grey, invert, tint) {
  const [tr, tg, tb] = tint ? hexToRgb(tint).map((c) => c / 255) : [1, 1, 1];
  for (let i = 0; i < grey.length; i++) {
    const g = invert ? 255 - grey[i] : grey[i];
    if (tint) {
      pixels[i] = OPAQUE | Math.round(g * tb) << 16 | Math.round(g * tg) << 8 | Math.round(g * tr);
    } else {
      pixels[i] = OPAQUE | g << 16 | g << 8 | g;
    }
  }
}
function overlayBands(pixels, values, padding, bands, opacity) {
  const [padLow, padHigh] = padding.length ? padding : [Infinity, -Infinity];
  const chosen = bands.map((band) => ({ ...band, rgb: hexToRgb(band.color) }));
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
      pixels[i] = OPAQUE | mix(b) << 16 | mix(gg) << 8 | mix(r);
      break;
    }
  }
  return counts;
}
function isOutline(labels, rows, cols, row, col) {
  const i = row * cols + col;
  const value = labels[i];
  if (!value) return false;
  return row > 0 && labels[i - cols] !== value || row < rows - 1 && labels[i + cols] !== value || col > 0 && labels[i - 1] !== value || col < cols - 1 && labels[i + 1] !== value;
}
function paintLabels(pixels, labels, rows, cols, colors, outline, opacity) {
  const strength = outline ? 1 : opacity;
  const tables = [];
  for (const [value, hex] of colors) {
    const table = new Uint8Array(768);
    hexToRgb(hex).forEach((c, channel) => {
      for (let under = 0; under < 256; under++) {
        table[channel * 256 + under] = Math.round((1 - strength) * under + strength * c);
      }
    });
    tables[value] = table;
  }
  let drawn = 0;
  for (let row = 0, i = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++, i++) {
      const value = labels[i];
      if (!value) continue;
      const table = tables[value];
      if (!table || outline && !isOutline(labels, rows, cols, row, col)) continue;
      const under = pixels[i];
      pixels[i] = OPAQUE | table[512 + (under >>> 16 & 255)] << 16 | table[256 + (under >>> 8 & 255)] << 8 | table[under & 255];
      drawn++;
    }
  }
  return drawn;
}

// ctlab/widgets/window_steps.js
function formatHU(value) {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}
function formatWindow(center, width) {
  const low = center - width / 2;
  const high = center + width / 2;
  return `C ${formatHU(center)} / W ${formatHU(width)} HU (${formatHU(low)}..${formatHU(high)})`;
}

// ctlab/widgets/readouts.js
var ranges = /* @__PURE__ */ new WeakMap();
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
function windowBeyond(range, center, width, invert) {
  if (!(range.low <= range.high)) return "";
  const [dark, light] = invert ? ["white", "black"] : ["black", "white"];
  if (center - width / 2 > range.high) return `window above every HU in this slice: all ${dark}`;
  if (center + width / 2 < range.low) return `window below every HU in this slice: all ${light}`;
  return "";
}
function readoutText({ stats, range, center, width, invert, index, count, positions }) {
  const parts = [];
  if (stats?.counted) {
    const beyond = windowBeyond(range, center, width, invert);
    if (beyond) parts.push(beyond);
    const black = 100 * stats.black / stats.counted;
    const white = 100 * stats.white / stats.counted;
    parts.push(`clipped ${black.toFixed(1)}% black, ${white.toFixed(1)}% white`);
    parts.push(`${(width / 256).toFixed(2)} HU per grey level`);
  }
  if (count > 1) {
    const where = positions.length === count ? `, ${positions[index].toFixed(1)} mm` : "";
    parts.push(`slice ${index + 1} of ${count}${where}`);
  }
  return parts.join(" \xB7 ") || "\xA0";
}
function pointerText(hu, band, row, col) {
  const value = Number.isInteger(hu) ? hu : hu.toFixed(1);
  return `${value} HU${band ? ` \xB7 ${band.label}` : ""} (row ${row}, column ${col})`;
}
function canvasLabel({ mode, center, width, invert, index, count, under }) {
  let what;
  if (mode === "grey") what = "grey-level image";
  else if (mode === "rgb") what = "three windows as red, green and blue";
  else what = `windowed at ${formatWindow(center, width)}${invert ? ", inverted" : ""}`;
  const where = count > 1 ? `, slice ${index + 1} of ${count}` : "";
  return `CT slice, ${what}${where}${under ? `; under the pointer ${under}` : ""}`;
}

// ctlab/widgets/slice_store.js
var CACHE_BYTES = 256 * 1024 * 1024;
var READ_AHEAD = 24;
var BEHIND = 2;
var BATCH = 6;
var MAX_PENDING = 36;
var stores = /* @__PURE__ */ new WeakMap();
var ARRAY_TYPES = {
  float32: Float32Array,
  float64: Float64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  int16: Int16Array
};
async function inflate(view) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new DataView(await new Response(stream).arrayBuffer());
}
function storeOf(model) {
  let store = stores.get(model);
  if (!store) {
    store = {
      slices: /* @__PURE__ */ new Map(),
      labels: /* @__PURE__ */ new Map(),
      pending: /* @__PURE__ */ new Set(),
      listeners: /* @__PURE__ */ new Set(),
      direction: 1,
      last: null
    };
    stores.set(model, store);
    model.on("msg:custom", (message, buffers) => {
      if (message.type !== "slices") return;
      const Type = ARRAY_TYPES[message.dtype] ?? Int16Array;
      const LabelType = ARRAY_TYPES[message.label_dtype];
      const count = message.indices.length;
      const decode = (buffer) => message.encoding === "deflate" ? inflate(buffer) : buffer;
      message.indices.forEach(async (index, k) => {
        const view = await decode(buffers[k]);
        const labels = LabelType ? typedArray(await decode(buffers[count + k]), LabelType) : null;
        store.pending.delete(index);
        store.slices.set(index, typedArray(view, Type));
        if (labels) store.labels.set(index, labels);
        forgetOldest(store);
        for (const listener of store.listeners) listener(index);
      });
    });
  }
  return store;
}
function forgetOldest({ slices, labels }) {
  let bytes = 0;
  for (const cached of [...slices.values(), ...labels.values()]) bytes += cached.byteLength;
  for (const key of slices.keys()) {
    if (bytes <= CACHE_BYTES || slices.size <= 1) break;
    bytes -= slices.get(key).byteLength + (labels.get(key)?.byteLength ?? 0);
    slices.delete(key);
    labels.delete(key);
  }
}
function wanted(index, direction, count) {
  const order = [index];
  for (let step = 1; step <= READ_AHEAD; step++) {
    order.push(index + direction * step);
    if (step <= BEHIND) order.push(index - direction * step);
  }
  return order.filter((i) => i >= 0 && i < count);
}
function readAhead(model, store, index) {
  if (store.last !== null && index !== store.last) store.direction = Math.sign(index - store.last);
  store.last = index;
  const missing = wanted(index, store.direction, model.get("_shape")[0]).filter(
    (i) => !store.slices.has(i) && !store.pending.has(i)
  );
  const room = Math.max(0, MAX_PENDING - store.pending.size);
  const asked = missing.slice(0, room);
  for (let start = 0; start < asked.length; start += BATCH) {
    const indices = asked.slice(start, start + BATCH);
    for (const i of indices) store.pending.add(i);
    model.send({ type: "request", indices });
  }
}

// ctlab/widgets/slice_view.js
function element(tag, className, parent) {
  const made = document.createElement(tag);
  made.className = className;
  parent?.append(made);
  return made;
}
function render({ model, el }) {
  const store = storeOf(model);
  const [count, rows, cols] = model.get("_shape");
  el.classList.add("ctlab-slice-view");
  const title = element("div", "ctlab-view-title", el);
  const frame = element("div", "ctlab-canvas-frame", el);
  const canvas = element("canvas", "ctlab-slice-canvas", frame);
  const box = element("div", "ctlab-roi-box", frame);
  const pointer = element("div", "ctlab-pointer", el);
  const readouts = element("div", "ctlab-readouts", el);
  canvas.width = cols;
  canvas.height = rows;
  canvas.setAttribute("role", "img");
  ownKeys(canvas);
  pointer.textContent = "\xA0";
  pointer.setAttribute("aria-live", "off");
  const context = canvas.getContext("2d");
  const image = context.createImageData(cols, rows);
  const pixels = new Uint32Array(image.data.buffer);
  const bands = model.get("_tissues");
  let under = "";
  let paintQueued = false;
  function fit() {
    const displayWidth = model.get("display_width");
    el.style.maxWidth = `${displayWidth}px`;
    canvas.style.width = `${displayWidth}px`;
    canvas.style.height = `${Math.round(displayWidth * (rows / cols) * model.get("_pixel_aspect"))}px`;
    title.style.maxWidth = `${displayWidth}px`;
    title.textContent = model.get("title");
    title.style.display = model.get("title") ? "" : "none";
  }
  function valuesNow() {
    return store.slices.get(model.get("slice_index"));
  }
  function describe() {
    canvas.setAttribute(
      "aria-label",
      canvasLabel({
        mode: model.get("mode"),
        center: model.get("center"),
        width: model.get("width"),
        invert: model.get("invert"),
        index: model.get("slice_index"),
        count,
        under
      })
    );
  }
  function paint() {
    paintQueued = false;
    const index = model.get("slice_index");
    readAhead(model, store, index);
    const values = valuesNow();
    if (!values) return;
    const mode = model.get("mode");
    const dtype = model.get("_dtype");
    const center = model.get("center");
    const width = model.get("width");
    const fn = model.get("function");
    const invert = model.get("invert");
    const padding = model.get("_padding");
    let stats = null;
    if (mode === "grey") {
      paintGrey(pixels, values);
    } else if (mode === "rgb") {
      paintRgb(pixels, values, dtype, model.get("rgb_windows"), padding);
    } else {
      stats = windowPixels(values, dtype, center, width, fn, padding);
      paintWindowed(pixels, stats.grey, invert, model.get("tint"));
      if (mode === "overlay") {
        const chosen = model.get("overlay");
        const counts = overlayBands(pixels, values, padding, chosen, model.get("opacity"));
        const area = model.get("_pixel_area_cm2");
        const areas = Object.fromEntries(chosen.map((band, k) => [band.name, counts[k] * area]));
        canvas.setAttribute("data-overlay-areas", JSON.stringify(areas));
      }
    }
    const labels = store.labels.get(index);
    let labelled = null;
    if (labels) {
      const shown = new Set(model.get("labels_shown"));
      const colors = new Map(
        model.get("_labels").filter((r) => shown.has(r.value)).map((r) => [r.value, r.color])
      );
      const outline = model.get("label_outline");
      const opacity = model.get("label_opacity");
      paintLabels(pixels, labels, rows, cols, colors, outline, opacity);
      labelled = { shown: [...colors.keys()], outline, opacity };
    }
    context.putImageData(image, 0, 0);
    const painted = { center, width, function: fn, invert, slice: index, mode, labels: labelled };
    canvas.setAttribute("data-painted", JSON.stringify(painted));
    readouts.textContent = readoutText({
      stats,
      range: stats ? sliceRange(values, padding) : null,
      center,
      width,
      invert,
      index,
      count,
      positions: model.get("_slice_positions")
    });
    describe();
  }
  function schedule() {
    if (paintQueued) return;
    paintQueued = true;
    queueMicrotask(paint);
  }
  attachGestures({
    model,
    canvas,
    box,
    rows,
    cols,
    valuesNow,
    onPointer: ({ hu, row, col }) => {
      under = pointerText(hu, tissueAt(hu, bands), row, col);
      pointer.textContent = under;
      describe();
    }
  });
  const onSlice = (index) => {
    if (index === model.get("slice_index")) schedule();
  };
  store.listeners.add(onSlice);
  const repaintOn = "change:center change:width change:function change:invert change:slice_index change:mode change:overlay change:opacity change:rgb_windows change:tint change:labels_shown change:label_outline change:label_opacity";
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
var slice_view_default = { render };
export {
  slice_view_default as default
};
