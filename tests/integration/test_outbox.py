"""E-mail through the outbox to a real SMTP server on loopback: every event's Russian letter, retries
with back-off, giving up visibly, one letter per event, and the documented resend after a crash."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from services.appeals import actions
from services.appeals.intake import submit_appeal
from services.models import Appeal, Notification, OutboxMessage
from services.notify import outbox, preferences
from services.notify.writer import notify
from services.people.directory import actor_for
from services.work import inbox
from services.work.timers import fire_due_timers
from tests.mailbox import SmtpServer, use_smtp
from tests.support import COMPANY, FACT_CONSULTATION, FACT_PROBLEM, build_world


@pytest.fixture
def smtp(ctx):
    with SmtpServer() as server:
        use_smtp(ctx, server.port)
        yield server.mailbox


def _actors(ctx, *logins):
    with ctx.db.unit_of_work() as uow:
        return [actor_for(uow.session, login) for login in logins]


def _do(ctx, actor, action, **fields):
    [task] = inbox.list_tasks(ctx, actor)
    return actions.complete_task(ctx, actor, task["id"], {"action": action, **fields})


def _file(ctx, investor, fact=FACT_PROBLEM):
    return submit_appeal(ctx, investor, {"fact": fact, "subject": "Согласование съезда",
                                         "description": "Просим помочь", "company": COMPANY})


def _investor_letters_only(ctx):
    """The moderators' queue letters switched off (their own setting), so filing queues one letter."""
    [moderator] = _actors(ctx, "moderator")
    preferences.put_settings(ctx, moderator, {"email": "off"})


def _rows(ctx, **where):
    with ctx.db.unit_of_work() as uow:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        rows = list(uow.session.scalars(query))
        uow.session.expunge_all()  # keep the loaded values past the read-only transaction's rollback
        return rows


def test_each_event_reaches_the_mailbox_with_its_russian_subject(ctx, clock, smtp):
    build_world(ctx)
    investor, moderator, manager, head = _actors(ctx, "investor", "moderator", "kdh_manager", "head")
    appeal = _file(ctx, investor, FACT_CONSULTATION)
    n = appeal["number"]
    _do(ctx, moderator, "clarify", question="Уточните кадастровый номер")
    _do(ctx, investor, "reply", text="47:20:0112015:226")
    _do(ctx, moderator, "accept", executor_org="kdh", manager="kdh_manager")
    _do(ctx, manager, "take")
    clock.advance(days=4)  # 22.08: two working days before the deadline of 23.08
    assert fire_due_timers(ctx) == 1  # the SLA warning: the executor and the coordinator
    clock.advance(days=2)
    # the appeal turning overdue (coordinator and head) and the diagram's deadline timer (its escalation
    # finds the appeal already overdue: no second letter)
    assert fire_due_timers(ctx) == 2
    _do(ctx, manager, "answer", text="Ответ", outcome="resolved")
    _do(ctx, head, "approve")
    _do(ctx, investor, "rework", reason="Нет письма")
    with ctx.db.unit_of_work() as uow:  # no sweep sends this event yet: the template is exercised directly
        row = uow.session.get(Appeal, appeal["id"])
        notify(uow.session, ["head"], "escalation", row, "ответ не направлен в срок", clock())
        uow.commit()

    counts = outbox.send_pending(ctx)
    assert counts.get("sent") == len(_rows(ctx)) == 14, (counts, [(r.state, r.next_attempt_at, r.last_error) for r in _rows(ctx)])
    assert set(smtp.subjects("investor@example.org")) == {
        f"Обращение №{n} зарегистрировано", f"Запрошено уточнение по обращению №{n}",
        f"Получен ответ на обращение №{n}"}
    assert set(smtp.subjects("kdh_manager@example.org")) == {
        f"Новая задача по обращению №{n}", f"Обращение №{n} возвращено на доработку",
        f"Истекает срок ответа по обращению №{n}"}
    assert set(smtp.subjects("head@example.org")) == {  # the answer to approve is new work
        f"Просрочен срок ответа по обращению №{n}", f"Эскалация: обращение №{n} не исполнено в срок",
        f"Новая задача по обращению №{n}"}
    assert smtp.subjects("moderator@example.org").count(  # filed, and back after the investor's reply
        f"Новая задача по обращению №{n} в очереди вашей организации") == 2
    assert set(smtp.subjects("moderator@example.org")) == {  # the coordinator
        f"Новая задача по обращению №{n} в очереди вашей организации",
        f"Просрочен срок ответа по обращению №{n}", f"Обращение №{n} возвращено на доработку",
        f"Истекает срок ответа по обращению №{n}"}
    received = next(m for m in smtp.messages if str(m["Subject"]).endswith("зарегистрировано"))
    body = received.get_content()
    assert "Согласование съезда" in body and "23.08.2025" in body  # subject, deadline ДД.ММ.ГГГГ
    assert f"https://koridor.example/appeals/{appeal['id']}" in body
    assert received["From"] == "koridor@aerlo.example" and received["Message-ID"].endswith("@aerlo.example>")
    assert all(r.state == "sent" and r.sent_at == clock() for r in _rows(ctx))
    assert outbox.send_pending(ctx) == {}, "a sent letter is not sent again"
    assert len(smtp.messages) == 14


