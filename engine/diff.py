"""What changed between two versions of a diagram, element by element (issue 7).

A pure function over the XML (lxml, the same hardened parser as deployment): every BPMN
element with an id inside the processes (tasks, events, gateways, sub-processes, flows, lanes)
is described by what matters for routing: its kind, name, lane, parent sub-process, the
properties (title, step, org, assignee, due, status), each action's status / fields / label,
a flow's source, target and condition, a gateway's default, a timer's kind and expression,
a boundary event's host and whether it interrupts, a service task's operation. Two versions are
compared by element id: added, removed, and changed with the old and new value of each aspect.
Layout (BPMNDiagram) and documentation are ignored.
"""
from __future__ import annotations

from typing import Any

from lxml import etree

from .dmn import describe_dmn
from .lanes import lane_map
from .lint import BPMN_NS, SPIFF_NS, load_xml, properties, split_action

_SKIP = {"laneSet", "extensionElements", "incoming", "outgoing", "flowNodeRef", "conditionExpression",
         "documentation", "timeDate", "timeDuration", "timeCycle", "text", "textAnnotation", "association"}
_CATEGORIES = {"sequenceFlow": "flow", "lane": "lane", "exclusiveGateway": "gateway",
               "parallelGateway": "gateway", "inclusiveGateway": "gateway", "eventBasedGateway": "gateway",
               "subProcess": "subprocess", "callActivity": "subprocess", "process": "process"}


def _category(kind: str) -> str:
    if kind in _CATEGORIES:
        return _CATEGORIES[kind]
    if kind.endswith("Event"):
        return "event"
    if kind.endswith("Task") or kind == "task":
        return "task"
    return kind


def describe(root: etree._Element) -> dict[str, dict[str, Any]]:
    """Every routed element of the diagram by id: {'kind', 'category', 'line', 'aspects': {...}}."""
    lanes = lane_map(root)
    out: dict[str, dict[str, Any]] = {}
    for proc in root.iter(f"{{{BPMN_NS}}}process"):
        for el in proc.iter(etree.Element):
            qname = etree.QName(el)
            if qname.namespace != BPMN_NS or not el.get("id") or qname.localname in _SKIP:
                continue
            if qname.localname.endswith("EventDefinition"):
                continue
            out[el.get("id")] = {"kind": qname.localname, "category": _category(qname.localname),
                                 "line": el.sourceline, "aspects": _aspects(el, qname.localname, lanes)}
    return out


def _aspects(el: etree._Element, kind: str, lanes: dict[str, str]) -> dict[str, Any]:
    a: dict[str, Any] = {"name": el.get("name")}
    if kind == "process":
        a["executable"] = el.get("isExecutable")
        return a
    if kind == "lane":
        return a
    parent = el.getparent()
    if parent is not None and etree.QName(parent).localname == "subProcess":
        a["parent"] = parent.get("id")
    if el.get("id") in lanes:
        a["lane"] = lanes[el.get("id")]
    if kind == "sequenceFlow":
        a["source"], a["target"] = el.get("sourceRef"), el.get("targetRef")
        cond = el.find(f"{{{BPMN_NS}}}conditionExpression")
        a["condition"] = (cond.text or "").strip() if cond is not None else None
        return a
    if kind.endswith("Gateway"):
        a["default"] = el.get("default")
    if kind == "boundaryEvent":
        a["attached_to"] = el.get("attachedToRef")
        a["interrupting"] = el.get("cancelActivity", "true") != "false"
    for definition in el:
        local = etree.QName(definition).localname
        if local.endswith("EventDefinition"):
            a["event"] = local
        if local == "timerEventDefinition":
            for child in definition:
                a["timer"] = f"{etree.QName(child).localname}: {(child.text or '').strip()}"
    op = el.find(f"{{{BPMN_NS}}}extensionElements/{{{SPIFF_NS}}}serviceTaskOperator")
    if op is not None:
        a["operation"] = op.get("id")
    for key, value, _prop in properties(el):
        if key.startswith("action:"):
            parts = split_action(value)
            for part in ("status", "fields", "label"):
                a[f"{key}.{part}"] = _normal_fields(parts.get(part)) if part == "fields" else parts.get(part)
        else:
            a[f"property:{key}"] = value
    script = el.find(f"{{{BPMN_NS}}}script")
    if script is not None:
        a["script"] = (script.text or "").strip()
    return a


def _normal_fields(value: str | None) -> str | None:
    if value is None:
        return None
    return ", ".join(f.strip() for f in value.split(",") if f.strip())


