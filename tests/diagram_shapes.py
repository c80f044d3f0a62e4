"""Diagrams built from shapes, for the property-based pruning tests (tests/unit/test_prune_property.py).

A shape is a small tree of the constructs the deployment lint accepts; `build(shape)` turns it
into BPMN XML (one lane, `staff`; every user task has a form):

- ("task",)                       a user task with the action `done`
- ("xor", [seq, ...])             a chooser task (actions b0..bN) and an exclusive split/merge
- ("or", [seq, ...])              a chooser task (action `pick`, int fields p1..pN), an inclusive
                                  split (p_i == 1; branch 0 is the default) and an inclusive join
- ("and", [seq, ...])             a parallel split and join
- ("event", n)                    an event-based gateway in front of n timers (ev<k>_<i> in the data)
- ("boundary", interrupting)      a user task with a boundary timer (bd<k>); interrupting: the timer
                                  leads to a task that rejoins; otherwise to an end event with a status
- ("sub", seq)                    an embedded sub-process
- ("loop", seq, merge, split)     seq, then a decision task (again / next) that loops back; the loop's
                                  merge and split gateways are `exclusive` or `inclusive`

The whole process is start -> loop(seq) -> end, so every diagram loops at least once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

LANE = "staff"
STATUSES = frozenset({"open", "late", "done", "step"})
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="Definitions_shape" targetNamespace="http://koridor.local/bpmn/test">
  <bpmn:process id="{pid}" isExecutable="true">
    <bpmn:laneSet id="LaneSet_shape"><bpmn:lane id="Lane_staff" name="{lane}">
{refs}
    </bpmn:lane></bpmn:laneSet>
{body}
  </bpmn:process>
</bpmn:definitions>
"""


def _props(**props: str) -> str:
    items = "".join(f'<spiffworkflow:property name={quoteattr(k)} value={quoteattr(v)} />' for k, v in props.items())
    return f"<bpmn:extensionElements><spiffworkflow:properties>{items}</spiffworkflow:properties></bpmn:extensionElements>"


def _timer(expression: str) -> str:
    return ('<bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">'
            f'{expression}</bpmn:timeDate></bpmn:timerEventDefinition>')


@dataclass
class _Out:
    """Elements of one process level (the top process or a sub-process)."""

    parts: list[str] = field(default_factory=list)

    def add(self, xml: str) -> None:
        self.parts.append(xml)


@dataclass
class Built:
    xml: bytes
    timers: list[str]          # the data variables timer expressions read (set them at start)
    choosers: dict[str, int]   # inclusive chooser task -> number of branches
    outer: str                 # the decision task of the outermost loop


