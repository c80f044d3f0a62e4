"""Tables of sign-in (issue 18): who a provider's user is in Koridor, and pending self-registrations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class UserIdentity(Base):
    """A provider's user (issuer's `sub` under the provider's name) bound to one Koridor account."""

    __tablename__ = "user_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    login: Mapped[str] = mapped_column(ForeignKey("users.login"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignupRequest(Base):
    """An investor's self-registration waiting for the e-mail confirmation: nothing else exists yet.

    The account and the company are created when the link is opened (once, before `expires_at`);
    only the SHA-256 of the link's token is kept."""

    __tablename__ = "signup_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(255), index=True)  # lower case
    login: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    company: Mapped[dict] = mapped_column(JSON)  # {name, inn, ogrn}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remote_addr: Mapped[str | None] = mapped_column(String(64))


class AuthSession(Base):
    """A signed-in session: an API bearer token (`kind = "api"`) or a browser session (`"web"`, the
    page cookie carries only its opaque id). Only the SHA-256 of the token or id is kept; deleting
    the row ends the session at once (sign-out, revocation, a disabled account)."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    login: Mapped[str | None] = mapped_column(String(100), index=True)  # None: a visitor not signed in yet
    data: Mapped[dict] = mapped_column(JSON)  # a browser session's values (CSRF token, sign-in state)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SignInFailure(Base):
    """A failed password sign-in, kept a while so that every server process counts the same failures
    per login and per client address (the throttle, services/sessions.py)."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), index=True)  # lower case, as typed
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
