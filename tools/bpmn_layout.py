"""Regenerate the diagram interchange (DI) of workflows/bpmn/appeal.bpmn (or another diagram whose
tables are in tools/layout_<name>.py); rerun after any change.

The semantic part is kept byte-for-byte: an existing ``bpmndi:BPMNDiagram`` (or the
``<!-- DIAGRAM -->`` placeholder) is cut out and a new one is put before ``</bpmn:definitions>``.
LANES: lane id -> height, stacked in laneSet order.  NODES: flow node id -> centre (x, y); an
expanded sub-process -> bounds (x, y, w, h); a boundary event -> (x, "top"|"bottom") of its host.
EDGES: flow id -> steering points (a coordinate may be a node id = its centre coordinate) or "VH"
(vertical first); unlisted flows go straight if centres share x or y, else horizontal-then-vertical.
Ends dock on the border facing the next point.  LABELS: label bounds where bpmn.io's default spot
is crossed by a flow.  Fails (exit 2) naming flow nodes without a NODES entry, flows that cannot
be routed orthogonally, nodes outside their lane/sub-process, and stale table ids.

Usage: .venv/bin/python tools/bpmn_layout.py [FILE] [--check]   (--check: exit 1 if out of date)
"""
import re
import sys
from itertools import pairwise
from pathlib import Path

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
PREFIXES = {"bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
            "dc": "http://www.omg.org/spec/DD/20100524/DC",
            "di": "http://www.omg.org/spec/DD/20100524/DI"}
DEFAULT_FILE = Path(__file__).resolve().parents[1] / "workflows" / "bpmn" / "appeal.bpmn"

POOL_X, POOL_Y, POOL_W, POOL_HEADER = 100, 60, 1780, 30
LANES = {"Lane_investor": 200, "Lane_moderator": 200, "Lane_manager": 240,
         "Lane_head": 260, "Lane_coordinator": 180}

NODES = {
    # investor lane (y 60..260)
    "start": (180, 160), "reply_clarification": (440, 160), "rate": (1530, 160),
    "timer_rating": (1550, "bottom"), "gw_rating": (1660, 160), "end_closed": (1770, 160),
    # moderator lane (y 260..460)
    "moderate": (300, 360), "timer_moderation": (320, "bottom"),
    "gw_moderation": (440, 360), "end_rejected": (560, 360),
    "close_without_rating": (1690, 360), "end_auto_closed": (1810, 360),
    # sub-process in no lane, spanning manager (y 460..700) and head (y 700..960)
    "execution": (400, 480, 1050, 455), "timer_deadline": (640, "bottom"),
    "exec_start": (450, 600), "take": (560, 600), "gw_take": (690, 600),
    "work": (820, 600), "gw_work": (970, 600),
    "gw_extension": (850, 830), "decide_extension": (990, 830),
    "approve_answer": (1130, 830), "gw_approval": (1260, 830), "exec_end": (1370, 830),
    # coordinator lane (y 960..1140)
    "escalate_moderation": (320, 1050), "end_escalated_moderation": (450, 1050),
    "notify_overdue": (640, 1050), "end_escalated": (780, 1050),
}

EDGES = {
    "f_start_moderate": [("start", "moderate")],
    "f_reply_moderate": [("moderate", "reply_clarification")],   # clarification loop
    "f_gw_accept": [("gw_moderation", 440)],
    "f_execution_rate": [(1430, "rate")],
    "f_rework": [("gw_rating", 90), (1390, 90)],                  # rework loop, above `rate`
    "f_timer_rating": "VH",
    "f_take_redirect": [("gw_take", 680), ("take", 680)],         # redirect loop, below
    "f_redirect": [("gw_work", 515), ("take", 515)],              # redirect loop, above
    "f_gw_extend": [("gw_work", 760)],
    "f_extension_work": [("gw_extension", 720)],
    "f_return": [("gw_approval", 905), (790, 905)],               # return loop, below head row
}

LABELS = {
    "start": (135, 110, 90, 27), "gw_moderation": (350, 300, 80, 27),
    "timer_moderation": (340, 420, 70, 27), "timer_rating": (1455, 222, 90, 27),
    "gw_take": (645, 545, 90, 27), "gw_work": (985, 625, 90, 27),
    "gw_approval": (1215, 772, 90, 27), "timer_deadline": (662, 940, 110, 14),
    "f_gw_extend": (980, 716, 90, 14), "f_gw_clarify": (448, 276, 60, 14),
}

