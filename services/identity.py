"""Sign-in through an OpenID Connect provider, once the web layer has verified the provider's answer
(state, nonce, PKCE, the ID token's signature, issuer, audience and expiry: docs/identity.md).

A provider's user is `(provider, sub)`; `user_identities` binds it to one Koridor account.
- Known identity → that account (disabled: refused; a staff provider with a group mapping sets the
  roles again at each sign-in, and no role left means refused).
- Investor provider, first sign-in → `FirstSignIn`: what the claims say about the person and the
  company, for the page that asks the investor to check it; `complete_first_sign_in` then creates the
  account and the company (ИНН/БИН and ОГРН checked as in a registration request).
- Staff provider, first sign-in → the existing account with that login (when the mapping links
  existing accounts), or a new one only when the mapping creates accounts and gives roles;
  otherwise `IdentityRefused` and nothing is written. A provider never reaches an investor's
  account through a staff login, nor a staff account through an investor provider.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.errors import KoridorError, ValidationFailed

from .context import Context
from .identity_config import Provider
from .identity_models import UserIdentity
from .investor_accounts import check_company, check_person, create_investor, free_login
from .models import Organisation, User


class IdentityRefused(KoridorError):
    """The provider's user may not sign in to Koridor (HTTP 403); no account is created."""



@dataclass(frozen=True)
class FirstSignIn:
    """An investor seen for the first time: the claims' values for the form (all strings or None)."""

    provider: str
    subject: str
    login_hint: str
    name: str | None
    email: str | None
    phone: str | None
    company_name: str | None
    inn: str | None
    ogrn: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _text(value: Any, limit: int = 255) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return text[:limit] or None


def _groups(value: Any) -> list[str]:
    if isinstance(value, str):
        return [g for g in value.replace(",", " ").split() if g]
    if isinstance(value, list):
        return [str(g).rsplit("/", 1)[-1] if str(g).startswith("/") else str(g) for g in value]  # Keycloak "/group"
    return []


def sign_in(ctx: Context, provider: Provider, claims: Mapping[str, Any]) -> str | FirstSignIn:
    """The Koridor login the provider's verified `claims` sign in as, or the investor's first
    sign-in to complete; `IdentityRefused` when this user may not sign in."""
    subject = _text(claims.get("sub"))
    if not subject:
        raise IdentityRefused("Провайдер не сообщил идентификатор пользователя (sub)")
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        identity = s.scalar(select(UserIdentity).where(UserIdentity.provider == provider.name,
                                                       UserIdentity.subject == subject))
        if identity is not None:
            user = s.scalar(select(User).where(User.login == identity.login))
            if user is None or not user.active:
                raise IdentityRefused("Учётная запись отключена: обратитесь к администратору")
            if provider.kind == "staff":
                _follow_groups(provider, user, claims)
            identity.last_sign_in_at = now
            uow.commit()
            return user.login
        if provider.kind == "staff":
            login = _staff_account(s, provider, claims)
            s.add(UserIdentity(provider=provider.name, subject=subject, login=login, created_at=now,
                               last_sign_in_at=now))
            uow.commit()
            return login
    return FirstSignIn(provider=provider.name, subject=subject,
                       login_hint=_text(provider.claim(claims, "login")) or _text(claims.get("email")) or subject,
                       name=_text(provider.claim(claims, "name")), email=_text(provider.claim(claims, "email")),
                       phone=_text(provider.claim(claims, "phone"), 40),
                       company_name=_text(provider.claim(claims, "company_name"), 500),
                       inn=_text(provider.claim(claims, "inn"), 20), ogrn=_text(provider.claim(claims, "ogrn"), 20))


def _follow_groups(provider: Provider, user: User, claims: Mapping[str, Any]) -> None:
    mapping = provider.staff
    if not mapping.group_roles:
        return
    roles = mapping.roles_for(user.login, _groups(provider.claim(claims, "groups")))
    if not roles:
        raise IdentityRefused(f"У пользователя «{user.login}» нет ролей в Коридоре: группы провайдера "
                              "не сопоставлены ни одной роли. Обратитесь к администратору")
    user.roles = ",".join(roles)


def _staff_account(s: Session, provider: Provider, claims: Mapping[str, Any]) -> str:
    mapping = provider.staff
    login = _text(provider.claim(claims, "login"), 100)
    if not login:
        raise IdentityRefused("Провайдер не сообщил логин сотрудника: вход невозможен")
    roles = mapping.roles_for(login, _groups(provider.claim(claims, "groups")))
    user = s.scalar(select(User).where(User.login == login))
    unknown = IdentityRefused(
        f"Сотрудник «{login}» не зарегистрирован в Коридоре. Учётную запись сотрудника заводит "
        "администратор; вход через провайдера её не создаёт.")
    if user is not None:
        if not mapping.link_existing:
            raise unknown
        if not user.active:
            raise IdentityRefused("Учётная запись отключена: обратитесь к администратору")
        if "investor" in user.role_list:
            raise IdentityRefused(f"«{login}» — учётная запись инвестора: служебный провайдер в неё не входит")
        _follow_groups(provider, user, claims)
        return user.login
    if not mapping.create or not roles:
        raise unknown
    if s.scalar(select(Organisation.id).where(Organisation.code == mapping.org)) is None:
        raise IdentityRefused(f"Провайдер настроен на организацию «{mapping.org}», которой нет в Коридоре")
    name = _text(provider.claim(claims, "name")) or login
    s.add(User(login=login, password_hash="!", name=name, email=_text(provider.claim(claims, "email")),
               org_code=mapping.org, roles=",".join(roles), active=True))
    s.flush()
    return login


def complete_first_sign_in(ctx: Context, provider: Provider, pending: Mapping[str, Any],
                           form: Mapping[str, Any]) -> str:
    """The investor checked (and completed) what the provider said: create the account and the
    company and bind the identity; returns the new login. A ИНН/БИН the provider gave and the
    investor kept counts as the provider's word (`trust_company_claim`); a typed one never joins a
    company that already has investors. Submitting twice signs in to the account made the first time."""
    person, errors = check_person(form, email_required=False)
    company, company_errors = check_company(ctx.pack.country, form)
    errors |= company_errors
    if errors:
        raise ValidationFailed("Проверьте поля", errors)
    now = ctx.clock()
    vouched = provider.trust_company_claim and bool(pending.get("inn")) and pending.get("inn") == company["inn"]
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        existing = s.scalar(select(UserIdentity.login).where(UserIdentity.provider == provider.name,
                                                             UserIdentity.subject == pending["subject"]))
        if existing is not None:
            return existing
        login = free_login(s, f"{provider.name}.{pending.get('login_hint') or pending['subject']}")
        create_investor(s, login=login, person=person, company=company, vouched=vouched)
        s.add(UserIdentity(provider=provider.name, subject=pending["subject"], login=login, created_at=now,
                           last_sign_in_at=now))
        uow.commit()
        return login