def diff_definitions(xml_a: bytes | str, xml_b: bytes | str) -> dict[str, Any]:
    """Compare two diagram versions by element id.

    Returns {'added': [...], 'removed': [...], 'changed': [...], 'summary': {...}}: added and
    removed items have `id`, `kind`, `category`, `name`, `line` (and the aspects); changed
    items have `id`, `kind`, `category`, `line_a`, `line_b` and `changes`, a list of
    {`aspect`, `old`, `new`} (aspects: name, lane, parent, source, target, condition, default,
    timer, event, attached_to, interrupting, operation, `property:<name>`,
    `action:<name>.status|fields|label`).
    """
    root_a = load_xml(xml_a.encode("utf-8") if isinstance(xml_a, str) else xml_a)
    root_b = load_xml(xml_b.encode("utf-8") if isinstance(xml_b, str) else xml_b)
    a, b = _describe_any(root_a), _describe_any(root_b)
    added = [_item(i, b[i]) for i in b if i not in a]
    removed = [_item(i, a[i]) for i in a if i not in b]
    changed = []
    for element_id in a:
        if element_id not in b:
            continue
        old, new = a[element_id], b[element_id]
        changes = []
        if old["kind"] != new["kind"]:
            changes.append({"aspect": "kind", "old": old["kind"], "new": new["kind"]})
        for aspect in sorted(set(old["aspects"]) | set(new["aspects"]), key=_order):
            va, vb = old["aspects"].get(aspect), new["aspects"].get(aspect)
            if va != vb:
                changes.append({"aspect": aspect, "old": va, "new": vb})
        if changes:
            changed.append({"id": element_id, "kind": new["kind"], "category": new["category"],
                            "name": new["aspects"].get("name"), "line_a": old["line"], "line_b": new["line"],
                            "changes": changes})
    summary: dict[str, dict[str, int]] = {}
    for what, items in (("added", added), ("removed", removed), ("changed", changed)):
        for item in items:
            summary.setdefault(item["category"], {"added": 0, "removed": 0, "changed": 0})[what] += 1
    return {"added": added, "removed": removed, "changed": changed, "summary": summary,
            "identical": not (added or removed or changed)}


def _describe_any(root: etree._Element) -> dict[str, dict[str, Any]]:
    """A BPMN diagram or a DMN decision model (engine/dmn.py), element by element."""
    return describe_dmn(root) if etree.QName(root).localname == "definitions" and "DMN" in (
        etree.QName(root).namespace or "") else describe(root)


def _item(element_id: str, d: dict[str, Any]) -> dict[str, Any]:
    return {"id": element_id, "kind": d["kind"], "category": d["category"], "name": d["aspects"].get("name"),
            "line": d["line"], "aspects": {k: v for k, v in d["aspects"].items() if v is not None}}


_ORDER = ("kind", "name", "lane", "parent", "source", "target", "condition", "default", "event", "timer",
          "attached_to", "interrupting", "operation")


def _order(aspect: str) -> tuple[int, str]:
    return (_ORDER.index(aspect), aspect) if aspect in _ORDER else (len(_ORDER), aspect)


_DI = "http://www.omg.org/spec/BPMN/20100524/DI"


def _layout(root: etree._Element) -> dict[str, tuple]:
    """The geometry of every shape, edge and label of the diagram (what a reader sees), by element."""
    out: dict[str, tuple] = {}
    for el in root.iter(f"{{{_DI}}}BPMNShape", f"{{{_DI}}}BPMNEdge"):
        points = tuple(tuple(float(p.get(k) or 0) for k in ("x", "y", "width", "height"))
                       for p in el.iter() if etree.QName(p).localname in ("Bounds", "waypoint"))
        out[el.get("bpmnElement") or el.get("id") or ""] = (etree.QName(el).localname, el.get("isExpanded"), points)
    return out


def same_diagram(xml_a: bytes | str, xml_b: bytes | str) -> bool:
    """Whether two files are the same diagram: no routing difference (`diff_definitions`) and the same
    layout, however each file is written (a modeler that re-serializes an unchanged file: other
    prefixes, attribute order, `incoming`/`outgoing` lists, exporter, whitespace)."""
    if not diff_definitions(xml_a, xml_b)["identical"]:
        return False
    root_a = load_xml(xml_a.encode("utf-8") if isinstance(xml_a, str) else xml_a)
    root_b = load_xml(xml_b.encode("utf-8") if isinstance(xml_b, str) else xml_b)
    return _layout(root_a) == _layout(root_b)
