// The browser's VOI code against ctlab.apply_window, on golden tables that
// tests/widgets/test_javascript.py writes with Python (path in CTLAB_GOLDEN).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

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
