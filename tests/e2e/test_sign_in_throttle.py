"""Failed sign-ins are counted in the database (every server process shares the count), per login
and, more loosely, per client address; the page and the API share them too."""
from __future__ import annotations

import re

import pytest

from services import sessions
from services.settings import Settings
from tests.support import PASSWORD, build_world
from web import create_app

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    return app.test_client()


def api_sign_in(client, login: str, password: str, address: str = "10.0.0.1"):
    return client.post("/api/v1/auth/token", json={"login": login, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def page_sign_in(client, login: str, password: str, address: str = "10.0.0.1"):
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    return client.post("/login", data={"login": login, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_five_failures_lock_the_login_on_the_page_and_the_api_not_the_office(app, client, clock, database_url):
    other_process = create_app(Settings(database_url=database_url, pack="leningrad", secret_key="test-secret",
                                        testing=True), clock=clock).test_client()
    for attempt in range(sessions.PER_LOGIN):  # failures spread over the page, the API and two processes
        sign_in = (page_sign_in if attempt % 2 else api_sign_in)
        assert sign_in(client if attempt < 3 else other_process, "Investor", "wrong").status_code == 401
    locked = api_sign_in(client, "investor", PASSWORD)  # even the right password waits
    assert locked.status_code == 429
    assert locked.get_json()["message"].startswith("Слишком много неудачных попыток входа")
    assert int(locked.headers["Retry-After"]) == 600
    page = page_sign_in(other_process, "investor", PASSWORD)
    assert page.status_code == 429 and "Слишком много неудачных попыток входа" in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "600"
    assert api_sign_in(client, "moderator", PASSWORD).status_code == 200  # same office address, other login
    clock.advance(seconds=599)
    assert api_sign_in(client, "investor", PASSWORD).headers["Retry-After"] == "1"
    clock.advance(seconds=1)
    assert api_sign_in(client, "investor", PASSWORD).status_code == 200
    assert api_sign_in(client, "investor", "wrong").status_code == 401  # success cleared the count


def test_an_address_that_guesses_many_logins_waits_too(client):
    for n in range(sessions.PER_ADDRESS):
        assert api_sign_in(client, f"guess{n}", "x", address="203.0.113.9").status_code == 401
    assert api_sign_in(client, "investor", PASSWORD, address="203.0.113.9").status_code == 429
    assert api_sign_in(client, "investor", PASSWORD, address="10.0.0.1").status_code == 200