def test_a_refused_letter_is_retried_with_back_off_and_sent_later(ctx, clock, smtp):
    build_world(ctx)
    _investor_letters_only(ctx)
    [investor] = _actors(ctx, "investor")
    _file(ctx, investor)
    smtp.refuse = True
    assert outbox.send_pending(ctx) == {"sent": 0, "retry": 1, "failed": 0}
    [row] = _rows(ctx)
    assert row.state == "pending" and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at == clock() + timedelta(seconds=60)
    clock.advance(seconds=59)
    assert outbox.send_pending(ctx) == {}, "not before the back-off"
    clock.advance(seconds=1)
    assert outbox.send_pending(ctx)["retry"] == 1
    [row] = _rows(ctx)
    assert row.attempts == 2 and row.next_attempt_at == clock() + timedelta(seconds=120), "the delay doubles"
    smtp.refuse = False
    clock.advance(seconds=120)
    assert outbox.send_pending(ctx)["sent"] == 1
    [row] = _rows(ctx)
    assert row.state == "sent" and row.last_error is None and len(smtp.messages) == 1


def test_an_unreachable_server_keeps_every_row_and_gives_up_visibly(ctx, clock, app):
    build_world(ctx)
    _investor_letters_only(ctx)
    from services.people import directory
    from tests.support import PASSWORD, Api

    directory.add_user(ctx, "admin", PASSWORD, ["admin"], "aerlo", name="Admin", email="admin@example.org")
    use_smtp(ctx, 9, outbox_max_attempts=3)  # port 9 (discard) is closed on loopback: connection refused
    [investor] = _actors(ctx, "investor")
    _file(ctx, investor)
    _file(ctx, investor)
    for _ in range(3):
        counts = outbox.send_pending(ctx)
        assert counts["sent"] == 0
        clock.advance(hours=1)
    rows = _rows(ctx)
    assert len(rows) == 2 and all(r.state == "failed" and r.attempts == 3 for r in rows)
    assert all("Connection" in r.last_error or "refused" in r.last_error.lower() for r in rows)
    client = app.test_client()
    failed = Api(client, "admin").get("/api/v1/outbox?state=failed").get_json()["items"]
    assert {i["id"] for i in failed} == {r.id for r in rows}
    assert failed[0]["subject"].startswith("Обращение №") and failed[0]["attempts"] == 3
    assert Api(client, "investor").get("/api/v1/outbox?state=failed").status_code == 403
    assert Api(client, "admin").get("/api/v1/outbox?state=lost").status_code == 422
    retried = Api(client, "admin").post(f"/api/v1/outbox/{rows[0].id}/retry").get_json()
    assert retried["state"] == "pending" and retried["attempts"] == 0
    assert Api(client, "admin").post(f"/api/v1/outbox/{rows[0].id}/retry").status_code == 409


