// The modeler page: open a deployed version, edit it in bpmn-js (or dmn-js), set a task's Koridor
// properties from the step registry, lint, deploy, diff and a migration dry run. All data comes from
// the page's JSON routes (web/pages/modeler_page.py); no inline script (the page's CSP).
import { problemsOf, renderProblems, renderDiff, renderMigration } from "./reports.js";
import { renderPanel } from "./panel.js";

export function startPage(root, K) {
  const texts = JSON.parse(root.dataset.texts || "{}");
  const base = root.dataset.baseUrl;
  const state = { modeler: null, kind: "bpmn", processId: null, version: null, context: null, markers: [] };
  const $ = (id) => document.getElementById(id);
  const status = (text, error) => {
    $("modeler-status").textContent = text || "";
    $("modeler-status").classList.toggle("error", !!error);
  };

  async function call(url, options = {}) {
    const headers = Object.assign({ "X-CSRF-Token": root.dataset.csrf }, options.headers || {});
    const response = await fetch(url, Object.assign({ credentials: "same-origin" }, options, { headers }));
    const type = response.headers.get("Content-Type") || "";
    const body = type.includes("json") ? await response.json() : await response.text();
    return { ok: response.ok, status: response.status, body };
  }

  async function loadContext() {
    const answer = await call(root.dataset.contextUrl);
    if (!answer.ok) throw new Error(answer.body.message || texts.failed);
    state.context = answer.body;
    const select = $("modeler-version");
    const chosen = select.value;
    select.innerHTML = "";
    for (const model of state.context.models) {
      for (const v of model.versions.slice().reverse()) {
        const option = document.createElement("option");
        option.value = `${model.process_id}/${v.version}`;
        option.textContent = `${model.process_id} — v${v.version}${v.is_current ? " ✓" : ""}`;
        select.appendChild(option);
      }
    }
    if (chosen) select.value = chosen;
  }

  function clearMarkers() {
    if (state.kind !== "bpmn" || !state.modeler) return;
    const canvas = state.modeler.get("canvas");
    for (const id of state.markers) canvas.removeMarker(id, "koridor-problem");
    state.markers = [];
  }

  function highlight(ids) {
    clearMarkers();
    if (state.kind !== "bpmn") return;
    const registry = state.modeler.get("elementRegistry");
    const canvas = state.modeler.get("canvas");
    for (const id of ids) {
      if (registry.get(id)) { canvas.addMarker(id, "koridor-problem"); state.markers.push(id); }
    }
  }

  function select(id) {
    if (state.kind !== "bpmn") return;
    const element = state.modeler.get("elementRegistry").get(id);
    if (!element) return;
    state.modeler.get("selection").select(element);
    state.modeler.get("canvas").scrollToElement(element);
  }

  async function open(processId, version) {
    const answer = await call(`${base}/source/${encodeURIComponent(processId)}/${version}`);
    if (!answer.ok) { status(answer.body.message || texts.failed, true); return; }
    const xml = answer.body;
    const kind = /<(\w+:)?definitions[^>]*omg\.org\/spec\/DMN/.test(xml) ? "dmn" : "bpmn";
    if (state.modeler) state.modeler.destroy();
    $("modeler-canvas").innerHTML = "";
    const Modeler = kind === "dmn" ? K.DmnModeler : K.BpmnModeler;
    state.modeler = new Modeler({ container: "#modeler-canvas", moddleExtensions: K.moddleExtensions });
    Object.assign(state, { kind, processId, version, markers: [] });
    await state.modeler.importXML(xml);
    $("modeler-download").href = `${base}/source/${encodeURIComponent(processId)}/${version}`;
    $("modeler-download").setAttribute("download", `${processId}-v${version}.${kind}`);
    $("modeler-report").hidden = true;
    if (kind === "bpmn") {
      state.modeler.get("canvas").zoom("fit-viewport");
      const show = () => renderPanel($("modeler-properties"), state, texts);
      state.modeler.on("selection.changed", show);
      state.modeler.on("elements.changed", () => { if (!state.editing) show(); });
    } else {
      $("modeler-properties").innerHTML = "";
    }
    status(`${processId} v${version}`);
  }

  async function saved() {
    const { xml } = await state.modeler.saveXML({ format: true });
    return xml;
  }

  async function lint() {
    const answer = await call(`${base}/lint`, { method: "POST", body: await saved(),
                                               headers: { "Content-Type": "application/xml" } });
    report(answer, texts.lint_ok);
    return answer.ok;
  }

  function report(answer, okText) {
    const box = $("modeler-report");
    if (answer.ok) {
      clearMarkers();
      box.hidden = true;
      status(answer.body.message || okText);
      return;
    }
    const problems = problemsOf(answer.body);
    highlight(problems.map((p) => p.element));
    renderProblems(box, answer.body.message, problems, texts, select);
    status(answer.body.message || texts.failed, true);
  }

  async function deploy() {
    const name = `${state.processId}.${state.kind}`;
    const answer = await call(`${base}/deploy?filename=${encodeURIComponent(name)}`, {
      method: "POST", body: await saved(), headers: { "Content-Type": "application/xml" } });
    if (!answer.ok) { report(answer); return; }
    clearMarkers();
    $("modeler-report").hidden = true;
    await loadContext();
    status(answer.body.created === false ? answer.body.message : texts.deployed.replace("{v}", answer.body.version));
    state.deployed = answer.body.version;
  }

  function currentVersion() {
    const model = state.context.models.find((m) => m.process_id === state.processId);
    return model ? model.current_version : null;
  }

  async function diff() {
    const current = currentVersion();
    const answer = await call(`${base}/diff/${encodeURIComponent(state.processId)}/${state.version}/${current}`);
    if (!answer.ok) { status(answer.body.message || texts.failed, true); return; }
    renderDiff($("modeler-report"), answer.body, texts);
  }

  async function migrate() {
    const current = currentVersion();
    const answer = await call(`${base}/migrate/${encodeURIComponent(state.processId)}/${current}`, { method: "POST" });
    if (!answer.ok) { status(answer.body.message || texts.failed, true); return; }
    renderMigration($("modeler-report"), answer.body, texts);
  }

  const guard = (fn) => async (event) => {
    if (event) event.preventDefault();
    try { await fn(); } catch (err) { status(`${texts.failed}: ${err.message || err}`, true); }
  };
  $("modeler-open").addEventListener("submit", guard(async () => {
    const [processId, version] = $("modeler-version").value.split("/");
    await open(processId, Number(version));
  }));
  $("modeler-lint").addEventListener("click", guard(lint));
  $("modeler-deploy").addEventListener("click", guard(deploy));
  $("modeler-diff").addEventListener("click", guard(diff));
  $("modeler-migrate").addEventListener("click", guard(migrate));

  guard(async () => {
    await loadContext();
    const wanted = new URLSearchParams(window.location.search);
    const first = state.context.models.find((m) => m.process_id === (wanted.get("process") || "appeal"))
      || state.context.models[0];
    if (!first) return;
    const version = Number(wanted.get("version")) || first.current_version;
    $("modeler-version").value = `${first.process_id}/${version}`;
    await open(first.process_id, version);
    root.dataset.ready = "1";
  })();
}
