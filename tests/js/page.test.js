// The saved page's in-page model (ctlab/widgets/page.js): what the views use of an anywidget
// model, and slice requests answered from the embedded slices through the real slice store.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deflateSync } from "node:zlib";

import { PageModel } from "../../ctlab/widgets/page.js";
import { readAhead, storeOf } from "../../ctlab/widgets/slice_store.js";

describe("PageModel", () => {
  it("fires change events for changed keys only, once per set", () => {
    const model = new PageModel({ center: 40, width: 400, overlay: [{ name: "fat" }] });
    const seen = [];
    const onWindow = (_model, value) => seen.push(value);
    const onAny = () => seen.push("change");
    model.on("change:center change:width", onWindow);
    model.on("change", onAny);
    model.set({ center: 50, width: 400 });
    model.set("overlay", [{ name: "fat" }]); // equal content: no event
    assert.deepEqual(seen, [50, "change"]);
    model.off("change:center change:width", onWindow);
    model.set("center", 60);
    assert.deepEqual(seen, [50, "change", "change"]);
    assert.equal(model.get("center"), 60);
  });

  it("decodes embedded bytes to a DataView", () => {
    const counts = Buffer.from(new Float64Array([1, 2.5]).buffer).toString("base64");
    const view = new PageModel({ _counts: { $bytes: counts } }).get("_counts");
    assert.ok(view instanceof DataView);
    assert.equal(view.getFloat64(8, true), 2.5);
  });

  it("answers slice requests from the page, as the kernel does", async () => {
    const slices = [new Int16Array([-1000, 0, 40, 3000]), new Int16Array([1, 2, 3, 4])];
    const packed = slices.map((s) => deflateSync(Buffer.from(s.buffer)).toString("base64"));
    const model = new PageModel({ _shape: [2, 2, 2], _dtype: "int16" }, packed);
    const store = storeOf(model);
    const arrived = new Promise((resolve) => {
      store.listeners.add((index) => {
        if (store.slices.size === 2) resolve(index);
      });
    });
    readAhead(model, store, 0);
    await arrived;
    assert.deepEqual([...store.slices.get(0)], [...slices[0]]);
    assert.deepEqual([...store.slices.get(1)], [...slices[1]]);
  });

  it("answers label slices after the HU slices, with their type", async () => {
    const pack = (array) => deflateSync(Buffer.from(array.buffer)).toString("base64");
    const hu = [new Int16Array([-1000, 0, 40, 3000]), new Int16Array([1, 2, 3, 4])];
    const labels = [new Uint16Array([0, 300, 300, 1]), new Uint16Array([0, 0, 2, 2])];
    const model = new PageModel(
      { _shape: [2, 2, 2], _dtype: "int16", _label_dtype: "uint16" },
      hu.map(pack),
      labels.map(pack),
    );
    const store = storeOf(model);
    const arrived = new Promise((resolve) => {
      store.listeners.add(() => {
        if (store.labels.size === 2) resolve();
      });
    });
    readAhead(model, store, 0);
    await arrived;
    assert.ok(store.labels.get(0) instanceof Uint16Array);
    assert.deepEqual([...store.labels.get(0)], [...labels[0]]);
    assert.deepEqual([...store.labels.get(1)], [...labels[1]]);
    assert.deepEqual([...store.slices.get(1)], [...hu[1]]);
  });
});
