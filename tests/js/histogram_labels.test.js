// The histogram's label layout (histogram_labels.js) as pure logic: given bands or peaks and pixel
// widths, no two boxes overlap, and every band and every peak is named. The reference tissue ranges
// come from ctlab.TISSUES through the golden file tests/widgets/test_javascript.py writes.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

import {
  crosses,
  intersect,
  layoutBands,
  layoutLegend,
  layoutPeaks,
  leaderLine,
  overlappingPairs,
  overlaps,
} from "../../ctlab/widgets/histogram_labels.js";

const goldenPath = process.env.CTLAB_GOLDEN;
const golden = goldenPath ? JSON.parse(readFileSync(goldenPath, "utf8")) : null;
const skip = golden ? false : "CTLAB_GOLDEN not set: run through tests/widgets/test_javascript.py";

// About 11px sans-serif: the browser measures, these tests need only a fixed width per character.
const textWidth = (text) => 6.2 * text.length;
const ROW = 15;

// A seeded generator (mulberry32), so a failing case can be run again.
function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Bands of HU low..high drawn on an axis start..end over `width` pixels, as HistogramView does.
function bandsOnAxis(tissues, start, end, width) {
  const [left, right] = [58, width - 44];
  const xOf = (hu) => left + ((hu - start) / (end - start)) * (right - left);
  return tissues
    .filter((t) => t.high >= start && t.low <= end)
    .map((t) => ({
      name: t.name,
      label: t.label,
      left: xOf(Math.max(t.low, start)),
      right: xOf(Math.min(t.high, end)),
    }));
}

// Every check a band layout must pass; returns the layout.
function checkBands(bands, width, maxRows = 7) {
  const options = { minX: 2, maxX: width - 2, rowHeight: ROW, maxRows };
  const layout = layoutBands(bands, textWidth, options);
  assert.equal(layout.bands.length, bands.length, "every band is drawn");
  assert.deepEqual(layout.bands.map((b) => b.name).sort(), bands.map((b) => b.name).sort());
  const labels = layout.bands.map((b) => b.label);
  assert.deepEqual(overlappingPairs(labels), [], "no two names overlap");
  assert.deepEqual(overlappingPairs(layout.bands.map((b) => b.bar)), [], "no two bars overlap");
  for (const band of layout.bands) {
    for (const other of layout.bands) {
      if (other !== band) assert.ok(!overlaps(band.label, other.bar), `${band.name}'s name covers ${other.name}'s bar`);
    }
    assert.ok(band.label.x >= options.minX - 1e-9 && band.label.x + band.label.w <= options.maxX + 1e-9, band.name);
    assert.ok(band.text.length > 0);
  }
  // A key for every band not named in full, each spelt out once in the legend.
  const keyed = layout.bands.filter((b) => b.placement === "key");
  assert.deepEqual(
    keyed.map((b) => [b.text, b.name]),
    layout.legend.map((e) => [e.key, e.name]),
  );
  for (const band of layout.bands.filter((b) => b.placement !== "key")) {
    assert.equal(band.text, bands.find((b) => b.name === band.name).label);
  }
  const legend = layoutLegend(layout.legend, textWidth, { minX: 2, maxX: width - 2, lineHeight: ROW, swatch: 10 });
  assert.equal(legend.entries.length, layout.legend.length);
  assert.deepEqual(overlappingPairs(legend.entries), [], "no two legend entries overlap");
  for (const entry of legend.entries) assert.ok(entry.x >= 2 && entry.x + entry.w <= width - 2 + 1e-9);
  return layout;
}

describe("tissue names on the band strip", () => {
  it("a name that fits goes inside its bar, one that does not beside it", () => {
    const layout = checkBands(
      [
        { name: "wide", label: "wide", left: 100, right: 200 },
        { name: "thin", label: "thin", left: 220, right: 222 },
      ],
      400,
    );
    const [wide, thin] = layout.bands;
    assert.equal(wide.placement, "inside");
    assert.equal(thin.placement, "right");
    assert.equal(thin.label.x, 222);
    assert.equal(layout.rows, 1);
  });

  it("crowded narrow bands go down a row each rather than overprint", () => {
    const bands = ["a", "b", "c", "d", "e"].map((name, i) => ({
      name,
      label: `tissue ${name}`,
      left: 200 + i,
      right: 203 + i,
    }));
    const layout = checkBands(bands, 500);
    assert.equal(layout.legend.length, 0);
    assert.ok(layout.rows >= 3);
  });

  it("when the rows would run past maxRows, the narrowest bars get keys and a legend", () => {
    const bands = Array.from({ length: 9 }, (_, i) => ({
      name: `t${i}`,
      label: `tissue number ${i}`,
      left: 150 + 6 * i,
      right: 152 + 6 * i,
    }));
    const roomy = checkBands(bands, 600, 20);
    assert.equal(roomy.legend.length, 0);
    const tight = checkBands(bands, 600, 4);
    assert.ok(tight.legend.length > 0);
    assert.ok(tight.rows < roomy.rows);
  });

  it("random crowded bands at many widths: never an overlap, never a band unnamed", () => {
    const next = random(12);
    for (let trial = 0; trial < 300; trial++) {
      const width = 160 + Math.floor(next() * 600);
      const count = 1 + Math.floor(next() * 14);
      const bands = Array.from({ length: count }, (_, i) => {
        const left = 2 + next() * (width - 4);
        const right = Math.min(width - 2, left + (next() < 0.6 ? next() * 6 : next() * 200));
        return { name: `t${i}`, label: "x".repeat(1 + Math.floor(next() * 20)), left, right };
      });
      checkBands(bands, width, 1 + Math.floor(next() * 8));
    }
  });
});

