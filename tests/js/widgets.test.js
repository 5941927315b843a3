// The widgets' browser code in Node: VOI tables against ctlab.apply_window on golden tables that
// tests/widgets/test_javascript.py writes with Python (path in CTLAB_GOLDEN).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

import { boxWindow } from "../../ctlab/widgets/gestures.js";
import { bandLevels, contrastRatio, offscale, textColourOn } from "../../ctlab/widgets/histogram_parts.js";
import { isOutline, paintLabels } from "../../ctlab/widgets/paint.js";
import { canvasLabel, readoutText, sliceRange, windowBeyond } from "../../ctlab/widgets/readouts.js";
import { wanted } from "../../ctlab/widgets/slice_store.js";
import { int16Lut, voiLevel } from "../../ctlab/widgets/voi.js";
import { formatWindow, keyStep, snap, stepValue } from "../../ctlab/widgets/window_steps.js";

const goldenPath = process.env.CTLAB_GOLDEN;
const golden = goldenPath ? JSON.parse(readFileSync(goldenPath, "utf8")) : null;
const skip = golden ? false : "CTLAB_GOLDEN not set: run through tests/widgets/test_javascript.py";

// What the canvas shows for one HU value (invert last, as apply_window does).
const shown = (level, invert) => (invert ? 255 - level : level);

describe("VOI grey levels equal ctlab.apply_window", { skip }, () => {
  for (const table of golden?.tables ?? []) {
    const { center, width, function: fn, invert } = table;
    it(`${fn} C ${center} W ${width}${invert ? " inverted" : ""}: every int16 HU through the table`, () => {
      const lut = int16Lut(center, width, fn);
      const [first, last] = table.int_hu;
      const got = Array.from({ length: last - first + 1 }, (_, i) => shown(lut[(first + i) & 0xffff], invert));
      assert.deepEqual(got, table.int_grey);
    });
    it(`${fn} C ${center} W ${width}${invert ? " inverted" : ""}: float HU one by one`, () => {
      const values = table.float_hu.map((hu) => (hu === null ? Number.NaN : hu));
      const got = values.map((hu) => shown(voiLevel(hu, center, width, fn), invert));
      assert.deepEqual(got, table.float_grey);
    });
  }
});

describe("a window is written as str(ctlab.Window) writes it", { skip }, () => {
  it("every golden window", () => {
    for (const { center, width, text } of golden?.windows ?? []) {
      assert.equal(formatWindow(center, width), text);
    }
  });
});

describe("keyboard steps", () => {
  it("are round numbers near 1.5% of the width", () => {
    assert.equal(keyStep(40), 0.5);
    assert.equal(keyStep(80), 1);
    assert.equal(keyStep(400), 5);
    assert.equal(keyStep(1500), 20);
    assert.equal(keyStep(4000), 50);
  });
  it("land on the step's grid and stay in reach", () => {
    assert.equal(stepValue(397.5, 5, 1, 1, 4500), 400);
    assert.equal(stepValue(397.5, 5, -1, 1, 4500), 395);
    assert.equal(stepValue(400, 5, 1, 1, 4500), 405);
    assert.equal(stepValue(400, 5, -10, 1, 4500), 350);
    assert.equal(stepValue(3, 0.5, -10, 1, 4500), 1);
  });
  it("click into a standard window within the tolerance, else onto the grid", () => {
    assert.equal(snap(41.2, [40, 80], 1.5, 5), 40);
    assert.equal(snap(43.1, [40, 80], 1.5, 5), 45);
  });
});

describe("slice readouts", () => {
  const range = { low: -1024, high: 1200 };
  it("say when the window lies above or below every HU of the slice", () => {
    assert.equal(windowBeyond(range, 3000, 400, false), "window above every HU in this slice: all black");
    assert.equal(windowBeyond(range, 3000, 400, true), "window above every HU in this slice: all white");
    assert.equal(windowBeyond(range, -1500, 400, false), "window below every HU in this slice: all white");
    assert.equal(windowBeyond(range, 40, 400, false), "");
  });
  it("find the slice's range without its padding", () => {
    assert.deepEqual(sliceRange(Int16Array.from([-2000, -5, 7, -2000]), [-2000, -2000]), { low: -5, high: 7 });
  });
  it("put the window first in the readout when it is off the slice", () => {
    const stats = { counted: 4, black: 4, white: 0 };
    const text = readoutText({ stats, range, center: 3000, width: 400, invert: false, index: 0, count: 1 });
    assert.match(text, /^window above every HU in this slice: all black · clipped 100\.0% black/);
  });
  it("give the canvas a text alternative following the state", () => {
    const label = canvasLabel({ mode: "window", center: 40, width: 400, invert: true, index: 2, count: 48, under: "" });
    assert.equal(label, "CT slice, windowed at C 40 / W 400 HU (-160..240), inverted, slice 3 of 48");
  });
});

