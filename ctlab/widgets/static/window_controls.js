// ctlab/widgets/voi.js
function ownKeys(element) {
  element.setAttribute("data-lm-suppress-shortcuts", "true");
  element.tabIndex = 0;
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
function keyStep(width) {
  const wanted = Math.max(0.5, width * 0.015);
  let step = 0.5;
  for (let power = 0.1; power <= 1e4; power *= 10) {
    for (const multiple of [1, 2, 5]) {
      const candidate = multiple * power;
      if (candidate >= 0.5 && candidate <= wanted) step = candidate;
    }
  }
  return step;
}
function stepValue(value, step, steps, low, high) {
  const cells = value / step;
  const start = steps > 0 ? Math.floor(cells + 1e-9) : Math.ceil(cells - 1e-9);
  const moved = (start + steps) * step;
  return Math.min(high, Math.max(low, Number(moved.toFixed(6))));
}
function dragGrid(width) {
  if (width < 20) return 1;
  if (width < 500) return 5;
  if (width < 2e3) return 50;
  return 100;
}
function snap(value, detents, tolerance, grid) {
  let best = null;
  for (const detent of detents) {
    const distance = Math.abs(detent - value);
    if (distance <= tolerance && (best === null || distance < Math.abs(best - value))) best = detent;
  }
  return best ?? Math.round(value / grid) * grid;
}

// ctlab/widgets/window_controls.js
var POSITIONS = 1e3;
var DETENT_PIXELS = 1.5;
function row(labelText, className) {
  const line = document.createElement("div");
  line.className = `ctlab-control-row ${className}`;
  const label = document.createElement("span");
  label.className = "ctlab-control-label";
  label.textContent = labelText;
  line.append(label);
  return line;
}
function numberBox(name, title) {
  const box = document.createElement("input");
  box.type = "number";
  box.className = `ctlab-number ctlab-number-${name}`;
  box.setAttribute("aria-label", title);
  box.title = `${title}: type a value and press Enter`;
  ownKeys(box);
  return box;
}
function slider(name, title) {
  const input = document.createElement("input");
  input.type = "range";
  input.min = "0";
  input.max = String(POSITIONS);
  input.step = "1";
  input.className = `ctlab-range-input ctlab-slider-${name}`;
  input.setAttribute("aria-label", title);
  ownKeys(input);
  return input;
}
function linearScale([low, high]) {
  return {
    toValue: (position) => low + position / POSITIONS * (high - low),
    toPosition: (value) => (Math.min(high, Math.max(low, value)) - low) / (high - low) * POSITIONS,
    huPerPosition: () => (high - low) / POSITIONS
  };
}
function logScale([low, high]) {
  const span = Math.log(high / low);
  return {
    toValue: (position) => low * Math.exp(position / POSITIONS * span),
    toPosition: (value) => Math.log(Math.min(high, Math.max(low, value)) / low) / span * POSITIONS,
    huPerPosition: (value) => value * (Math.exp(span / POSITIONS) - 1)
  };
}
async function render({ model, el, host }) {
  const state = await host.getModel(model.get("source"));
  const limits = state.get("_limits");
  const centerScale = linearScale(model.get("center_reach"));
  const widthScale = logScale(model.get("width_reach"));
  const detents = model.get("_detents");
  el.classList.add("ctlab-window-controls");
  const centerRow = row("centre (HU)", "ctlab-center");
  const widthRow = row("width (HU)", "ctlab-width");
  const rangeRow = row("low..high (HU)", "ctlab-range");
  const centerSlider = slider("center", "window centre, HU");
  const widthSlider = slider("width", "window width, HU (logarithmic)");
  const centerBox = numberBox("center", "window centre, HU");
  const widthBox = numberBox("width", "window width, HU");
  const lowBox = numberBox("low", "window low edge, HU");
  const highBox = numberBox("high", "window high edge, HU");
  const to = document.createElement("span");
  to.className = "ctlab-control-to";
  to.textContent = "to";
  centerRow.append(centerSlider, centerBox);
  widthRow.append(widthSlider, widthBox);
  rangeRow.append(lowBox, to, highBox);
  el.append(centerRow, widthRow, rangeRow);
  const clamp = (value, [low, high]) => Math.min(high, Math.max(low, value));
  function setWindow(center, width) {
    const next = { center: clamp(center, limits.center), width: clamp(width, limits.width) };
    if (next.center === state.get("center") && next.width === state.get("width")) {
      show();
      return;
    }
    state.set(next);
    state.save_changes();
  }
  function show() {
    const center = state.get("center");
    const width = state.get("width");
    const step = keyStep(width);
    centerSlider.value = String(centerScale.toPosition(center));
    widthSlider.value = String(widthScale.toPosition(width));
    centerSlider.setAttribute("aria-valuetext", `${formatHU(center)} HU`);
    widthSlider.setAttribute("aria-valuetext", `${formatHU(width)} HU`);
    const boxes = [
      [centerBox, center],
      [widthBox, width],
      [lowBox, center - width / 2],
      [highBox, center + width / 2]
    ];
    for (const [box, value] of boxes) {
      box.step = String(step);
      if (document.activeElement !== box) box.value = formatHU(value);
    }
    const text = formatWindow(center, width);
    el.setAttribute("data-window", text);
    el.title = text;
  }
  const trackPixels = (input) => Math.max(50, input.getBoundingClientRect().width || 300);
  centerSlider.addEventListener("input", () => {
    const raw = centerScale.toValue(Number(centerSlider.value));
    const tolerance = DETENT_PIXELS * centerScale.huPerPosition() * POSITIONS / trackPixels(centerSlider);
    setWindow(snap(raw, detents.center, tolerance, dragGrid(state.get("width"))), state.get("width"));
  });
  widthSlider.addEventListener("input", () => {
    const raw = widthScale.toValue(Number(widthSlider.value));
    const tolerance = DETENT_PIXELS * widthScale.huPerPosition(raw) * POSITIONS / trackPixels(widthSlider);
    setWindow(state.get("center"), Math.max(1, snap(raw, detents.width, tolerance, dragGrid(raw))));
  });
  function onKey(event, which) {
    const steps = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 }[event.key];
    const center = state.get("center");
    const width = state.get("width");
    const reach = which === "center" ? model.get("center_reach") : model.get("width_reach");
    let value;
    if (steps !== void 0) {
      const current = which === "center" ? center : width;
      value = stepValue(current, keyStep(width), steps, reach[0], reach[1]);
    } else if (event.key === "Home" || event.key === "End") {
      value = event.key === "Home" ? reach[0] : reach[1];
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (which === "center") setWindow(value, width);
    else setWindow(center, value);
  }
  centerSlider.addEventListener("keydown", (event) => onKey(event, "center"));
  widthSlider.addEventListener("keydown", (event) => onKey(event, "width"));
  function onBox(box) {
    const value = Number(box.value);
    if (box.value === "" || !Number.isFinite(value)) {
      show();
      return;
    }
    const center = state.get("center");
    const width = state.get("width");
    if (box === centerBox) setWindow(value, width);
    else if (box === widthBox) setWindow(center, Math.max(1, value));
    else {
      const low = box === lowBox ? value : center - width / 2;
      const high = box === highBox ? value : center + width / 2;
      if (high - low >= 1) setWindow((low + high) / 2, high - low);
      else show();
    }
  }
  for (const box of [centerBox, widthBox, lowBox, highBox]) {
    box.addEventListener("change", () => onBox(box));
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      event.stopPropagation();
      onBox(box);
    });
    box.addEventListener("blur", show);
  }
  const events = "change:center change:width";
  state.on(events, show);
  show();
  return () => state.off(events, show);
}
var window_controls_default = { render };
export {
  window_controls_default as default
};
