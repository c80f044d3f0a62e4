"""Signing in and out in a real browser; CSRF and throttling over HTTP."""
from __future__ import annotations

import re

import requests

from tests.browser.conftest import screenshot


def test_wrong_password_shows_a_clear_message(browser, live_server):
    page = browser.new_page()
    page.goto(f"{live_server}/login")
    screenshot(page, "login")
    page.get_by_label("Логин").fill("investor")
    page.get_by_label("Пароль").fill("not-the-password")
    page.get_by_role("button", name="Войти").click()
    assert page.get_by_role("alert").inner_text() == "Неверный логин или пароль"
    page.close()


def test_investor_signs_in_and_out(open_as):
    page = open_as("investor")
    assert "/cabinet" in page.url
    page.get_by_role("button", name="Выйти").click()
    assert page.url.endswith("/login")


def test_a_form_without_the_csrf_token_is_refused(live_server):
    session = requests.Session()
    page = session.get(f"{live_server}/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    refused = session.post(f"{live_server}/login", data={"login": "investor", "password": "secret-pass"})
    assert refused.status_code == 400 and "CSRF" in refused.text
    accepted = session.post(f"{live_server}/login", data={"login": "investor", "password": "secret-pass",
                                                         "csrf_token": token}, allow_redirects=False)
    assert accepted.status_code == 302


def test_many_wrong_passwords_from_one_address_are_slowed_down(live_server):
    session = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', session.get(f"{live_server}/login").text).group(1)
    codes = [session.post(f"{live_server}/login", data={"login": "investor", "password": "bad",
                                                        "csrf_token": token}).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    right = session.post(f"{live_server}/login", data={"login": "investor", "password": "secret-pass",
                                                       "csrf_token": token})
    assert right.status_code == 429, "even the right password waits while the address is throttled"
