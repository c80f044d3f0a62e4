"""The appeal's process as a picture: its diagram version, the path it took and where it waits now.

The path is reconstructed from facts the engine keeps (no replay of the process state):
* user tasks that were activated (inbox rows of the instance) or completed (history events with a task);
* after each completed task, the flow is followed with the task's action through automatic nodes
  (gateways, events, service tasks, sub-process borders) to the next user task or an end event:
  at a gateway the flow whose condition names the action (``action == 'reject'``) is taken, else the
  default flow; so a closed appeal ends on the end event its last decision leads to (rejected,
  closed after the rating) without naming ends in code;
* fired timers (timer rows that went off at or after their due time) mark their boundary event and
  the automatic path after it (escalation, closing without a rating -> the «closed by system» end).
Best effort: a condition on other data than the action stops the walk there.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from sqlalchemy import select

from engine.history import events_for
from engine.models import InboxTask, ProcessDefinition, ProcessInstance, Timer
from engine.specs import hardened_parser
from services.appeals.appeal import STATUS_RU, load_visible
from services.context import Actor, Context
from services.errors import NotFound

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
HUMAN = {"userTask", "manualTask", "task", "receiveTask", "callActivity"}
SPLITS = {"exclusiveGateway", "inclusiveGateway", "complexGateway"}


@dataclass
class Graph:
    """The semantic flow graph of one diagram (ids only)."""

    kind: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str | None] = field(default_factory=dict)
    out: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    default: dict[str, str] = field(default_factory=dict)
    condition: dict[str, str] = field(default_factory=dict)
    starts: dict[str | None, list[str]] = field(default_factory=dict)


def flow_graph(xml: str | bytes) -> Graph:
    """Parse the process part of a BPMN file (hardened parser: no DTD, entities or network)."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    root = etree.fromstring(data, parser=hardened_parser())
    graph = Graph()
    for process in root.iter(f"{{{BPMN}}}process"):
        _collect(graph, process, None)
    return graph


def _collect(graph: Graph, container, parent: str | None) -> None:
    for el in container:
        if not isinstance(el.tag, str) or not el.tag.startswith(f"{{{BPMN}}}"):
            continue
        kind, node_id = etree.QName(el).localname, el.get("id")
        if kind == "sequenceFlow":
            graph.out.setdefault(el.get("sourceRef"), []).append((node_id, el.get("targetRef")))
            cond = el.find(f"{{{BPMN}}}conditionExpression")
            if cond is not None and cond.text:
                graph.condition[node_id] = cond.text
        elif node_id and kind not in ("laneSet", "extensionElements", "documentation", "textAnnotation",
                                      "association", "dataObject", "dataObjectReference"):
            graph.kind[node_id], graph.parent[node_id] = kind, parent
            if el.get("default"):
                graph.default[node_id] = el.get("default")
            if kind == "startEvent":
                graph.starts.setdefault(parent, []).append(node_id)
            if kind in ("subProcess", "transaction", "adHocSubProcess"):
                _collect(graph, el, node_id)


def _chosen(graph: Graph, node: str, action: str | None) -> list[tuple[str, str]]:
    """The flows leaving `node` that this run takes ([] when it cannot be told)."""
    flows = graph.out.get(node, [])
    if graph.kind.get(node) not in SPLITS or len(flows) <= 1:
        return flows
    if action:
        named = re.compile(r"""\baction\b.*['"]""" + re.escape(action) + r"""['"]""", re.S)
        matching = [f for f in flows if named.search(graph.condition.get(f[0], ""))]
        if matching:
            return matching
    default = graph.default.get(node)
    return [f for f in flows if f[0] == default]