EVENTS = {"startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
ACTIVITIES = {"task", "userTask", "serviceTask", "scriptTask", "manualTask", "sendTask",
              "receiveTask", "businessRuleTask", "callActivity", "subProcess", "transaction"}
SIZES = {**{k: (36, 36) for k in EVENTS}, **{k: (50, 50) for k in GATEWAYS},
         **{k: (100, 80) for k in ACTIVITIES}}


class LayoutError(Exception):
    """The layout tables do not fit the process."""


def q(tag: str) -> str:
    return f"{{{BPMN}}}{tag}"


def local(el) -> str:
    return etree.QName(el).localname


def centre(b: tuple) -> tuple[float, float]:
    return b[0] + b[2] / 2, b[1] + b[3] / 2


def inside(inner: tuple, outer: tuple) -> bool:
    return (outer[0] <= inner[0] and inner[0] + inner[2] <= outer[0] + outer[2]
            and outer[1] <= inner[1] and inner[1] + inner[3] <= outer[1] + outer[3])


def node_bounds(nodes: list) -> dict[str, tuple]:
    ids = {el.get("id") for el in nodes}
    missing, stale = sorted(ids - NODES.keys()), sorted(NODES.keys() - ids)
    if missing or stale:
        raise LayoutError(f"flow nodes without a NODES entry: {missing}" if missing
                          else f"NODES ids not in the process: {stale}")
    bounds: dict[str, tuple] = {}
    for el in sorted(nodes, key=lambda e: local(e) == "boundaryEvent"):  # hosts first
        nid, spec, (w, h) = el.get("id"), NODES[el.get("id")], SIZES[local(el)]
        if len(spec) == 4:
            bounds[nid] = spec
        elif isinstance(spec[1], str):
            hx, hy, hw, hh = bounds[el.get("attachedToRef")]
            if spec[1] not in ("top", "bottom") or not hx < spec[0] < hx + hw:
                raise LayoutError(f"boundary event {nid} is not on its host's border")
            bounds[nid] = (spec[0] - w / 2, (hy if spec[1] == "top" else hy + hh) - h / 2, w, h)
        else:
            bounds[nid] = (spec[0] - w / 2, spec[1] - h / 2, w, h)
    return bounds


def lane_bounds(process) -> tuple[tuple, dict[str, tuple], dict[str, str]]:
    lanes = process.findall(f"{q('laneSet')}/{q('lane')}")
    if sorted(lane.get("id") for lane in lanes) != sorted(LANES):
        raise LayoutError(f"lanes {[lane.get('id') for lane in lanes]} do not match LANES")
    y, result, member = POOL_Y, {}, {}
    for lane in lanes:
        lid = lane.get("id")
        result[lid] = (POOL_X + POOL_HEADER, y, POOL_W - POOL_HEADER, LANES[lid])
        y += LANES[lid]
        member.update({ref.text.strip(): lid for ref in lane.findall(q("flowNodeRef"))})
    return (POOL_X, POOL_Y, POOL_W, y - POOL_Y), result, member


def dock(b: tuple, ref: tuple, round_shape: bool, what: str) -> tuple[float, float]:
    """The point on the border of ``b`` that faces ``ref`` orthogonally."""
    x, y, w, h = b
    in_x, in_y = x < ref[0] < x + w, y < ref[1] < y + h
    cx, cy = centre(b)
    if in_x and not in_y:
        return (cx if round_shape else ref[0]), (y if ref[1] < y else y + h)
    if in_y and not in_x:
        return (x if ref[0] < x else x + w), (cy if round_shape else ref[1])
    raise LayoutError(f"{what}: cannot dock orthogonally towards {ref}")


def simplify(pts: list) -> list:
    """Drop repeated and collinear middle points."""
    out: list = []
    for p in pts:
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] or out[-2][1] == out[-1][1] == p[1]):
            out[-1] = p
        elif not out or p != out[-1]:
            out.append(p)
    return out


def route(flow, bounds: dict, kinds: dict) -> list:
    fid, src, tgt = flow.get("id"), flow.get("sourceRef"), flow.get("targetRef")
    (sb, tb), (sx, sy), (tx, ty) = (bounds[src], bounds[tgt]), centre(bounds[src]), centre(bounds[tgt])
    spec = EDGES.get(fid)
    if spec == "VH":
        via = [(sx, ty)]
    elif spec is not None:
        via = [tuple(centre(bounds[c])[i] if isinstance(c, str) else c for i, c in enumerate(p))
               for p in spec]
    else:
        via = [] if sx == tx or sy == ty else [(tx, sy)]
    rnd = {n: kinds[n] in EVENTS | GATEWAYS for n in (src, tgt)}
    start = dock(sb, via[0] if via else (tx, ty), rnd[src], f"source {src}")
    end = dock(tb, via[-1] if via else start, rnd[tgt], f"target {tgt}")
    pts = simplify([start, *via, end])
    if len(pts) < 2 or any(a[0] != b[0] and a[1] != b[1] for a, b in pairwise(pts)):
        raise LayoutError(f"route is not orthogonal: {pts}")
    return pts


