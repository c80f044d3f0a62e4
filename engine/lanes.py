"""Which lane (role code) each flow node of a diagram is in.

A lane's member list (`bpmn:flowNodeRef`) is the first answer. Modelers do not keep it complete:
the standard bpmn-js modeler lists only the nodes drawn directly in a lane and drops the children
of a sub-process from every list when one of them is moved. So a node the lists omit takes

1. the lane its shape lies in (the centre of its `BPMNShape` inside a lane's shape, on the same
   diagram plane; the innermost lane when lanes are nested), else
2. the lane of the sub-process that contains it (resolved the same way, outwards).

The deploy lint (engine/lint.py) and the runtime (engine/specs.py: a user task's role) read the
same map, so what deploys is what runs. SpiffWorkflow's own lane (a sub-process passes its lane
to every child, overriding the child's own list entry) is not used.
"""
from __future__ import annotations

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
_CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}

_NOT_NODES = {"laneSet", "sequenceFlow", "association", "textAnnotation", "dataObject", "dataObjectReference",
              "dataStoreReference", "extensionElements", "documentation", "property", "ioSpecification"}

Box = tuple[float, float, float, float]


def _boxes(root: etree._Element) -> dict[str, tuple[int, Box]]:
    """Shape bounds by element id, with the index of the diagram plane they are drawn on."""
    out: dict[str, tuple[int, Box]] = {}
    for index, plane in enumerate(root.iter(f"{{{BPMNDI_NS}}}BPMNPlane")):
        for shape in plane.iter(f"{{{BPMNDI_NS}}}BPMNShape"):
            bounds = shape.find(f"{{{DC_NS}}}Bounds")
            element = shape.get("bpmnElement")
            if bounds is None or not element:
                continue
            try:
                box = tuple(float(bounds.get(k, "0")) for k in ("x", "y", "width", "height"))
            except ValueError:
                continue
            out.setdefault(element, (index, box))  # type: ignore[arg-type]
    return out


def _inside(point: tuple[float, float], box: Box) -> bool:
    x, y, w, h = box
    return x <= point[0] <= x + w and y <= point[1] <= y + h


def lane_map(root: etree._Element) -> dict[str, str]:
    """Flow node id -> the name of its lane (for every node that has one by the rules above)."""
    lanes = [lane for lane in root.iter(f"{{{BPMN_NS}}}lane")]
    by_ref: dict[str, str] = {}
    for lane in lanes:  # document order: a nested lane's list comes after its parent's, and wins
        for ref in lane.iterfind(f"{{{BPMN_NS}}}flowNodeRef"):
            if (ref.text or "").strip():
                by_ref[(ref.text or "").strip()] = (lane.get("name") or "").strip()
    boxes = _boxes(root)
    lane_boxes = [(boxes[lane.get("id")], (lane.get("name") or "").strip()) for lane in lanes
                  if lane.get("id") in boxes]

    def by_position(node_id: str) -> str | None:
        if node_id not in boxes:
            return None
        plane, (x, y, w, h) = boxes[node_id]
        centre = (x + w / 2, y + h / 2)
        hits = [(box[2] * box[3], name) for (p, box), name in lane_boxes if p == plane and _inside(centre, box)]
        return min(hits)[1] if hits else None

    out: dict[str, str] = {}

    def resolve(el: etree._Element) -> str | None:
        node_id = el.get("id") or ""
        if node_id in out:
            return out[node_id]
        lane = by_ref.get(node_id) or by_position(node_id)
        if lane is None:
            parent = el.getparent()
            while parent is not None and etree.QName(parent).localname not in _CONTAINERS | {"process"}:
                parent = parent.getparent()
            if parent is not None and etree.QName(parent).localname in _CONTAINERS:
                lane = resolve(parent)
        if lane:
            out[node_id] = lane
        return lane or None

    for proc in root.iter(f"{{{BPMN_NS}}}process"):
        for el in proc.iter(etree.Element):  # flow nodes: the direct children of a process or sub-process
            qname, parent = etree.QName(el), el.getparent()
            if (qname.namespace == BPMN_NS and el.get("id") and qname.localname not in _NOT_NODES
                    and etree.QName(parent).localname in _CONTAINERS | {"process"}):
                resolve(el)
    return out
