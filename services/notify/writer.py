"""Notifications: one in-app row and one letter in the outbox per event and person, written in the
caller's transaction (the change and its notifications commit or roll back together).

`event_key` = "{event}:{appeal id}:{discriminator}:{login}" is unique in both tables, so the same
event never notifies one person twice (a retried request, a timer handled again). The discriminator
is the caller's `key` (a task uuid, a deadline) or else the id of the appeal's latest history event:
every change appends one, so two changes never share it, and one change notifying twice is one event.
Someone away (services/substitutes.py) is notified and so is whoever stands in for them, once: a
substitute who is a recipient in their own right gets one row (the direct one), not a copy too, and
`copied` tells a later step of the same transaction (routing the task itself to the substitute,
services/absences.py) that the substitute has been told about this appeal already.

`notify_many` does the same for many events in a fixed number of statements (the timer sweep's fast
path): one lookup of absences, one of users and their letter settings, one of history tips, one INSERT
per table.

Letters follow each user's choice (`notification_settings`, services/notify/preferences.py): at once
(`pending`), held for the daily digest (`digest`, services/notify/digest.py) or none (`off`); the in-app
row is always written. `told` says whether a person was notified about an appeal earlier in the same
transaction (a step's own notice, so the new-work notice of the task it opened is not sent twice).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.models import HistoryEvent
from services.models import Appeal, Notification, NotificationSetting, OutboxMessage, User
from services.notify.mail import render
from services.visibility import PUBLIC, STAFF_ROLES
from services.work.substitutes import substitutes_for


@dataclass(frozen=True)
class Notice:
    """One event to notify: who, what, about which appeal, and an optional discriminator `key`."""
    recipients: list[str | None]
    event: str
    appeal: Appeal | None
    text: str
    key: str | None = None
    visibility: str = PUBLIC  # INTERNAL: staff only; an investor among the recipients gets nothing


def notify(session: Session, recipients: list[str | None], event: str, appeal: Appeal | None, text: str,
           now: datetime | None = None, *, key: str | None = None, visibility: str = PUBLIC) -> list[str]:
    """Notify each distinct login in `recipients` (and the substitute of one who is away) in-app and,
    when the user has an e-mail address, by a letter queued in the outbox; returns the logins notified
    this time (a repeated event notifies nobody). Without `now` the database's clock is used. An
    `internal` notice (services/visibility.py) reaches staff only: nobody else gets its row or letter."""
    return notify_many(session, [Notice(recipients, event, appeal, text, key, visibility)], now)[0]


def notify_many(session: Session, notices: list[Notice], now: datetime | None = None) -> list[list[str]]:
    """`notify` for several events at once; by notice, the logins notified this time."""
    per_notice = [list(dict.fromkeys(filter(None, n.recipients))) for n in notices]
    everyone = {login for logins in per_notice for login in logins}
    if not everyone:
        return [[] for _ in notices]
    now = now or _database_now(session)
    standing_in = substitutes_for(session, sorted(everyone), now)
    logins = everyone | set(standing_in.values())
    users = {u.login: u for u in session.scalars(select(User).where(User.login.in_(logins)))}
    modes = dict(session.execute(select(NotificationSetting.login, NotificationSetting.email)
                                 .where(NotificationSetting.login.in_(logins))).all())
    tips = _history_tips(session, [n.appeal.id for n, logins in zip(notices, per_notice, strict=True)
                                   if logins and n.appeal is not None and n.key is None])
    base = session.info.get("public_url", "").rstrip("/")
    rows, letters, owner = _rows(notices, per_notice, standing_in, users, tips, base, now)
    new = _insert_new(session, Notification, list(rows.values()))
    _insert_new(session, OutboxMessage, [_held(letters[k], modes.get(rows[k]["recipient"]))
                                         for k in rows if k in new and k in letters
                                         and modes.get(rows[k]["recipient"]) != "off"])
    result: list[list[str]] = [[] for _ in notices]
    copies = session.info.setdefault(_COPIES, set())  # the session lives for one unit of work
    told_now = session.info.setdefault(_TOLD, {})
    for event_key, row in rows.items():  # in the order the targets were listed
        if event_key in new:
            told_now.setdefault((row["appeal_id"], row["recipient"]), set()).add(row["event"])
            result[owner[event_key]].append(row["recipient"])
            if row["text"] != notices[owner[event_key]].text:  # a copy for someone away
                copies.add((row["event"], row["appeal_id"], row["recipient"]))
    return result


def _rows(notices: list[Notice], per_notice: list[list[str]], standing_in: dict[str, str], users: dict[str, User],
          tips: dict[int, int], base: str, now: datetime) -> tuple[dict[str, dict], dict[str, dict], dict[str, int]]:
    """The notification rows and letters by event key, and the notice each key belongs to."""
    rows: dict[str, dict] = {}
    letters: dict[str, dict] = {}
    owner: dict[str, int] = {}
    for index, (notice, logins) in enumerate(zip(notices, per_notice, strict=True)):
        appeal = notice.appeal
        appeal_id = appeal.id if appeal is not None else None
        discriminator = notice.key or (f"h{tips.get(appeal_id, 0)}" if appeal is not None else "-")
        for login, absent in _targets(logins, standing_in):
            event_key = f"{notice.event}:{appeal_id or '-'}:{discriminator}:{login}"[:300]
            if event_key in rows or (notice.visibility != PUBLIC and not _staff(users.get(login))):
                continue
            absent_name = (users[absent].name if absent in users else absent) if absent else ""
            row_text = f"{notice.text} (вы замещаете: {absent_name})" if absent else notice.text
            rows[event_key] = dict(recipient=login, appeal_id=appeal_id, event=notice.event, text=row_text,
                                   created_at=now, event_key=event_key)
            owner[event_key] = index
            letter = _letter(notice, users.get(login), absent_name, base, now)
            if letter is not None:
                letters[event_key] = {**letter, "event_key": event_key, "recipient_login": login}
    return rows, letters, owner


def _targets(logins: list[str], standing_in: dict[str, str]) -> list[tuple[str, str | None]]:
    """(recipient, absent colleague they stand in for or None): everyone, then the substitutes of those away."""
    targets: list[tuple[str, str | None]] = [(login, None) for login in logins]
    targets += [(standing_in[a], a) for a in logins if a in standing_in and standing_in[a] not in logins]
    return targets


def _staff(user: User | None) -> bool:
    return user is not None and any(role in STAFF_ROLES for role in user.role_list)


def _letter(notice: Notice, user: User | None, absent_name: str, base: str, now: datetime) -> dict | None:
    """The outbox row of one notice for one user with an e-mail address (None without one)."""
    if user is None or not user.email or not user.active:
        return None
    appeal = notice.appeal
    values = {"name": user.name, "text": notice.text, "on_behalf_of": absent_name}
    if appeal is not None:
        values.update(number=appeal.number, appeal_subject=appeal.subject,
                      deadline=appeal.deadline.strftime("%d.%m.%Y") if appeal.deadline else "",
                      link=f"{base}/appeals/{appeal.id}")
    subject, body = render(notice.event, values)
    return dict(event=notice.event, appeal_id=appeal.id if appeal is not None else None, recipient=user.email,
                subject=subject, body=body, created_at=now, state="pending", attempts=0, next_attempt_at=now)


def _held(letter: dict, mode: str | None) -> dict:
    """The letter as queued for the user's choice: `digest` holds it for the daily digest."""
    return {**letter, "state": "digest"} if mode == "digest" else letter


