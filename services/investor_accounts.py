"""An investor's account and company, created by the investor (a provider's first sign-in or the
confirmed self-registration) rather than by an administrator. The company's ИНН (Kazakhstan: БИН)
and ОГРН are checked by the same checksums as a registration request (classifiers/)."""
from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from classifiers.inn import bin_problem, inn_problem
from classifiers.ogrn import ogrn_problem
from services.errors import InvalidTransition, ValidationFailed

from .models import Organisation, User

LOGIN = re.compile(r"^[A-Za-z0-9_.@\-]{2,100}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
UNUSABLE_PASSWORD = "!"  # no password signs in (werkzeug's check refuses a hash without a method)


def check_company(country: str, fields: dict[str, Any]) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """({name, inn, ogrn}, errors by field) for the company form: the name, the ИНН (RU) or БИН (KZ)
    by its check digit, the ОГРН/ОГРНИП when given (RU; Kazakhstan has none)."""
    errors: dict[str, list[str]] = {}
    name = str(fields.get("company_name") or "").strip()
    inn = re.sub(r"\s", "", str(fields.get("inn") or ""))
    ogrn = re.sub(r"\s", "", str(fields.get("ogrn") or "")) or None
    if not name:
        errors["company_name"] = ["обязательное поле"]
    elif len(name) > 500:
        errors["company_name"] = ["не длиннее 500 символов"]
    if problem := (bin_problem if country == "KZ" else inn_problem)(inn):
        errors["inn"] = [problem]
    if ogrn and country == "KZ":
        errors["ogrn"] = ["в Казахстане ОГРН не применяется: достаточно БИН"]
    elif ogrn and (problem := ogrn_problem(ogrn)):
        errors["ogrn"] = [problem]
    return {"name": name, "inn": inn, "ogrn": ogrn}, errors


def check_person(fields: dict[str, Any], *, email_required: bool) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """({name, email, phone}, errors) for the person's part of the form."""
    errors: dict[str, list[str]] = {}
    name = " ".join(str(fields.get("name") or "").split())
    email = str(fields.get("email") or "").strip().lower() or None
    phone = str(fields.get("phone") or "").strip() or None
    if not name:
        errors["name"] = ["обязательное поле"]
    elif len(name) > 255:
        errors["name"] = ["не длиннее 255 символов"]
    if email and (len(email) > 255 or not EMAIL.match(email)):
        errors["email"] = ["адрес электронной почты"]
    elif not email and email_required:
        errors["email"] = ["обязательное поле"]
    if phone and len(phone) > 40:
        errors["phone"] = ["не длиннее 40 символов"]
    return {"name": name, "email": email, "phone": phone}, errors


def free_login(session: Session, wanted: str) -> str:
    """`wanted` cleaned to the login alphabet, with -2, -3 … when it is taken."""
    base = re.sub(r"[^A-Za-z0-9_.@\-]", "", wanted)[:90] or "investor"
    if len(base) < 2:
        base = f"investor-{base}"
    login, n = base, 1
    while session.scalar(select(User.id).where(User.login == login)) is not None:
        n += 1
        login = f"{base}-{n}"
    return login


def email_taken(session: Session, email: str | None) -> bool:
    """Whether an account already uses this (lower-case) e-mail address."""
    return bool(email) and session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None


def create_investor(session: Session, *, login: str, person: dict[str, str | None], company: dict[str, str | None],
                    password_hash: str = UNUSABLE_PASSWORD, vouched: bool = False) -> User:
    """The investor's account in the company with this ИНН/БИН, created on first contact (code
    `inn-<number>`, as an operator's filing does). A company that already has active investors is
    joined only when the provider vouches for the ИНН (`vouched`); a typed one gets 409."""
    org = session.scalar(select(Organisation).where(Organisation.kind == "company",
                                                    Organisation.inn == company["inn"]).order_by(Organisation.id))
    if org is None:
        code = f"inn-{company['inn']}"
        if session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
            code = f"{code}-{secrets.token_hex(3)}"
        org = Organisation(code=code, name=company["name"], kind="company", inn=company["inn"],
                           ogrn=company.get("ogrn"))
        session.add(org)
        session.flush()
    else:
        members = session.scalar(select(func.count(User.id)).where(User.org_code == org.code, User.active.is_(True),
                                                                   User.roles.like("%investor%")))
        if members and not vouched:
            raise InvalidTransition("Компания с этим ИНН уже зарегистрирована в системе: доступ к ней даёт её "
                                    "представитель или агентство", {"inn": ["компания уже зарегистрирована"]})
        org.ogrn = org.ogrn or company.get("ogrn")
    if session.scalar(select(User.id).where(User.login == login)) is not None:
        raise ValidationFailed("Учётная запись не создана", {"login": ["уже занят"]})
    user = User(login=login, password_hash=password_hash, name=person["name"] or login, email=person.get("email"),
                phone=person.get("phone"), org_code=org.code, roles="investor", active=True)
    session.add(user)
    session.flush()
    return user
