"""Investors' self-registration with a password (docs/identity.md): the sign-up form keeps a request
and sends a confirmation link through the outbox; only opening the link (once, before it expires)
creates the account and the company, after which the Leningrad registration request follows as
for any investor (seed 000 item 2.1.1: «после того как Инвестор заполнит заявку»).

Letters to one address are limited: at most `PER_ADDRESS_PER_DAY` a day and one per `RESEND_GAP`.
A new request for the same address replaces the older link, which stops working.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from services.errors import InvalidTransition, KoridorError, NotFound, ValidationFailed
from services.notify.mail import render

from .context import Context
from .identity_models import SignupRequest
from .investor_accounts import LOGIN, check_company, check_person, create_investor, email_taken
from .models import Organisation, OutboxMessage, User

PER_ADDRESS_PER_DAY = 3
RESEND_GAP = timedelta(minutes=2)
MIN_PASSWORD = 8


class TooManySignups(KoridorError):
    """Too many confirmation letters to one address (HTTP 429)."""



class LinkExpired(KoridorError):
    """The confirmation link is past its time (HTTP 410)."""



def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _validate(ctx: Context, fields: dict[str, Any]) -> tuple[str, str, dict, dict]:
    person, errors = check_person(fields, email_required=True)
    company, company_errors = check_company(ctx.pack.country, fields)
    errors |= company_errors
    login = str(fields.get("login") or "").strip()
    password = str(fields.get("password") or "")
    if not LOGIN.match(login):
        errors["login"] = ["2–100 символов: латиница, цифры, _ . @ -"]
    if len(password) < MIN_PASSWORD:
        errors["password"] = [f"не короче {MIN_PASSWORD} символов"]
    elif password != str(fields.get("password2") or ""):
        errors["password2"] = ["пароли не совпадают"]
    elif password.lower() in (login.lower(), (person["email"] or "").lower()):
        errors["password"] = ["пароль не должен совпадать с логином или адресом"]
    if errors:
        raise ValidationFailed("Регистрация не выполнена: проверьте поля", errors)
    return login, password, person, company


def sign_up(ctx: Context, fields: dict[str, Any], remote_addr: str | None = None) -> dict[str, Any]:
    """Keep the investor's sign-up and queue the confirmation letter; nothing can sign in yet.
    Returns {email, expires_at}. 422 for bad fields, 409 for a company that already has investors,
    429 when the address got too many letters."""
    login, password, person, company = _validate(ctx, fields)
    email = person["email"]
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        if s.scalar(select(User.id).where(User.login == login)) is not None or s.scalar(
                select(SignupRequest.id).where(SignupRequest.login == login, SignupRequest.email != email,
                                               SignupRequest.used_at.is_(None), SignupRequest.expires_at > now)):
            raise ValidationFailed("Регистрация не выполнена: проверьте поля", {"login": ["уже занят"]})
        if email_taken(s, email):
            raise ValidationFailed("Регистрация не выполнена: проверьте поля",
                                   {"email": ["адрес уже зарегистрирован: войдите со своим логином"]})
        _refuse_known_company(s, company["inn"])
        recent = list(s.scalars(select(SignupRequest.created_at).where(
            SignupRequest.email == email, SignupRequest.created_at > now - timedelta(days=1))))
        if len(recent) >= PER_ADDRESS_PER_DAY:
            raise TooManySignups("На этот адрес уже отправлено несколько писем за сутки: откройте ссылку из "
                                 "последнего письма или повторите завтра")
        if recent and now - max(recent) < RESEND_GAP:
            wait = int((RESEND_GAP - (now - max(recent))).total_seconds()) + 1
            raise TooManySignups(f"Письмо уже отправлено: проверьте почту или повторите через {wait} с")
        for older in s.scalars(select(SignupRequest).where(SignupRequest.email == email,
                                                           SignupRequest.used_at.is_(None),
                                                           SignupRequest.expires_at > now)):
            older.expires_at = now  # only the newest link works
        token = secrets.token_urlsafe(32)
        hours = ctx.settings.signup_token_hours
        request = SignupRequest(token_hash=_hash(token), email=email, login=login, name=person["name"],
                                phone=person["phone"], password_hash=generate_password_hash(password),
                                company=company, created_at=now, expires_at=now + timedelta(hours=hours),
                                remote_addr=(remote_addr or "")[:64] or None)
        s.add(request)
        s.flush()
        link = f"{ctx.settings.public_url.rstrip('/')}/signup/confirm/{token}"
        expires = request.expires_at.astimezone(ctx.tz).strftime("%d.%m.%Y %H:%M")
        subject, body = render("email_confirmation", {"name": person["name"], "login": login, "link": link,
                                                      "company": company["name"], "expires": expires,
                                                      "hours": hours})
        s.add(OutboxMessage(event_key=f"email_confirmation:-:s{request.id}:{login}"[:300], event="email_confirmation",
                            recipient=email, recipient_login=None, subject=subject, body=body, created_at=now,
                            state="pending", attempts=0, next_attempt_at=now))
        uow.commit()
        return {"email": email, "expires_at": request.expires_at}


def _refuse_known_company(s, inn: str) -> None:
    org = s.scalar(select(Organisation).where(Organisation.kind == "company", Organisation.inn == inn))
    if org is not None and s.scalar(select(func.count(User.id)).where(
            User.org_code == org.code, User.active.is_(True), User.roles.like("%investor%"))):
        raise InvalidTransition("Компания с этим ИНН уже зарегистрирована в системе: доступ к ней даёт её "
                                "представитель или агентство", {"inn": ["компания уже зарегистрирована"]})


def confirm_sign_up(ctx: Context, token: str) -> str:
    """Open the confirmation link: create the investor's account and company (once); returns the login.
    404 for an unknown link, 409 for one already used, 410 for one past its time."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        request = s.scalar(select(SignupRequest).where(SignupRequest.token_hash == _hash(token or ""))
                           .with_for_update())
        if request is None:
            raise NotFound("Ссылка подтверждения недействительна: проверьте, что она скопирована целиком")
        if request.used_at is not None:
            raise InvalidTransition("Ссылка уже использована: адрес подтверждён, войдите с логином и паролем")
        if request.expires_at <= now:
            raise LinkExpired("Срок действия ссылки истёк: зарегистрируйтесь ещё раз, придёт новое письмо")
        person = {"name": request.name, "email": request.email, "phone": request.phone}
        user = create_investor(s, login=request.login, person=person, company=request.company,
                               password_hash=request.password_hash)
        request.used_at = now
        uow.commit()
        return user.login

