"""`koridor demo` (Leningrad) shows the onboarding: a deputy director, a registration waiting for them, two
projects at different stages, and an appeal tied to a project coordinated by the project's manager."""
from __future__ import annotations

from services.setup import DEMO_PASSWORD, load_demo


def test_demo_has_projects_and_a_registration_in_progress(app, ctx):
    logins = {login: roles for login, _password, roles in load_demo(ctx)}
    assert "deputy_director" in logins["deputy"]
    client = app.test_client()

    def api(login):
        token = client.post("/api/v1/auth/token", json={"login": login, "password": DEMO_PASSWORD}).get_json()["token"]
        return {"Authorization": f"Bearer {token}"}

    projects = client.get("/api/v1/projects", headers=api("head")).get_json()["items"]
    assert sorted((p["stage"], p["status"]) for p in projects) == [("land_rights", "active"), ("pause", "passive")]
    assert {p["manager"]["login"] for p in projects} == {"manager"}
    pending = client.get("/api/v1/registrations?status=on_confirmation", headers=api("deputy")).get_json()["items"]
    assert [r["company"]["name"] for r in pending] == ["ООО «Северная логистика»"]
    assert [t["name"] for t in client.get("/api/v1/tasks", headers=api("deputy")).get_json()["items"]] == [
        "confirm_registration"]
    tied = [a for a in client.get("/api/v1/appeals", headers=api("head")).get_json()["items"] if a["project_id"]]
    assert len(tied) == 1 and tied[0]["roles"]["coordinator"]["login"] == "manager"
