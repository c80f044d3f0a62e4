"""The auditor's replay page in a real browser: steps forward and back, the diagram follows the step."""
from __future__ import annotations

from tests.browser.conftest import click_and_wait, screenshot
from tests.browser.test_diagram_page import _appeal_in_rework


def test_auditor_steps_through_an_appeal_and_the_path_grows(open_as, live_server):
    aid = _appeal_in_rework(live_server)
    page = open_as("auditor")
    page.goto(f"{live_server}/appeals/{aid}")
    click_and_wait(page, page.get_by_role("link", name="Воспроизведение истории"))
    assert page.get_by_role("heading", level=1).inner_text() == f"Воспроизведение истории — обращение №{aid}"
    assert page.get_by_text("Воспроизведение совпадает с сохранённым состоянием.").is_visible()
    assert page.get_by_text("Шаг 10 из 10").is_visible()
    assert "current" in page.locator("g.bpmn-node[data-bpmn-id='take']").get_attribute("class")
    screenshot(page, "replay")
    click_and_wait(page, page.get_by_role("link", name="4. Принято и передано на исполнение"))
    assert page.get_by_text("Шаг 4 из 10").is_visible()
    assert "current" in page.locator("g.bpmn-node[data-bpmn-id='take']").get_attribute("class")
    assert "todo" in page.locator("g.bpmn-node[data-bpmn-id='approve_answer']").get_attribute("class")
    click_and_wait(page, page.get_by_role("link", name="← Предыдущий шаг"))
    assert page.get_by_text("Шаг 3 из 10").is_visible()
    assert "current" in page.locator("g.bpmn-node[data-bpmn-id='moderate']").get_attribute("class")
    assert page.locator("table.replay-tasks").get_by_text("moderate").is_visible()
