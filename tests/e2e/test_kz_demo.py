"""`KORIDOR_PACK=kazakhstan koridor demo`: a user per role of the project path and a project with a roadmap."""
from __future__ import annotations

from datetime import UTC, datetime

from services.settings import Settings
from services.setup import DEMO_PASSWORD, load_demo
from web import create_app


def test_the_kazakhstan_demo_has_the_path_roles_and_a_project_with_a_roadmap(database_url, clock):
    clock.now = datetime(2026, 2, 2, 6, tzinfo=UTC)
    app = create_app(Settings(database_url=database_url, pack="kazakhstan", secret_key="t", testing=True), clock=clock)
    try:
        logins = load_demo(app.extensions["koridor"])
        roles = {r for _, _, rs in logins for r in rs.split(",")}
        assert {"initiator", "local_exec", "chamber", "authorized_body", "investor"} <= roles
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"login": "committee", "password": DEMO_PASSWORD}).get_json()
        items = client.get("/api/v1/kz/projects", headers={"Authorization": f"Bearer {token['token']}"}).get_json()["items"]
        statuses = sorted(p["status"] for p in items)
        assert statuses == ["initiative", "with_roadmap"]
        project = next(p for p in items if p["status"] == "with_roadmap")
        assert [t["colour"] for t in project["roadmap"]] == ["red", None, "green", "green"]
        assert project["pool"]["green_corridor"]["included"] is True
    finally:
        app.extensions["koridor"].db.dispose()
