"""Report pages in a real browser on a generated data set (issue 6): reports, dashboard, registry at
1280 px, their figures equal to the API's; the screenshots in docs/screenshots come from here."""
from __future__ import annotations

import shutil
import threading

import pytest
import requests
from werkzeug.serving import make_server

from devdata.generate import generate
from devdata.generate_people import GENERATED_PASSWORD
from services.settings import Settings
from tests.browser.conftest import SHOTS, click_and_wait
from web import create_app


@pytest.fixture
def generated_server(tmp_path, sqlite_template):
    path = tmp_path / "reports.db"
    shutil.copy(sqlite_template, path)
    app = create_app(Settings(database_url=f"sqlite:///{path}", secret_key="browser-secret", testing=True))
    generate(app.extensions["koridor"], 400, seed=5, days=120)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["koridor"].db.dispose()


def _shot(page, name: str) -> None:
    """The first screen only: the full pages hold hundreds of rows."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _page(browser, base: str, login: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/login")
    page.get_by_label("Логин").fill(login)
    page.get_by_label("Пароль").fill(GENERATED_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Войти"))
    return context, page


def test_report_pages_show_the_api_figures_at_1280(browser, generated_server):
    base = generated_server
    token = requests.post(f"{base}/api/v1/auth/token", json={"login": "gen-agency-head",
                                                             "password": GENERATED_PASSWORD}, timeout=10).json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    report = requests.get(f"{base}/api/v1/reports/appeals-by-type?from=2000-01-01", headers=headers, timeout=10).json()
    context, page = _page(browser, base, "gen-agency-head")
    try:
        page.goto(f"{base}/reports?from=2000-01-01")
        assert page.get_by_role("heading", name="Общее количество обращений по типу").is_visible()
        total_row = page.locator("table").first.locator("tr", has_text="Итого")
        assert str(report["total"]["count"]) in total_row.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        _shot(page, "reports")
        page.goto(f"{base}/dashboard")
        assert page.locator("svg").first.is_visible()
        _shot(page, "dashboard")
        page.goto(f"{base}/appeals?appeal_type=problem")
        assert page.locator("table").first.is_visible()
        _shot(page, "registry")
    finally:
        context.close()
    context, page = _page(browser, base, "gen-co-00001-investor")
    try:
        assert page.locator("nav a", has_text="Отчёты").count() == 0
        response = page.goto(f"{base}/reports")
        assert response.status == 403
    finally:
        context.close()
