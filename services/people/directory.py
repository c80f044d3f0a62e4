"""Organisations, users and sign-in."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from classifiers.ogrn import ogrn_problem
from services import sessions
from services.context import Actor, Context
from services.errors import NotFound, NotPermitted, ValidationFailed
from services.models import ORG_KINDS, ROLES, Organisation, User
from services.sessions import AuthenticationFailed

_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_LOGIN = re.compile(r"^[A-Za-z0-9_.@\-]{2,100}$")


def add_org(ctx: Context, code: str, name: str, kind: str, inn: str | None = None,
            ogrn: str | None = None) -> Organisation:
    """Register an organisation (agency, ОИВ, ОМСУ, РСО, federal body, a company…); a company's
    ОГРН (13 digits) or ОГРНИП (15) is checked by its control digit."""
    errors: dict[str, list[str]] = {}
    if ogrn and (problem := ogrn_problem(ogrn)):
        errors["ogrn"] = [problem]
    if not _CODE.match(code or ""):
        errors["code"] = ["латиница, цифры, _ . - (до 64 символов)"]
    if kind not in ORG_KINDS:
        errors["kind"] = [f"одно из: {', '.join(ORG_KINDS)}"]
    if not (name or "").strip():
        errors["name"] = ["обязательное поле"]
    if errors:
        raise ValidationFailed("Организация не создана", errors)
    with ctx.db.unit_of_work() as uow:
        if uow.session.scalar(select(Organisation).where(Organisation.code == code)):
            raise ValidationFailed("Организация не создана", {"code": ["уже существует"]})
        org = Organisation(code=code, name=name.strip(), kind=kind, inn=inn, ogrn=ogrn or None)
        uow.session.add(org)
        uow.commit()
        return org


def add_user(ctx: Context, login: str, password: str, roles: list[str], org_code: str,
             name: str | None = None, email: str | None = None, phone: str | None = None) -> User:
    """Create a user with one or more roles in an organisation."""
    errors: dict[str, list[str]] = {}
    if not _LOGIN.match(login or ""):
        errors["login"] = ["2–100 символов: латиница, цифры, _ . @ -"]
    if len(password or "") < 6:
        errors["password"] = ["не короче 6 символов"]
    bad = [r for r in roles if r not in ROLES]
    if not roles or bad:
        errors["role"] = [f"неизвестные роли: {', '.join(bad)}" if bad else "нужна хотя бы одна роль"]
    if errors:
        raise ValidationFailed("Пользователь не создан", errors)
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        if s.scalar(select(Organisation).where(Organisation.code == org_code)) is None:
            raise ValidationFailed("Пользователь не создан", {"org": [f"нет организации '{org_code}'"]})
        if s.scalar(select(User).where(User.login == login)):
            raise ValidationFailed("Пользователь не создан", {"login": ["уже существует"]})
        user = User(login=login, password_hash=generate_password_hash(password), name=name or login,
                    email=email, phone=phone, org_code=org_code, roles=",".join(dict.fromkeys(roles)))
        s.add(user)
        uow.commit()
        return user


def actor_for(session: Session, login: str) -> Actor:
    user = session.scalar(select(User).where(User.login == login, User.active.is_(True)))
    if user is None:
        raise AuthenticationFailed("Пользователь не найден или отключён")
    org = session.scalar(select(Organisation).where(Organisation.code == user.org_code))
    return Actor(user.login, user.name, tuple(user.role_list), user.org_code, org.kind if org else "")


def issue_token(ctx: Context, login: str, password: str, address: str = "?") -> tuple[str, dict]:
    """Check a password (throttled per login and address) and issue a revocable bearer token."""
    user = sessions.sign_in(ctx, login, password, address)
    return sessions.issue_api_token(ctx, user.login), user_dict(user)


def authenticate(ctx: Context, token: str) -> Actor:
    """Resolve a bearer token to an actor."""
    return sessions.authenticate(ctx, token)


def disable_user(ctx: Context, actor: Actor | None, login: str) -> int:
    """Switch an account off and end every token and browser session it has (the CLI passes no actor;
    through the API only an admin). Returns how many sessions ended."""
    if actor is not None and not actor.has("admin"):
        raise NotPermitted("Отключать пользователей может только администратор")
    with ctx.db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.login == login))
        if user is None:
            raise NotFound(f"Нет пользователя '{login}'")
        user.active = False
        ended = sessions.end_all(uow.session, login)
        uow.commit()
        return ended


def user_dict(user: User) -> dict:
    return {"login": user.login, "name": user.name, "email": user.email, "phone": user.phone,
            "org": user.org_code, "roles": user.role_list}


def list_orgs(ctx: Context) -> list[dict]:
    """Every organisation as {code, name, kind, inn}."""
    with ctx.db.unit_of_work() as uow:
        return [{"code": o.code, "name": o.name, "kind": o.kind, "inn": o.inn, "ogrn": o.ogrn}
                for o in uow.session.scalars(select(Organisation).order_by(Organisation.code))]
