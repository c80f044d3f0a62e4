"""`koridor generate` (issue 6): the data set's proportions and history chain, the reports checked
against an independent count over the generated rows, the XLSX files reopened, access by role and
organisation, and every reader of an appeal coping with appeals that have no process instance."""
from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from classifiers.deadlines import compute_deadline
from classifiers.inn import inn_problem
from devdata import generate
from devdata.generate_people import GENERATED_PASSWORD
from engine.models import HistoryEvent
from services import audit
from services.errors import ValidationFailed
from services.models import Appeal, AppealRoute, Comment
from tests.support import Api, build_world
from web.cli import main

N = 300


class GenApi(Api):
    def __init__(self, client, login: str):  # generated users share one password
        self.client, self.login = client, login
        response = client.post("/api/v1/auth/token", json={"login": login, "password": GENERATED_PASSWORD})
        assert response.status_code == 200, response.get_json()
        self.headers = {"Authorization": f"Bearer {response.get_json()['token']}"}


@pytest.fixture
def data(app, ctx):
    result = generate.generate(ctx, N, seed=7, batch=128)
    assert result.appeals == N and result.total_generated == N
    with ctx.db.engine.connect() as conn:
        appeals = [dict(r._mapping) for r in conn.execute(select(Appeal.__table__))]
        routes = [dict(r._mapping) for r in conn.execute(select(AppealRoute.__table__))]
        comments = [dict(r._mapping) for r in conn.execute(select(Comment.__table__))]
        events = [dict(r._mapping) for r in conn.execute(select(HistoryEvent.__table__).order_by(HistoryEvent.id))]
    return {"appeals": appeals, "routes": routes, "comments": comments, "events": events,
            "client": app.test_client()}


def _late(a, now) -> bool:
    if a["answered_at"] is not None:
        return a["answered_at"] > a["deadline_at"]
    return a["closed_at"] is None and a["deadline_at"] < now


def _figures(rows, now) -> dict:
    rated = [a["rating"] for a in rows if a["rating"] is not None]
    count = len(rows)
    return {"count": count, "answered": sum(a["answered_at"] is not None for a in rows),
            "in_work": sum(a["answered_at"] is None and a["closed_at"] is None for a in rows),
            "overdue": sum(_late(a, now) for a in rows),
            "rework_percent": round(100.0 * sum(a["rework_count"] > 0 for a in rows) / count, 1) if count else 0.0,
            "avg_rating": round(sum(rated) / len(rated), 2) if rated else None}


def _pick(figures: dict) -> dict:
    return {k: figures[k] for k in ("count", "answered", "in_work", "overdue", "rework_percent", "avg_rating")}


def test_proportions_deadlines_and_inns_follow_seed_001(data, ctx):
    appeals, now = data["appeals"], ctx.clock()
    types = Counter(a["appeal_type"] for a in appeals)
    for code, share in (("consultation", 67 / 289), ("help", 28 / 289), ("problem", 194 / 289)):
        assert abs(types[code] / N - share) < 0.06, types
    answered = sum(a["answered_at"] is not None for a in appeals) / N
    in_work = sum(a["answered_at"] is None and a["closed_at"] is None for a in appeals) / N
    assert abs(answered - 263 / 289) < 0.05 and abs(in_work - 23 / 289) < 0.05
    assert sum(_late(a, now) for a in appeals) / N < 0.06
    rated = [a["rating"] for a in appeals if a["rating"] is not None]
    assert set(rated) <= {1, 2, 3, 4, 5} and abs(sum(rated) / len(rated) - 4.6) < 0.3
    assert any(a["rework_count"] for a in appeals) and data["comments"]
    calendar = ctx.pack.calendar({})
    for a in appeals:
        assert inn_problem(a["company_inn"]) is None and a["instance_id"] is None and a["number"] == a["id"]
        assert compute_deadline(ctx.classifier, a["fact_code"], a["received_at"], calendar,
                                ctx.pack.timezone).deadline == a["deadline"]
        assert now - timedelta(days=366) <= a["created_at"] <= now
    routes = defaultdict(set)
    for r in data["routes"]:
        routes[r["appeal_id"]].add(r["org_code"])
    redirected = {e["subject_id"] for e in data["events"] if e["action"] == "redirect"}
    assert redirected and all(len(routes[i]) >= 2 for i in redirected)
    last = {e["subject_id"]: e for e in data["events"] if e["subject_type"] == "appeal"}
    assert all(last[a["id"]]["status_to"] == a["status"] for a in appeals)


