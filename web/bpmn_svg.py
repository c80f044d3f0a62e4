"""A BPMN diagram drawn as inline SVG from the file's own diagram interchange (DI), server-side.

Pure: XML bytes in, SVG text out (no Flask, no database). Nodes in `done` are green, nodes in `current`
orange with a thick border, the rest grey. Flows are green when `done` lists their ids (the exact path);
when it lists no flow ids, a flow is green if it joins two done nodes or leads from a done node into a
current one. Every text comes from the (possibly uploaded) diagram and is written through lxml, which
escapes it; the parser resolves no entities, reads no DTD and never touches the network.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from lxml import etree

from engine.errors import DiagramRejected
from engine.specs import hardened_parser

SVG = "http://www.w3.org/2000/svg"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"

ROLE_NAMES = {
    "ru": {"investor": "Инвестор", "moderator": "Модератор", "manager": "Исполнитель", "head": "Руководитель",
           "coordinator": "Координатор", "operator": "Оператор", "deputy_director": "Заместитель директора"},
    "en": {"investor": "Investor", "moderator": "Moderator", "manager": "Executor", "head": "Head",
           "coordinator": "Coordinator", "operator": "Operator", "deputy_director": "Deputy director"},
}
TEXT = {
    "ru": {"title": "Схема процесса", "done": "пройдено", "current": "ожидает сейчас", "todo": "не пройдено",
           "runs": "выполнялось {n} раз(а)", "legend": "Обозначения"},
    "en": {"title": "Process diagram", "done": "completed", "current": "waiting now", "todo": "not reached",
           "runs": "ran {n} times", "legend": "Legend"},
}
COLOURS = {"done": ("#2e7d32", "#e8f5e9", "#1b3d1d"), "current": ("#e65100", "#fff3e0", "#5d2a00"),
           "todo": ("#8c98a5", "#ffffff", "#4a5561")}  # stroke, fill, text
CONTAINER_FILL = {"done": "#f5fbf5", "current": "#fffaf3", "todo": "#fbfcfd"}
FONT = "system-ui, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
EVENTS = {"startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}
LEGEND_H = 34


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float
    cx = property(lambda self: self.x + self.w / 2)
    cy = property(lambda self: self.y + self.h / 2)


def _box(el) -> Box | None:
    try:
        return Box(*(float(el.get(k)) for k in ("x", "y", "width", "height"))) if el is not None else None
    except (TypeError, ValueError):
        return None


def parse(xml: bytes | str) -> etree._Element:
    """Parse hardened; a DOCTYPE (the carrier of entity tricks such as XXE) is refused outright."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DiagramRejected("DTD и сущности в диаграммах запрещены", {"file": ["DOCTYPE/ENTITY"]})
    try:
        root = etree.fromstring(data, parser=hardened_parser())
    except etree.XMLSyntaxError as err:
        raise DiagramRejected("Файл не является корректным XML", {"file": [str(err)]}) from err
    if root.getroottree().docinfo.doctype:
        raise DiagramRejected("DTD и сущности в диаграммах запрещены", {"file": ["DOCTYPE"]})
    return root


NARROW, WIDE = set("ijlrtfI1.,:;!'|()[] -«»"), set("mwMWшщжмюыфШЩЖМЮЫФ@%")


def measure(text: str, size: float) -> float:
    """Estimated width in px of `text` at `size` (sans-serif: wide Cyrillic glyphs ~0.6 em)."""
    return size * sum(0.32 if c in NARROW else 0.85 if c in WIDE else 0.6 for c in text)


