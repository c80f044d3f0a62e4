"""Browser tests: the app on a live local server, Debian's chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from services.settings import Settings
from tests.support import PASSWORD, build_world
from web import create_app

CHROMIUM = os.environ.get("KORIDOR_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("KORIDOR_SCREENSHOTS", Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"))
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(tmp_path, sqlite_template):
    path = tmp_path / "browser.db"
    shutil.copy(sqlite_template, path)
    app = create_app(Settings(database_url=f"sqlite:///{path}", secret_key="browser-secret", testing=True))
    build_world(app.extensions["koridor"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["koridor"].db.dispose()


@pytest.fixture
def open_as(browser, live_server):
    """open_as(login) -> a Playwright page signed in as that user (1280 px wide)."""
    contexts = []

    def _open(login: str, width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server}/login")
        page.get_by_label("Логин").fill(login)
        page.get_by_label("Пароль").fill(PASSWORD)
        click_and_wait(page, page.get_by_role("button", name="Войти"))
        return page

    yield _open
    for context in contexts:
        context.close()


def click_and_wait(page, target) -> None:
    """Click a link or a form's button and wait until the page it leads to has loaded (its `load`
    event, after any redirect). Waiting for "networkidle" instead costs 0.5 s of silence a click."""
    with page.expect_navigation():
        target.click()


def screenshot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
