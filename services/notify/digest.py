"""The daily digest (issue 14): letters held for users who chose «сводкой раз в день» become one letter.

The writer queues such a user's letters with the state `digest` (services/notify/writer.py). Once a day,
at `Settings.digest_hour` local time in the pack's zone, the scheduler's `digest` job
(services/work/scheduler.py) calls `send_digests`: per recipient, one `pending` letter listing the
held ones (subject and link), and the held rows become `digested` — in one unit of work, so a crash
leaves either both or neither. The digest's event key names the held rows' id range, so two runs
never fold the same rows twice and a second run the same day sends only what arrived since. The
outbox sender then delivers the digest like any other letter.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from services.context import Context
from services.models import OutboxMessage, User
from services.notify.mail import render

HELD = "digest"
FOLDED = "digested"


def send_digests(ctx: Context, now: datetime | None = None) -> dict[str, int]:
    """Fold every held letter into one digest letter per recipient; {login: letters folded}."""
    now = now or ctx.clock()
    day = now.astimezone(ctx.tz).strftime("%d.%m.%Y")
    base = ctx.settings.public_url.rstrip("/")
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        query = (select(OutboxMessage).where(OutboxMessage.state == HELD)
                 .order_by(OutboxMessage.recipient_login, OutboxMessage.id))
        if uow.is_postgres:
            query = query.with_for_update(skip_locked=True)
        held: dict[tuple[str, str], list[OutboxMessage]] = {}
        for row in s.scalars(query):
            held.setdefault((row.recipient_login or row.recipient, row.recipient), []).append(row)
        if not held:
            return {}
        names = dict(s.execute(select(User.login, User.name).where(User.login.in_({k[0] for k in held}))).all())
        for (login, address), rows in held.items():
            items = [_item(row, base) for row in rows]
            subject, body = render("digest", {"name": names.get(login, ""), "day": day, "items": items,
                                              "link": f"{base}/notifications/settings"})
            s.add(OutboxMessage(event_key=f"digest:-:d{rows[0].id}-{rows[-1].id}:{login}"[:300], event="digest",
                                appeal_id=None, recipient=address, recipient_login=login, subject=subject,
                                body=body, created_at=now, state="pending", attempts=0, next_attempt_at=now))
        s.execute(update(OutboxMessage).where(OutboxMessage.id.in_([r.id for rows in held.values() for r in rows]))
                  .values(state=FOLDED, sent_at=now).execution_options(synchronize_session=False))
        uow.commit()
        return {login: len(rows) for (login, _address), rows in held.items()}


def _item(row: OutboxMessage, base: str) -> dict[str, Any]:
    return {"subject": row.subject, "link": f"{base}/appeals/{row.appeal_id}" if row.appeal_id else ""}