def wrap(text: str, width: float, size: float = 12, max_lines: int = 4) -> list[str]:
    """Split a name into lines that fit `width` px (estimated), breaking long words; ellipsis when too long."""
    lines: list[str] = []
    for word in " ".join(text.split()).split(" "):
        if lines and measure(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += " " + word
            continue
        while word and measure(word, size) > width:
            cut = max(1, max(i for i in range(1, len(word) + 1) if i == 1 or measure(word[:i], size) <= width))
            lines.append(word[:cut])
            word = word[cut:]
        if word:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and measure(last + "…", size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


class _Canvas:
    def __init__(self, lang: str):
        self.lang = lang if lang in TEXT else "ru"
        self.text = TEXT[self.lang]
        self.root = etree.Element(f"{{{SVG}}}svg", nsmap={None: SVG})

    def el(self, parent, tag: str, text: str | None = None, **attrs):
        node = etree.SubElement(parent, f"{{{SVG}}}{tag}")
        for key, value in attrs.items():
            if value is not None:
                node.set(key.rstrip("_").replace("_", "-"), f"{value:g}" if isinstance(value, float) else str(value))
        if text is not None:
            node.text = text
        return node

    def lines(self, parent, lines: list[str], cx: float, top: float, size: float = 12, colour: str = "#1d2733",
              anchor: str = "middle", weight: str | None = None, halo: bool = False):
        if not lines:
            return
        halo_attrs = {"stroke": "#ffffff", "stroke_width": 3, "paint_order": "stroke", "stroke_linejoin": "round"}
        t = self.el(parent, "text", x=round(cx, 1), y=round(top + size, 1), font_size=size, fill=colour,
                    text_anchor=anchor, font_weight=weight, **(halo_attrs if halo else {}))
        for i, line in enumerate(lines):
            self.el(t, "tspan", line, x=round(cx, 1), dy=0 if i == 0 else round(size * 1.2, 1))


def render_svg(xml: bytes | str, done: set[str], current: set[str], counts: dict[str, int] | None = None,
               lang: str = "ru", legend: bool = True) -> str:
    """The diagram as a complete <svg> element (text), coloured by the instance's path."""
    root = parse(xml)
    elements = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str)
                and el.tag.startswith(f"{{{BPMN}}}") and el.get("id")}
    counts, cv = counts or {}, _Canvas(lang)
    shapes, edges, extent = _layout(root, elements)
    if not extent:
        raise DiagramRejected("В диаграмме нет координат фигур (BPMNDiagram)", {"file": ["BPMNDiagram"]})
    svg = _frame(cv, elements, shapes, extent, done, current, legend)

    layers = {name: cv.el(svg, "g", class_=f"bpmn-{name}")
              for name in ("pools", "containers", "flows", "nodes", "boundary", "labels")}
    for el, box, label, expanded in shapes:
        node_id = el.get("id")
        status = "current" if node_id in current else "done" if node_id in done else "todo"
        _shape(cv, layers, el, box, label, expanded, status, counts.get(node_id, 0))
    _edges(cv, layers, edges, done, current)
    return etree.tostring(svg, encoding="unicode")


def _frame(cv: _Canvas, elements: dict, shapes: list, extent: list, done: set[str], current: set[str],
           legend: bool):
    """The <svg> root: its box, title and description (what is done, what is current), arrow markers, legend."""
    x0, y0 = min(b.x for b in extent) - 20, min(b.y for b in extent) - 20 - (LEGEND_H if legend else 0)
    x1, y1 = max(b.x + b.w for b in extent) + 20, max(b.y + b.h for b in extent) + 20
    names = [el.get("name") for el in elements.values() if etree.QName(el).localname in ("process", "participant")]
    title = cv.text["title"] + next((f" «{n}»" for n in names if n), "")
    svg = cv.root
    for key, value in {"class": "bpmn", "viewBox": f"{x0:g} {y0:g} {x1 - x0:g} {y1 - y0:g}",
                       "width": f"{x1 - x0:g}", "height": f"{y1 - y0:g}", "role": "img", "aria-label": title,
                       "aria-labelledby": "bpmn-title bpmn-desc", "font-family": FONT,
                       "preserveAspectRatio": "xMinYMin meet"}.items():
        svg.set(key, value)
    cv.el(svg, "title", title, id="bpmn-title")
    nodes = {el.get("id"): el.get("name") or el.get("id") for el, *_ in shapes}
    summary = [f"{cv.text[k].capitalize()}: {', '.join(sorted(nodes[i] for i in ids if i in nodes)) or '—'}."
               for k, ids in (("done", set(done) - set(current)), ("current", current))]
    cv.el(svg, "desc", " ".join(summary), id="bpmn-desc")
    defs = cv.el(svg, "defs")
    for name, (stroke, _fill, _ink) in COLOURS.items():
        marker = cv.el(defs, "marker", id=f"bpmn-arrow-{name}", viewBox="0 0 10 10", refX=9, refY=5,
                       markerWidth=11, markerHeight=11, markerUnits="userSpaceOnUse", orient="auto")
        cv.el(marker, "path", d="M0,0 L10,5 L0,10 z", fill=stroke)
    if legend:
        _legend(cv, x0 + 20, y0 + 10)
    return svg



