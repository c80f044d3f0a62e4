"""The dashboard's figures against an independent count, and its page."""
from __future__ import annotations

import re

import pytest

from tests.support import FACT_CONSULTATION, FACT_PROBLEM, Api, build_world


@pytest.fixture
def people(app, ctx):
    build_world(ctx)
    client = app.test_client()
    return {login: Api(client, login) for login in ("investor", "moderator", "head", "kdh_manager")}


def test_dashboard_counts_open_overdue_due_soon_and_answers(people, clock):
    inv, mod, head, kdh = people["investor"], people["moderator"], people["head"], people["kdh_manager"]
    answered = inv.file(fact=FACT_PROBLEM)["id"]
    mod.do(answered, "accept", executor_org="kdh")
    kdh.do(answered, "take")
    clock.advance(days=2)
    kdh.do(answered, "answer", text="ответ", outcome="resolved")
    head.do(answered, "approve")
    inv.do(answered, "accept", rating=4)
    inv.file(fact=FACT_CONSULTATION)               # due 5 days after filing: overdue after 6 days
    late = inv.file(fact=FACT_CONSULTATION)["id"]  # overdue too, at kdh
    mod.do(late, "accept", executor_org="kdh")
    inv.file(fact=FACT_PROBLEM)                    # 20 days: 14 left after 6 days -> green
    clock.advance(days=6)
    inv.file(fact=FACT_CONSULTATION)               # 5 days left -> yellow
    data = head.get("/api/v1/reports/dashboard").get_json()
    t = data["totals"]
    # counted by hand: 5 appeals, 1 answered (4 open: 2 overdue, 1 due within 10 days, 1 on track)
    assert (t["total"], t["open"], t["overdue"], t["due_soon"], t["on_track"]) == (5, 4, 2, 1, 1)
    assert t["answered_this_month"] == 1
    assert t["avg_rating"] == 4.0 and t["avg_days_to_answer"] == pytest.approx(2.0, abs=0.01)
    by_org = {o["org"]: o for o in data["by_org"]}
    assert by_org["kdh"]["overdue"] == 1 and by_org[None]["open"] == 3
    assert sum(w["created"] for w in data["trend"]) == 5 and sum(w["answered"] for w in data["trend"]) == 1


def test_dashboard_page_draws_the_trend_and_is_for_staff(app, people):
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"login": "head", "password": "secret-pass", "csrf_token": token})
    page = client.get("/dashboard")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html and "Просрочено" in html
    assert people["investor"].get("/api/v1/reports/dashboard").status_code == 403
