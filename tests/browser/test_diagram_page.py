"""The diagram page in a real browser: fits 1280 px, scrolls inside its frame on a phone, zooms without JS."""
from __future__ import annotations

import requests

from tests.browser.conftest import screenshot
from tests.support import COMPANY, FACT_PROBLEM, PASSWORD


class Person:
    """One user on the JSON API of the live server (bearer token)."""

    def __init__(self, base: str, login: str):
        self.base = base
        token = requests.post(f"{base}/api/v1/auth/token", json={"login": login, "password": PASSWORD}, timeout=10)
        self.headers = {"Authorization": f"Bearer {token.json()['token']}"}

    def file(self) -> int:
        body = {"fact": FACT_PROBLEM, "subject": "Согласование съезда", "description": "Просим помочь",
                "company": COMPANY}
        response = requests.post(f"{self.base}/api/v1/appeals", json=body, headers=self.headers, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def do(self, appeal_id: int, action: str, **fields) -> None:
        tasks = requests.get(f"{self.base}/api/v1/tasks", headers=self.headers, timeout=10).json()["items"]
        [task] = [t for t in tasks if t["appeal_id"] == appeal_id]
        response = requests.post(f"{self.base}/api/v1/tasks/{task['id']}/complete", headers=self.headers,
                                 json={"action": action, **fields}, timeout=10)
        assert response.status_code == 200, response.text


def _appeal_in_rework(base: str) -> int:
    inv, mod, head, kdh = (Person(base, login) for login in ("investor", "moderator", "head", "kdh_manager"))
    aid = inv.file()
    mod.do(aid, "clarify", question="Уточните кадастровый номер")
    inv.do(aid, "reply", text="47:20:0112015:226")
    mod.do(aid, "accept", executor_org="kdh")
    kdh.do(aid, "take")
    kdh.do(aid, "answer", text="Проект согласован", outcome="resolved")
    head.do(aid, "return", remarks="Приложите письмо")
    kdh.do(aid, "answer", text="Письмо приложено", outcome="resolved")
    head.do(aid, "approve")
    inv.do(aid, "rework", reason="Нет письма")
    return aid


def _width(page, selector: str) -> dict:
    return page.eval_on_selector(selector, "e => ({client: e.clientWidth, scroll: e.scrollWidth, "
                                           "box: e.getBoundingClientRect().width})")


def test_moderator_sees_the_path_and_the_current_wait_at_1280(open_as, live_server):
    aid = _appeal_in_rework(live_server)
    page = open_as("moderator")
    page.goto(f"{live_server}/appeals/{aid}/diagram")
    assert page.get_by_role("heading", level=1).inner_text() == f"Схема процесса — обращение №{aid}"
    assert page.locator("svg.bpmn").is_visible()
    assert "current" in page.locator("g.bpmn-node[data-bpmn-id='take']").get_attribute("class")
    assert "done" in page.locator("g.bpmn-node[data-bpmn-id='approve_answer']").get_attribute("class")
    assert page.locator("g.bpmn-node[data-bpmn-id='take'] .bpmn-count").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "no page-wide horizontal scroll"
    frame = _width(page, ".diagram")
    assert frame["scroll"] <= frame["client"] + 1, "the whole diagram fits the width at 1280 px"
    svg = _width(page, "svg.bpmn")
    assert svg["box"] >= 1100, "large enough to read"
    screenshot(page, "diagram")
    page.get_by_text("Крупно").click()
    assert _width(page, "svg.bpmn")["box"] >= 1700, "100 % shows the diagram at its own size"
    assert _width(page, ".diagram")["scroll"] > _width(page, ".diagram")["client"]
    page.get_by_role("link", name=f"К обращению №{aid}").click()
    assert page.url.endswith(f"/appeals/{aid}")


def test_on_a_phone_the_diagram_scrolls_inside_its_frame(open_as, live_server):
    aid = _appeal_in_rework(live_server)
    page = open_as("auditor", width=390)
    page.goto(f"{live_server}/appeals/{aid}/diagram")
    assert page.locator("svg.bpmn").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    frame = _width(page, ".diagram")
    assert frame["scroll"] > frame["client"]
    screenshot(page, "diagram-phone")
