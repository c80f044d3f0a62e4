"""Sessions as rows (docs/identity.md, «Sessions and tokens»): API bearer tokens and browser sessions
are random values of which only the SHA-256 is kept in `auth_sessions`. Deleting the row ends the
session everywhere at once: `DELETE /api/v1/auth/token`, sign-out, a disabled account.

Failed password sign-ins are counted in `sign_in_failures`, so that every server process sees the
same count: at most `PER_LOGIN` failures per login and `PER_ADDRESS` per client address (looser,
an office shares one address) within `WINDOW`; past that the caller waits (`TooManyAttempts`, 429).
"""
from __future__ import annotations

import hashlib
import math
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from .context import Actor, Context
from .errors import KoridorError
from .identity_models import AuthSession, SignInFailure
from .models import User

API, WEB = "api", "web"
PER_LOGIN = 5
PER_ADDRESS = 50
WINDOW = timedelta(minutes=10)


class AuthenticationFailed(Exception):
    """Wrong login/password or a bad token (HTTP 401)."""


class TooManyAttempts(KoridorError):
    """Too many failed sign-ins for this login or address (HTTP 429); `retry_after` in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"Слишком много неудачных попыток входа. Повторите через {retry_after} с.")
        self.retry_after = retry_after


def _wall() -> datetime:
    """A credential lives in real time, whatever the domain clock says (`ctx.clock` is shifted by tests
    and by the time tools; the signed tokens before these rows used the wall clock too)."""
    return datetime.now(UTC)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def _new_row(session: Session, kind: str, login: str | None, data: dict, now: datetime, ttl: int) -> str:
    """A new session row; returns the secret value (token or cookie id). Expired rows go first."""
    session.execute(delete(AuthSession).where(AuthSession.expires_at <= now))
    value = secrets.token_urlsafe(32)
    session.add(AuthSession(token_hash=_hash(value), kind=kind, login=login, data=data, created_at=now,
                            expires_at=now + timedelta(seconds=ttl)))
    return value


def _live(session: Session, kind: str, value: str, now: datetime) -> AuthSession | None:
    row = session.scalar(select(AuthSession).where(AuthSession.token_hash == _hash(value), AuthSession.kind == kind))
    return row if row is not None and row.expires_at > now else None


# --- password sign-in and its throttle -------------------------------------------------------------

def _wait(session: Session, column, value: str, limit: int, now: datetime) -> int:
    """Seconds until `value` (a login or an address) has fewer than `limit` failures in the window."""
    times = session.scalars(select(SignInFailure.at).where(column == value, SignInFailure.at > now - WINDOW)
                            .order_by(SignInFailure.at.desc()).limit(limit)).all()
    if len(times) < limit:
        return 0
    return max(1, math.ceil((times[-1] + WINDOW - now).total_seconds()))


def sign_in(ctx: Context, login: str, password: str, address: str) -> User:
    """The user whose password this is, or AuthenticationFailed (counted) / TooManyAttempts."""
    now = ctx.clock()
    key, address = (login or "").strip().lower()[:100], (address or "?")[:64]
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        wait = max(_wait(s, SignInFailure.login, key, PER_LOGIN, now),
                   _wait(s, SignInFailure.address, address, PER_ADDRESS, now))
        if wait:
            raise TooManyAttempts(wait)
        user = s.scalar(select(User).where(User.login == login))
        if user is not None and user.active and check_password_hash(user.password_hash, password):
            s.execute(delete(SignInFailure).where(SignInFailure.login == key))
            uow.commit()
            return user
        s.execute(delete(SignInFailure).where(SignInFailure.at <= now - WINDOW))
        s.add(SignInFailure(login=key, address=address, at=now))
        uow.commit()
    raise AuthenticationFailed("Неверный логин или пароль")


# --- API bearer tokens -------------------------------------------------------------------------------

def issue_api_token(ctx: Context, login: str) -> str:
    with ctx.db.unit_of_work() as uow:
        token = _new_row(uow.session, API, login, {}, _wall(), ctx.settings.token_ttl_seconds)
        uow.commit()
        return token


def authenticate(ctx: Context, token: str) -> Actor:
    """The actor of a live bearer token."""
    from .people.directory import actor_for

    with ctx.db.reading() as uow:  # every request passes here: no write lock on SQLite
        row = _live(uow.session, API, token, _wall())
        if row is None or row.login is None:
            raise AuthenticationFailed("Недействительный, отозванный или просроченный токен")
        return actor_for(uow.session, row.login)


def revoke_token(ctx: Context, token: str) -> None:
    """End the session of this bearer token (sign-out of an API client)."""
    with ctx.db.unit_of_work() as uow:
        uow.session.execute(delete(AuthSession).where(AuthSession.token_hash == _hash(token),
                                                      AuthSession.kind == API))
        uow.commit()


# --- browser sessions (the cookie holds the id only) --------------------------------------------------

def load_web(ctx: Context, sid: str) -> dict | None:
    """The values of a live browser session, or None (unknown, ended or expired)."""
    with ctx.db.reading() as uow:
        row = _live(uow.session, WEB, sid, _wall())
        return dict(row.data) if row is not None else None


def save_web(ctx: Context, sid: str | None, data: dict) -> str:
    """Store a browser session's values; returns its id. A session whose signed-in login changes gets a
    new id (the old one stops working), so an id seen before sign-in is worthless after it."""
    now, login = _wall(), data.get("login")
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        row = _live(s, WEB, sid, now) if sid else None
        if row is not None and row.login == login:
            row.data = dict(data)
        else:
            if row is not None:
                s.delete(row)
            sid = _new_row(s, WEB, login, dict(data), now, ctx.settings.token_ttl_seconds)
        uow.commit()
        return sid


def end_web(ctx: Context, sid: str) -> None:
    with ctx.db.unit_of_work() as uow:
        uow.session.execute(delete(AuthSession).where(AuthSession.token_hash == _hash(sid), AuthSession.kind == WEB))
        uow.commit()


def end_all(session: Session, login: str) -> int:
    """End every token and browser session of a user (in the caller's unit of work); how many."""
    return session.execute(delete(AuthSession).where(AuthSession.login == login)).rowcount or 0