def _edges(cv: _Canvas, layers: dict, edges: list, done: set[str], current: set[str]) -> None:
    """The sequence flows, the taken ones marked done (those the replay names, else those between done nodes)."""
    explicit = {e.get("id") for e, _p, _l in edges} & set(done)
    for el, points, label in edges:
        source, target = el.get("sourceRef"), el.get("targetRef")
        taken = el.get("id") in explicit if explicit else source in done and (target in done or target in current)
        _flow(cv, layers["flows"], layers["labels"], el, points, label, "done" if taken else "todo")


def _layout(root, elements: dict) -> tuple[list, list, list]:
    """The diagram interchange: shapes (element, box, label box, expanded), edges (element, waypoints, label
    box) and every box, for the extent."""
    plane = root.find(f".//{{{BPMNDI}}}BPMNPlane")
    shapes, edges, extent = [], [], []
    for di in plane if plane is not None else []:
        ref = di.get("bpmnElement")
        if ref not in elements or not isinstance(di.tag, str):
            continue
        label = _box(di.find(f"{{{BPMNDI}}}BPMNLabel/{{{DC}}}Bounds"))
        if di.tag == f"{{{BPMNDI}}}BPMNShape" and (box := _box(di.find(f"{{{DC}}}Bounds"))):
            shapes.append((elements[ref], box, label, di.get("isExpanded") == "true"))
            extent += [box] + ([label] if label else [])
        elif di.tag == f"{{{BPMNDI}}}BPMNEdge":
            points = [(float(p.get("x", 0)), float(p.get("y", 0))) for p in di.findall(f"{{{DI}}}waypoint")]
            if len(points) >= 2:
                edges.append((elements[ref], points, label))
                extent += [Box(x, y, 0, 0) for x, y in points] + ([label] if label else [])
    return shapes, edges, extent


def _shape(cv: _Canvas, layers: dict, el, box: Box, label, expanded: bool, status: str, count: int) -> None:
    kind = etree.QName(el).localname
    if kind in ("participant", "lane"):
        _pool(cv, layers["pools"], el, box, kind)
    elif kind in CONTAINERS and expanded:
        _container(cv, layers["containers"], el, box, status)
    elif kind in EVENTS:
        layer = layers["boundary" if kind == "boundaryEvent" else "nodes"]
        _event(cv, layer, layers["labels"], el, box, label, kind, status)
    elif kind in GATEWAYS:
        _gateway(cv, layers["nodes"], layers["labels"], el, box, label, kind, status)
    elif kind not in ("textAnnotation", "dataObjectReference", "dataStoreReference", "group"):
        _task(cv, layers["nodes"], el, box, kind, status, count)


def _legend(cv: _Canvas, x: float, y: float) -> None:
    group = cv.el(cv.root, "g", class_="bpmn-legend", aria_label=cv.text["legend"])
    for name in ("done", "current", "todo"):
        stroke, fill, ink = COLOURS[name]
        cv.el(group, "rect", x=x, y=y, width=26, height=16, rx=4, fill=fill, stroke=stroke,
              stroke_width=3 if name == "current" else 2)
        cv.el(group, "text", cv.text[name], x=x + 34, y=y + 13, font_size=13, fill=ink)
        x += 46 + len(cv.text[name]) * 7.5


def _pool(cv: _Canvas, layer, el, box: Box, kind: str) -> None:
    name = ROLE_NAMES[cv.lang].get(el.get("name"), el.get("name") or "") if kind == "lane" else el.get("name") or ""
    group = cv.el(layer, "g", class_=f"bpmn-{kind}", data_bpmn_id=el.get("id"))
    cv.el(group, "rect", x=box.x, y=box.y, width=box.w, height=box.h,
          fill="#ffffff" if kind == "participant" else "none", stroke="#6b7785", stroke_width=1.2)
    cv.el(group, "line", x1=box.x + 30, y1=box.y, x2=box.x + 30, y2=box.y + box.h, stroke="#6b7785",
          stroke_width=1.2)
    lines = wrap(name, box.h - 16, 14, max_lines=1)
    if lines:
        cx, cy = box.x + 15, box.cy
        text = cv.el(group, "text", lines[0], x=cx, y=cy + 5, font_size=14, fill="#1d2733", text_anchor="middle",
                     font_weight="600" if kind == "lane" else None, transform=f"rotate(-90 {cx:g} {cy:g})")
        text.set("class", "bpmn-lane-name" if kind == "lane" else "bpmn-pool-name")


