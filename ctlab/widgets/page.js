// A saved page: a ctlab widget with no kernel, from the data embedded in the
// page (ctlab/widgets/page.py writes it).
//
// The views are the widgets' own modules (slice_view.js, histogram_view.js,
// window_controls.js, range_control.js), rendered on small in-page models
// offering what they use of an anywidget model: get, set, on/off,
// save_changes, send. A slice request is answered from the embedded slices
// (deflated int16, base64) exactly as the kernel answers it, so the slice
// store inflates them with DecompressionStream as it does in JupyterLab; a
// label map's slices (uint8/uint16) travel the same way, after the HU slices.
// The ipywidgets controls that are not anywidgets (menus, check boxes) get
// small HTML equivalents driving the same model keys.

import histogramView from "./histogram_view.js";
import rangeControl from "./range_control.js";
import sliceView from "./slice_view.js";
import windowControls from "./window_controls.js";
import { formatWindow } from "./window_steps.js";

const VIEWS = {
  slice_view: sliceView,
  histogram_view: histogramView,
  window_controls: windowControls,
  range_control: rangeControl,
};
// anywidget sends a widget reference as "anywidget:<model id>".
const REFERENCE = /^(anywidget:|IPY_MODEL_)/;

const same = (a, b) => a === b || JSON.stringify(a) === JSON.stringify(b);

function decode(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// A model as the views see it: Backbone's change events, for one page.
export class PageModel {
  constructor(state, slices = null, labelSlices = null) {
    this.state = Object.fromEntries(
      Object.entries(state).map(([key, value]) => [
        key,
        value?.$bytes ? new DataView(decode(value.$bytes).buffer) : value,
      ]),
    );
    this.slices = slices; // base64 of each slice, deflated, for a slice view
    this.labelSlices = labelSlices; // and of its label map's slices, when it has one
    this.handlers = new Map();
  }

  get(key) {
    return this.state[key];
  }

  set(key, value) {
    const changes = typeof key === "string" ? { [key]: value } : key;
    const changed = Object.keys(changes).filter((name) => !same(this.state[name], changes[name]));
    for (const name of changed) this.state[name] = changes[name];
    for (const name of changed) this.emit(`change:${name}`, this, changes[name]);
    if (changed.length) this.emit("change", this);
  }

  save_changes() {
    // Nothing to save: the page's models are the only state there is.
  }

  on(events, handler) {
    for (const event of events.split(/\s+/).filter(Boolean)) {
      if (!this.handlers.has(event)) this.handlers.set(event, new Set());
      this.handlers.get(event).add(handler);
    }
  }

  off(events, handler) {
    for (const event of events.split(/\s+/).filter(Boolean)) this.handlers.get(event)?.delete(handler);
  }

  emit(event, ...args) {
    for (const handler of [...(this.handlers.get(event) ?? [])]) handler(...args);
  }

  // A slice request answered from the page, after the current event as a
  // kernel's answer would be (SliceView._answer): the label slices, if any,
  // follow the HU slices in the same order.
  send(message) {
    if (message.type !== "request" || !this.slices) return;
    const indices = message.indices.filter((i) => i >= 0 && i < this.slices.length);
    const buffers = indices.map((i) => new DataView(decode(this.slices[i]).buffer));
    const answer = { type: "slices", indices, dtype: this.state._dtype, encoding: "deflate" };
    if (this.labelSlices) {
      buffers.push(...indices.map((i) => new DataView(decode(this.labelSlices[i]).buffer)));
      answer.label_dtype = this.state._label_dtype;
    }
    setTimeout(() => this.emit("msg:custom", answer, buffers), 0);
  }
}

// Keep `key` of two models equal, the first one's value first (ipywidgets' jslink).
function link([source, sourceKey], [target, targetKey]) {
  target.set(targetKey, source.get(sourceKey));
  source.on(`change:${sourceKey}`, () => target.set(targetKey, source.get(sourceKey)));
  target.on(`change:${targetKey}`, () => source.set(sourceKey, target.get(targetKey)));
}

const CONTROLS = {
  select(node, model) {
    const label = document.createElement("label");
    label.className = "ctlab-page-control";
    label.textContent = node.description ? `${node.description} ` : "";
    const select = document.createElement("select");
    for (const [text, value] of node.options) select.add(new Option(text, value));
    const show = () => {
      select.value = model.get("value");
    };
    select.addEventListener("change", () => model.set("value", select.value));
    model.on("change:value", show);
    show();
    label.append(select);
    return label;
  },
  button(node, model) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "ctlab-page-control";
    button.textContent = node.description;
    button.title = node.tooltip;
    button.addEventListener("click", () => model.emit("click"));
    return button;
  },
  checkbox(node, model) {
    const label = document.createElement("label");
    label.className = "ctlab-page-control";
    const box = document.createElement("input");
    box.type = "checkbox";
    const show = () => {
      box.checked = Boolean(model.get("value"));
    };
    box.addEventListener("change", () => model.set("value", box.checked));
    model.on("change:value", show);
    show();
    label.append(box, ` ${node.description}`);
    return label;
  },
};

