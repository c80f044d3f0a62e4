// Koridor's properties panel: a user task's step from the registry (no free-typed names), the step's
// actions and fields as the registry declares them, the org / assignee / due variables, the lane
// with the role's Russian name. Edits go into the task's spiffworkflow:properties.
const HUMAN = ["bpmn:UserTask", "bpmn:ManualTask"];

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function propsOf(bo, moddle, create) {
  let ext = bo.extensionElements;
  if (!ext && !create) return null;
  if (!ext) { ext = moddle.create("bpmn:ExtensionElements", { values: [] }); ext.$parent = bo; bo.extensionElements = ext; }
  let props = (ext.values || []).find((v) => v.$type === "spiffworkflow:Properties");
  if (!props && create) {
    props = moddle.create("spiffworkflow:Properties", { properties: [] });
    props.$parent = ext;
    ext.values = (ext.values || []).concat([props]);
  }
  return props || null;
}

export function readProps(bo) {
  const props = propsOf(bo, null, false);
  const out = {};
  for (const p of (props && props.properties) || []) out[p.name] = p.value;
  return out;
}

function writeProp(modeler, element, name, value) {
  const bo = element.businessObject;
  const props = propsOf(bo, modeler.get("moddle"), true);
  props.properties = props.properties || [];
  const existing = props.properties.find((p) => p.name === name);
  if (value === null || value === undefined || value === "") {
    props.properties = props.properties.filter((p) => p.name !== name);
  } else if (existing) {
    existing.value = value;
  } else {
    const p = modeler.get("moddle").create("spiffworkflow:Property", { name, value });
    p.$parent = props;
    props.properties.push(p);
  }
  // tell the modeler the element changed (dirty state, re-render), without a command of our own
  modeler.get("eventBus").fire("elements.changed", { elements: [element] });
}

export function laneOf(modeler, element) {
  const registry = modeler.get("elementRegistry");
  const cx = element.x + element.width / 2;
  const cy = element.y + element.height / 2;
  const lanes = registry.filter((e) => e.type === "bpmn:Lane" && cx >= e.x && cx <= e.x + e.width
                                       && cy >= e.y && cy <= e.y + e.height);
  lanes.sort((a, b) => a.width * a.height - b.width * b.height);
  if (lanes.length) return lanes[0].businessObject.name;
  const listed = registry.filter((e) => e.type === "bpmn:Lane"
    && (e.businessObject.flowNodeRef || []).some((n) => n.id === element.id));
  return listed.length ? listed[0].businessObject.name : null;
}

function statusOf(value) {
  const m = /(?:^|;)\s*status=([^;]*)/.exec(value || "");
  return m ? m[1].trim() : "";
}

function withStatus(value, status) {
  const parts = (value || "").split(";").map((s) => s.trim()).filter((s) => s && !s.startsWith("status="));
  if (status) parts.unshift(`status=${status}`);
  return parts.join("; ");
}

export function renderPanel(box, state, texts) {
  const modeler = state.modeler;
  const selected = modeler.get("selection").get();
  box.innerHTML = "";
  if (selected.length !== 1 || !HUMAN.includes(selected[0].type)) {
    box.appendChild(el("p", texts.select, { class: "muted" }));
    return;
  }
  const element = selected[0];
  const props = readProps(element.businessObject);
  const steps = state.context.steps;
  const stepName = props.step || element.id;
  const step = steps.find((s) => s.name === stepName);
  const roles = state.context.roles;
  const lane = laneOf(modeler, element);

  box.appendChild(el("h3", `${element.businessObject.name || element.id} (${element.id})`));
  box.appendChild(el("p", `${texts.lane}: ${lane ? `${roles[lane] || lane} (${lane})` : texts.not_in_lane}`,
                     { id: "kp-lane" }));

  box.appendChild(el("label", texts.step, { for: "kp-step" }));
  const stepSelect = el("select", null, { id: "kp-step" });
  if (!step) stepSelect.appendChild(el("option", `${stepName} — ?`, { value: stepName }));
  for (const s of steps) {
    const option = el("option", `${s.title} (${s.name})`, { value: s.name });
    stepSelect.appendChild(option);
  }
  stepSelect.value = stepName;
  stepSelect.addEventListener("change", () => {
    state.editing = true;
    writeProp(modeler, element, "step", stepSelect.value);
    state.editing = false;
    renderPanel(box, state, texts);
  });
  box.appendChild(stepSelect);

  for (const [name, label] of [["org", texts.org], ["assignee", texts.assignee], ["due", texts.due]]) {
    box.appendChild(el("label", label, { for: `kp-${name}` }));
    const input = el("input", null, { id: `kp-${name}`, type: "text", value: props[name] || "" });
    input.addEventListener("change", () => {
      state.editing = true;
      writeProp(modeler, element, name, input.value.trim());
      state.editing = false;
    });
    box.appendChild(input);
  }

  box.appendChild(el("h4", texts.actions));
  const declared = Object.keys(props).filter((k) => k.startsWith("action:")).map((k) => k.slice(7));
  const known = step ? step.actions : [];
  const names = known.map((a) => a.name).concat(declared.filter((d) => !known.some((a) => a.name === d)));
  for (const name of names) {
    const action = known.find((a) => a.name === name);
    const row = el("div", null, { class: action ? "kp-action" : "kp-action kp-stray", "data-action": name });
    const id = `kp-action-${name}`;
    const box2 = el("input", null, { id, type: "checkbox" });
    box2.checked = declared.includes(name);
    const label = el("label", action ? `${action.label} (${name})` : `${name} — ${texts.stray}`, { for: id });
    label.prepend(box2);
    row.appendChild(label);
    const statusInput = el("input", null, { id: `${id}-status`, type: "text", placeholder: "status=…",
                                            value: statusOf(props[`action:${name}`]) });
    const save = () => {
      state.editing = true;
      writeProp(modeler, element, `action:${name}`,
                box2.checked ? withStatus(props[`action:${name}`] || "", statusInput.value.trim()) || " " : null);
      state.editing = false;
    };
    box2.addEventListener("change", save);
    statusInput.addEventListener("change", save);
    row.appendChild(statusInput);
    if (action && action.fields.length) {
      const fields = el("ul", null, { class: "kp-fields" });
      for (const f of action.fields) {
        fields.appendChild(el("li", `${f.label} — ${f.name}: ${f.type}${f.required ? `, ${texts.required}` : ""}`));
      }
      row.appendChild(fields);
    }
    box.appendChild(row);
  }
}