def _node_group(cv: _Canvas, layer, el, kind: str, status: str, runs: int = 0):
    group = cv.el(layer, "g", class_=f"bpmn-node bpmn-{kind} {status}", data_bpmn_id=el.get("id"))
    name = el.get("name") or el.get("id")
    note = cv.text[status] + (f", {cv.text['runs'].format(n=runs)}" if runs > 1 else "")
    cv.el(group, "title", f"{name} — {note}")
    return group


def _container(cv: _Canvas, layer, el, box: Box, status: str) -> None:
    stroke, _fill, ink = COLOURS[status]
    group = _node_group(cv, layer, el, etree.QName(el).localname, status)
    cv.el(group, "rect", x=box.x, y=box.y, width=box.w, height=box.h, rx=12, fill=CONTAINER_FILL[status],
          stroke=stroke, stroke_width=2.5 if status != "todo" else 1.5)
    cv.lines(group, wrap(el.get("name") or "", box.w - 20, 14, 1), box.x + 12, box.y + 4, 14, ink, "start", "600")


def _task(cv: _Canvas, layer, el, box: Box, kind: str, status: str, runs: int) -> None:
    stroke, fill, ink = COLOURS[status]
    group = _node_group(cv, layer, el, kind, status, runs)
    cv.el(group, "rect", x=box.x, y=box.y, width=box.w, height=box.h, rx=10, fill=fill, stroke=stroke,
          stroke_width={"current": 4, "done": 2.5}.get(status, 1.5))
    if kind == "userTask":
        cv.el(group, "circle", cx=box.x + 12, cy=box.y + 10, r=3.5, fill="none", stroke=stroke, stroke_width=1.4)
        cv.el(group, "path", d=f"M{box.x + 5:g},{box.y + 22:g} q7,-11 14,0", fill="none", stroke=stroke,
              stroke_width=1.4)
    elif kind in ("serviceTask", "scriptTask", "businessRuleTask", "sendTask"):
        cv.el(group, "circle", cx=box.x + 12, cy=box.y + 13, r=5.5, fill="none", stroke=stroke, stroke_width=3,
              stroke_dasharray="2.2 1.6")
        cv.el(group, "circle", cx=box.x + 12, cy=box.y + 13, r=2, fill="none", stroke=stroke, stroke_width=1.2)
    elif kind in CONTAINERS or kind == "callActivity":
        cv.el(group, "path", d=f"M{box.cx - 7:g},{box.y + box.h - 17:g} h14 v14 h-14 z m7,3 v8 m-4,-4 h8",
              fill="none", stroke=stroke, stroke_width=1.2)
    name, icon = el.get("name") or "", 0 if kind == "task" else 18
    for size in (13, 12, 11, 10):  # the largest size at which the whole name fits below the icon
        lines = wrap(name, box.w - 8, size, max_lines=99)
        whole_words = all(measure(word, size) <= box.w - 8 for word in name.split())
        if whole_words and len(lines) * size * 1.2 <= box.h - icon - 2:
            break
    lines = wrap(name, box.w - 8, size, max(1, int((box.h - icon - 2) // (size * 1.2))))
    top = max(box.cy - len(lines) * size * 0.6 - 2, box.y + icon)
    cv.lines(group, lines, box.cx, top, size, ink)
    if runs > 1:  # how many times the task ran: above its top-left corner, clear of labels on the right
        cv.el(group, "rect", x=box.x - 8, y=box.y - 13, width=30, height=18, rx=9, fill=stroke, class_="bpmn-count")
        cv.el(group, "text", f"×{runs}", x=box.x + 7, y=box.y + 0.5, font_size=12, font_weight="700",
              fill="#ffffff", text_anchor="middle")


def _outside_label(cv: _Canvas, labels, el, box: Box, label: Box | None, ink: str, gap: float = 4) -> None:
    name = el.get("name") or ""
    if not name:
        return
    group = cv.el(labels, "g", class_="bpmn-label", data_bpmn_id=el.get("id"))
    if label is not None:
        cv.lines(group, wrap(name, max(label.w, 60) + 16, 12, 3), label.cx, label.y - 2, 12, ink, halo=True)
    else:
        cv.lines(group, wrap(name, max(box.w, 90) + 20, 12, 3), box.cx, box.y + box.h + gap, 12, ink, halo=True)


def _event(cv: _Canvas, layer, labels, el, box: Box, label: Box | None, kind: str, status: str) -> None:
    stroke, fill, ink = COLOURS[status]
    group = _node_group(cv, layer, el, kind, status)
    r = min(box.w, box.h) / 2
    width = 4.5 if kind == "endEvent" else 4 if status == "current" else 2 if kind == "startEvent" else 1.6
    cv.el(group, "circle", cx=box.cx, cy=box.cy, r=r, fill=fill, stroke=stroke, stroke_width=width)
    if kind not in ("startEvent", "endEvent"):
        cv.el(group, "circle", cx=box.cx, cy=box.cy, r=r - 3.5, fill="none", stroke=stroke, stroke_width=1.4,
              stroke_dasharray="4 2.5" if el.get("cancelActivity") == "false" else None)
    if el.find(f"{{{BPMN}}}timerEventDefinition") is not None:
        cv.el(group, "circle", cx=box.cx, cy=box.cy, r=r * 0.55, fill="#ffffff", stroke=stroke, stroke_width=1.4)
        cv.el(group, "path", d=f"M{box.cx:g},{box.cy - r * 0.4:g} L{box.cx:g},{box.cy:g} L{box.cx + r * 0.3:g},"
                               f"{box.cy - r * 0.1:g}", fill="none", stroke=stroke, stroke_width=1.4)
    _outside_label(cv, labels, el, box, label, ink)


def _gateway(cv: _Canvas, layer, labels, el, box: Box, label: Box | None, kind: str, status: str) -> None:
    stroke, fill, ink = COLOURS[status]
    group = _node_group(cv, layer, el, kind, status)
    cx, cy = box.cx, box.cy
    cv.el(group, "polygon", points=f"{cx:g},{box.y:g} {box.x + box.w:g},{cy:g} {cx:g},{box.y + box.h:g} "
                                   f"{box.x:g},{cy:g}", fill=fill, stroke=stroke,
          stroke_width=4 if status == "current" else 2 if status == "done" else 1.5)
    d = box.w * 0.17
    if kind == "exclusiveGateway":
        cv.el(group, "path", d=f"M{cx - d:g},{cy - d:g} L{cx + d:g},{cy + d:g} M{cx + d:g},{cy - d:g} "
                               f"L{cx - d:g},{cy + d:g}", stroke=stroke, stroke_width=3.5, stroke_linecap="round")
    elif kind == "parallelGateway":
        d *= 1.3
        cv.el(group, "path", d=f"M{cx:g},{cy - d:g} V{cy + d:g} M{cx - d:g},{cy:g} H{cx + d:g}", stroke=stroke,
              stroke_width=3.5)
    else:
        cv.el(group, "circle", cx=cx, cy=cy, r=d * 1.3, fill="none", stroke=stroke, stroke_width=2.5)
    _outside_label(cv, labels, el, box, label, ink)


def _flow(cv: _Canvas, layer, labels, el, points: list[tuple[float, float]], label: Box | None, status: str) -> None:
    stroke, _fill, ink = COLOURS[status]
    group = cv.el(layer, "g", class_=f"bpmn-flow {status}", data_bpmn_id=el.get("id"))
    cv.el(group, "polyline", points=" ".join(f"{x:g},{y:g}" for x, y in points), fill="none", stroke=stroke,
          stroke_width=2.5 if status == "done" else 1.4, stroke_linejoin="round",
          marker_end=f"url(#bpmn-arrow-{status})")
    name = el.get("name")
    if not name:
        return
    label_group = cv.el(labels, "g", class_=f"bpmn-label flow-name {status}", data_bpmn_id=el.get("id"))
    if label is not None:
        cv.lines(label_group, wrap(name, label.w + 24, 12, 2), label.cx, label.y - 2, 12, ink, halo=True)
        return
    (ax, ay), (bx, by) = max(pairwise(points), key=lambda s: abs(s[1][0] - s[0][0]) + abs(s[1][1] - s[0][1]))
    if ax == bx:  # vertical segment: the name to its right
        cv.lines(label_group, [name], ax + 6, (ay + by) / 2 - 8, 12, ink, "start", halo=True)
    else:
        lift = 25 if measure(name, 12) > abs(bx - ax) - 10 else 21  # a name wider than its segment: clear the ends
        cv.lines(label_group, [name], (ax + bx) / 2, ay - lift, 12, ink, halo=True)