describe("the reference tissue ranges (ctlab.TISSUES) on real axes", { skip }, () => {
  // The abdomen's HU span and the hidden figures' (ctlab.data), and a short soft-tissue axis.
  for (const [start, end] of [
    [-1024, 1187],
    [-1003, 1005],
    [-250, 300],
  ]) {
    for (const width of [220, 260, 300, 360, 470, 620, 900]) {
      it(`${start}..${end} HU at ${width} px: every drawn range named or keyed, nothing overlaps`, () => {
        const bands = bandsOnAxis(golden.tissues, start, end, width);
        const layout = checkBands(bands, width);
        if (width >= 470 && start === -1024) assert.ok(layout.legend.length <= 2, "at the explorer's width, names");
      });
    }
  }
});

// Peaks [{hu, x, y}] and the options HistogramView lays them out with.
const AREA = { left: 59, right: 425, top: 22, bottom: 197 };
const OPTIONS = { area: AREA, height: 14, markerSize: 7 };
const text = (hus) => hus.join(", ");

function checkPeaks(peaks, options = OPTIONS) {
  const labels = layoutPeaks(peaks, textWidth, text, options);
  assert.deepEqual(
    labels.flatMap((l) => l.hus).sort((a, b) => a - b),
    peaks.map((p) => p.hu).sort((a, b) => a - b),
    "every peak named once",
  );
  const boxes = labels.map((l) => l.box);
  assert.deepEqual(overlappingPairs(boxes), [], "no two peak labels overlap");
  const markers = peaks.map((p) => ({ x: p.x - 3.5, y: p.y - 7, w: 7, h: 7 }));
  // Labels side by side name their peaks in HU order from left to right.
  for (const a of labels) {
    for (const b of labels) {
      const beside = a.box.y < b.box.y + b.box.h && b.box.y < a.box.y + a.box.h;
      if (beside && a.hus[0] < b.hus[0]) assert.ok(a.box.x < b.box.x, `${a.text} is right of ${b.text}`);
    }
  }
  for (const label of labels) {
    const { box } = label;
    assert.ok(box.x >= options.area.left - 1e-9 && box.x + box.w <= options.area.right + 1e-9, label.text);
    assert.ok(box.y >= options.area.top - 1e-9 && box.y + box.h <= options.area.bottom + 1e-9, label.text);
    assert.equal(label.text, text(label.hus));
    for (const marker of markers) assert.ok(!overlaps(box, marker), `${label.text} covers a marker`);
    if (!label.leader) continue;
    for (const tip of label.markers) {
      for (const other of labels) {
        if (other === label) continue;
        const line = leaderLine(box, tip);
        for (const peak of peaks.filter((p) => other.hus.includes(p.hu))) {
          const marker = { x: peak.x - 3.5, y: peak.y - 7, w: 7, h: 7 };
          assert.ok(!crosses(line, marker), `${label.text}'s leader crosses the marker of ${peak.hu}`);
        }
        assert.ok(!crosses(line, other.box), `${label.text}'s leader crosses ${other.text}`);
        if (!other.leader) continue;
        for (const end of other.markers) {
          assert.ok(!intersect(line, leaderLine(other.box, end)), `${label.text}'s leader crosses ${other.text}'s`);
        }
      }
    }
  }
  return labels;
}

describe("peak labels", () => {
  it("well apart peaks each get their own label, right over the marker", () => {
    const labels = checkPeaks([
      { hu: -1000, x: 90, y: 50 },
      { hu: -100, x: 220, y: 90 },
      { hu: 100, x: 300, y: 80 },
    ]);
    assert.deepEqual(
      labels.map((l) => l.hus),
      [[-1000], [-100], [100]],
    );
    assert.ok(labels.every((l) => !l.leader));
  });

  it("close peaks are moved apart with leaders, not merged, while there is room", () => {
    const labels = checkPeaks([
      { hu: -82, x: 200, y: 60 },
      { hu: -34, x: 208, y: 50 },
      { hu: 46, x: 221, y: 100 },
    ]);
    assert.equal(labels.length, 3);
    assert.ok(labels.some((l) => l.leader));
  });

  it("with no room left, neighbours merge into one label naming every HU", () => {
    const tiny = { ...OPTIONS, area: { left: 0, right: 220, top: 0, bottom: 26 } };
    const peaks = [-1003, -903, -604, -82, -34].map((hu, i) => ({ hu, x: 60 + 8 * i, y: 22 }));
    const labels = checkPeaks(peaks, tiny);
    assert.ok(
      labels.some((l) => l.hus.length > 1),
      "merged",
    );
    assert.ok(labels.length > 1, "only the neighbours that need it merge");
    assert.ok(
      labels.every((l) => l.leader || l.hus.length === 1),
      "a merged label points at each of its peaks",
    );
  });

  it("random peaks in plots of many sizes: never an overlap, never a peak unnamed", () => {
    const next = random(7);
    for (let trial = 0; trial < 150; trial++) {
      const right = 120 + next() * 500;
      const bottom = 80 + next() * 150;
      const area = { left: 40, right, top: 20, bottom };
      const count = 1 + Math.floor(next() * 10);
      const peaks = Array.from({ length: count }, () => ({
        hu: Math.round(-1000 + next() * 2000),
        x: area.left + 4 + next() * (right - area.left - 8),
        y: area.top + 26 + next() * (bottom - area.top - 26),
      })).sort((a, b) => a.x - b.x);
      const unique = peaks.filter((p, i) => peaks.findIndex((q) => q.hu === p.hu) === i);
      const labels = layoutPeaks(unique, textWidth, text, { ...OPTIONS, area });
      // When even one merged label finds no free spot it is placed anyway: skip the overlap checks then.
      if (labels.length === 1 && unique.length > 1) continue;
      checkPeaks(unique, { ...OPTIONS, area });
    }
  });
});
