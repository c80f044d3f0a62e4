"""Sessions as rows (docs/identity.md): token revocation, sign-out that ends the server session, a
disabled account losing every session at once."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from services.identity_models import AuthSession
from services.people import directory
from tests.support import PASSWORD, Api, build_world
from web.cli import main

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    directory.add_user(ctx, "admin", PASSWORD, ["admin"], "aerlo")
    return app.test_client()


def sign_in(client, login: str, password: str = PASSWORD, **query):
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    return client.post("/login", query_string=query, data={"login": login, "password": password, "csrf_token": token})


def cookie(client) -> str:
    return client.get_cookie("session").value


def copy_of(app, value: str):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def rows(ctx, **where) -> int:
    with ctx.db.unit_of_work() as uow:
        query = select(func.count()).select_from(AuthSession)
        for key, value in where.items():
            query = query.where(getattr(AuthSession, key) == value)
        return uow.session.scalar(query)


def test_a_revoked_token_stops_working_and_the_other_tokens_do_not(client, ctx):
    first, second = Api(client, "moderator"), Api(client, "moderator")
    assert first.get("/api/v1/tasks").status_code == 200
    assert client.delete("/api/v1/auth/token", headers=first.headers).status_code == 204
    refused = first.get("/api/v1/tasks")
    assert refused.status_code == 401 and refused.get_json()["code"] == "unauthorized"
    assert client.delete("/api/v1/auth/token", headers=first.headers).status_code == 401
    assert second.get("/api/v1/tasks").status_code == 200
    assert rows(ctx, kind="api", login="moderator") == 1
    assert client.delete("/api/v1/auth/token").status_code == 401


def test_the_token_is_opaque_and_only_its_hash_is_stored(client, ctx):
    token = Api(client, "investor").headers["Authorization"].removeprefix("Bearer ")
    with ctx.db.unit_of_work() as uow:
        [stored] = uow.session.scalars(select(AuthSession.token_hash).where(AuthSession.kind == "api")).all()
    assert token not in stored and "investor" not in token and len(stored) == 64


def test_sign_out_ends_the_server_session_and_a_copied_cookie_with_it(app, client, ctx):
    assert client.get("/login").status_code == 200
    before = cookie(client)  # a visitor's session (its CSRF token) before signing in
    assert sign_in(client, "moderator").status_code == 302
    signed_in = cookie(client)
    assert signed_in != before  # a new id at sign-in: an id known before it is worthless
    assert copy_of(app, before).get("/inbox").status_code == 302
    thief = copy_of(app, signed_in)
    assert thief.get("/inbox").status_code == 200
    assert "moderator" not in signed_in and len(signed_in) < 60  # the cookie is an id, not the values
    token = CSRF.search(client.get("/inbox").get_data(as_text=True)).group(1)
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 302 and out.headers["Location"].endswith("/login")
    assert thief.get("/inbox").status_code == 302
    assert rows(ctx, kind="web", login="moderator") == 0


def test_an_admin_disables_a_user_and_every_session_of_theirs_ends(app, client, ctx):
    api = Api(client, "moderator")
    assert sign_in(client, "moderator").status_code == 302
    page = copy_of(app, cookie(client))
    admin = Api(client, "admin")
    assert Api(client, "head").post("/api/v1/admin/users/moderator/disable").status_code == 403
    assert admin.post("/api/v1/admin/users/nobody/disable").status_code == 404
    answer = admin.post("/api/v1/admin/users/moderator/disable")
    assert answer.status_code == 200
    assert answer.get_json() == {"login": "moderator", "active": False, "sessions_ended": 2}
    assert api.get("/api/v1/tasks").status_code == 401
    assert page.get("/inbox").status_code == 302
    assert client.post("/api/v1/auth/token", json={"login": "moderator", "password": PASSWORD}).status_code == 401
    assert admin.get("/api/v1/tasks").status_code == 200


def test_koridor_users_disable_ends_every_token_and_session(app, client, ctx, database_url):
    api = Api(client, "investor")
    assert sign_in(client, "investor").status_code == 302
    page = copy_of(app, cookie(client))
    env = {"KORIDOR_DATABASE_URL": database_url, "KORIDOR_SECRET_KEY": "cli-test", "KORIDOR_PACK": "leningrad"}
    result = CliRunner().invoke(main, ["users", "disable", "investor"], env=env)
    assert result.exit_code == 0, result.output
    assert "investor отключён; завершено сессий: 2" in result.output
    assert api.get("/api/v1/appeals").status_code == 401
    assert page.get("/cabinet").status_code == 302
    unknown = CliRunner().invoke(main, ["users", "disable", "nobody"], env=env)
    assert unknown.exit_code == 2 and "Нет пользователя 'nobody'" in unknown.output
