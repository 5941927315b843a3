// Where a HistogramView writes its tissue names and peak labels: pure layout
// on pixel boxes {x, y, w, h}, apart from the drawing, so that no label ever
// covers another and no band or peak is left unnamed (tests/js).
//
// Tissue names: each band's bar gets its name inside when the name fits,
// else beside the bar (right or left, whichever packs tighter), and the bars
// go down into as many rows as needed so that no bar or name touches
// another. When that takes more than `maxRows` rows (a narrow widget), the
// narrowest bars get a short key instead of their name until the rows fit,
// names that fit again are given back, and a legend spells the keys out.
//
// Peak labels: each peak's HU above its marker, moved aside or up (a leader
// line then points at the marker) when that spot is taken; peaks whose labels
// find no free spot are merged with their neighbours into one label naming
// every HU, with a leader to each marker. Nothing is dropped.

// Pixels kept free between two boxes, and inside a box around its text.
export const GAP = 3;
export const PAD = 3;

// Do boxes a and b overlap? Boxes that only touch do not.
export function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

// Pairs of boxes (indices) that overlap: empty when the layout is right.
export function overlappingPairs(boxes) {
  const pairs = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      if (overlaps(boxes[i], boxes[j])) pairs.push([i, j]);
    }
  }
  return pairs;
}

// Key of the n-th keyed band (0-based): "1", "2", ...
const keyOf = (n) => String(n + 1);

// Lay out the tissue bands' bars and names.
//
// bands: [{name, label, left, right}], the drawn part of each bar in pixels;
// textWidth(text): the text's width in pixels; minX..maxX: where names may
// go; rowHeight: one row of bars. Returns {rows, bands, legend}: per band its
// row, `bar` and `label` boxes (y from the strip's top), the label's `text`,
// its `side` ("inside", "right", "left" or "over") and `placement` (the
// same, or "key" for a key); legend lists
// {key, name, label} for the keyed bands, in HU order.
export function layoutBands(bands, measure, { minX, maxX, rowHeight, maxRows }) {
  // Each text is measured once: the layouts tried below ask for the same few names.
  const widths = new Map();
  const textWidth = (text) => {
    if (!widths.has(text)) widths.set(text, measure(text));
    return widths.get(text);
  };
  const fitsInside = (band) => textWidth(band.label) + 2 * PAD <= Math.max(1, band.right - band.left);
  // Bars named inside first, so that they keep the top rows, then the rest,
  // each from left to right (first fit in that order packs intervals tightly).
  const sorted = [...bands].sort((a, b) => fitsInside(b) - fitsInside(a) || a.left - b.left || a.right - b.right);
  const options = { minX, maxX, rowHeight };
  // Keys replace names, narrowest bar first, until the rows fit; if they
  // never do, the fewest rows with the fewest keys (a key that saves no row
  // only sends the reader to the legend).
  const keyable = sorted.filter((band) => !fitsInside(band)).sort((a, b) => a.right - a.left - (b.right - b.left));
  const keyed = new Set();
  let best = bestSides(sorted, textWidth, { ...options, keyed }, 8);
  if (best.rows <= maxRows) return best;
  // Fewer combinations per step: a narrow widget may try two dozen sets of keys.
  const tryKeys = (keys) => bestSides(sorted, textWidth, { ...options, keyed: keys }, 6);
  let bestKeys = new Set();
  for (const band of keyable) {
    keyed.add(band.name);
    const layout = tryKeys(keyed);
    if (layout.rows < best.rows) [best, bestKeys] = [layout, new Set(keyed)];
    if (best.rows <= maxRows) break;
  }
  // Then give back each name, widest bar first, that fits without a row more.
  for (const band of [...keyable].reverse().filter((band) => bestKeys.has(band.name))) {
    const fewer = new Set([...bestKeys].filter((name) => name !== band.name));
    const layout = tryKeys(fewer);
    if (layout.rows <= best.rows) [best, bestKeys] = [layout, fewer];
  }
  return best;
}

