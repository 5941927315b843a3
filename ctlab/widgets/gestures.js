// What the pointer, wheel and keys do on a slice: clinical-viewer gestures.
// Drag = window (horizontal width, vertical level); shift-drag = a box whose
// HU percentiles set the window; wheel and up/down keys = slices.

// A window inside the widget's limits ({center: [low, high], width: [low, high]}).
export function clampWindow(limits, center, width) {
  const clamp = (value, [low, high]) => Math.min(high, Math.max(low, value));
  return { center: clamp(center, limits.center), width: clamp(width, limits.width) };
}

// numpy.percentile's default (linear interpolation between closest ranks).
export function percentile(sorted, p) {
  const position = (p / 100) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

// The window a box of rows r0..r1, columns c0..c1 (ends excluded) asks for:
// its HU from the p-th to the (100 - p)-th percentile, padding and NaN left
// out, to 0.01 HU (finer digits are noise from the interpolation); null if empty.
export function boxWindow(values, cols, [r0, r1], [c0, c1], padding, p) {
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

// Wire the gestures of one view. `valuesNow()` gives the slice shown (or
// undefined), `onPointer(at)` hears the HU under the pointer.
export function attachGestures({ model, canvas, box, rows, cols, valuesNow, onPointer }) {
  const set = (changes) => {
    model.set(changes);
    model.save_changes();
  };
  const window = (center, width) => clampWindow(model.get("_limits"), center, width);

  function huAt(event) {
    const values = valuesNow();
    const bounds = canvas.getBoundingClientRect();
    const col = Math.floor(((event.clientX - bounds.left) / bounds.width) * cols);
    const row = Math.floor(((event.clientY - bounds.top) / bounds.height) * rows);
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
      width: model.get("width"),
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
        height: `${Math.abs(dy)}px`,
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
    const toCol = (x) => Math.min(cols, Math.max(0, Math.round(((x - bounds.left) / bounds.width) * cols)));
    const toRow = (y) => Math.min(rows, Math.max(0, Math.round(((y - bounds.top) / bounds.height) * rows)));
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
    if (delta === undefined || model.get("_shape")[0] < 2) return;
    event.preventDefault();
    step(delta);
  };

  canvas.addEventListener("pointerdown", onDown);
  canvas.addEventListener("pointermove", onMove);
  canvas.addEventListener("pointerup", onUp);
  canvas.addEventListener("wheel", onWheel, { passive: false });
  canvas.addEventListener("keydown", onKey);
}
