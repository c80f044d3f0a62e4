"""Sign-in through a real OpenID Connect provider (oidc-provider under node) over HTTP: the
authorization code flow with PKCE, claim mapping, the investor's first sign-in, the staff mapping,
and every refusal — forged state, a foreign nonce, a token for another client, a foreign signature,
an expired ID token, an expired or replayed code, a provider that is down — with no account left
behind; sign-out at the provider too."""
from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import pytest
import requests
from sqlalchemy import func, select

from services import sessions
from services.identity_models import UserIdentity
from services.models import Organisation, User
from tests.oidc_support import INN, OGRN, csrf, to_provider


def _count(app, model) -> int:
    with app.extensions["koridor"].db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def _user(app, login: str) -> User | None:
    with app.extensions["koridor"].db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.login == login))
        if user is not None:
            uow.session.expunge(user)
        return user


def _refused(response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    assert "Вход не выполнен" in response.text and "Учётная запись в Коридоре не создана" in response.text
    for word in words:
        assert word in response.text


def test_investor_first_sign_in_creates_the_account_and_company_then_the_registration_request(oidc_harness, koridor):
    base, http = oidc_harness.base, requests.Session()
    start = http.get(f"{base}/login/oidc/test", allow_redirects=False)
    query = parse_qs(urlparse(start.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["nonce"] and query["state"] and query["scope"] == ["openid profile email organisation"]
    http = requests.Session()
    callback = http.get(to_provider(http, base, "test", "ivanov"), allow_redirects=False)
    assert callback.headers["Location"].endswith("/login/oidc/welcome")
    users_before = _count(koridor, User)
    form = http.get(f"{base}/login/oidc/welcome")
    assert form.status_code == 200 and INN in form.text and OGRN in form.text and "ivanov@example.org" in form.text
    assert _count(koridor, User) == users_before, "no account before the investor confirms"
    values = {"csrf_token": csrf(http, f"{base}/login/oidc/welcome"), "name": "Иванов Пётр Сергеевич",
              "email": "ivanov@example.org", "phone": "", "company_name": "ООО «Северный ветер»", "inn": INN,
              "ogrn": OGRN}
    created = http.post(f"{base}/login/oidc/welcome", data=values, allow_redirects=False)
    assert created.status_code == 302 and created.headers["Location"].endswith("/cabinet/registration")
    user = _user(koridor, "test.ivanov")
    assert user.role_list == ["investor"] and user.email == "ivanov@example.org" and user.org_code == f"inn-{INN}"
    with koridor.extensions["koridor"].db.unit_of_work() as uow:
        org = uow.session.scalar(select(Organisation).where(Organisation.code == f"inn-{INN}"))
        assert (org.kind, org.inn, org.ogrn, org.name) == ("company", INN, OGRN, "ООО «Северный ветер»")
    registration = http.get(f"{base}/cabinet/registration")
    assert registration.status_code == 200 and INN in registration.text
    again = requests.Session()  # the second sign-in goes straight to the cabinet, same account
    assert http.post(f"{base}/login/oidc/welcome", data=values).status_code == 400  # the pending data is gone
    back = again.get(to_provider(again, base, "test", "ivanov"), allow_redirects=False)
    assert back.headers["Location"].endswith("/cabinet")
    assert _count(koridor, UserIdentity) == 1 and _count(koridor, User) == users_before + 1


def test_company_typed_at_first_sign_in_is_checked_and_cannot_join_a_registered_company(oidc_harness, koridor):
    base, http = oidc_harness.base, requests.Session()
    http.get(to_provider(http, base, "test", "smirnova"))
    token = csrf(http, f"{base}/login/oidc/welcome")
    values = {"csrf_token": token, "name": "Смирнова Анна Олеговна", "email": "smirnova@example.org",
              "company_name": "ООО «Опечатка»", "inn": "7860181594", "ogrn": "1083016613185"}
    bad = http.post(f"{base}/login/oidc/welcome", data=values)
    assert bad.status_code == 422
    assert "неверная контрольная сумма ИНН" in bad.text and "неверная контрольная сумма ОГРН" in bad.text
    taken = http.post(f"{base}/login/oidc/welcome", data=values | {"inn": "9704098567", "ogrn": ""})
    assert taken.status_code == 409 and "уже зарегистрирована" in taken.text
    assert _count(koridor, UserIdentity) == 0 and _user(koridor, "test.smirnova") is None
    # the provider's own ИНН claim is its word: that representative joins the registered company
    rep = requests.Session()
    rep.get(to_provider(rep, base, "test", "tria-rep"))
    joined = rep.post(f"{base}/login/oidc/welcome", allow_redirects=False, data={
        "csrf_token": csrf(rep, f"{base}/login/oidc/welcome"), "name": "Представитель ТриА",
        "company_name": "ООО «ТриА Девелопмент»", "inn": "9704098567"})
    assert joined.status_code == 302 and _user(koridor, "test.tria-rep").org_code == "tria"


def test_staff_provider_maps_groups_to_roles_and_never_creates_an_unknown_login(oidc_harness, koridor):
    base = oidc_harness.base
    http = requests.Session()
    known = http.get(to_provider(http, base, "agency", "moderator"), allow_redirects=False)
    assert known.headers["Location"].endswith("/inbox") and _user(koridor, "moderator").role_list == ["moderator"]
    http = requests.Session()
    created = http.get(to_provider(http, base, "agency", "newhead"), allow_redirects=False)
    user = _user(koridor, "newhead")
    assert created.status_code == 302 and (user.org_code, user.role_list, user.name) == (
        "aerlo", ["head"], "Новый Руководитель")
    users, identities = _count(koridor, User), _count(koridor, UserIdentity)
    http = requests.Session()
    stranger = http.get(to_provider(http, base, "agency", "stranger"))
    _refused(stranger, 403, "«stranger» не зарегистрирован в Коридоре")
    assert _user(koridor, "stranger") is None and _count(koridor, UserIdentity) == identities
    assert _count(koridor, User) == users
    assert http.get(f"{base}/inbox", allow_redirects=False).status_code == 302  # not signed in
    with koridor.extensions["koridor"].db.unit_of_work() as uow:  # an administrator disables the account
        uow.session.scalar(select(User).where(User.login == "newhead")).active = False
        uow.commit()
    http = requests.Session()
    _refused(http.get(to_provider(http, base, "agency", "newhead")), 403, "Учётная запись отключена")
    # an investor provider never reaches a staff account by its login claim
    http = requests.Session()
    investor_side = http.get(to_provider(http, base, "test", "moderator"), allow_redirects=False)
    assert investor_side.headers["Location"].endswith("/login/oidc/welcome")


@pytest.mark.parametrize("name, words", [
    ("confused", ["azp"]),  # issued to another client: not our audience, no azp naming us
    ("forged", ["bad_signature"]),
    ("lying", ["invalid_claim", "nonce"]),
    ("stale", ["expired_token"]),
])
def test_an_id_token_that_fails_a_check_is_refused(oidc_harness, koridor, name, words):
    http = requests.Session()
    response = http.get(to_provider(http, oidc_harness.base, name, "ivanov"))
    _refused(response, 401, "ID-токен не прошёл проверку", *words)
    assert _count(koridor, UserIdentity) == 0 and http.get(f"{oidc_harness.base}/cabinet",
                                                          allow_redirects=False).status_code == 302


def test_forged_state_and_a_wrong_pkce_verifier_are_refused(oidc_harness, koridor):
    http = requests.Session()
    callback = urlparse(to_provider(http, oidc_harness.base, "test", "ivanov"))
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    response = http.get(callback._replace(query=urlencode(query | {"state": "forged-by-an-attacker"})).geturl())
    _refused(response, 400, "(state)")
    http = requests.Session()  # the right state, but another code verifier in the session: the provider refuses
    callback = to_provider(http, oidc_harness.base, "test", "ivanov")
    kept = koridor.extensions["koridor"]  # the session's values are a row; the cookie is its id
    data = sessions.load_web(kept, http.cookies["session"])
    [key] = [k for k in data if k.startswith("_state_test_")]
    data[key]["data"]["code_verifier"] = "x" * 48
    assert sessions.save_web(kept, http.cookies["session"], data) == http.cookies["session"]
    _refused(http.get(callback), 401, "invalid_grant")
    assert _count(koridor, UserIdentity) == 0


def test_a_replayed_code_and_an_expired_code_are_refused(oidc_harness, koridor):
    base, http = oidc_harness.base, requests.Session()
    callback = to_provider(http, base, "agency", "moderator")
    kept = koridor.extensions["koridor"]
    before = sessions.load_web(kept, http.cookies["session"])
    copied = requests.Session()
    copied.cookies.update(http.cookies)
    assert http.get(callback, allow_redirects=False).status_code == 302
    _refused(copied.get(callback), 400, "(state)")  # a copied cookie died with the sign-in (a new session id)
    thief = requests.Session()  # the same state restored in a session of its own: only the code decides
    thief.cookies.set("session", sessions.save_web(kept, None, before))
    _refused(thief.get(callback), 401, "invalid_grant")
    _refused(http.get(callback), 400, "(state)")  # the state was used up by the first answer
    slow = requests.Session()
    late = to_provider(slow, base, "slow", "ivanov")
    time.sleep(2.2)  # the provider gives the "slow" client codes that live 1 s
    _refused(slow.get(late), 401, "invalid_grant")
    assert _count(koridor, UserIdentity) == 1  # the moderator's first sign-in only


@pytest.mark.parametrize("koridor", [{"providers": ("test", "down")}], indirect=True)
def test_a_provider_that_is_down_gives_a_clear_page_and_no_account(oidc_harness, koridor):
    http = requests.Session()
    page = http.get(f"{oidc_harness.base}/login")
    assert "Недоступный провайдер" in page.text and "Войти через Госуслуги (тест)" in page.text
    response = http.get(f"{oidc_harness.base}/login/oidc/down")
    _refused(response, 502, "«Недоступный провайдер» сейчас недоступен")
    assert _count(koridor, UserIdentity) == 0
    assert http.get(f"{oidc_harness.base}/login/oidc/nowhere").status_code == 404


def test_sign_out_ends_the_session_here_and_at_the_provider(oidc_harness, koridor):
    base, http = oidc_harness.base, requests.Session()
    http.get(to_provider(http, base, "agency", "moderator"))
    token = csrf(http, f"{base}/inbox")
    out = http.post(f"{base}/logout", data={"csrf_token": token}, allow_redirects=False)
    end_session = out.headers["Location"]
    assert end_session.startswith(f"{oidc_harness.issuer}/session/end") and "id_token_hint" in end_session
    confirm = http.get(end_session)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text).group(1)
    action = re.search(r'action="([^"]+)"', confirm.text).group(1)
    done = http.post(urljoin(end_session, action), data={"xsrf": xsrf, "logout": "yes"})
    assert done.url.startswith(f"{base}/login") and done.status_code == 200
    assert http.get(f"{base}/inbox", allow_redirects=False).status_code == 302
    start = http.get(f"{base}/login/oidc/agency")  # the provider asks for the account again
    assert 'name="login"' in start.text


@pytest.mark.parametrize("koridor", [{"providers": ("test",), "password_login": False}], indirect=True)
def test_passwords_can_be_switched_off(oidc_harness, koridor):
    http = requests.Session()
    page = http.get(f"{oidc_harness.base}/login")
    assert 'name="password"' not in page.text and "Войти через Госуслуги (тест)" in page.text
    assert "/signup" not in page.text
    http.cookies.set("session", sessions.save_web(koridor.extensions["koridor"], None, {"csrf": "t"}))
    refused = http.post(f"{oidc_harness.base}/login", data={"csrf_token": "t", "login": "investor",
                                                            "password": "secret-pass"})
    assert refused.status_code == 403 and "Вход по паролю отключён" in refused.text
    api = requests.post(f"{oidc_harness.base}/api/v1/auth/token", json={"login": "investor", "password": "secret-pass"})
    assert api.status_code == 403 and api.json()["message"] == "Вход по паролю отключён в этой установке"
    assert http.get(f"{oidc_harness.base}/signup").status_code == 404
