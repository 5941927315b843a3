// Painting a slice into 32-bit RGBA pixels (little-endian: 0xAABBGGRR), one
// function per paint mode. Pure: arrays in, arrays out, no DOM.

import { int16Lut, voiLevel } from "./voi.js";

const OPAQUE = 0xff000000;

export function hexToRgb(hex) {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

// Grey levels 0..255 of every pixel, plus how many non-padding pixels were
// clipped to black and to white.
export function windowPixels(values, dtype, center, width, fn, padding) {
  const grey = new Uint8Array(values.length);
  const [padLow, padHigh] = padding.length ? padding : [Infinity, -Infinity];
  let black = 0;
  let white = 0;
  let counted = 0;
  // Two copies of the loop, so the int16 one (every real CT) stays a plain
  // table look-up per pixel with no call in it: this is the per-move hot path.
  if (dtype === "int16") {
    const lut = int16Lut(center, width, fn);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const level = lut[value & 0xffff];
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

// Values that already are grey levels (a decoded JPEG), as they are.
export function paintGrey(pixels, values) {
  for (let i = 0; i < values.length; i++) {
    const g = values[i];
    pixels[i] = OPAQUE | (g << 16) | (g << 8) | g;
  }
}

// Three windows as red, green and blue (ctlab.multiwindow).
export function paintRgb(pixels, values, dtype, windows, padding) {
  const [r, g, b] = windows.map((w) => windowPixels(values, dtype, w.center, w.width, w.function, padding).grey);
  for (let i = 0; i < values.length; i++) {
    pixels[i] = OPAQUE | (b[i] << 16) | (g[i] << 8) | r[i];
  }
}

// Windowed grey levels, inverted if asked, tinted by a "#rrggbb" colour if given.
export function paintWindowed(pixels, grey, invert, tint) {
  const [tr, tg, tb] = tint ? hexToRgb(tint).map((c) => c / 255) : [1, 1, 1];
  for (let i = 0; i < grey.length; i++) {
    const g = invert ? 255 - grey[i] : grey[i];
    if (tint) {
      pixels[i] = OPAQUE | (Math.round(g * tb) << 16) | (Math.round(g * tg) << 8) | Math.round(g * tr);
    } else {
      pixels[i] = OPAQUE | (g << 16) | (g << 8) | g;
    }
  }
}

// Tissue bands in colour over the windowed slice: what an HU threshold
// segments, whatever the window (later bands drawn over earlier ones).
// Returns the number of pixels of each band.
export function overlayBands(pixels, values, padding, bands, opacity) {
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
      pixels[i] = OPAQUE | (mix(b) << 16) | (mix(gg) << 8) | mix(r);
      break;
    }
  }
  return counts;
}

// True when the pixel at (row, col) of a row-major label map `cols` wide
// touches another label through one of its four neighbours:
// ctlab.plot.label_outlines (edges of the slice count as the pixel's own
// label; background is never outline).
export function isOutline(labels, rows, cols, row, col) {
  const i = row * cols + col;
  const value = labels[i];
  if (!value) return false;
  return (
    (row > 0 && labels[i - cols] !== value) ||
    (row < rows - 1 && labels[i + cols] !== value) ||
    (col > 0 && labels[i - 1] !== value) ||
    (col < cols - 1 && labels[i + 1] !== value)
  );
}

// A label map over the painted slice, as ctlab.plot.label_pixels: each label
// of `colors` (a Map of value -> "#rrggbb"; others are not drawn) filled,
// (1 - opacity) * under + opacity * colour rounded half up per channel, or
// its outline pixels opaque. Returns the number of pixels drawn.
export function paintLabels(pixels, labels, rows, cols, colors, outline, opacity) {
  const strength = outline ? 1 : opacity;
  // Per label, each channel's result for every level under it (3 x 256), so
  // the per-pixel loop is table look-ups; same arithmetic as label_pixels.
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
  for (let row = 0, i = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++, i++) {
      const value = labels[i];
      if (!value) continue;
      const table = tables[value];
      if (!table || (outline && !isOutline(labels, rows, cols, row, col))) continue;
      const under = pixels[i];
      pixels[i] =
        OPAQUE |
        (table[512 + ((under >>> 16) & 255)] << 16) |
        (table[256 + ((under >>> 8) & 255)] << 8) |
        table[under & 255];
      drawn++;
    }
  }
  return drawn;
}
