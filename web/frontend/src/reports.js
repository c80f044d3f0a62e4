// The page's reports: lint problems (each naming its element), a diff, a migration dry run.
const PROBLEM = /^(.+?) \(строка (\d+|\?)\): ([\s\S]*)$/;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function problemsOf(body) {
  const out = [];
  for (const list of Object.values((body && body.errors) || {})) {
    for (const text of list) {
      const m = PROBLEM.exec(String(text));
      out.push(m ? { element: m[1], line: m[2], message: m[3], text } : { element: null, line: null, message: text, text });
    }
  }
  return out;
}

export function renderProblems(box, message, problems, texts, select) {
  box.innerHTML = "";
  box.appendChild(el("h2", texts.problems));
  if (message) box.appendChild(el("p", message));
  const list = el("ul", null, "modeler-problems");
  for (const p of problems) {
    const item = el("li", p.text, "modeler-problem");
    if (p.element) {
      item.dataset.element = p.element;
      item.tabIndex = 0;
      item.addEventListener("click", () => select(p.element));
    }
    list.appendChild(item);
  }
  box.appendChild(list);
  box.hidden = false;
}

function value(v) {
  return v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v);
}

export function renderDiff(box, diff, texts) {
  box.innerHTML = "";
  box.appendChild(el("h2", `v${diff.version_a.version} → v${diff.version_b.version}`));
  if (diff.identical) { box.appendChild(el("p", texts.no_diff)); box.hidden = false; return; }
  const list = el("ul", null, "modeler-diff");
  for (const item of diff.added) list.appendChild(el("li", `+ ${item.id} (${item.kind}) ${item.name || ""}`));
  for (const item of diff.removed) list.appendChild(el("li", `− ${item.id} (${item.kind}) ${item.name || ""}`));
  for (const item of diff.changed) {
    const li = el("li", `~ ${item.id} (${item.kind}) ${item.name || ""}`);
    const sub = el("ul");
    for (const c of item.changes) sub.appendChild(el("li", `${c.aspect}: ${value(c.old)} → ${value(c.new)}`));
    li.appendChild(sub);
    list.appendChild(li);
  }
  box.appendChild(list);
  box.hidden = false;
}

export function renderMigration(box, report, texts) {
  box.innerHTML = "";
  const s = report.summary;
  box.appendChild(el("h2", `${texts.dry_run}: v${report.to_version}`));
  box.appendChild(el("p", `${texts.candidates}: ${s.candidates}; ${s.moved} ${texts.moved}, ${s.refused} ${texts.refused}`, "migration-summary"));
  const list = el("ul");
  for (const item of report.refused) {
    list.appendChild(el("li", `#${item.subject_id} (v${item.from_version}): ${item.reasons.join("; ")}`));
  }
  box.appendChild(list);
  box.hidden = false;
}
