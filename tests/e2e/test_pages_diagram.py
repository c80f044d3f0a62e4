"""The «Схема процесса» page: the appeal's own diagram as inline SVG with its path and current wait."""
from __future__ import annotations

import re

import pytest
from lxml import etree

from services.analyst import diagrams
from services.people.directory import actor_for
from services.work.timers import fire_due_timers
from tests.support import PASSWORD, Api, build_world

SVG = {"s": "http://www.w3.org/2000/svg"}


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    return app.test_client()


@pytest.fixture
def people(client):
    return {login: Api(client, login) for login in ("investor", "moderator", "head", "kdh_manager")}


def page_as(app, login: str):
    """A browser-like client signed in through the login form (CSRF token taken from the form)."""
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def svg_of(html: str) -> etree._Element:
    return etree.fromstring(html[html.index("<svg"):html.index("</svg>") + len("</svg>")])


def state(svg: etree._Element, bpmn_id: str) -> str:
    [group] = svg.xpath(f"//s:g[@data-bpmn-id='{bpmn_id}'][contains(concat(' ', @class, ' '), ' bpmn-node ') "
                        f"or contains(concat(' ', @class, ' '), ' bpmn-flow ')]", namespaces=SVG)
    return next(c for c in group.get("class").split() if c in ("done", "current", "todo"))


def actor(ctx, login):
    with ctx.db.unit_of_work() as uow:
        return actor_for(uow.session, login)


def test_moderated_appeal_shows_moderation_done_and_take_waiting(app, people):
    aid = people["investor"].file()["id"]
    people["moderator"].do(aid, "accept", executor_org="kdh")
    for login in ("moderator", "auditor"):
        response = page_as(app, login).get(f"/appeals/{aid}/diagram")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, html
        assert f"Схема процесса — обращение №{aid}" in html
        assert f'href="/appeals/{aid}"' in html
        assert "пройдено" in html and "ожидает сейчас" in html and "не пройдено" in html
        svg = svg_of(html)
        assert state(svg, "start") == "done" and state(svg, "moderate") == "done"
        assert state(svg, "gw_moderation") == "done" and state(svg, "execution") == "done"
        assert state(svg, "take") == "current"
        assert state(svg, "f_gw_accept") == "done" and state(svg, "f_exec_take") == "done"
        assert state(svg, "f_gw_reject") == "todo" and state(svg, "end_rejected") == "todo"
        assert state(svg, "rate") == "todo" and state(svg, "work") == "todo"
    assert page_as(app, "investor").get(f"/appeals/{aid}/diagram").status_code == 200, "the investor's own appeal"
    refused = page_as(app, "investor2").get(f"/appeals/{aid}/diagram")
    assert refused.status_code == 404 and "<svg" not in refused.get_data(as_text=True)
    assert page_as(app, "moderator").get("/appeals/999999/diagram").status_code == 404
    anonymous = app.test_client().get(f"/appeals/{aid}/diagram")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_rejected_appeal_ends_on_the_rejection_end(ctx, people):
    aid = people["investor"].file()["id"]
    people["moderator"].do(aid, "reject", reason="Не по адресу")
    data = diagrams.appeal_diagram(ctx, actor(ctx, "auditor"), aid)
    assert {"start", "moderate", "gw_moderation", "f_gw_reject", "end_rejected"} <= data["done"]
    assert not data["done"] & {"end_closed", "end_auto_closed", "execution", "f_gw_accept"}
    assert data["current"] == set() and data["completed"]


def test_rework_loop_counts_runs_and_rating_closes_on_the_closed_end(ctx, people):
    inv, mod, head, kdh = people["investor"], people["moderator"], people["head"], people["kdh_manager"]
    aid = inv.file()["id"]
    mod.do(aid, "clarify", question="Уточните участок")
    inv.do(aid, "reply", text="47:20:0112015:226")
    mod.do(aid, "accept", executor_org="kdh")
    for _ in range(2):
        kdh.do(aid, "take")
        kdh.do(aid, "answer", text="Ответ", outcome="resolved")
        head.do(aid, "approve")
        if _ == 0:
            inv.do(aid, "rework", reason="Нет письма")
    data = diagrams.appeal_diagram(ctx, actor(ctx, "moderator"), aid)
    assert data["current"] == {"rate"} and data["counts"]["rate"] == 2 and data["counts"]["moderate"] == 2
    assert data["counts"]["take"] == 2 and "f_rework" in data["done"] and "f_gw_clarify" in data["done"]
    assert "f_take_redirect" not in data["done"], "a loop not taken stays grey"
    inv.do(aid, "accept", rating=5)
    data = diagrams.appeal_diagram(ctx, actor(ctx, "moderator"), aid)
    assert {"gw_rating", "f_accepted", "end_closed"} <= data["done"]
    assert not data["done"] & {"end_auto_closed", "timer_rating", "end_rejected"}


def test_unrated_answer_closed_by_the_system_ends_on_the_auto_close_end(ctx, people, clock):
    inv, mod, head, kdh = people["investor"], people["moderator"], people["head"], people["kdh_manager"]
    aid = inv.file()["id"]
    mod.do(aid, "accept", executor_org="kdh")
    kdh.do(aid, "take")
    kdh.do(aid, "answer", text="Ответ", outcome="resolved")
    head.do(aid, "approve")
    clock.advance(days=ctx.settings.rating_period_days + 1)
    assert fire_due_timers(ctx) >= 1
    data = diagrams.appeal_diagram(ctx, actor(ctx, "auditor"), aid)
    assert {"rate", "timer_rating", "close_without_rating", "end_auto_closed"} <= data["done"]
    assert not data["done"] & {"end_closed", "gw_rating"} and data["current"] == set()
