"""Bearer-token authentication for the JSON API."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request

from services.context import Actor, Context
from services.people.directory import AuthenticationFailed, authenticate


def ctx() -> Context:
    return current_app.extensions["koridor"]


def current_actor() -> Actor:
    return g.actor


def login_required(view):
    """Resolve `Authorization: Bearer <token>` into g.actor or answer 401."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationFailed("Требуется авторизация: заголовок Authorization: Bearer <token>")
        g.token = token.strip()
        g.actor = authenticate(ctx(), g.token)
        return view(*args, **kwargs)

    wrapper.requires_token = True  # type: ignore[attr-defined]  (web/openapi.py: the bearer scheme)
    return wrapper