class _Builder:
    def __init__(self) -> None:
        self.n = 0
        self.lane: list[str] = []
        self.timers: list[str] = []
        self.choosers: dict[str, int] = {}
        self.outgoing: dict[str, list[str]] = {}
        self.decisions: list[str] = []

    def id(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    def node(self, out: _Out, kind: str, prefix: str, inner: str = "", attrs: str = "") -> str:
        node_id = self.id(prefix)
        self.lane.append(node_id)
        out.add(f'<bpmn:{kind} id="{node_id}"{attrs}>{inner}</bpmn:{kind}>')
        return node_id

    def flow(self, out: _Out, source: str, target: str, condition: str | None = None) -> str:
        flow_id = self.id("f")
        self.outgoing.setdefault(source, []).append(flow_id)
        cond = (f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>'
                if condition else "")
        out.add(f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">{cond}</bpmn:sequenceFlow>')
        return flow_id

    def user(self, out: _Out, prefix: str, **actions: str) -> str:
        props = {f"action:{name}": value for name, value in (actions or {"done": "status=step"}).items()}
        return self.node(out, "userTask", prefix, _props(step="shape", **props))

    # -- blocks: each returns (entry, exit) node ids -----------------------------------------------
    def seq(self, out: _Out, shapes) -> tuple[str, str]:
        first = last = None
        for shape in shapes:
            entry, exit_ = self.block(out, shape)
            if last is not None:
                self.flow(out, last, entry)
            first, last = first or entry, exit_
        return first, last

    def block(self, out: _Out, shape) -> tuple[str, str]:
        return getattr(self, f"_{shape[0]}")(out, *shape[1:])

    def _task(self, out: _Out) -> tuple[str, str]:
        task = self.user(out, "t")
        return task, task

    def _split_join(self, out: _Out, kind: str, branches, conditions, split_from: str | None = None,
                    split_default: bool = True) -> tuple[str, str]:
        split = split_from or self.node(out, kind, "gs")
        join = self.node(out, kind, "gj")
        flows = []
        for i, branch in enumerate(branches):
            entry, exit_ = self.seq(out, branch)
            flows.append(self.flow(out, split, entry, conditions[i] if conditions else None))
            self.flow(out, exit_, join)
        if conditions and split_default:
            out.parts = [p.replace(f'id="{split}">', f'id="{split}" default="{flows[0]}">', 1) for p in out.parts]
        return split, join

    def _xor(self, out: _Out, branches) -> tuple[str, str]:
        chooser = self.user(out, "cx", **{f"b{i}": "status=step" for i in range(len(branches))})
        split, join = self._split_join(out, "exclusiveGateway", branches,
                                       [None] + [f"action == 'b{i}'" for i in range(1, len(branches))])
        self.flow(out, chooser, split)
        return chooser, join

    def _or(self, out: _Out, branches) -> tuple[str, str]:
        fields = ", ".join(f"p{i}:int" for i in range(1, len(branches)))
        chooser = self.user(out, "co", pick=f"status=step; fields={fields}" if fields else "status=step")
        self.choosers[chooser] = len(branches)
        split, join = self._split_join(out, "inclusiveGateway", branches,
                                       [None] + [f"p{i} == 1" for i in range(1, len(branches))])
        self.flow(out, chooser, split)
        return chooser, join

    def _and(self, out: _Out, branches) -> tuple[str, str]:
        return self._split_join(out, "parallelGateway", branches, None)

    def _event(self, out: _Out, n: int) -> tuple[str, str]:
        gateway = self.node(out, "eventBasedGateway", "ge")
        join = self.node(out, "exclusiveGateway", "gm")
        for _ in range(n):
            var = f"ev{self.n + 1}"
            self.timers.append(var)
            catch = self.node(out, "intermediateCatchEvent", "ev", _timer(var))
            after = self.user(out, "te")
            self.flow(out, gateway, catch)
            self.flow(out, catch, after)
            self.flow(out, after, join)
        return gateway, join

    def _boundary(self, out: _Out, interrupting: bool) -> tuple[str, str]:
        task = self.user(out, "tb")
        var = f"bd{self.n + 1}"
        self.timers.append(var)
        attrs = f' attachedToRef="{task}"' + ("" if interrupting else ' cancelActivity="false"')
        timer = self.node(out, "boundaryEvent", "bt", _timer(var), attrs)
        if not interrupting:
            end = self.node(out, "endEvent", "el", _props(status="late"))
            self.flow(out, timer, end)
            return task, task
        join = self.node(out, "exclusiveGateway", "gm")
        late = self.user(out, "tl")
        self.flow(out, task, join)
        self.flow(out, timer, late)
        self.flow(out, late, join)
        return task, join

    def _sub(self, out: _Out, shapes) -> tuple[str, str]:
        inner = _Out()
        start = self.node(inner, "startEvent", "ss")
        end = self.node(inner, "endEvent", "se")
        entry, exit_ = self.seq(inner, shapes)
        self.flow(inner, start, entry)
        self.flow(inner, exit_, end)
        sub = self.node(out, "subProcess", "sp", "\n".join(inner.parts))
        return sub, sub

    def _loop(self, out: _Out, shapes, merge_kind: str = "exclusive", split_kind: str = "exclusive") -> tuple[str, str]:
        merge = self.node(out, f"{merge_kind}Gateway", "lm")
        entry, exit_ = self.seq(out, shapes)
        decide = self.user(out, "ld", again="status=open", next="status=step")
        self.decisions.append(decide)
        split = self.node(out, f"{split_kind}Gateway", "ls")
        after = self.node(out, "exclusiveGateway", "lx")
        self.flow(out, merge, entry)
        self.flow(out, exit_, decide)
        self.flow(out, decide, split)
        self.flow(out, split, merge, "action == 'again'")
        leave = self.flow(out, split, after)
        out.parts = [p.replace(f'id="{split}">', f'id="{split}" default="{leave}">', 1) for p in out.parts]
        return merge, after


def build(shapes, process_id: str = "shape", merge: str = "exclusive", split: str = "exclusive") -> Built:
    """BPMN XML for start -> loop(shapes, merge, split) -> end."""
    b = _Builder()
    out = _Out()
    start = b.node(out, "startEvent", "s", _props(status="open"))
    entry, exit_ = b._loop(out, shapes, merge, split)
    end = b.node(out, "endEvent", "e", _props(status="done"))
    b.flow(out, start, entry)
    b.flow(out, exit_, end)
    body = "\n".join(out.parts)
    for gateway, flows in b.outgoing.items():  # a pass-through exclusive gateway: its one flow is the default
        if len(flows) == 1 and f'<bpmn:exclusiveGateway id="{gateway}">' in body:
            body = body.replace(f'id="{gateway}">', f'id="{gateway}" default="{flows[0]}">', 1)
    refs = "\n".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in b.lane)
    xml = HEAD.format(pid=process_id, lane=LANE, refs=refs, body=body)
    return Built(xml.encode("utf-8"), b.timers, b.choosers, b.decisions[-1])