def num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def render(root) -> str:
    for prefix, uri in PREFIXES.items():
        if root.nsmap.get(prefix) != uri:
            raise LayoutError(f"xmlns:{prefix}={uri!r} must be declared on the root element")
    process, collab = root.find(q("process")), root.find(q("collaboration"))
    participant = collab.find(f"{q('participant')}[@processRef='{process.get('id')}']")
    nodes = [el for el in process.iter(q("*")) if local(el) in SIZES]
    kinds = {el.get("id"): local(el) for el in nodes}
    bounds = node_bounds(nodes)
    pool, lanes, member = lane_bounds(process)
    errors = [f"{nid} is not drawn inside its lane {lid}" for nid, lid in member.items()
              if nid not in bounds or not inside(bounds[nid], lanes[lid])]
    errors += [f"{el.get('id')} is not drawn inside {el.getparent().get('id')}" for el in nodes
               if local(el.getparent()) in ACTIVITIES
               and not inside(bounds[el.get("id")], bounds[el.getparent().get("id")])]
    flows, edges = list(process.iter(q("sequenceFlow"))), {}
    for flow in flows:
        try:
            edges[flow.get("id")] = route(flow, bounds, kinds)
        except (LayoutError, KeyError) as exc:
            errors.append(f"sequence flow {flow.get('id')} got no edge: {exc}")
    flow_ids = {f.get("id") for f in flows}
    stale = sorted((EDGES.keys() - flow_ids) | (LABELS.keys() - NODES.keys() - flow_ids))
    if stale:
        errors.append(f"EDGES/LABELS ids not in the process: {stale}")
    if errors:
        raise LayoutError("\n  ".join(["layout does not fit the process:", *errors]))

    def box(b: tuple) -> str:
        return f'<dc:Bounds x="{num(b[0])}" y="{num(b[1])}" width="{num(b[2])}" height="{num(b[3])}" />'

    def label(eid: str) -> list[str]:
        return [f"        <bpmndi:BPMNLabel>{box(LABELS[eid])}</bpmndi:BPMNLabel>"] if eid in LABELS else []

    def shape(eid: str, b: tuple, extra: str = "") -> list[str]:
        return [f'      <bpmndi:BPMNShape id="{eid}_di" bpmnElement="{eid}"{extra}>',
                f"        {box(b)}", *label(eid), "      </bpmndi:BPMNShape>"]

    pid = process.get("id")
    out = [f'  <bpmndi:BPMNDiagram id="BPMNDiagram_{pid}">',
           f'    <bpmndi:BPMNPlane id="BPMNPlane_{pid}" bpmnElement="{collab.get("id")}">']
    out += shape(participant.get("id"), pool, ' isHorizontal="true"')
    for lid, b in lanes.items():
        out += shape(lid, b, ' isHorizontal="true"')
    for el in nodes:
        expanded = ' isExpanded="true"' if local(el) in ("subProcess", "transaction") else ""
        out += shape(el.get("id"), bounds[el.get("id")], expanded)
    for fid, pts in edges.items():
        out.append(f'      <bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}">')
        out += [f'        <di:waypoint x="{num(x)}" y="{num(y)}" />' for x, y in pts] + label(fid)
        out.append("      </bpmndi:BPMNEdge>")
    out += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>"]
    return "\n".join(out) + "\n"


def regenerate(text: str) -> str:
    root = etree.fromstring(text.encode("utf-8"))
    diagram = render(root)
    text = re.sub(r"\s*<bpmndi:BPMNDiagram\b.*?</bpmndi:BPMNDiagram>", "", text, flags=re.S)
    text = re.sub(r"\s*<!-- DIAGRAM -->", "", text)
    closing = f"</{root.prefix}:definitions>" if root.prefix else "</definitions>"
    head, sep, tail = text.rpartition(closing)
    if not sep:
        raise LayoutError(f"{closing} not found")
    result = f"{head.rstrip()}\n{diagram}{closing}{tail}"
    etree.fromstring(result.encode("utf-8"))  # still well-formed
    return result


def use_layout(path: Path) -> None:
    """Another diagram's tables live in tools/layout_<stem>.py, for a pack's own diagram
    (workflows/bpmn/<pack>/<stem>.bpmn) in tools/layout_<pack>_<stem>.py if there is one (POOL_W,
    LANES, NODES, EDGES, LABELS)."""
    if path.resolve() == DEFAULT_FILE:
        return
    import importlib.util
    stem = path.stem
    if path.resolve().parent != DEFAULT_FILE.parent and Path(__file__).with_name(f"layout_{path.parent.name}_{stem}.py").exists():
        stem = f"{path.parent.name}_{stem}"
    spec = importlib.util.spec_from_file_location(f"layout_{stem}", Path(__file__).with_name(f"layout_{stem}.py"))
    if spec is None or not Path(spec.origin).exists():
        raise LayoutError(f"no layout tables: tools/layout_{stem}.py")
    tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tables)
    globals().update({name: getattr(tables, name) for name in ("POOL_W", "LANES", "NODES", "EDGES", "LABELS")})


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    path = Path(args[0]) if args else DEFAULT_FILE
    try:
        use_layout(path)
    except LayoutError as exc:
        print(f"bpmn_layout: {path}: {exc}", file=sys.stderr)
        return 2
    text = path.read_text(encoding="utf-8")
    try:
        new = regenerate(text)
    except LayoutError as exc:
        print(f"bpmn_layout: {path}: {exc}", file=sys.stderr)
        return 2
    if check:
        if new != text:
            print(f"bpmn_layout: {path}: diagram is out of date, rerun the script", file=sys.stderr)
        return int(new != text)
    path.write_text(new, encoding="utf-8")
    edges = new.count("<bpmndi:BPMNEdge ")
    print(f"bpmn_layout: {path}: diagram written ({len(NODES)} flow nodes, {edges} edges)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