def walk(graph: Graph, node: str, action: str | None) -> tuple[set[str], set[str], set[str]]:
    """From `node` (just completed with `action`) to the next waits: (automatic nodes passed, flows taken,
    human tasks reached)."""
    nodes: set[str] = set()
    flows: set[str] = set()
    reached: set[str] = set()
    queue: list[tuple[str, bool]] = [(node, True)]
    seen: set[tuple[str, bool]] = set()
    while queue:
        current, leaving = queue.pop()
        if (current, leaving) in seen or len(seen) > 500:
            continue
        seen.add((current, leaving))
        kind = graph.kind.get(current, "")
        if not leaving:
            if kind in HUMAN:
                reached.add(current)
                continue
            nodes.add(current)
            if current in graph.starts:  # entering an expanded sub-process: its start event runs
                queue.extend((start, False) for start in graph.starts[current])
                continue
            if kind == "endEvent":
                if graph.parent.get(current):  # the sub-process ends: leave it by its own flows
                    queue.append((graph.parent[current], True))
                continue
        for flow_id, target in _chosen(graph, current, action):
            flows.add(flow_id)
            queue.append((target, False))
    return nodes, flows, reached


def path_of(graph: Graph, completed: list[tuple[str, str | None]], activated: set[str], fired: list[str],
            current: set[str]) -> set[str]:
    """Node and flow ids of the path: the top-level start(s), each completed task and what followed it."""
    done = set(activated) | {task for task, _action in completed}
    flows: set[str] = set()
    steps = [(start, None) for start in graph.starts.get(None, [])] + list(completed) + \
        [(timer, None) for timer in fired]
    for node, action in steps:
        if node not in graph.kind:
            continue
        done.add(node)
        passed, taken, _reached = walk(graph, node, action)
        done |= passed
        flows |= taken
    targets = {flow_id: target for links in graph.out.values() for flow_id, target in links}
    visited = done | current
    return done | {f for f in flows if graph.kind.get(targets[f]) not in HUMAN or targets[f] in visited}


def appeal_diagram(ctx: Context, actor: Actor, appeal_id: int) -> dict[str, Any]:
    """The appeal's diagram (the version its process runs on) with `done`, `current` and `counts`."""
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        appeal = load_visible(s, actor, appeal_id)
        if appeal.instance_id is not None:
            instance = s.execute(select(ProcessInstance.definition_id, ProcessInstance.completed)
                                 .where(ProcessInstance.id == appeal.instance_id)).one()
            definition_id, finished = instance.definition_id, instance.completed
        else:  # a generated or imported appeal: its history drawn on the current appeal diagram
            definition_id = s.scalar(select(ProcessDefinition.id).where(ProcessDefinition.process_id == "appeal",
                                                                        ProcessDefinition.is_current.is_(True))
                                     .order_by(ProcessDefinition.version.desc()).limit(1))
            if definition_id is None:
                raise NotFound("У обращения нет процесса")
            finished = appeal.closed_at is not None
        definition = s.execute(select(ProcessDefinition.xml, ProcessDefinition.process_id, ProcessDefinition.version)
                               .where(ProcessDefinition.id == definition_id)).one()
        completed = [(e.task, e.action) for e in events_for(s, "appeal", appeal.id)
                     if e.task and e.instance_id in (None, appeal.instance_id)]
        rows = s.execute(select(InboxTask.bpmn_id, InboxTask.state, InboxTask.title, InboxTask.role)
                         .where(InboxTask.instance_id == appeal.instance_id).order_by(InboxTask.id)).all()
        fired = [t.bpmn_id for t in s.execute(select(Timer.bpmn_id, Timer.due_at, Timer.fired_at)
                                              .where(Timer.instance_id == appeal.instance_id, Timer.state == "done")
                                              .order_by(Timer.id))
                 if t.fired_at is not None and t.fired_at >= t.due_at]
        view = {"id": appeal.id, "number": appeal.number or appeal.id, "status": appeal.status,
                "status_name": STATUS_RU.get(appeal.status, appeal.status), "closed": appeal.closed_at is not None}
    current = {r.bpmn_id for r in rows if r.state == "open"}
    runs = Counter(r.bpmn_id for r in rows)
    for task, count in Counter(task for task, _ in completed).items():
        runs[task] = max(runs[task], count + (1 if task in current else 0))
    graph = flow_graph(definition.xml)
    done = path_of(graph, completed, {r.bpmn_id for r in rows if r.state != "open"}, fired, current)
    return {"appeal": view, "xml": definition.xml, "process_id": definition.process_id,
            "version": definition.version, "completed": bool(finished),
            "done": done, "current": current, "counts": dict(runs),
            "waiting": [{"bpmn_id": r.bpmn_id, "title": r.title, "role": r.role}
                        for r in rows if r.state == "open"]}
