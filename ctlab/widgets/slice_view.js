// SliceView: one CT slice on a canvas, windowed in the browser.
//
// The kernel sends each slice once, as a binary buffer, when the view asks
// for it (slice_store.js); every window change is then a table look-up per
// pixel here (paint.js), with no round trip to the kernel. Gestures
// (gestures.js) and readouts (readouts.js) live in their own modules; this
// one builds the view and paints when the model changes. The model is the
// one source of truth for the window and the slice: the histogram and the
// controls read and write it too. Traits follow what the user does
// (throttled by ipywidgets: one update in flight), so Python always knows.

import { attachGestures } from "./gestures.js";
import { overlayBands, paintGrey, paintLabels, paintRgb, paintWindowed, windowPixels } from "./paint.js";
import { canvasLabel, pointerText, readoutText, sliceRange } from "./readouts.js";
import { readAhead, storeOf } from "./slice_store.js";
import { ownKeys, tissueAt } from "./voi.js";

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
  pointer.textContent = "\u00a0";
  pointer.setAttribute("aria-live", "off");

  const context = canvas.getContext("2d");
  const image = context.createImageData(cols, rows);
  const pixels = new Uint32Array(image.data.buffer); // little-endian RGBA
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
        under,
      }),
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
      // The label map over whatever is painted: the shown labels, in their colours.
      const shown = new Set(model.get("labels_shown"));
      const colors = new Map(
        model
          .get("_labels")
          .filter((r) => shown.has(r.value))
          .map((r) => [r.value, r.color]),
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
      positions: model.get("_slice_positions"),
    });
    describe();
  }

  function schedule() {
    // Paint once the current event's changes are all in (a drag sets centre
    // and width together), still before the browser draws its next frame.
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
    },
  });

  const onSlice = (index) => {
    if (index === model.get("slice_index")) schedule();
  };
  store.listeners.add(onSlice);
  const repaintOn =
    "change:center change:width change:function change:invert change:slice_index " +
    "change:mode change:overlay change:opacity change:rgb_windows change:tint " +
    "change:labels_shown change:label_outline change:label_opacity";
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
