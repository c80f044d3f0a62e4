"""Investors' self-registration with a password in the pages: the letter goes out through the outbox
to a real SMTP server, the account exists only once the link is used (once, in time), then the
Leningrad registration request; bad fields, a registered company and too many letters are refused
with nothing written."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from services.identity_models import SignupRequest
from services.models import OutboxMessage, Registration, User
from services.notify.outbox import send_pending
from tests.mailbox import SmtpServer, use_smtp
from tests.onboarding_support import build_onboarding_world

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK = re.compile(r"https://koridor\.example/signup/confirm/(\S+)")
FORM = {"login": "severny", "name": "Петров Илья Андреевич", "email": "Petrov@Example.org", "phone": "",
        "company_name": "ООО «Северный ветер»", "inn": "7860181593", "ogrn": "1083016613184",
        "password": "ветер-2026!", "password2": "ветер-2026!"}


@pytest.fixture
def smtp(ctx):
    build_onboarding_world(ctx)
    with SmtpServer() as server:
        use_smtp(ctx, server.port)
        yield server.mailbox


def _count(ctx, model, *where) -> int:
    with ctx.db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def _post(client, path: str, data: dict):
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    return client.post(path, data={"csrf_token": token, **data})


def _letter_token(ctx, smtp) -> str:
    send_pending(ctx, ctx.clock())
    return LINK.search(smtp.messages[-1].get_content()).group(1)


def test_sign_up_confirm_then_the_registration_request(app, ctx, clock, smtp):
    client = app.test_client()
    page = client.get("/signup").get_data(as_text=True)
    assert "Регистрация инвестора" in page and 'name="password2"' in page
    sent = _post(client, "/signup", FORM)
    assert sent.status_code == 200 and "petrov@example.org" in sent.get_data(as_text=True)
    assert _count(ctx, User, User.login == "severny") == 0, "no account before the address is confirmed"
    refused = client.post("/api/v1/auth/token", json={"login": "severny", "password": FORM["password"]})
    assert refused.status_code == 401
    token = _letter_token(ctx, smtp)
    letter = smtp.messages[-1]
    assert letter["To"] == "petrov@example.org" and str(letter["Subject"]).startswith("Подтвердите адрес")
    assert "«severny»" in letter.get_content() and "ООО «Северный ветер»" in letter.get_content()
    assert client.get(f"/signup/confirm/{token}").status_code == 200  # a scanner opening the link uses nothing
    assert _count(ctx, User, User.login == "severny") == 0
    confirmed = _post(client, f"/signup/confirm/{token}", {})
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/cabinet/registration")
    with ctx.db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.login == "severny"))
        assert (user.role_list, user.email, user.org_code, user.active) == (
            ["investor"], "petrov@example.org", "inn-7860181593", True)
    assert _post(client, f"/signup/confirm/{token}", {}).status_code == 409  # once only
    registration = {"company_name": "ООО «Северный ветер»", "inn": "7860181593", "ogrn": "1083016613184",
                    "address": "188300, Гатчина, ул. Соборная, 1", "contact_name": "Петров Илья Андреевич",
                    "contact_email": "petrov@example.org"}
    filed = _post(client, "/cabinet/registration", registration)
    assert filed.status_code == 302, filed.get_data(as_text=True)
    assert _count(ctx, Registration, Registration.investor_login == "severny",
                  Registration.status == "on_confirmation") == 1
    api = client.post("/api/v1/auth/token", json={"login": "severny", "password": FORM["password"]})
    assert api.status_code == 200


def test_bad_fields_and_a_registered_company_write_nothing(app, ctx, smtp):
    client = app.test_client()
    bad = _post(client, "/signup", FORM | {"inn": "7860181594", "ogrn": "1", "email": "nope", "password2": "x",
                                           "login": "a b"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "неверная контрольная сумма ИНН" in text
    assert "ОГРН должен содержать 13 цифр" in text and "адрес электронной почты" in text
    assert "латиница" in text
    taken = _post(client, "/signup", FORM | {"inn": "9704098567", "ogrn": ""})  # ТриА has an investor already
    assert taken.status_code == 409 and "уже зарегистрирована" in taken.get_data(as_text=True)
    login_taken = _post(client, "/signup", FORM | {"login": "investor"})
    assert login_taken.status_code == 422 and "уже занят" in login_taken.get_data(as_text=True)
    email_taken = _post(client, "/signup", FORM | {"email": "moderator@example.org"})
    assert email_taken.status_code == 422 and "уже зарегистрирован" in email_taken.get_data(as_text=True)
    assert _count(ctx, SignupRequest) == 0 and _count(ctx, OutboxMessage) == 0


def test_links_expire_and_letters_to_one_address_are_limited(app, ctx, clock, smtp):
    client = app.test_client()
    assert _post(client, "/signup", FORM).status_code == 200
    first = _letter_token(ctx, smtp)
    again = _post(client, "/signup", FORM)
    assert again.status_code == 429 and "повторите через" in again.get_data(as_text=True)
    clock.advance(minutes=3)
    assert _post(client, "/signup", FORM).status_code == 200
    second = _letter_token(ctx, smtp)
    assert _post(client, f"/signup/confirm/{first}", {}).status_code == 410, "a newer letter replaced the link"
    clock.advance(minutes=3)
    assert _post(client, "/signup", FORM).status_code == 200
    third = _letter_token(ctx, smtp)
    clock.advance(minutes=3)
    assert _post(client, "/signup", FORM).status_code == 429  # three letters a day to one address
    assert _post(client, f"/signup/confirm/{second}", {}).status_code == 410
    clock.advance(hours=25)
    expired = _post(client, f"/signup/confirm/{third}", {})
    assert expired.status_code == 410 and "Срок действия ссылки истёк" in expired.get_data(as_text=True)
    assert _post(client, "/signup/confirm/not-a-token", {}).status_code == 404
    assert _count(ctx, User, User.login == "severny") == 0
