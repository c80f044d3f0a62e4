"""Who stands in for whom right now (issue 5, substitutes): the lookup routing and notifications use."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.models import Absence

MAX_CHAIN = 5  # A is away, B stands in but is away too, C stands in for B …


def _direct(session: Session, logins: set[str], now: datetime) -> dict[str, str]:
    rows = session.execute(
        select(Absence.login, Absence.substitute).where(Absence.login.in_(logins), Absence.starts_at <= now,
                                                        Absence.ends_at > now).order_by(Absence.id))
    return {login: substitute for login, substitute in rows}  # the latest absence wins


def substitutes_for(session: Session, logins: list[str], now: datetime) -> dict[str, str]:
    """{absent login: the person present who acts for them at `now`} for those of `logins` who are away.
    A chain of absences is followed; a circle (everyone away) leaves the login without a substitute."""
    wanted = {x for x in logins if x}
    if not wanted:
        return {}
    known: dict[str, str] = {}
    frontier = wanted
    for _ in range(MAX_CHAIN):
        found = _direct(session, frontier, now)
        known.update(found)
        frontier = set(found.values()) - set(known)
        if not frontier:
            break
    result = {}
    for login in wanted:
        seen, current = {login}, login
        while current in known and known[current] not in seen:
            current = known[current]
            seen.add(current)
        if current != login and current not in known:
            result[login] = current
    return result