def test_one_event_queues_one_letter_and_a_rolled_back_change_none(ctx, clock):
    build_world(ctx)
    _investor_letters_only(ctx)
    [investor] = _actors(ctx, "investor")
    appeal = _file(ctx, investor)
    for _ in range(2):  # the same event handled twice (a retried sweep, a replayed request)
        with ctx.db.unit_of_work() as uow:
            row = uow.session.get(Appeal, appeal["id"])
            notified = notify(uow.session, ["investor", "investor", None], "appeal_received", row, "x", clock())
            uow.commit()
        assert notified == []
    with ctx.db.unit_of_work() as uow:
        row = uow.session.get(Appeal, appeal["id"])
        assert notify(uow.session, ["kdh_manager"], "task_assigned", row, "x", clock(), key="t1") == ["kdh_manager"]
        # no commit: the change is abandoned and its letter with it
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        # in-app rows: the investor's, and the moderator's (whose letters are off) of the queued task
        assert s.scalar(select(func.count()).select_from(Notification)) == 2
        [key] = s.scalars(select(OutboxMessage.event_key))
        assert key.startswith(f"appeal_received:{appeal['id']}:h") and key.endswith(":investor")


def test_no_smtp_server_configured_marks_letters_skipped(ctx, clock):
    build_world(ctx)
    _investor_letters_only(ctx)
    [investor] = _actors(ctx, "investor")
    _file(ctx, investor)
    assert ctx.settings.smtp_host == ""
    assert outbox.send_pending(ctx) == {"skipped": 1}
    [row] = _rows(ctx)
    assert row.state == "skipped" and "KORIDOR_SMTP_HOST" in row.last_error
    assert outbox.send_pending(ctx) == {"skipped": 0}


def test_a_crash_after_the_server_accepted_resends_the_same_message_id(ctx, clock, smtp, monkeypatch):
    """The at-least-once window (docs/notifications.md): SMTP said 250, the process died before
    recording `sent`. The lease runs out, the next sweep sends again with the same Message-ID."""
    build_world(ctx)
    _investor_letters_only(ctx)
    [investor] = _actors(ctx, "investor")
    _file(ctx, investor)
    real_record = outbox._record

    def die_before_recording(*args):
        raise KeyboardInterrupt("killed after the server accepted")

    monkeypatch.setattr(outbox, "_record", die_before_recording)
    with pytest.raises(KeyboardInterrupt):
        outbox.send_pending(ctx)
    monkeypatch.setattr(outbox, "_record", real_record)
    assert len(smtp.messages) == 1
    [row] = _rows(ctx)
    assert row.state == "sending" and row.claimed_until == clock() + timedelta(seconds=300)
    assert outbox.send_pending(ctx) == {}, "another sweep leaves a leased row alone"
    clock.advance(seconds=301)
    assert outbox.send_pending(ctx)["sent"] == 1
    assert len(smtp.messages) == 2 and smtp.messages[0]["Message-ID"] == smtp.messages[1]["Message-ID"]
    assert _rows(ctx)[0].state == "sent"


def test_two_senders_never_claim_the_same_letter(ctx, clock, smtp):
    build_world(ctx)
    _investor_letters_only(ctx)
    [investor] = _actors(ctx, "investor")
    for _ in range(4):
        _file(ctx, investor)
    first = outbox._claim(ctx, clock(), 3, "a")
    second = outbox._claim(ctx, clock(), 3, "b")
    assert len(first) == 3 and len(second) == 1
    assert not {r.id for r in first} & {r.id for r in second}
    assert outbox._claim(ctx, clock(), 3, "c") == []
