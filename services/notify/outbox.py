"""The outbox sender: claims due letters, sends them over SMTP, retries with back-off, gives up visibly.

Delivery is at least once with a narrow window: a letter is marked `sending` with a lease (committed)
before the SMTP conversation and `sent` right after the server accepted it (committed, letter by
letter). A process killed between the server's acceptance and that commit leaves the row `sending`; when the lease runs out another sweep
sends it again, with the same Message-ID (derived from the event key) so it can be recognised as the
same letter. Nothing is ever lost: a row leaves the table's live states only as `sent`, `failed`
(after `outbox_max_attempts` attempts, listed for admins) or `skipped` (no SMTP server configured).
"""
from __future__ import annotations

import os
import smtplib
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update

from services.context import Actor, Context
from services.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from services.models import OutboxMessage
from services.notify.mail import Letter, deliver, message_id

STATES = ("pending", "sending", "sent", "failed", "skipped", "digest", "digested")  # digest: held for the daily
# digest (services/notify/digest.py), digested: folded into one
NO_SMTP = "SMTP-сервер не настроен (KORIDOR_SMTP_HOST): письмо не отправлялось"


def _due(now: datetime):
    return or_(and_(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now),
               and_(OutboxMessage.state == "sending", OutboxMessage.claimed_until < now))  # a sender died


def _claim(ctx: Context, now: datetime, limit: int, worker: str) -> list[OutboxMessage]:
    """Take up to `limit` due rows for this worker: FOR UPDATE SKIP LOCKED on PostgreSQL; on SQLite the
    writer lock (BEGIN IMMEDIATE) plus a conditional UPDATE. Each claim counts as an attempt."""
    lease = now + timedelta(seconds=ctx.settings.outbox_lease_seconds)
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        query = select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.next_attempt_at,
                                                                   OutboxMessage.id).limit(limit)
        if uow.is_postgres:
            query = query.with_for_update(skip_locked=True)
        ids = list(s.scalars(query))
        if not ids:
            return []
        s.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), _due(now))
                  .values(state="sending", claimed_by=worker, claimed_until=lease,
                          attempts=OutboxMessage.attempts + 1)
                  .execution_options(synchronize_session=False))
        rows = list(s.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids),
                                                          OutboxMessage.claimed_by == worker,
                                                          OutboxMessage.state == "sending")))
        uow.commit()
        return rows


def _skip_all(ctx: Context, now: datetime, limit: int) -> int:
    with ctx.db.unit_of_work() as uow:
        ids = list(uow.session.scalars(select(OutboxMessage.id).where(_due(now)).limit(limit)))
        if ids:
            uow.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                .values(state="skipped", last_error=NO_SMTP, claimed_by=None, claimed_until=None))
        uow.commit()
        return len(ids)


def _record(ctx: Context, row: OutboxMessage, worker: str, error: str | None, now: datetime) -> str:
    """Write one letter's outcome in its own short transaction; returns sent / retry / failed."""
    settings = ctx.settings
    if error is None:
        outcome, values = "sent", dict(state="sent", sent_at=now, last_error=None)
    elif row.attempts >= settings.outbox_max_attempts:
        outcome, values = "failed", dict(state="failed", last_error=error)
    else:
        delay = settings.outbox_backoff_seconds * 2 ** (row.attempts - 1)
        outcome, values = "retry", dict(state="pending", last_error=error,
                                        next_attempt_at=now + timedelta(seconds=delay))
    with ctx.db.unit_of_work() as uow:
        uow.session.execute(update(OutboxMessage)
                            .where(OutboxMessage.id == row.id, OutboxMessage.claimed_by == worker)
                            .values(claimed_by=None, claimed_until=None, **values)
                            .execution_options(synchronize_session=False))
        uow.commit()
    return outcome


def send_pending(ctx: Context, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """One sweep: send up to `limit` due letters; returns counts by outcome."""
    now = now or ctx.clock()
    settings = ctx.settings
    if not settings.smtp_host:
        return {"skipped": _skip_all(ctx, now, limit)}
    worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    rows = {message_id(r.event_key, settings): r for r in _claim(ctx, now, limit, worker)}
    if not rows:
        return {}
    counts = {"sent": 0, "retry": 0, "failed": 0}
    done: set[str] = set()

    def record(letter: Letter, error: str | None) -> None:
        counts[_record(ctx, rows[letter.message_id], worker, error, now)] += 1
        done.add(letter.message_id)

    letters = [Letter(mid, r.recipient, r.subject, r.body) for mid, r in rows.items()]
    try:
        deliver(settings, letters, now, record)
    except (OSError, smtplib.SMTPException) as err:  # no connection, or lost: the rest wait for a retry
        reason = f"{type(err).__name__}: {err}"[:1000]
        for letter in letters:
            if letter.message_id not in done:
                record(letter, reason)
    return counts


def list_outbox(ctx: Context, actor: Actor, state: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Letters for an admin, newest first (`?state=failed`: the ones given up on)."""
    if not actor.has("admin"):
        raise NotPermitted("Очередь писем видна только администратору")
    if state is not None and state not in STATES:
        raise ValidationFailed("Неизвестное состояние", {"state": [f"одно из: {', '.join(STATES)}"]})
    with ctx.db.unit_of_work() as uow:
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if state:
            query = query.where(OutboxMessage.state == state)
        return [_view(r) for r in uow.session.scalars(query)]


def retry(ctx: Context, actor: Actor, message_id_: int) -> dict[str, Any]:
    """An admin sends a failed or skipped letter again (attempts start over)."""
    if not actor.has("admin"):
        raise NotPermitted("Очередь писем видна только администратору")
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        row = uow.session.get(OutboxMessage, message_id_)
        if row is None:
            raise NotFound("Письмо не найдено")
        if row.state not in ("failed", "skipped"):
            raise InvalidTransition("Повторить можно только неотправленное письмо (failed или skipped)")
        row.state, row.attempts, row.next_attempt_at, row.last_error = "pending", 0, now, None
        view = _view(row)
        uow.commit()
        return view


def _view(row: OutboxMessage) -> dict[str, Any]:
    return {"id": row.id, "event_key": row.event_key, "event": row.event, "appeal_id": row.appeal_id,
            "recipient": row.recipient, "recipient_login": row.recipient_login, "subject": row.subject,
            "state": row.state, "attempts": row.attempts, "created_at": row.created_at,
            "next_attempt_at": row.next_attempt_at, "sent_at": row.sent_at, "last_error": row.last_error}
