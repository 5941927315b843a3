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
      const row2 = firstFreeRow(candidate.items);
      if (choice === null || row2 < choice.row) choice = { ...candidate, row: row2 };
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
function int16Lut(center, width, fn) {
  const lut = new Uint8Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    lut[bits] = voiLevel(bits < 32768 ? bits : bits - 65536, center, width, fn);
  }
  return lut;
}
function greyLevelsSpanned(low, high, center, width, fn) {
  return Math.abs(voiLevel(high, center, width, fn) - voiLevel(low, center, width, fn)) + 1;
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
  const wanted2 = Math.max(0.5, width * 0.015);
  let step = 0.5;
  for (let power = 0.1; power <= 1e4; power *= 10) {
    for (const multiple of [1, 2, 5]) {
      const candidate = multiple * power;
      if (candidate >= 0.5 && candidate <= wanted2) step = candidate;
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

// ctlab/widgets/range_control.js
function render2({ model, el }) {
  el.classList.add("ctlab-range-control");
  const line = document.createElement("label");
  line.className = "ctlab-control-row";
  const label2 = document.createElement("span");
  label2.className = "ctlab-control-label";
  const input = document.createElement("input");
  input.type = "range";
  input.className = `ctlab-range-input ctlab-range-${model.get("name")}`;
  ownKeys(input);
  const readout = document.createElement("output");
  readout.className = "ctlab-range-readout";
  line.append(label2, input, readout);
  el.append(line);
  const text = (value) => {
    const shown = value + model.get("offset");
    const digits = model.get("digits");
    const number = digits ? shown.toFixed(digits) : String(shown);
    const of = model.get("of_count") ? ` of ${model.get("max") + model.get("offset")}` : "";
    return `${number}${of}${model.get("unit") ? ` ${model.get("unit")}` : ""}`;
  };
  function show2() {
    label2.textContent = model.get("label");
    input.min = String(model.get("min"));
    input.max = String(model.get("max"));
    input.step = String(model.get("step"));
    input.value = String(model.get("value"));
    input.setAttribute("aria-label", model.get("aria_label") || model.get("label"));
    input.setAttribute("aria-valuetext", text(model.get("value")));
    input.title = model.get("hint");
    readout.textContent = text(model.get("value"));
  }
  input.addEventListener("input", () => {
    const value = Number(input.value);
    if (value === model.get("value")) return;
    model.set("value", value);
    model.save_changes();
  });
  model.on("change", show2);
  show2();
  return () => model.off("change", show2);
}
var range_control_default = { render: render2 };

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
  const window2 = (center, width) => clampWindow(model.get("_limits"), center, width);
  function huAt(event) {
    const values = valuesNow();
    const bounds = canvas.getBoundingClientRect();
    const col = Math.floor((event.clientX - bounds.left) / bounds.width * cols);
    const row2 = Math.floor((event.clientY - bounds.top) / bounds.height * rows);
    if (!values || col < 0 || row2 < 0 || col >= cols || row2 >= rows) return null;
    return { row: row2, col, hu: values[row2 * cols + col] };
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
    set(window2(Math.round(drag.center + dy * huPerPixel), Math.round(drag.width + dx * huPerPixel)));
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
    set(window2((edges.low + edges.high) / 2, edges.high - edges.low));
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
function isOutline(labels, rows, cols, row2, col) {
  const i = row2 * cols + col;
  const value = labels[i];
  if (!value) return false;
  return row2 > 0 && labels[i - cols] !== value || row2 < rows - 1 && labels[i + cols] !== value || col > 0 && labels[i - 1] !== value || col < cols - 1 && labels[i + 1] !== value;
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
  for (let row2 = 0, i = 0; row2 < rows; row2++) {
    for (let col = 0; col < cols; col++, i++) {
      const value = labels[i];
      if (!value) continue;
      const table = tables[value];
      if (!table || outline && !isOutline(labels, rows, cols, row2, col)) continue;
      const under = pixels[i];
      pixels[i] = OPAQUE | table[512 + (under >>> 16 & 255)] << 16 | table[256 + (under >>> 8 & 255)] << 8 | table[under & 255];
      drawn++;
    }
  }
  return drawn;
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
function pointerText(hu, band, row2, col) {
  const value = Number.isInteger(hu) ? hu : hu.toFixed(1);
  return `${value} HU${band ? ` \xB7 ${band.label}` : ""} (row ${row2}, column ${col})`;
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
      const decode2 = (buffer) => message.encoding === "deflate" ? inflate(buffer) : buffer;
      message.indices.forEach(async (index, k) => {
        const view = await decode2(buffers[k]);
        const labels = LabelType ? typedArray(await decode2(buffers[count + k]), LabelType) : null;
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
function render3({ model, el }) {
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
    onPointer: ({ hu, row: row2, col }) => {
      under = pointerText(hu, tissueAt(hu, bands), row2, col);
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
var slice_view_default = { render: render3 };

// ctlab/widgets/window_controls.js
var POSITIONS = 1e3;
var DETENT_PIXELS = 1.5;
function row(labelText, className) {
  const line = document.createElement("div");
  line.className = `ctlab-control-row ${className}`;
  const label2 = document.createElement("span");
  label2.className = "ctlab-control-label";
  label2.textContent = labelText;
  line.append(label2);
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
async function render4({ model, el, host }) {
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
      show2();
      return;
    }
    state.set(next);
    state.save_changes();
  }
  function show2() {
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
      show2();
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
      else show2();
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
    box.addEventListener("blur", show2);
  }
  const events = "change:center change:width";
  state.on(events, show2);
  show2();
  return () => state.off(events, show2);
}
var window_controls_default = { render: render4 };

// ctlab/widgets/page.js
var VIEWS = {
  slice_view: slice_view_default,
  histogram_view: histogram_view_default,
  window_controls: window_controls_default,
  range_control: range_control_default
};
var REFERENCE = /^(anywidget:|IPY_MODEL_)/;
var same = (a, b) => a === b || JSON.stringify(a) === JSON.stringify(b);
function decode(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
var PageModel = class {
  constructor(state, slices = null, labelSlices = null) {
    this.state = Object.fromEntries(
      Object.entries(state).map(([key, value]) => [
        key,
        value?.$bytes ? new DataView(decode(value.$bytes).buffer) : value
      ])
    );
    this.slices = slices;
    this.labelSlices = labelSlices;
    this.handlers = /* @__PURE__ */ new Map();
  }
  get(key) {
    return this.state[key];
  }
  set(key, value) {
    const changes = typeof key === "string" ? { [key]: value } : key;
    const changed = Object.keys(changes).filter((name) => !same(this.state[name], changes[name]));
    for (const name of changed) this.state[name] = changes[name];
    for (const name of changed) this.emit(`change:${name}`, this, changes[name]);
    if (changed.length) this.emit("change", this);
  }
  save_changes() {
  }
  on(events, handler) {
    for (const event of events.split(/\s+/).filter(Boolean)) {
      if (!this.handlers.has(event)) this.handlers.set(event, /* @__PURE__ */ new Set());
      this.handlers.get(event).add(handler);
    }
  }
  off(events, handler) {
    for (const event of events.split(/\s+/).filter(Boolean)) this.handlers.get(event)?.delete(handler);
  }
  emit(event, ...args) {
    for (const handler of [...this.handlers.get(event) ?? []]) handler(...args);
  }
  // A slice request answered from the page, after the current event as a
  // kernel's answer would be (SliceView._answer): the label slices, if any,
  // follow the HU slices in the same order.
  send(message) {
    if (message.type !== "request" || !this.slices) return;
    const indices = message.indices.filter((i) => i >= 0 && i < this.slices.length);
    const buffers = indices.map((i) => new DataView(decode(this.slices[i]).buffer));
    const answer = { type: "slices", indices, dtype: this.state._dtype, encoding: "deflate" };
    if (this.labelSlices) {
      buffers.push(...indices.map((i) => new DataView(decode(this.labelSlices[i]).buffer)));
      answer.label_dtype = this.state._label_dtype;
    }
    setTimeout(() => this.emit("msg:custom", answer, buffers), 0);
  }
};
function link([source, sourceKey], [target, targetKey]) {
  target.set(targetKey, source.get(sourceKey));
  source.on(`change:${sourceKey}`, () => target.set(targetKey, source.get(sourceKey)));
  target.on(`change:${targetKey}`, () => source.set(sourceKey, target.get(targetKey)));
}
var CONTROLS = {
  select(node, model) {
    const label2 = document.createElement("label");
    label2.className = "ctlab-page-control";
    label2.textContent = node.description ? `${node.description} ` : "";
    const select = document.createElement("select");
    for (const [text, value] of node.options) select.add(new Option(text, value));
    const show2 = () => {
      select.value = model.get("value");
    };
    select.addEventListener("change", () => model.set("value", select.value));
    model.on("change:value", show2);
    show2();
    label2.append(select);
    return label2;
  },
  button(node, model) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "ctlab-page-control";
    button.textContent = node.description;
    button.title = node.tooltip;
    button.addEventListener("click", () => model.emit("click"));
    return button;
  },
  checkbox(node, model) {
    const label2 = document.createElement("label");
    label2.className = "ctlab-page-control";
    const box = document.createElement("input");
    box.type = "checkbox";
    const show2 = () => {
      box.checked = Boolean(model.get("value"));
    };
    box.addEventListener("change", () => model.set("value", box.checked));
    model.on("change:value", show2);
    show2();
    label2.append(box, ` ${node.description}`);
    return label2;
  }
};
var BEHAVIOURS = {
  // Two keys kept equal (ipywidgets' jslink, or a link Python keeps in the kernel).
  link({ source, target }, models) {
    link([models[source[0]], source[1]], [models[target[0]], target[1]]);
  },
  // A preset menu sets its view's window; moving the window away shows "custom".
  preset({ menu, view, windows }, models) {
    const [menuModel, viewModel] = [models[menu], models[view]];
    let applying = false;
    menuModel.on("change:value", () => {
      const window2 = windows[menuModel.get("value")];
      if (!window2) return;
      applying = true;
      viewModel.set(window2);
      applying = false;
    });
    viewModel.on("change:center change:width", () => {
      const window2 = windows[menuModel.get("value")];
      if (applying || !window2) return;
      if (window2.center !== viewModel.get("center") || window2.width !== viewModel.get("width")) {
        menuModel.set("value", "");
      }
    });
  },
  // A reset button puts the models' starting values back.
  reset({ button, start }, models) {
    models[button].on("click", () => {
      for (const [id, values] of start) models[id].set(values);
    });
  },
  // Check boxes choosing the tissue bands an overlay colours, in their order.
  overlay({ boxes, view }, models) {
    const update = () => {
      const chosen = boxes.filter(([box]) => models[box].get("value")).map(([, record]) => record);
      models[view].set("overlay", chosen);
    };
    for (const [box] of boxes) models[box].on("change:value", update);
  },
  // Check boxes choosing the labels a view draws, in their order (as LabelTraits does).
  labels({ boxes, view }, models) {
    const update = () => {
      const shown = boxes.filter(([box]) => models[box].get("value")).map(([, value]) => value);
      models[view].set("labels_shown", shown);
    };
    for (const [box] of boxes) models[box].on("change:value", update);
  },
  // The composite of an RGB widget follows its three channels' windows.
  rgb({ composite, channels }, models) {
    const update = () => {
      const windows = channels.map((channel) => ({
        center: models[channel].get("center"),
        width: models[channel].get("width"),
        function: models[channel].get("function")
      }));
      models[composite].set("rgb_windows", windows);
    };
    for (const channel of channels) models[channel].on("change:center change:width change:function", update);
  },
  // A panel's title names its window once the window is moved off the start.
  retitle({ view, prefix }, models) {
    const model = models[view];
    const start = { center: model.get("center"), width: model.get("width"), title: model.get("title") };
    model.on("change:center change:width", () => {
      const center = model.get("center");
      const width = model.get("width");
      const moved = center !== start.center || width !== start.width;
      model.set("title", moved ? `${prefix}${formatWindow(center, width)}` : start.title);
    });
  }
};
function build(node, models, host) {
  const el = document.createElement(node.kind === "accordion" ? "details" : "div");
  el.className = (node.classes ?? []).join(" ");
  Object.assign(el.style, node.style ?? {});
  if (node.kind === "box" || node.kind === "accordion") {
    el.classList.add("ctlab-page-box");
    el.style.flexDirection = node.direction;
    if (node.kind === "accordion") {
      const summary = document.createElement("summary");
      summary.textContent = node.title;
      el.append(summary);
    }
    for (const child of node.children) el.append(build(child, models, host));
  } else if (node.kind === "view") {
    Promise.resolve(VIEWS[node.module].render({ model: models[node.model], el, host })).catch((error) => {
      console.error(error);
    });
  } else if (node.kind === "html") {
    el.innerHTML = node.html;
  } else {
    el.append(CONTROLS[node.kind](node, models[node.model]));
  }
  return el;
}
function show(root, page) {
  const models = {};
  for (const [id, state] of Object.entries(page.models)) {
    const slices = state._page_slices?.map((key) => page.slices[key]) ?? null;
    const labelSlices = state._page_label_slices?.map((key) => page.slices[key]) ?? null;
    models[id] = new PageModel(state, slices, labelSlices);
  }
  const host = { getModel: async (reference) => models[String(reference).replace(REFERENCE, "")] };
  for (const behaviour of page.behaviours) BEHAVIOURS[behaviour.kind](behaviour, models);
  root.append(build(page.layout, models, host));
  return models;
}
var data = globalThis.document?.getElementById("ctlab-page-data");
if (data) {
  const root = document.getElementById("ctlab-page-root");
  window.ctlabModels = show(root, JSON.parse(data.textContent));
}
export {
  PageModel,
  show
};
