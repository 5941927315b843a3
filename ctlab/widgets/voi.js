// The DICOM VOI LUT functions (PS3.3 C.11.2.1.2) in the browser, bit for bit
// what ctlab.apply_window computes: same float64 arithmetic in the same order,
// rounded half up, NaN drawn black. Imported by each view; esbuild bundles
// them into ctlab/widgets/static/ (npm run build), which anywidget ships.

export const GREY_MAX = 255;

// Unrounded grey level 0..255 of one HU value.
export function voiGrey(hu, center, width, fn) {
  if (fn === "sigmoid") {
    return GREY_MAX / (1 + Math.exp((-4 * (hu - center)) / width));
  }
  let grey;
  if (fn === "linear_exact") {
    grey = ((hu - center) / width + 0.5) * GREY_MAX;
  } else if (width === 1) {
    // LINEAR with w = 1 is a step at c - 0.5 (its ramp has zero length).
    return hu <= center - 0.5 ? 0 : GREY_MAX;
  } else {
    grey = ((hu - (center - 0.5)) / (width - 1) + 0.5) * GREY_MAX;
  }
  return Math.min(Math.max(grey, 0), GREY_MAX);
}

// Rounded grey level (0..255), as ctlab.apply_window returns it before inversion.
export function voiLevel(hu, center, width, fn) {
  const level = Math.floor(voiGrey(hu, center, width, fn) + 0.5);
  return Number.isNaN(level) ? 0 : level;
}

// Grey level of every int16 value, indexed by its bit pattern (value & 0xFFFF).
export function int16Lut(center, width, fn) {
  const lut = new Uint8Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    lut[bits] = voiLevel(bits < 32768 ? bits : bits - 65536, center, width, fn);
  }
  return lut;
}

// How many of the 256 grey levels the HU range low..high spans (ctlab.grey_levels).
export function greyLevelsSpanned(low, high, center, width, fn) {
  return Math.abs(voiLevel(high, center, width, fn) - voiLevel(low, center, width, fn)) + 1;
}

// The narrowest tissue band holding an HU value (ctlab.tissue_at); bands come
// from Python already sorted narrowest first.
export function tissueAt(hu, bandsByWidth) {
  for (const band of bandsByWidth) {
    if (band.low <= hu && hu <= band.high) return band;
  }
  return null;
}

// A Bytes trait or message buffer arrives as a DataView: view it as the typed
// array it holds (copying when its offset is not aligned for that type).
export function typedArray(view, Type) {
  const bytes = view.byteLength;
  if (view.byteOffset % Type.BYTES_PER_ELEMENT === 0) {
    return new Type(view.buffer, view.byteOffset, bytes / Type.BYTES_PER_ELEMENT);
  }
  return new Type(view.buffer.slice(view.byteOffset, view.byteOffset + bytes));
}

// Keyboard input on our own elements must reach them, not JupyterLab's
// notebook shortcuts (which swallow arrow keys in command mode).
export function ownKeys(element) {
  element.setAttribute("data-lm-suppress-shortcuts", "true");
  element.tabIndex = 0;
}
