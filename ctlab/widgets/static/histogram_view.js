// ctlab/widgets/histogram_labels.js
var GAP = 3;
var PAD = 3;
function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
var keyOf = (n) => String(n + 1);
function layoutBands(bands, measure, { minX, maxX, rowHeight, maxRows }) {
  const widths = /* @__PURE__ */ new Map();
  const textWidth = (text) => {
    if (!widths.has(text)) widths.set(text, measure(text));
    return widths.get(text);
  };
  const fitsInside = (band) => textWidth(band.label) + 2 * PAD <= Math.max(1, band.right - band.left);
  const sorted = [...bands].sort((a, b) => fitsInside(b) - fitsInside(a) || a.left - b.left || a.right - b.right);
  const options = { minX, maxX, rowHeight };
  const keyable = sorted.filter((band) => !fitsInside(band)).sort((a, b) => a.right - a.left - (b.right - b.left));
  const keyed = /* @__PURE__ */ new Set();
  let best = bestSides(sorted, textWidth, { ...options, keyed }, 8);
  if (best.rows <= maxRows) return best;
  const tryKeys = (keys) => bestSides(sorted, textWidth, { ...options, keyed: keys }, 6);
  let bestKeys = /* @__PURE__ */ new Set();
  for (const band of keyable) {
    keyed.add(band.name);
    const layout = tryKeys(keyed);
    if (layout.rows < best.rows) [best, bestKeys] = [layout, new Set(keyed)];
    if (best.rows <= maxRows) break;
  }
  for (const band of [...keyable].reverse().filter((band2) => bestKeys.has(band2.name))) {
    const fewer = new Set([...bestKeys].filter((name) => name !== band.name));
    const layout = tryKeys(fewer);
    if (layout.rows <= best.rows) [best, bestKeys] = [layout, fewer];
  }
  return best;
}
function bestSides(sorted, textWidth, options, most) {
  const sided = sorted.filter((band) => {
    const w = textWidth(nameOrKey(band, options.keyed)) + 2 * PAD;
    const both = band.right + w <= options.maxX && band.left - w >= options.minX;
    return both && w > Math.max(1, band.right - band.left);
  }).sort((a, b) => a.right - a.left - (b.right - b.left)).slice(0, most);
  let best = null;
  for (let mask = 0; mask < 1 << sided.length; mask++) {
    const sides = new Map(sided.map((band, i) => [band.name, mask >> i & 1 ? "left" : "right"]));
    const layout = packBands(sorted, textWidth, options, sides);
    const lefts = layout.bands.filter((band) => band.side === "left").length;
    const rows = best?.layout.rows;
    if (best === null || layout.rows < rows || layout.rows === rows && lefts < best.lefts) {
      best = { layout, lefts };
    }
  }
  return best.layout;
}
var nameOrKey = (band, keyed) => keyed.has(band.name) ? "00" : band.label;
var BAR_GAP = 1;
var NAME_GAP = 6;
function packBands(sorted, textWidth, { minX, maxX, rowHeight, keyed }, sides) {
  const rows = [];
  const placed = [];
  const legend = [];
  const clear = (spans, items) => items.every(
    (item) => spans.every((span) => {
      const gap = item.bar && span.bar ? BAR_GAP : item.bar || span.bar ? NAME_GAP : GAP;
      return item.right + gap <= span.left || item.left >= span.right + gap;
    })
  );
  const firstFreeRow = (items) => {
    const free = rows.findIndex((spans) => clear(spans, items));
    return free === -1 ? rows.length : free;
  };
  for (const band of sorted) {
    const barWidth = Math.max(1, band.right - band.left);
    const bar = { left: band.left, right: band.left + barWidth, bar: true };
    const key = keyed.has(band.name) ? keyOf(legend.length) : null;
    const text = key ?? band.label;
    const w = textWidth(text) + 2 * PAD;
    let candidates = [];
    if (w <= barWidth) {
      candidates.push({ placement: "inside", x: band.left + (barWidth - w) / 2, items: [bar] });
    } else {
      if (bar.right + w <= maxX) {
        candidates.push({ placement: "right", x: bar.right, items: [bar, { left: bar.right, right: bar.right + w }] });
      }
      if (band.left - w >= minX) {
        candidates.push({
          placement: "left",
          x: band.left - w,
          items: [bar, { left: band.left - w, right: band.left }]
        });
      }
      const side = candidates.filter((candidate) => candidate.placement === sides.get(band.name));
      if (side.length) candidates = side;
      if (candidates.length === 0) {
        const x = Math.min(Math.max(minX, (band.left + band.right - w) / 2), maxX - w);
        candidates.push({
          placement: "over",
          x,
          items: [{ left: Math.min(x, bar.left), right: Math.max(x + w, bar.right) }]
        });
      }
    }
    let choice = null;
    for (const candidate of candidates) {
      const row = firstFreeRow(candidate.items);
      if (choice === null || row < choice.row) choice = { ...candidate, row };
    }
    if (choice.row === rows.length) rows.push([]);
    rows[choice.row].push(...choice.items);
    const top = choice.row * rowHeight;
    placed.push({
      name: band.name,
      row: choice.row,
      text,
      side: choice.placement,
      placement: key ? "key" : choice.placement,
      bar: { x: band.left, y: top + 1, w: barWidth, h: rowHeight - 2 },
      label: { x: choice.x, y: top + 1, w, h: rowHeight - 2 }
    });
    if (key) legend.push({ key, name: band.name, label: band.label });
  }
  return { rows: rows.length, bands: placed, legend };
}
function layoutLegend(entries, textWidth, { minX, maxX, lineHeight, swatch }) {
  const boxes = [];
  let x = minX;
  let line = 0;
  for (const entry of entries) {
    const text = `${entry.key} ${entry.label}`;
    const w = swatch + GAP + textWidth(text) + PAD;
    if (x > minX && x + w > maxX) {
      line += 1;
      x = minX;
    }
    boxes.push({ ...entry, text, x, y: line * lineHeight + 1, w, h: lineHeight - 2 });
    x += w + 3 * GAP;
  }
  return { lines: entries.length ? line + 1 : 0, entries: boxes };
}
function layoutPeaks(peaks, textWidth, textOf, { area, height, markerSize }) {
  const markers = peaks.map((peak) => ({
    x: peak.x - markerSize / 2,
    y: peak.y - markerSize,
    w: markerSize,
    h: markerSize
  }));
  let groups = peaks.map((_, i) => [i]);
  for (; ; ) {
    const result = placeGroups(groups, peaks, markers, textWidth, textOf, { area, height });
    if (result.failed === null) return result.labels;
    if (groups.length === 1) return result.labels;
    groups = mergeWithNeighbour(groups, result.failed, peaks);
  }
}
function mergeWithNeighbour(groups, failed, peaks) {
  const centre = (group) => group.reduce((sum, i) => sum + peaks[i].x, 0) / group.length;
  const before = failed - 1;
  const after = failed + 1;
  let other;
  if (before < 0) other = after;
  else if (after >= groups.length) other = before;
  else {
    const here = centre(groups[failed]);
    other = here - centre(groups[before]) <= centre(groups[after]) - here ? before : after;
  }
  const [first, second] = [Math.min(failed, other), Math.max(failed, other)];
  return [...groups.slice(0, first), [...groups[first], ...groups[second]], ...groups.slice(second + 1)];
}
function placeGroups(groups, peaks, markers, textWidth, textOf, { area, height }) {
  const labels = [];
  const boxes = [];
  const placedHus = [];
  const leaders = [];
  const order = groups.map((_, i) => i).sort((a, b) => topOf(groups[a], peaks) - topOf(groups[b], peaks));
  for (const index of order) {
    const group = groups[index];
    const hus = group.map((i) => peaks[i].hu);
    const text = textOf(hus);
    const w = textWidth(text) + 2 * PAD;
    const anchorX = group.reduce((sum, i) => sum + peaks[i].x, 0) / group.length;
    const anchorY = Math.min(...group.map((i) => markers[i].y));
    const tips = group.map((i) => ({ x: peaks[i].x, y: markers[i].y }));
    const others = markers.filter((_, i) => !group.includes(i));
    const free = (box2) => {
      const padded = { x: box2.x - GAP / 2, y: box2.y - GAP / 2, w: box2.w + GAP, h: box2.h + GAP };
      if (markers.some((other) => overlaps(padded, other))) return false;
      if (boxes.some((other) => overlaps(padded, other))) return false;
      if (leaders.some((line) => crosses(line, padded))) return false;
      const order2 = boxes.every((other, i) => {
        const beside = box2.y < other.y + other.h && other.y < box2.y + box2.h;
        return !beside || (placedHus[i] < hus[0] ? other.x < box2.x : box2.x < other.x);
      });
      if (!order2) return false;
      return tips.every((tip) => {
        const line = leaderLine(box2, tip);
        return boxes.every((other) => !crosses(line, other)) && others.every((other) => !crosses(line, other)) && leaders.every((other) => !intersect(line, other));
      });
    };
    const box = freeSpot({ anchorX, anchorY, w, h: height }, area, free);
    if (box === null && groups.length > 1) return { failed: index, labels };
    const at = box ?? nearest({ anchorX, anchorY, w, h: height }, area);
    boxes.push(at);
    placedHus.push(hus[0]);
    const placed = label(hus, text, at, tips);
    if (placed.leader) leaders.push(...tips.map((tip) => leaderLine(at, tip)));
    labels.push(placed);
  }
  labels.sort((a, b) => a.hus[0] - b.hus[0]);
  return { failed: null, labels };
}
var topOf = (group, peaks) => Math.min(...group.map((i) => peaks[i].y));
function leaderLine(box, tip) {
  const x = Math.min(Math.max(tip.x, box.x), box.x + box.w);
  const y = Math.min(Math.max(tip.y, box.y), box.y + box.h);
  return [x, y, tip.x, tip.y];
}
function crosses([x0, y0, x1, y1], box) {
  let t0 = 0;
  let t1 = 1;
  const dx = x1 - x0;
  const dy = y1 - y0;
  for (const [p, q] of [
    [-dx, x0 - box.x],
    [dx, box.x + box.w - x0],
    [-dy, y0 - box.y],
    [dy, box.y + box.h - y0]
  ]) {
    if (p === 0) {
      if (q <= 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
    }
  }
  return t1 - t0 > 1e-9;
}
function intersect([ax, ay, bx, by], [cx, cy, dx, dy]) {
  const side = (px, py, qx, qy, rx, ry) => Math.sign((qx - px) * (ry - py) - (qy - py) * (rx - px));
  return side(ax, ay, bx, by, cx, cy) * side(ax, ay, bx, by, dx, dy) < 0 && side(cx, cy, dx, dy, ax, ay) * side(cx, cy, dx, dy, bx, by) < 0;
}
function label(hus, text, box, tips) {
  const over = tips.length === 1 && Math.abs(box.x + box.w / 2 - tips[0].x) < 1 && box.y + box.h <= tips[0].y;
  const near = over && tips[0].y - (box.y + box.h) <= GAP + 1;
  return { hus, text, box, leader: !near, markers: tips };
}
function nearest({ anchorX, anchorY, w, h }, area) {
  const x = Math.min(Math.max(area.left, anchorX - w / 2), area.right - w);
  const y = Math.min(Math.max(area.top, anchorY - GAP - h), area.bottom - h);
  return { x, y, w, h };
}
function freeSpot({ anchorX, anchorY, w, h }, area, free, step = 2) {
  const home = { x: anchorX - w / 2, y: anchorY - GAP - h };
  const xs = [area.left, area.right - w];
  for (let dx = 0; dx <= 2 * w; dx += step) xs.push(home.x + dx, home.x - dx);
  const ys = [];
  for (let dy = 0; dy <= 3 * h || home.y - dy >= area.top; dy += step) ys.push(home.y - dy, home.y + dy);
  const candidates = [];
  for (const y of ys) {
    const dy = home.y - y;
    if (y < area.top || y + h > area.bottom || dy < -3 * h) continue;
    for (const x of xs) {
      if (x < area.left || x + w > area.right) continue;
      candidates.push({ x, y, cost: Math.abs(x - home.x) * 1.5 + (dy < 0 ? -2 * dy : dy) });
    }
  }
  candidates.sort((a, b) => a.cost - b.cost);
  for (const { x, y } of candidates) {
    const box = { x, y, w, h };
    if (free(box)) return box;
  }
  return null;
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
var MARGIN = { left: 58, right: 44, top: 22 };
var PLOT = 176;
var PEAK_ROOM = 26;
var BAND_ROW = 15;
var MAX_BAND_ROWS = 7;
var RAMP = 12;
var AXIS = 30;
var LEGEND_ROW = 15;
var SWATCH = 10;
var MARKER = 7;
var FONT = "11px sans-serif";
var PEAK_COLOUR = "#b04a00";
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
  const xOf = (hu) => MARGIN.left + (hu - start) / (end - start) * (width - MARGIN.left - MARGIN.right);
  const huOf = (x) => start + (x - MARGIN.left) / (width - MARGIN.left - MARGIN.right) * (end - start);
  const measure = offscreen.getContext("2d");
  const textWidth = (text) => {
    measure.font = FONT;
    return measure.measureText(text).width;
  };
  function layout() {
    width = model.get("display_width");
    const edges = { minX: 2, maxX: width - 2 };
    strip = layoutBands(
      bands.map((band) => ({
        name: band.name,
        label: band.label,
        left: xOf(Math.max(band.low, start)),
        right: xOf(Math.min(band.high, end))
      })),
      textWidth,
      { ...edges, rowHeight: BAND_ROW, maxRows: MAX_BAND_ROWS }
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
  function drawStatic() {
    const g = offscreen.getContext("2d");
    g.setTransform(scale, 0, 0, scale, 0, 0);
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, width, height);
    g.font = FONT;
    const log = model.get("log");
    const most = Math.max(1, ...counts);
    const heightOf = (count) => log ? Math.log10(1 + count) / Math.log10(1 + most) : count / most;
    const plotHeight = PLOT - PEAK_ROOM;
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
    peakLabels = placePeaks(heightOf, plotHeight);
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
  function placePeaks(heightOf, plotHeight) {
    const reach = Math.max(step, 7);
    const peaks = model.get("_peaks").map(([hu]) => {
      const first = Math.max(0, Math.floor((hu - reach - start) / step));
      const last = Math.min(counts.length - 1, Math.floor((hu + reach - start) / step));
      const tallest = Math.max(0, ...counts.slice(first, last + 1));
      return { hu, x: xOf(hu), y: plotBottom - heightOf(tallest) * plotHeight - 1 };
    });
    return layoutPeaks(peaks, textWidth, (hus) => hus.map(formatHU).join(", "), {
      area: { left: MARGIN.left + 1, right: width - MARGIN.right - 1, top: MARGIN.top, bottom: plotBottom - 1 },
      height: 14,
      markerSize: MARKER
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
    const low = Math.max(MARGIN.left, xOf(center - windowWidth / 2));
    const high = Math.min(right, xOf(center + windowWidth / 2));
    if (high > low) {
      g.fillStyle = "rgba(255, 215, 0, 0.3)";
      g.fillRect(low, MARGIN.top, high - low, plotHeight);
    }
    const rampTop = plotBottom + strip.rows * BAND_ROW;
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
    drawPeaks(g);
    const lowHU = center - windowWidth / 2;
    const highHU = center + windowWidth / 2;
    const side = offscale(lowHU, highHU, start, end);
    if (side) {
      const text = side === "left" ? `\u25C0 window ${formatHU(lowHU)}..${formatHU(highHU)} HU` : `window ${formatHU(lowHU)}..${formatHU(highHU)} HU \u25B6`;
      g.font = "bold 12px sans-serif";
      g.textAlign = side;
      g.textBaseline = "middle";
      const x = side === "left" ? MARGIN.left + 4 : right - 4;
      const box = g.measureText(text).width + 8;
      const boxX = side === "left" ? x - 4 : x - box + 4;
      const heights = Array.from({ length: PLOT - 20 }, (_, i) => MARGIN.top + 10 + i).sort(
        (a, b) => Math.abs(a - (MARGIN.top + PLOT / 2)) - Math.abs(b - (MARGIN.top + PLOT / 2))
      );
      const arrowY = heights.find((y) => peakLabels.every((peak) => !overlaps({ x: boxX, y: y - 10, w: box, h: 20 }, peak.box))) ?? MARGIN.top + PLOT / 2;
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
      `HU histogram with the window ${title}${side ? `, off the ${side} edge` : ""}${peaks ? `; peaks at ${peaks} HU` : ""}`
    );
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
