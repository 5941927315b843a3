// The slices of one SliceView's image in the browser: asked of the kernel
// when needed, kept in a cache shared by every view of the same model, and
// read ahead in the direction the student scrolls.
//
// Over a far-away kernel (Binder: ~150 ms there and back) a slice asked for
// only when it is needed arrives too late to follow a held arrow key, so the
// store keeps up to READ_AHEAD slices ahead in the direction of travel on
// their way, several per message (BATCH), deflated on the wire and inflated
// here with the browser's DecompressionStream.

import { typedArray } from "./voi.js";

const CACHE_BYTES = 256 * 1024 * 1024; // slices kept per widget
const READ_AHEAD = 24; // slices ahead in the direction of travel
const BEHIND = 2; // and behind it, for a step back
const BATCH = 6; // slices per request message
const MAX_PENDING = 36; // slices on their way at most

// Per-model state, shared by every view of the same widget.
const stores = new WeakMap();

const ARRAY_TYPES = {
  float32: Float32Array,
  float64: Float64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  int16: Int16Array,
};

async function inflate(view) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new DataView(await new Response(stream).arrayBuffer());
}

// The store of `model`: its cached slices (and label slices, when the view
// has a label map: they come in the same message, after the HU slices), the
// requests in flight, the direction of travel, and the listeners called with
// each slice's index as it arrives.
export function storeOf(model) {
  let store = stores.get(model);
  if (!store) {
    store = {
      slices: new Map(),
      labels: new Map(),
      pending: new Set(),
      listeners: new Set(),
      direction: 1,
      last: null,
    };
    stores.set(model, store);
    model.on("msg:custom", (message, buffers) => {
      if (message.type !== "slices") return;
      const Type = ARRAY_TYPES[message.dtype] ?? Int16Array;
      const LabelType = ARRAY_TYPES[message.label_dtype];
      const count = message.indices.length;
      const decode = (buffer) => (message.encoding === "deflate" ? inflate(buffer) : buffer);
      message.indices.forEach(async (index, k) => {
        const view = await decode(buffers[k]);
        const labels = LabelType ? typedArray(await decode(buffers[count + k]), LabelType) : null;
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

// Forget the oldest slices first (Map keeps insertion order) beyond
// CACHE_BYTES, with their label slices.
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

// The slices to have around `index`, nearest first: the slice itself, then
// READ_AHEAD ahead in the direction of travel and BEHIND behind it.
export function wanted(index, direction, count) {
  const order = [index];
  for (let step = 1; step <= READ_AHEAD; step++) {
    order.push(index + direction * step);
    if (step <= BEHIND) order.push(index - direction * step);
  }
  return order.filter((i) => i >= 0 && i < count);
}

// Ask the kernel for what is missing around slice `index`, BATCH slices per
// message, with at most MAX_PENDING on their way.
export function readAhead(model, store, index) {
  if (store.last !== null && index !== store.last) store.direction = Math.sign(index - store.last);
  store.last = index;
  const missing = wanted(index, store.direction, model.get("_shape")[0]).filter(
    (i) => !store.slices.has(i) && !store.pending.has(i),
  );
  const room = Math.max(0, MAX_PENDING - store.pending.size);
  const asked = missing.slice(0, room);
  for (let start = 0; start < asked.length; start += BATCH) {
    const indices = asked.slice(start, start + BATCH);
    for (const i of indices) store.pending.add(i);
    model.send({ type: "request", indices });
  }
}
