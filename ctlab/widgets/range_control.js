// RangeControl: a labelled slider with its value beside it, for one number
// (the slice, the zoom, the opacity, the box percentile). A native range
// input, so it has an accessible name, works from the keyboard and shows its
// focus; linked to the view it drives in the browser (jslink on `value`).

import { ownKeys } from "./voi.js";

function render({ model, el }) {
  el.classList.add("ctlab-range-control");
  const line = document.createElement("label");
  line.className = "ctlab-control-row";
  const label = document.createElement("span");
  label.className = "ctlab-control-label";
  const input = document.createElement("input");
  input.type = "range";
  input.className = `ctlab-range-input ctlab-range-${model.get("name")}`;
  ownKeys(input);
  const readout = document.createElement("output");
  readout.className = "ctlab-range-readout";
  line.append(label, input, readout);
  el.append(line);

  // What is shown: the number itself, or its 1-based position ("12 of 48").
  const text = (value) => {
    const shown = value + model.get("offset");
    const digits = model.get("digits");
    const number = digits ? shown.toFixed(digits) : String(shown);
    const of = model.get("of_count") ? ` of ${model.get("max") + model.get("offset")}` : "";
    return `${number}${of}${model.get("unit") ? ` ${model.get("unit")}` : ""}`;
  };

  function show() {
    label.textContent = model.get("label");
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
  model.on("change", show);
  show();
  return () => model.off("change", show);
}

export default { render };