// Names beside their bars go right or left: the sides giving the fewest rows
// (then the fewest names on the left), trying every combination for the
// narrowest `most` bars, and for the rest the side that lands higher.
function bestSides(sorted, textWidth, options, most) {
  const sided = sorted
    .filter((band) => {
      const w = textWidth(nameOrKey(band, options.keyed)) + 2 * PAD;
      const both = band.right + w <= options.maxX && band.left - w >= options.minX;
      return both && w > Math.max(1, band.right - band.left);
    })
    .sort((a, b) => a.right - a.left - (b.right - b.left))
    .slice(0, most);
  let best = null;
  for (let mask = 0; mask < 1 << sided.length; mask++) {
    const sides = new Map(sided.map((band, i) => [band.name, (mask >> i) & 1 ? "left" : "right"]));
    const layout = packBands(sorted, textWidth, options, sides);
    const lefts = layout.bands.filter((band) => band.side === "left").length;
    const rows = best?.layout.rows;
    if (best === null || layout.rows < rows || (layout.rows === rows && lefts < best.lefts)) {
      best = { layout, lefts };
    }
  }
  return best.layout;
}

// A keyed band's text is a placeholder key here: every key is one digit or two.
const nameOrKey = (band, keyed) => (keyed.has(band.name) ? "00" : band.label);

// Bars one pixel apart may share a row; a name keeps GAP pixels from another
// name and NAME_GAP from another band's bar, so that it reads as its own bar's.
const BAR_GAP = 1;
const NAME_GAP = 6;

function packBands(sorted, textWidth, { minX, maxX, rowHeight, keyed }, sides) {
  const rows = []; // per row, the spans taken: {left, right, bar}
  const placed = [];
  const legend = [];
  const clear = (spans, items) =>
    items.every((item) =>
      spans.every((span) => {
        const gap = item.bar && span.bar ? BAR_GAP : item.bar || span.bar ? NAME_GAP : GAP;
        return item.right + gap <= span.left || item.left >= span.right + gap;
      }),
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
          items: [bar, { left: band.left - w, right: band.left }],
        });
      }
      const side = candidates.filter((candidate) => candidate.placement === sides.get(band.name));
      if (side.length) candidates = side;
      if (candidates.length === 0) {
        // No room on either side within the canvas: the name over its own bar.
        const x = Math.min(Math.max(minX, (band.left + band.right - w) / 2), maxX - w);
        candidates.push({
          placement: "over",
          x,
          items: [{ left: Math.min(x, bar.left), right: Math.max(x + w, bar.right) }],
        });
      }
    }
    // The candidate that lands in the highest free row (the first, on a tie).
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
      label: { x: choice.x, y: top + 1, w, h: rowHeight - 2 },
    });
    if (key) legend.push({ key, name: band.name, label: band.label });
  }
  return { rows: rows.length, bands: placed, legend };
}

