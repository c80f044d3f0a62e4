"""Flask app factory: the one composition root (engine, sessions, services)."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date, datetime

from flask import Blueprint, Flask
from flask.json.provider import DefaultJSONProvider

import packs
from classifiers.packs import Pack
from engine.db import Database
from engine.runtime import ProcessEngine
from services.context import Context, utcnow
from services.notify.new_work import notify_opened
from services.settings import Settings

from .errors import register_error_handlers
from .server_sessions import DatabaseSessionInterface


class IsoJSONProvider(DefaultJSONProvider):
    """JSON with ISO 8601 dates (Flask's default writes HTTP dates)."""

    ensure_ascii = False
    sort_keys = False

    @staticmethod
    def default(o):
        if isinstance(o, (date, datetime)):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def create_app(settings: Settings | None = None, clock: Callable[[], datetime] | None = None) -> Flask:
    """Build the app for `settings` (default: from the environment)."""
    packs.install()
    settings = settings or Settings.from_env()
    Flask.json_provider_class = IsoJSONProvider
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=12 * 1024 * 1024,
                      JSON_SORT_KEYS=False, TESTING=settings.testing)
    ctx = Context(settings=settings, db=Database(settings.database_url), engine=ProcessEngine(on_opened=notify_opened),
                  clock=clock or utcnow)
    app.extensions["koridor"] = ctx

    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.public_url.lower().startswith("https://"),
                      PERMANENT_SESSION_LIFETIME=settings.token_ttl_seconds)
    app.session_interface = DatabaseSessionInterface()  # the cookie holds a session id; the values are rows
    from .api import bp as api_bp
    from .i18n import init_i18n
    from .oidc import init_oidc
    from .pages import bp as pages_bp

    init_i18n(app)
    init_oidc(app, settings.oidc_providers)
    app.register_blueprint(api_bp)
    app.register_blueprint(pages_bp)
    register_pack_web(app, ctx.pack)
    register_error_handlers(app)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "pack": ctx.pack.code}

    return app


def register_pack_web(app: Flask, pack: Pack) -> None:
    """The active pack's own templates, routes and pages (other packs' routes are not served)."""
    if pack.templates:
        app.register_blueprint(Blueprint(f"{pack.code}_templates", __name__, template_folder=str(pack.templates)))
    if pack.web:
        module = importlib.import_module(pack.web)
        for blueprint in module.blueprints():
            app.register_blueprint(blueprint)
        app.config["KORIDOR_PACK_NAV"] = getattr(module, "NAV", None)