def test_generated_history_chain_verifies(data, ctx):
    report = audit.verify_history(ctx)
    assert report.ok, report.problems[:3]
    assert report.rows == len(data["events"]) and report.subjects == N + 1  # + the dataset marker


def test_generate_refuses_real_data_unless_forced(ctx):
    build_world(ctx)
    with pytest.raises(ValidationFailed) as err:
        generate.generate(ctx, 5)
    assert "organisations" in str(err.value.errors)
    assert generate.generate(ctx, 5, force=True).total_generated == 5


def test_cli_generate_draws_a_bar_and_adds_to_the_data_set(ctx, database_url):
    runner = CliRunner()
    env = {"KORIDOR_DATABASE_URL": database_url, "KORIDOR_SECRET_KEY": "cli", "KORIDOR_PACK": "leningrad"}
    result = runner.invoke(main, ["generate", "--appeals", "40", "--batch", "15", "--seed", "3"], env=env)
    assert result.exit_code == 0, result.output
    assert "Создано обращений: 40" in result.output and "40/40" in result.output
    again = runner.invoke(main, ["generate", "--appeals", "10"], env=env)
    assert again.exit_code == 0 and "всего сгенерировано: 50" in again.output
    build_world(ctx)
    refused = runner.invoke(main, ["generate", "--appeals", "10"], env=env)
    assert refused.exit_code == 2 and "--force" in refused.output


def test_report_by_type_matches_an_independent_count(data, ctx):
    head, now = GenApi(data["client"], "gen-agency-head"), ctx.clock()
    tz = ctx.tz
    today = now.astimezone(tz).date()
    for start in (today - timedelta(days=400), date(2025, 3, 1)):
        end = today if start.year < 2025 else date(2025, 6, 30)
        report = head.get(f"/api/v1/reports/appeals-by-type?from={start}&to={end}").get_json()
        chosen = [a for a in data["appeals"] if start <= a["created_at"].astimezone(tz).date() <= end]
        assert chosen
        for row in report["rows"]:
            expected = _figures([a for a in chosen if a["appeal_type"] == row["appeal_type"]], now)
            assert _pick(row) | {"rework_percent": 0} == expected | {"rework_percent": 0}, row["appeal_type"]
        assert _pick(report["total"]) | {"rework_percent": 0} == _figures(chosen, now) | {"rework_percent": 0}


def test_report_by_executor_matches_an_independent_count(data, ctx):
    analyst, now = GenApi(data["client"], "gen-agency-analyst"), ctx.clock()
    start = (now - timedelta(days=400)).date()
    report = analyst.get(f"/api/v1/reports/appeals-by-executor?from={start}").get_json()
    by_manager = defaultdict(list)
    for a in data["appeals"]:
        by_manager[a["manager_login"]].append(a)
    assert {e["executor"] for e in report["executors"]} == set(by_manager)
    for executor in report["executors"]:
        rows = by_manager[executor["executor"]]
        assert _pick(executor) == _figures(rows, now)
        for category in executor["categories"]:
            assert _pick(category) == _figures([a for a in rows if a["category_code"] == category["code"]], now)
            for sub in category["subcategories"]:
                for fact in sub["facts"]:
                    assert _pick(fact) == _figures([a for a in rows if a["fact_code"] == fact["code"]], now)
    assert _pick(report["total"]) == _figures(data["appeals"], now)
    xlsx = analyst.get(f"/api/v1/reports/appeals-by-executor?from={start}&format=xlsx")
    values = [[c.value for c in row] for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows()]
    assert values[-1][0] == "Итого" and values[-1][2] == N