describe("box windows and histogram parts", () => {
  it("take numpy's percentiles inside the box, padding left out", () => {
    const values = Float32Array.from([0, 10, 20, 30, -3000, 40]);
    assert.deepEqual(boxWindow(values, 3, [0, 2], [0, 3], [-3000, -3000], 25), { low: 10, high: 30 });
  });
  it("count the grey levels a band spans and can use inside the window", () => {
    const fat = { low: -100, high: -60 };
    assert.deepEqual(bandLevels(fat, 40, 400, "linear"), { spans: 27, canUse: 27 });
    assert.deepEqual(bandLevels(fat, -80, 40, "linear"), { spans: 256, canUse: 41 });
    assert.deepEqual(bandLevels(fat, 3000, 400, "linear"), { spans: 0, canUse: 0 });
  });
  it("say which edge a window lies beyond", () => {
    assert.equal(offscale(2800, 3200, -1024, 1200), "right");
    assert.equal(offscale(-1700, -1300, -1024, 1200), "left");
    assert.equal(offscale(-160, 240, -1024, 1200), "");
  });
});

describe("tissue band labels", { skip }, () => {
  it("reach WCAG AA contrast (4.5:1) on every band colour", () => {
    for (const { name, color } of golden?.tissues ?? []) {
      const ratio = contrastRatio(color, textColourOn(color));
      assert.ok(ratio >= 4.5, `${name} ${color}: ${ratio.toFixed(2)}:1`);
    }
  });
  it("compute contrast as WCAG does", () => {
    assert.equal(contrastRatio("#000000", "#ffffff"), 21);
    assert.equal(contrastRatio("#777777", "#777777"), 1);
  });
});

describe("reading ahead", () => {
  it("wants the slice, then 24 ahead in the direction of travel and 2 behind, nearest first", () => {
    const order = wanted(100, 1, 300);
    assert.deepEqual(order.slice(0, 6), [100, 101, 99, 102, 98, 103]);
    assert.equal(order.length, 27);
    assert.equal(Math.max(...order), 124);
    assert.equal(Math.min(...order), 98);
  });
  it("reads ahead downwards when scrolling down, and stays inside the volume", () => {
    assert.deepEqual(wanted(3, -1, 300).slice(0, 6), [3, 2, 4, 1, 5, 0]);
    assert.ok(wanted(298, 1, 300).every((i) => i >= 0 && i < 300));
  });
});

describe("label maps over the slice", () => {
  it("outlines are the pixels touching another label, as label_outlines", () => {
    const labels = new Uint8Array(25);
    for (let row = 1; row < 4; row++) for (let col = 1; col < 4; col++) labels[row * 5 + col] = 2;
    const outline = Array.from(labels, (_, i) => isOutline(labels, 5, 5, Math.floor(i / 5), i % 5));
    assert.equal(outline.filter(Boolean).length, 8);
    assert.equal(outline[12], false); // the centre of the square
    assert.equal(outline[0], false); // background is never outline
  });
  it("the slice's edge is not an outline", () => {
    const labels = new Uint8Array(9).fill(1);
    assert.deepEqual(
      Array.from(labels, (_, i) => isOutline(labels, 3, 3, Math.floor(i / 3), i % 3)),
      Array(9).fill(false),
    );
  });
});

describe("label pixels equal ctlab.plot.label_pixels", { skip }, () => {
  for (const c of golden?.labels ?? []) {
    const mode = c.outline ? "outlined" : `filled at ${c.opacity}`;
    it(`${mode}, labels ${c.colors.map(([v]) => v).join(", ")}`, () => {
      const pixels = Uint32Array.from(c.grey, (g) => (0xff000000 | (g << 16) | (g << 8) | g) >>> 0);
      const labels = Uint16Array.from(c.labels);
      paintLabels(pixels, labels, c.rows, c.cols, new Map(c.colors), c.outline, c.opacity);
      const got = Array.from(pixels, (p) => [p & 255, (p >>> 8) & 255, (p >>> 16) & 255]);
      assert.deepEqual(got, c.rgb);
      assert.ok(pixels.every((p) => p >>> 24 === 255));
    });
  }
});
