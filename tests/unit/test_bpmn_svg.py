"""web.bpmn_svg: the appeal diagram drawn from its own DI, path coloured, hostile names harmless."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.errors import DiagramRejected
from web.bpmn_svg import COLOURS, render_svg, wrap

APPEAL = (Path(__file__).resolve().parents[2] / "workflows" / "bpmn" / "appeal.bpmn").read_bytes()
NS = {"s": "http://www.w3.org/2000/svg", "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
DONE = {"start", "moderate", "gw_moderation", "reply_clarification", "execution", "exec_start"}
CURRENT = {"take"}
TASK_KINDS = ("userTask", "serviceTask")


def render(xml: bytes = APPEAL, done=DONE, current=CURRENT, **kw) -> etree._Element:
    return etree.fromstring(render_svg(xml, set(done), set(current), **kw).encode())


def node(svg, bpmn_id: str, kind: str = "bpmn-node") -> etree._Element:
    [group] = svg.xpath(f"//s:g[@data-bpmn-id='{bpmn_id}'][contains(concat(' ', @class, ' '), ' {kind} ')]",
                        namespaces=NS)
    return group


def classes(group) -> set[str]:
    return set(group.get("class").split())


def test_every_task_name_is_drawn_inside_its_box():
    svg = render()
    model = etree.fromstring(APPEAL)
    tasks = [t for kind in TASK_KINDS for t in model.iter(f"{{{NS['bpmn']}}}{kind}")]
    assert len(tasks) >= 9
    for task in tasks:
        group = node(svg, task.get("id"))
        shown = "".join(group.xpath("s:text//text()", namespaces=NS))
        assert shown.replace(" ", "") == task.get("name").replace(" ", ""), task.get("id")
        assert group.findtext(f"{{{NS['s']}}}title").startswith(task.get("name"))


def test_done_current_and_untouched_nodes_are_coloured_and_classed():
    svg = render()
    done_stroke, current_stroke, todo_stroke = (COLOURS[k][0] for k in ("done", "current", "todo"))
    for bpmn_id in ("moderate", "reply_clarification"):
        group = node(svg, bpmn_id)
        assert "done" in classes(group)
        assert group.find(f"{{{NS['s']}}}rect").get("stroke") == done_stroke
    take = node(svg, "take")
    assert "current" in classes(take)
    rect = take.find(f"{{{NS['s']}}}rect")
    assert rect.get("stroke") == current_stroke and float(rect.get("stroke-width")) >= 4
    for bpmn_id in ("work", "approve_answer", "rate", "close_without_rating"):
        group = node(svg, bpmn_id)
        assert "todo" in classes(group) and group.find(f"{{{NS['s']}}}rect").get("stroke") == todo_stroke
    assert "done" in classes(node(svg, "gw_moderation")) and "todo" in classes(node(svg, "end_rejected"))
    assert "done" in classes(node(svg, "execution")), "the expanded sub-process is a container, coloured too"


def test_flows_between_done_nodes_and_into_the_current_one_are_green():
    svg = render()

    def flow(bpmn_id):
        group = node(svg, bpmn_id, "bpmn-flow")
        return group, group.find(f"{{{NS['s']}}}polyline")

    for bpmn_id in ("f_start_moderate", "f_moderate_gw", "f_gw_clarify", "f_reply_moderate", "f_gw_accept",
                    "f_exec_take"):
        group, line = flow(bpmn_id)
        assert "done" in classes(group) and line.get("stroke") == COLOURS["done"][0], bpmn_id
        assert line.get("marker-end") == "url(#bpmn-arrow-done)"
    for bpmn_id in ("f_gw_reject", "f_take_gw", "f_execution_rate", "f_timer_moderation"):
        group, line = flow(bpmn_id)
        assert "todo" in classes(group) and line.get("stroke") == COLOURS["todo"][0], bpmn_id
    assert len(svg.xpath("//s:marker", namespaces=NS)) == 3


def test_when_flow_ids_are_given_only_those_flows_are_green():
    svg = render(done=DONE | {"f_start_moderate", "f_moderate_gw", "f_gw_accept", "f_exec_take"})
    assert "done" in classes(node(svg, "f_gw_accept", "bpmn-flow"))
    assert "todo" in classes(node(svg, "f_gw_clarify", "bpmn-flow")), "the loop was not listed as taken"


def test_lanes_show_role_names_participant_title_legend_and_counts():
    svg = render(counts={"moderate": 2, "take": 3, "work": 1})
    lanes = [t.text for t in svg.xpath("//s:text[@class='bpmn-lane-name']", namespaces=NS)]
    assert lanes == ["Инвестор", "Модератор", "Исполнитель", "Руководитель", "Координатор"]
    assert svg.get("role") == "img" and "Схема процесса" in svg.get("aria-label")
    assert svg.findtext(f"{{{NS['s']}}}title").startswith("Схема процесса")
    assert "Взять в работу" in svg.findtext(f"{{{NS['s']}}}desc")
    legend = "".join(svg.xpath("//s:g[@class='bpmn-legend']//text()", namespaces=NS))
    assert "пройдено" in legend and "ожидает сейчас" in legend and "не пройдено" in legend
    badges = {g.get("data-bpmn-id"): "".join(g.xpath("s:rect[@class='bpmn-count']/following-sibling::s:text[1]"
                                                     "/text()", namespaces=NS)) for g in
              svg.xpath("//s:g[s:rect[@class='bpmn-count']]", namespaces=NS)}
    assert badges == {"moderate": "×2", "take": "×3"}
    english = render(lang="en", legend=False)
    assert "Investor" in [t.text for t in english.xpath("//s:text[@class='bpmn-lane-name']", namespaces=NS)]
    assert not english.xpath("//s:g[@class='bpmn-legend']", namespaces=NS)


def test_view_box_fits_every_shape_and_edge():
    x, y, w, h = map(float, render().get("viewBox").split())
    assert x <= 100 and y <= 60 and x + w >= 1880 and y + h >= 1140  # the pool's bounds in appeal.bpmn
    assert w < 1900 and h < 1250, "no large empty margins"


def test_events_and_gateways_have_their_bpmn_shapes():
    svg = render()
    start, end = node(svg, "start").find(f"{{{NS['s']}}}circle"), node(svg, "end_closed").find(f"{{{NS['s']}}}circle")
    assert float(end.get("stroke-width")) > float(start.get("stroke-width"))
    assert len(node(svg, "timer_rating").findall(f"{{{NS['s']}}}circle")) == 3, "double ring and a clock face"
    assert node(svg, "gw_rating").find(f"{{{NS['s']}}}polygon") is not None
    title = node(svg, "execution").xpath("s:text//text()", namespaces=NS)
    assert "".join(title) == "Исполнение обращения"


def test_script_in_a_task_name_is_escaped():
    hostile = APPEAL.replace('name="Модерация обращения"'.encode(),
                             b'name="&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"', 1)
    hostile = hostile.replace('name="Обращение инвестора (МОС, Ленинградская область)"'.encode(),
                              b'name="&quot; onload=&quot;alert(2)"', 1)  # the participant: the title and the pool
    text = render_svg(hostile, DONE, CURRENT)
    assert "<script" not in text and "&lt;script&gt;" in text
    svg = etree.fromstring(text.encode())
    assert not svg.xpath("//*[local-name()='script']") and not svg.xpath("//@onload")
    assert "&" in "".join(node(svg, "moderate").xpath("s:text//text()", namespaces=NS))
    assert '" onload="alert(2)' in svg.get("aria-label"), "kept as text inside the attribute"


def test_an_xxe_bearing_diagram_is_refused():
    xxe = APPEAL.replace(b"<bpmn:definitions",
                         b'<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<bpmn:definitions', 1)
    xxe = xxe.replace('name="Модерация обращения"'.encode(), b'name="&xxe;"', 1)
    with pytest.raises(DiagramRejected):
        render_svg(xxe, DONE, CURRENT)
    with pytest.raises(DiagramRejected):
        render_svg(b"<not-xml", set(), set())
    without_di = APPEAL[:APPEAL.index(b"<bpmndi:BPMNDiagram")] + b"</bpmn:definitions>"
    with pytest.raises(DiagramRejected):
        render_svg(without_di, set(), set())


def test_wrap_breaks_long_words_and_marks_cut_text():
    assert wrap("Модерация обращения", 92, 12) == ["Модерация", "обращения"]
    lines = wrap("Сверхдлинноеслово" * 3, 60, 12, max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert wrap("", 90) == []
