"""New work finds its people (issue 14): every task that becomes someone's to do is notified once, in-app
and by letter, as each user chose (at once, a daily digest, off); the digest goes at a local hour."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.models import Notification, OutboxMessage
from services.notify.digest import send_digests
from services.work import scheduler as scheduler_module
from tests.support import Api, build_world


@pytest.fixture
def people(app, ctx):
    build_world(ctx)
    client = app.test_client()
    return {login: Api(client, login) for login in
            ("investor", "moderator", "kdh_manager", "tosno_manager", "tosno_manager2", "head")}


def _notes(ctx, login: str) -> list[Notification]:
    with ctx.db.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(Notification).where(Notification.recipient == login)
                                        .order_by(Notification.id)))
        uow.session.expunge_all()
        return rows


def _letters(ctx, login: str) -> list[OutboxMessage]:
    with ctx.db.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_login == login)
                                        .order_by(OutboxMessage.id)))
        uow.session.expunge_all()
        return rows


def test_queued_assigned_and_approval_tasks_reach_their_people_once(ctx, people):
    aid = people["investor"].file()["id"]
    [queued] = _notes(ctx, "moderator")  # the agency's moderation queue
    assert queued.event == "task_queued" and f"обращению №{aid}" in queued.text
    [letter] = _letters(ctx, "moderator")
    assert letter.subject == f"Новая задача по обращению №{aid} в очереди вашей организации"
    assert letter.state == "pending" and "Модерация обращения" in letter.body

    people["moderator"].do(aid, "accept", executor_org="kdh")  # queued to kdh
    [kdh] = _notes(ctx, "kdh_manager")
    assert kdh.event == "task_queued" and "Взять обращение в работу" in kdh.text
    people["kdh_manager"].do(aid, "take")
    assert len(_notes(ctx, "kdh_manager")) == 1, "one's own next task is no news"
    people["kdh_manager"].do(aid, "redirect", org="tosno", reason="Участок в Тосненском районе")
    for login in ("tosno_manager", "tosno_manager2"):  # every manager of the organisation's queue
        [note] = _notes(ctx, login)
        assert note.event == "task_queued" and f"№{aid}" in note.text
    people["tosno_manager2"].do(aid, "take")
    people["tosno_manager2"].do(aid, "answer", text="Ответ", outcome="resolved")
    [approval] = _notes(ctx, "head")
    assert approval.event == "task_assigned" and "Согласовать ответ инвестору" in approval.text
    assert _letters(ctx, "head")[0].subject == f"Новая задача по обращению №{aid}"
    people["head"].do(aid, "approve")
    assert [n.event for n in _notes(ctx, "investor")] == ["appeal_received", "answer_ready"], \
        "the rating task is announced by «ответ готов», not twice"


def test_a_task_handed_to_a_substitute_tells_the_substitute_once(ctx, people, clock):
    today = clock().date()
    response = people["tosno_manager"].post("/api/v1/users/me/absences", json={
        "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=3)).isoformat(),
        "substitute": "tosno_manager2"})
    assert response.status_code == 201, response.get_json()
    aid = people["investor"].file()["id"]
    people["moderator"].do(aid, "accept", executor_org="tosno", manager="tosno_manager")
    takes = [n for n in _notes(ctx, "tosno_manager2") if n.appeal_id == aid]
    assert len(takes) == 1 and "вы замещаете" in takes[0].text, [n.text for n in takes]
    people["tosno_manager2"].do(aid, "take")
    people["tosno_manager2"].do(aid, "answer", text="Ответ", outcome="resolved")
    people["head"].do(aid, "return", remarks="Дополните ответ")  # back to the absent manager → the substitute
    before = len(_notes(ctx, "tosno_manager2"))
    notes = [n for n in _notes(ctx, "tosno_manager2") if "Подготовить ответ" in n.text]
    assert len(notes) == 1 and "вы замещаете: Tosno_Manager" in notes[0].text, [n.text for n in notes]
    assert people["tosno_manager2"].task_for(aid)["on_behalf_of"] == "tosno_manager"
    assert before == len(_notes(ctx, "tosno_manager2"))


def test_settings_api_and_letters_as_each_user_chose(ctx, people, clock):
    mod, head = people["moderator"], people["head"]
    assert mod.get("/api/v1/me/notification-settings").get_json() == {
        "email": "immediate", "modes": ["immediate", "digest", "off"], "digest_hour": 8,
        "timezone": "Europe/Moscow"}
    assert mod.client.put("/api/v1/me/notification-settings", headers=mod.headers,
                          json={"email": "digest"}).get_json()["email"] == "digest"
    bad = head.client.put("/api/v1/me/notification-settings", headers=head.headers, json={"email": "hourly"})
    assert bad.status_code == 422 and "email" in bad.get_json()["errors"]
    assert head.client.put("/api/v1/me/notification-settings", json={"email": "off"}).status_code == 401
    assert head.client.put("/api/v1/me/notification-settings", headers=head.headers,
                           json={"email": "off"}).status_code == 200

    first = people["investor"].file()["id"]
    second = people["investor"].file()["id"]
    mod.do(first, "accept", executor_org="kdh", manager="kdh_manager")
    people["kdh_manager"].do(first, "take")
    people["kdh_manager"].do(first, "answer", text="Ответ", outcome="resolved")
    assert len(_notes(ctx, "head")) == 1 and _letters(ctx, "head") == [], "off: in-app only"
    held = _letters(ctx, "moderator")
    assert [r.state for r in held] == ["digest", "digest"], "digest: held, not sent"
    assert len(_notes(ctx, "moderator")) == 2

    clock.now = datetime(2025, 8, 19, 5, 0, tzinfo=UTC)  # 08:00 in the pack's zone, the next morning
    assert send_digests(ctx) == {"moderator": 2}
    digest = [r for r in _letters(ctx, "moderator") if r.event == "digest"]
    assert len(digest) == 1 and digest[0].state == "pending" and digest[0].recipient == "moderator@example.org"
    assert digest[0].subject == "Сводка уведомлений за 19.08.2025: 2"
    assert f"Новая задача по обращению №{first} в очереди" in digest[0].body
    assert f"/appeals/{second}" in digest[0].body
    assert {r.state for r in _letters(ctx, "moderator") if r.event != "digest"} == {"digested"}
    assert send_digests(ctx) == {}, "folded once"


def test_the_digest_job_runs_daily_at_the_configured_local_hour(ctx):
    job = {j.id: j for j in scheduler_module.build_scheduler(ctx).get_jobs()}["digest"]
    fixed = datetime(2025, 8, 18, 7, 54, tzinfo=UTC)  # 10:54 Moscow: today's 08:00 has passed
    nxt = job.trigger.get_next_fire_time(None, fixed)
    assert nxt.astimezone(UTC) == datetime(2025, 8, 19, 5, 0, tzinfo=UTC)
    assert job.max_instances == 1 and job.coalesce


def test_the_settings_page(app, people):
    import re

    from tests.support import PASSWORD
    browser = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").get_data(as_text=True)).group(1)
    browser.post("/login", data={"login": "moderator", "password": PASSWORD, "csrf_token": token})
    page = browser.get("/notifications/settings").get_data(as_text=True)
    assert "Настройки уведомлений" in page and 'value="immediate" checked' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    saved = browser.post("/notifications/settings", data={"email": "digest", "csrf_token": token})
    assert saved.status_code == 302
    assert 'value="digest" checked' in browser.get("/notifications/settings").get_data(as_text=True)
    bad = browser.post("/notifications/settings", data={"email": "x", "csrf_token": token})
    assert bad.status_code == 422
