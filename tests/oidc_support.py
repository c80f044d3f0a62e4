"""A real OpenID Connect provider for the sign-in tests: tests/oidc/provider.mjs (npm `oidc-provider`,
installed by `make install`) under node, on 127.0.0.2, one per test session (xdist worker), with the
clients Koridor's test configuration uses. Koridor's test server listens on 127.0.0.1 on a port
fixed for the session, so the redirect URIs registered at the provider stay valid from test to test
(and the two hosts keep their cookies apart)."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from werkzeug.serving import make_server

from services.identity_config import provider_from
from services.settings import Settings
from tests.support import build_world
from web import create_app

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc"
OP_HOST = "127.0.0.2"
INN, OGRN, COMPANY = "7860181593", "1083016613184", "ООО «Северный ветер»"
ACCOUNTS = {
    "ivanov": {"name": "Иванов Пётр Сергеевич", "preferred_username": "ivanov", "email": "ivanov@example.org",
               "email_verified": True, "inn": INN, "ogrn": OGRN, "org_name": COMPANY},
    "smirnova": {"name": "Смирнова Анна Олеговна", "preferred_username": "smirnova", "email": "smirnova@example.org"},
    "tria-rep": {"name": "Представитель ТриА", "preferred_username": "tria-rep", "inn": "9704098567",
                 "org_name": "ООО «ТриА Девелопмент»"},
    "bad-inn": {"name": "Сидоров", "preferred_username": "bad-inn", "inn": "7860181594", "org_name": "ООО «Опечатка»"},
    "moderator": {"name": "Модератор из каталога", "preferred_username": "moderator", "groups": ["koridor-moderators"]},
    "newhead": {"name": "Новый Руководитель", "preferred_username": "newhead", "email": "newhead@example.org",
                "groups": ["/koridor-heads"]},
    "stranger": {"name": "Посторонний", "preferred_username": "stranger", "groups": ["accounting"]},
}
# Koridor's providers: name → (client id, kind, extra settings); the tampered ones are for refusals
CLIENTS = {
    "test": ("koridor", "investor", {"label": "Войти через Госуслуги (тест)",
                                     "scopes": ["openid", "profile", "email", "organisation"]}),
    "agency": ("koridor-staff", "staff", {"label": "Войти через каталог агентства (тест)",
                                          "scopes": ["openid", "profile", "email", "groups"],
                                          "staff": {"org": "aerlo", "create": True,
                                                    "group_roles": {"koridor-moderators": ["moderator"],
                                                                    "koridor-heads": ["head"]}}}),
    "confused": ("koridor-confused", "investor", {}),
    "forged": ("koridor-forged", "investor", {}),
    "lying": ("koridor-lying", "investor", {}),
    "stale": ("koridor-stale", "investor", {}),
    "slow": ("koridor-slow", "investor", {}),
}
TAMPER = {"koridor-confused": {"aud": "another-client"}, "koridor-forged": {"foreign_key": True},
          "koridor-lying": {"nonce": "a-nonce-from-another-sign-in"}, "koridor-stale": {"exp_offset": -3600}}
CODE_TTL = {"koridor-slow": 1}


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class Harness:
    issuer: str
    base: str  # Koridor's address
    port: int
    down_issuer: str  # nobody listens there

    def providers(self, *names: str) -> tuple:
        chosen = names or tuple(CLIENTS)
        out = []
        for name in chosen:
            if name == "down":
                out.append(provider_from({"name": "down", "issuer": self.down_issuer, "client_id": "x",
                                          "client_secret": "x", "label": "Недоступный провайдер",
                                          "timeout_seconds": 3}))
                continue
            client_id, kind, extra = CLIENTS[name]
            out.append(provider_from({"name": name, "issuer": self.issuer, "client_id": client_id,
                                      "client_secret": f"{client_id}-secret", "kind": kind,
                                      "label": extra.get("label", name),
                                      "scopes": extra.get("scopes", ["openid", "profile", "email", "organisation"]),
                                      **({"staff": extra["staff"]} if "staff" in extra else {})}))
        return tuple(out)


@pytest.fixture(scope="session")
def oidc_harness(tmp_path_factory):
    node = shutil.which("node")
    if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        if os.environ.get("CI"):
            pytest.fail("node or tests/oidc/node_modules is missing: `make install` runs npm ci there")
        pytest.skip("node / oidc-provider not installed (make install)")
    op_port, koridor_port = _free_port(OP_HOST), _free_port("127.0.0.1")
    base = f"http://127.0.0.1:{koridor_port}"
    issuer = f"http://{OP_HOST}:{op_port}"
    clients = [{"client_id": cid, "client_secret": f"{cid}-secret", "code_ttl": CODE_TTL.get(cid, 60),
                "redirect_uris": [f"{base}/login/oidc/{name}/callback"],
                "post_logout_redirect_uris": [f"{base}/login"]} for name, (cid, _k, _e) in CLIENTS.items()]
    config = tmp_path_factory.mktemp("oidc") / "provider.json"
    config.write_text(json.dumps({"host": OP_HOST, "port": op_port, "issuer": issuer, "clients": clients,
                                  "accounts": ACCOUNTS, "tamper": TAMPER}))
    process = subprocess.Popen([node, str(PROVIDER_DIR / "provider.mjs"), str(config)], cwd=PROVIDER_DIR,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready = process.stdout.readline()
    if not ready.startswith("ready"):
        process.kill()
        pytest.fail(f"the test provider did not start: {ready}{process.stderr.read()}")
    threading.Thread(target=process.stderr.read, daemon=True).start()  # keep its warnings from blocking it
    yield Harness(issuer=issuer, base=base, port=koridor_port, down_issuer=f"http://{OP_HOST}:{_free_port(OP_HOST)}")
    process.terminate()
    process.wait(10)


class _Late:
    """A WSGI app set after the server is bound (the app's public URL needs the port)."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture
def koridor(oidc_harness, database_url, request):
    """Koridor on its session port with the test providers, on SQLite and PostgreSQL (a test may ask
    for other providers by `@pytest.mark.parametrize("koridor", [{"providers": (...)}], indirect=True)`)."""
    options = getattr(request, "param", {})
    settings = Settings(database_url=database_url, secret_key="oidc-secret", testing=True,
                        public_url=oidc_harness.base,
                        oidc_providers=oidc_harness.providers(*options.get("providers", ())),
                        password_login=options.get("password_login", True))
    app = create_app(settings)
    build_world(app.extensions["koridor"])
    holder = _Late()
    holder.app = app
    server = make_server("127.0.0.1", oidc_harness.port, holder, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()
    server.server_close()
    app.extensions["koridor"].db.dispose()


def to_provider(http: requests.Session, base: str, name: str, account: str) -> str:
    """Press the provider's button and sign in there as `account`; the callback URL to Koridor, not yet opened."""
    response = http.get(f"{base}/login/oidc/{name}", allow_redirects=False)
    assert response.status_code == 302, response.text
    url = response.headers["Location"]
    for _ in range(12):
        if url.startswith(base):
            return url
        response = http.get(url, allow_redirects=False)
        if response.status_code == 200 and 'name="login"' in response.text:
            action = re.search(r'action="([^"]+)"', response.text).group(1)
            response = http.post(urljoin(url, action), data={"login": account}, allow_redirects=False)
        assert response.status_code in (302, 303), response.text
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("the provider never sent the browser back")


def csrf(http: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', http.get(url).text).group(1)