// The legend of keyed bands, in lines across minX..maxX: per entry its box
// (swatch and text "key name"), y from the legend's top.
export function layoutLegend(entries, textWidth, { minX, maxX, lineHeight, swatch }) {
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

// Lay out the peak labels.
//
// peaks: [{hu, x, y}], the marker's tip at (x, y) in pixels (lowest HU
// first); markerSize: its height and width; textOf(hus): a label's text;
// area {left, right, top, bottom}: where labels may go; height: a label's.
// Returns [{hus, text, box, markers}], `markers` the (x, y) each leader
// points at (a label right over a single marker needs none: `leader` false).
export function layoutPeaks(peaks, textWidth, textOf, { area, height, markerSize }) {
  const markers = peaks.map((peak) => ({
    x: peak.x - markerSize / 2,
    y: peak.y - markerSize,
    w: markerSize,
    h: markerSize,
  }));
  // Groups of neighbouring peaks (indices), one label each; merged until all fit.
  let groups = peaks.map((_, i) => [i]);
  for (;;) {
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
  const boxes = []; // label boxes placed so far
  const placedHus = []; // the lowest HU each names
  const leaders = []; // their leader lines, [x0, y0, x1, y1]
  // The highest peaks first: their labels have the least room above them.
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
    // A spot is free when the label covers no marker, label or leader; its
    // own leaders cross no label, marker or leader; and beside another label
    // it keeps its peaks' order from left to right.
    const free = (box) => {
      const padded = { x: box.x - GAP / 2, y: box.y - GAP / 2, w: box.w + GAP, h: box.h + GAP };
      if (markers.some((other) => overlaps(padded, other))) return false;
      if (boxes.some((other) => overlaps(padded, other))) return false;
      if (leaders.some((line) => crosses(line, padded))) return false;
      const order = boxes.every((other, i) => {
        const beside = box.y < other.y + other.h && other.y < box.y + box.h;
        return !beside || (placedHus[i] < hus[0] ? other.x < box.x : box.x < other.x);
      });
      if (!order) return false;
      return tips.every((tip) => {
        const line = leaderLine(box, tip);
        return (
          boxes.every((other) => !crosses(line, other)) &&
          others.every((other) => !crosses(line, other)) &&
          leaders.every((other) => !intersect(line, other))
        );
      });
    };
    const box = freeSpot({ anchorX, anchorY, w, h: height }, area, free);
    if (box === null && groups.length > 1) return { failed: index, labels };
    // One label for every peak and still no free spot: as near as the area allows.
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

const topOf = (group, peaks) => Math.min(...group.map((i) => peaks[i].y));

// The leader from a label's box to a marker's tip: from the box's point nearest the tip.
export function leaderLine(box, tip) {
  const x = Math.min(Math.max(tip.x, box.x), box.x + box.w);
  const y = Math.min(Math.max(tip.y, box.y), box.y + box.h);
  return [x, y, tip.x, tip.y];
}

// Does the segment [x0, y0, x1, y1] pass through the box's inside?
export function crosses([x0, y0, x1, y1], box) {
  // Liang-Barsky clipping of the segment against the box, open at its edges.
  let t0 = 0;
  let t1 = 1;
  const dx = x1 - x0;
  const dy = y1 - y0;
  for (const [p, q] of [
    [-dx, x0 - box.x],
    [dx, box.x + box.w - x0],
    [-dy, y0 - box.y],
    [dy, box.y + box.h - y0],
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

// Do two segments [x0, y0, x1, y1] cross (sharing an end point does not count)?
export function intersect([ax, ay, bx, by], [cx, cy, dx, dy]) {
  const side = (px, py, qx, qy, rx, ry) => Math.sign((qx - px) * (ry - py) - (qy - py) * (rx - px));
  return (
    side(ax, ay, bx, by, cx, cy) * side(ax, ay, bx, by, dx, dy) < 0 &&
    side(cx, cy, dx, dy, ax, ay) * side(cx, cy, dx, dy, bx, by) < 0
  );
}

function label(hus, text, box, tips) {
  // A label right over its single marker needs no leader.
  const over = tips.length === 1 && Math.abs(box.x + box.w / 2 - tips[0].x) < 1 && box.y + box.h <= tips[0].y;
  const near = over && tips[0].y - (box.y + box.h) <= GAP + 1;
  return { hus, text, box, leader: !near, markers: tips };
}

function nearest({ anchorX, anchorY, w, h }, area) {
  const x = Math.min(Math.max(area.left, anchorX - w / 2), area.right - w);
  const y = Math.min(Math.max(area.top, anchorY - GAP - h), area.bottom - h);
  return { x, y, w, h };
}

// The free spot nearest the place right above the anchor: moved up, down
// beside it, or aside by up to twice the label's width, inside the area.
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
      // Moving aside costs more than rising, and sinking beside the peak
      // more still: a label over its peak reads best.
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