def test_registry_xlsx_reopens_with_the_filtered_rows(data, ctx):
    coordinator = GenApi(data["client"], "gen-agency-moderator-1")
    response = coordinator.get("/api/v1/registry/appeals?appeal_type=problem&format=xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = list(ws.iter_rows(values_only=True))
    problems = sorted((a for a in data["appeals"] if a["appeal_type"] == "problem"), key=lambda a: a["id"])
    assert rows[3][:3] == ("№", "Создано", "Тема") and len(rows) == 4 + len(problems)
    assert [r[0] for r in rows[4:]] == [a["number"] for a in problems]
    assert {r[5] for r in rows[4:]} == {"Проблема"}
    assert [r[10] == "да" for r in rows[4:]] == [_late(a, ctx.clock()) for a in problems]
    assert ws["B5"].is_date and ws["B5"].number_format == "DD.MM.YYYY" and ws["J5"].is_date
    assert rows[4][1].date() == problems[0]["created_at"].astimezone(ctx.tz).date()


def test_report_access_by_role_and_organisation(data, ctx):
    client, now = data["client"], ctx.clock()
    start = (now - timedelta(days=400)).date()
    path = f"/api/v1/reports/appeals-by-type?from={start}"
    for login in ("gen-co-00001-investor", "gen-agency-manager-1", "gen-agency-operator-1"):
        user = GenApi(client, login)
        assert user.get(path).status_code == 403, login
        assert user.get("/api/v1/reports/dashboard").status_code == 403
    for login in ("gen-agency-head", "gen-agency-moderator-1", "gen-agency-analyst", "gen-agency-auditor"):
        assert GenApi(client, login).get(path).get_json()["total"]["count"] == N, login
    routed = defaultdict(set)
    for r in data["routes"]:
        routed[r["org_code"]].add(r["appeal_id"])
    org = max((code for code in routed if code != "gen-agency"), key=lambda code: len(routed[code]))
    own = [a for a in data["appeals"] if a["executor_org"] == org or a["id"] in routed[org]]
    org_head = GenApi(client, f"{org}-head")
    assert org_head.get(path).get_json()["total"] == _figures(own, now)
    executor = org_head.get(f"/api/v1/reports/appeals-by-executor?from={start}").get_json()
    assert executor["total"]["count"] == len(own)
    dashboard = org_head.get("/api/v1/reports/dashboard").get_json()
    assert dashboard["totals"]["total"] == len(own)
    _sign_in(client, f"{org}-head")
    page = client.get(f"/reports?from={start}")
    assert page.status_code == 200 and "Отчёты" in page.get_data(as_text=True)
    _sign_in(client, "gen-co-00001-investor")
    assert client.get("/reports").status_code == 403 and client.get("/dashboard").status_code == 403
    assert 'href="/reports"' not in client.get("/").get_data(as_text=True)


def _sign_in(client, login: str) -> None:
    client.get("/logout")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"login": login, "password": GENERATED_PASSWORD, "csrf_token": token})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]


def test_every_reader_copes_with_appeals_without_a_process(data, ctx):
    client = data["client"]
    head = GenApi(client, "gen-agency-head")
    picks = {}
    for a in data["appeals"]:
        key = "rework" if a["rework_count"] else a["status"]
        picks.setdefault(key, a)
    assert {"rejected", "resolved", "rework"} <= set(picks) and len(picks) >= 5
    _sign_in(client, "gen-agency-head")
    for a in picks.values():
        view = head.get(f"/api/v1/appeals/{a['id']}")
        assert view.status_code == 200 and view.get_json()["status"] == a["status"]
        history = head.get(f"/api/v1/appeals/{a['id']}/history").get_json()["items"]
        assert history[0]["action"] == "submit"
        assert head.get(f"/api/v1/appeals/{a['id']}/comments").status_code == 200
        docx = head.get(f"/api/v1/appeals/{a['id']}/export.docx")
        assert docx.status_code == 200
        text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
        assert a["company_inn"] in text
        for page in (f"/appeals/{a['id']}", f"/appeals/{a['id']}/diagram", f"/appeals/{a['id']}/export.docx"):
            assert client.get(page).status_code == 200, page
        assert 'Воспроизведение истории' not in client.get(f"/appeals/{a['id']}").get_data(as_text=True)
        assert client.get(f"/appeals/{a['id']}/replay").status_code == 404  # no process to replay, no 500
    assert client.get("/appeals?status=resolved").status_code == 200
    assert client.get("/dashboard").status_code == 200
    _sign_in(client, "gen-agency-moderator-1")
    for page in ("/inbox", "/board", "/appeals", "/appeals/export.xlsx?appeal_type=help"):
        assert client.get(page).status_code == 200, page
    coordinator = GenApi(client, "gen-agency-moderator-1")
    assert coordinator.get("/api/v1/appeals?as=coordinator").status_code == 200
    assert coordinator.tasks() == []  # generated appeals are records: no task on them
    comment = head.post(f"/api/v1/appeals/{picks['resolved']['id']}/comments", json={"text": "Проверено"})
    assert comment.status_code == 201, comment.get_json()
    assert audit.verify_history(ctx).ok
