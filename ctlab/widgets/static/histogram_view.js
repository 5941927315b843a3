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
function greyLevelsSpanned(low, high, center, width, fn) {
  return Math.abs(voiLevel(high, center, width, fn) - voiLevel(low, center, width, fn)) + 1;
}
function typedArray(view, Type) {
  const bytes = view.byteLength;
  if (view.byteOffset % Type.BYTES_PER_ELEMENT === 0) {
    return new Type(view.buffer, view.byteOffset, bytes / Type.BYTES_PER_ELEMENT);
  }
  return new Type(view.buffer.slice(view.byteOffset, view.byteOffset + bytes));
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

// ctlab/widgets/histogram_parts.js
function tickStep(span, count) {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 5, 10].find((m) => m * power >= raw);
  return multiple * power;
}
function bandLevels(band, center, width, fn) {
  const low = Math.max(band.low, center - width / 2);
  const high = Math.min(band.high, center + width / 2);
  if (low > high) return { spans: 0, canUse: 0 };
  const spans = greyLevelsSpanned(low, high, center, width, fn);
  const integers = Math.max(0, Math.floor(high) - Math.ceil(low) + 1);
  return { spans, canUse: Math.min(spans, integers) };
}
function offscale(low, high, start, end) {
  if (high < start) return "left";
  if (low > end) return "right";
  return "";
}
function levelsTable(bands, center, width, fn) {
  const rows = bands.map((band) => {
    const { spans, canUse } = bandLevels(band, center, width, fn);
    return `<tr data-tissue="${band.name}" data-spans="${spans}" data-can-use="${canUse}"><td><span class="ctlab-swatch" style="background:${band.color}"></span>${band.label}</td><td>${formatHU(band.low)}..${formatHU(band.high)} HU</td><td>${spans}</td><td>${canUse}</td></tr>`;
  });
  return `<table><caption>grey levels (of 256) per tissue range</caption><thead><tr><th scope="col">tissue</th><th scope="col">HU</th><th scope="col" title="grey levels the band's HU range covers inside the window">spans</th><th scope="col" title="at most one grey level per whole HU of the band inside the window">can use</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
function luminance(hex) {
  const value = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [value >> 16 & 255, value >> 8 & 255, value & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrastRatio(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}
function textColourOn(hex) {
  return contrastRatio(hex, "#000000") >= 4.5 ? "#000000" : "#ffffff";
}

// ctlab/widgets/histogram_view.js
var HEIGHT = 300;
var MARGIN = { left: 58, right: 44, top: 22 };
var BAND_ROW = 15;
var RAMP = 12;
var AXIS = 30;
var FONT = "11px sans-serif";
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
  const bands = model.get("_tissues");
  const bandRows = 1 + Math.max(...bands.map((band) => band.row));
  const scale = window.devicePixelRatio || 1;
  const offscreen = document.createElement("canvas");
  let width = 0;
  let plotBottom = 0;
  let paintQueued = false;
  const xOf = (hu) => MARGIN.left + (hu - start) / (end - start) * (width - MARGIN.left - MARGIN.right);
  const huOf = (x) => start + (x - MARGIN.left) / (width - MARGIN.left - MARGIN.right) * (end - start);
  function layout() {
    width = model.get("display_width");
    plotBottom = HEIGHT - bandRows * BAND_ROW - RAMP - AXIS;
    for (const target of [canvas, offscreen]) {
      target.width = Math.round(width * scale);
      target.height = Math.round(HEIGHT * scale);
    }
    canvas.style.width = `${width}px`;
    canvas.style.height = `${HEIGHT}px`;
    drawStatic();
    schedule();
  }
  function drawStatic() {
    const g = offscreen.getContext("2d");
    g.setTransform(scale, 0, 0, scale, 0, 0);
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, width, HEIGHT);
    g.font = FONT;
    const log = model.get("log");
    const most = Math.max(1, ...counts);
    const heightOf = (count) => log ? Math.log10(1 + count) / Math.log10(1 + most) : count / most;
    const plotHeight = plotBottom - MARGIN.top;
    g.fillStyle = "#555555";
    for (let i = 0; i < counts.length; i++) {
      if (!counts[i]) continue;
      const left = xOf(start + i * step);
      const barWidth = Math.max(1, xOf(start + (i + 1) * step) - left);
      const barHeight = heightOf(counts[i]) * plotHeight;
      g.fillRect(left, plotBottom - barHeight, barWidth, barHeight);
    }
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
        count >= 1e3 ? `${(count / 1e3).toFixed(count >= 1e4 ? 0 : 1)}k` : count.toFixed(0),
        MARGIN.left - 4,
        y
      );
    }
    g.save();
    g.translate(12, (MARGIN.top + plotBottom) / 2);
    g.rotate(-Math.PI / 2);
    g.textAlign = "center";
    g.fillText(log ? "pixels (log)" : "pixels", 0, 0);
    g.restore();
    g.textAlign = "center";
    for (const band of bands) {
      if (band.high < start || band.low > end) continue;
      const left = xOf(Math.max(band.low, start));
      const right = xOf(Math.min(band.high, end));
      const top = plotBottom + band.row * BAND_ROW + 1;
      g.fillStyle = band.color;
      g.fillRect(left, top, Math.max(1, right - left), BAND_ROW - 2);
      g.strokeStyle = "#000000";
      g.lineWidth = 0.5;
      g.strokeRect(left, top, Math.max(1, right - left), BAND_ROW - 2);
      if (g.measureText(band.label).width < right - left - 2) {
        g.fillStyle = textColourOn(band.color);
        g.fillText(band.label, (left + right) / 2, top + BAND_ROW / 2);
      }
    }
    const axisTop = plotBottom + bandRows * BAND_ROW + RAMP;
    const every = tickStep(end - start, 8);
    g.fillStyle = "#222222";
    g.textBaseline = "top";
    for (let hu = Math.ceil(start / every) * every; hu <= end; hu += every) {
      const x = xOf(hu);
      g.fillRect(x, axisTop, 1, 4);
      g.fillText(String(hu), x, axisTop + 5);
    }
    g.fillText("Hounsfield units", (MARGIN.left + width - MARGIN.right) / 2, axisTop + 17);
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
    const plotHeight = plotBottom - MARGIN.top;
    const low = Math.max(MARGIN.left, xOf(center - windowWidth / 2));
    const high = Math.min(right, xOf(center + windowWidth / 2));
    if (high > low) {
      g.fillStyle = "rgba(255, 215, 0, 0.3)";
      g.fillRect(low, MARGIN.top, high - low, plotHeight);
    }
    const rampTop = plotBottom + bandRows * BAND_ROW;
    g.strokeStyle = "#0072b2";
    g.lineWidth = 1.5;
    g.beginPath();
    for (let x = MARGIN.left; x <= right; x++) {
      const level = voiGrey(huOf(x), center, windowWidth, fn);
      const grey = invert ? GREY_MAX - level : level;
      const y = plotBottom - grey / GREY_MAX * plotHeight;
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
      g.fillText(String(level), right + 4, plotBottom - level / GREY_MAX * plotHeight);
    }
    g.fillStyle = "#222222";
    g.textAlign = "center";
    g.textBaseline = "top";
    const title = `${formatWindow(center, windowWidth)} [${fn}]`;
    g.fillText(title, (MARGIN.left + right) / 2, 4);
    const lowHU = center - windowWidth / 2;
    const highHU = center + windowWidth / 2;
    const side = offscale(lowHU, highHU, start, end);
    if (side) {
      const arrowY = MARGIN.top + plotHeight / 2;
      const text = side === "left" ? `\u25C0 window ${formatHU(lowHU)}..${formatHU(highHU)} HU` : `window ${formatHU(lowHU)}..${formatHU(highHU)} HU \u25B6`;
      g.font = "bold 12px sans-serif";
      g.textAlign = side;
      g.textBaseline = "middle";
      const x = side === "left" ? MARGIN.left + 4 : right - 4;
      const box = g.measureText(text).width + 8;
      g.fillStyle = "#fff3b0";
      g.fillRect(side === "left" ? x - 4 : x - box + 4, arrowY - 10, box, 20);
      g.fillStyle = "#000000";
      g.fillText(text, x, arrowY);
      g.font = FONT;
    }
    canvas.setAttribute("data-offscale", side);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `HU histogram with the window ${title}${side ? `, off the ${side} edge` : ""}`);
    canvas.setAttribute("data-painted", JSON.stringify({ center, width: windowWidth, function: fn, invert }));
    showLevels(center, windowWidth, fn);
  }
  function showLevels(center, windowWidth, fn) {
    levels.innerHTML = levelsTable(model.get("_readout_tissues"), center, windowWidth, fn);
  }
  function schedule() {
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
var histogram_view_default = { render };
export {
  histogram_view_default as default
};