_COPIES = "koridor.substitute_copies"
_TOLD = "koridor.told"


def told(session: Session, appeal_id: int | None, login: str, ignore: tuple[str, ...] = ()) -> bool:
    """Whether `login` was notified about the appeal (None: about no appeal) earlier in this transaction,
    by an event other than those in `ignore`."""
    return bool(session.info.get(_TOLD, {}).get((appeal_id, login), set()) - set(ignore))


def copied(session: Session, event: str, appeal_id: int | None, login: str) -> bool:
    """Whether `login` got a copy of `event` about the appeal as someone's substitute in this transaction."""
    return (event, appeal_id, login) in session.info.get(_COPIES, ())


def _insert_new(session: Session, model, rows: list[dict]) -> set[str]:
    """INSERT … ON CONFLICT (event_key) DO NOTHING for all `rows` (executemany with RETURNING); the keys inserted."""
    if not rows:
        return set()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = model.__table__
    statement = (dialect.insert(table).on_conflict_do_nothing(index_elements=["event_key"])
                 .returning(table.c.event_key))  # one cached statement, sent as multi-row VALUES batches
    return set(session.scalars(statement, rows))


def _history_tips(session: Session, appeal_ids: list[int]) -> dict[int, int]:
    """{appeal id: id of its latest history event} in one grouped query."""
    if not appeal_ids:
        return {}
    return dict(session.execute(
        select(HistoryEvent.subject_id, func.max(HistoryEvent.id))
        .where(HistoryEvent.subject_type == "appeal", HistoryEvent.subject_id.in_(set(appeal_ids)))
        .group_by(HistoryEvent.subject_id)).all())


def _database_now(session: Session) -> datetime:
    value = session.scalar(select(func.current_timestamp()))
    if isinstance(value, str):  # SQLite: 'YYYY-MM-DD HH:MM:SS' in UTC
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
