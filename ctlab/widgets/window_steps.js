// How a window is written and stepped, the same in every control and readout.

// One HU value as Python's f"{value:g}" writes it (6 significant digits,
// no trailing zeros), so the browser and str(ctlab.Window) agree.
export function formatHU(value) {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

// A window as str(ctlab.Window) writes it: "C 40 / W 400 HU (-160..240)".
export function formatWindow(center, width) {
  const low = center - width / 2;
  const high = center + width / 2;
  return `C ${formatHU(center)} / W ${formatHU(width)} HU (${formatHU(low)}..${formatHU(high)})`;
}

// A keyboard step for a window of this width: the round number (0.5, 1, 2,
// 5, 10, 20, 50, ... HU) nearest below 1.5% of the width, so one arrow press
// changes a W 40 fat window by 0.5 HU and a W 1500 lung window by 20 HU.
export function keyStep(width) {
  const wanted = Math.max(0.5, width * 0.015);
  let step = 0.5;
  for (let power = 0.1; power <= 1e4; power *= 10) {
    for (const multiple of [1, 2, 5]) {
      const candidate = multiple * power;
      if (candidate >= 0.5 && candidate <= wanted) step = candidate;
    }
  }
  return step;
}

// A value moved by `steps` keyboard steps, landing on the step's grid (so
// repeated presses give round numbers: 397.5 goes up to 400, down to 395),
// kept inside [low, high].
export function stepValue(value, step, steps, low, high) {
  const cells = value / step;
  const start = steps > 0 ? Math.floor(cells + 1e-9) : Math.ceil(cells - 1e-9);
  const moved = (start + steps) * step;
  return Math.min(high, Math.max(low, Number(moved.toFixed(6))));
}

// The grid a mouse drag lands on: whole HU for narrow windows, coarser for wide ones.
export function dragGrid(width) {
  if (width < 20) return 1;
  if (width < 500) return 5;
  if (width < 2000) return 50;
  return 100;
}

// `value` pulled onto the nearest detent (a standard window's centre or
// width) when it lies within `tolerance` of it, else onto `grid`.
export function snap(value, detents, tolerance, grid) {
  let best = null;
  for (const detent of detents) {
    const distance = Math.abs(detent - value);
    if (distance <= tolerance && (best === null || distance < Math.abs(best - value))) best = detent;
  }
  return best ?? Math.round(value / grid) * grid;
}