// What Python does for a widget in the kernel, done here instead.
const BEHAVIOURS = {
  // Two keys kept equal (ipywidgets' jslink, or a link Python keeps in the kernel).
  link({ source, target }, models) {
    link([models[source[0]], source[1]], [models[target[0]], target[1]]);
  },
  // A preset menu sets its view's window; moving the window away shows "custom".
  preset({ menu, view, windows }, models) {
    const [menuModel, viewModel] = [models[menu], models[view]];
    let applying = false;
    menuModel.on("change:value", () => {
      const window = windows[menuModel.get("value")];
      if (!window) return;
      applying = true;
      viewModel.set(window);
      applying = false;
    });
    viewModel.on("change:center change:width", () => {
      const window = windows[menuModel.get("value")];
      if (applying || !window) return;
      if (window.center !== viewModel.get("center") || window.width !== viewModel.get("width")) {
        menuModel.set("value", "");
      }
    });
  },
  // A reset button puts the models' starting values back.
  reset({ button, start }, models) {
    models[button].on("click", () => {
      for (const [id, values] of start) models[id].set(values);
    });
  },
  // Check boxes choosing the tissue bands an overlay colours, in their order.
  overlay({ boxes, view }, models) {
    const update = () => {
      const chosen = boxes.filter(([box]) => models[box].get("value")).map(([, record]) => record);
      models[view].set("overlay", chosen);
    };
    for (const [box] of boxes) models[box].on("change:value", update);
  },
  // Check boxes choosing the labels a view draws, in their order (as LabelTraits does).
  labels({ boxes, view }, models) {
    const update = () => {
      const shown = boxes.filter(([box]) => models[box].get("value")).map(([, value]) => value);
      models[view].set("labels_shown", shown);
    };
    for (const [box] of boxes) models[box].on("change:value", update);
  },
  // The composite of an RGB widget follows its three channels' windows.
  rgb({ composite, channels }, models) {
    const update = () => {
      const windows = channels.map((channel) => ({
        center: models[channel].get("center"),
        width: models[channel].get("width"),
        function: models[channel].get("function"),
      }));
      models[composite].set("rgb_windows", windows);
    };
    for (const channel of channels) models[channel].on("change:center change:width change:function", update);
  },
  // A panel's title names its window once the window is moved off the start.
  retitle({ view, prefix }, models) {
    const model = models[view];
    const start = { center: model.get("center"), width: model.get("width"), title: model.get("title") };
    model.on("change:center change:width", () => {
      const center = model.get("center");
      const width = model.get("width");
      const moved = center !== start.center || width !== start.width;
      model.set("title", moved ? `${prefix}${formatWindow(center, width)}` : start.title);
    });
  },
};

function build(node, models, host) {
  const el = document.createElement(node.kind === "accordion" ? "details" : "div");
  el.className = (node.classes ?? []).join(" ");
  Object.assign(el.style, node.style ?? {});
  if (node.kind === "box" || node.kind === "accordion") {
    el.classList.add("ctlab-page-box");
    el.style.flexDirection = node.direction;
    if (node.kind === "accordion") {
      const summary = document.createElement("summary");
      summary.textContent = node.title;
      el.append(summary);
    }
    for (const child of node.children) el.append(build(child, models, host));
  } else if (node.kind === "view") {
    // A view's render may be async (it waits for host.getModel); errors show in the console.
    Promise.resolve(VIEWS[node.module].render({ model: models[node.model], el, host })).catch((error) => {
      console.error(error);
    });
  } else if (node.kind === "html") {
    el.innerHTML = node.html;
  } else {
    el.append(CONTROLS[node.kind](node, models[node.model]));
  }
  return el;
}

// Build the page's widget into `root` from the embedded data `page`.
export function show(root, page) {
  const models = {};
  for (const [id, state] of Object.entries(page.models)) {
    const slices = state._page_slices?.map((key) => page.slices[key]) ?? null;
    const labelSlices = state._page_label_slices?.map((key) => page.slices[key]) ?? null;
    models[id] = new PageModel(state, slices, labelSlices);
  }
  const host = { getModel: async (reference) => models[String(reference).replace(REFERENCE, "")] };
  for (const behaviour of page.behaviours) BEHAVIOURS[behaviour.kind](behaviour, models);
  root.append(build(page.layout, models, host));
  return models;
}

// In a saved page; not where the module is only imported (Node's unit tests).
const data = globalThis.document?.getElementById("ctlab-page-data");
if (data) {
  const root = document.getElementById("ctlab-page-root");
  window.ctlabModels = show(root, JSON.parse(data.textContent));
}
