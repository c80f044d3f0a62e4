"""OpenID Connect relying party through Authlib's Flask client (authorization code flow with PKCE).

Authlib keeps state, nonce and the PKCE verifier in the session, exchanges the code and verifies the
ID token (signature by the provider's JWKS, `iss`, `aud` = our client, `exp`/`iat`, `nonce`); this
module adds what Authlib leaves to the application: the discovery document's issuer must be the
configured one, the callback's `iss` parameter (RFC 9207) must match it, an ID token is required,
and the userinfo claims must belong to the same `sub`.
"""
from __future__ import annotations

from typing import Any

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, request
from joserfc.errors import JoseError

from services.identity_config import Provider

LEEWAY_SECONDS = 60  # clock difference tolerated on exp/iat


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered with something that is not OpenID Connect."""


class SignInRejected(Exception):
    """The provider's answer failed a check; `reason` says which (shown on the page)."""

    def __init__(self, reason: str, status: int = 401):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def init_oidc(app: Flask, providers: tuple[Provider, ...]) -> None:
    """Register one Authlib client per configured provider."""
    oauth = OAuth(app)
    for p in providers:
        oauth.register(p.name, client_id=p.client_id, client_secret=p.client_secret or None,
                       server_metadata_url=p.metadata_url,
                       client_kwargs={"scope": " ".join(p.scopes), "code_challenge_method": "S256",
                                      "token_endpoint_auth_method": p.token_auth,
                                      "default_timeout": p.timeout_seconds})
    app.extensions["koridor_oidc"] = (oauth, {p.name: p for p in providers})


def providers() -> dict[str, Provider]:
    return current_app.extensions["koridor_oidc"][1]


def _client(provider: Provider):
    return current_app.extensions["koridor_oidc"][0].create_client(provider.name)


def _metadata(provider: Provider) -> dict[str, Any]:
    client = _client(provider)
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as err:
        client.server_metadata.pop("_loaded_at", None)
        raise ProviderUnavailable(str(err)) from err
    if metadata.get("issuer") != provider.issuer:
        client.server_metadata.clear()
        raise ProviderUnavailable(f"discovery issuer {metadata.get('issuer')!r} is not {provider.issuer!r}")
    return metadata


def begin(provider: Provider, redirect_uri: str):
    """The redirect to the provider's authorization endpoint (state, nonce, PKCE saved in the session)."""
    _metadata(provider)
    try:
        return _client(provider).authorize_redirect(redirect_uri)
    except requests.RequestException as err:
        raise ProviderUnavailable(str(err)) from err


def finish(provider: Provider) -> tuple[dict[str, Any], str]:
    """The verified claims (ID token, completed by userinfo) and the raw ID token of the callback."""
    metadata = _metadata(provider)
    if request.args.get("iss") and request.args["iss"] != provider.issuer:
        raise SignInRejected("ответ пришёл от другого провайдера (параметр iss)")
    client = _client(provider)
    try:
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [provider.issuer]}, "sub": {"essential": True}},
            leeway=LEEWAY_SECONDS)
    except MismatchingStateError as err:
        raise SignInRejected("ответ провайдера не относится к начатому входу (state)", 400) from err
    except OAuthError as err:
        raise SignInRejected(f"провайдер отказал: {err.error or ''} {err.description or ''}".strip()) from err
    except JoseError as err:
        raise SignInRejected(f"ID-токен не прошёл проверку: {err.error} {err.description or ''}".strip()) from err
    except requests.RequestException as err:
        raise ProviderUnavailable(str(err)) from err
    if "userinfo" not in token or "id_token" not in token:
        raise SignInRejected("провайдер не выдал ID-токен")
    claims = dict(token["userinfo"])
    if provider.userinfo and metadata.get("userinfo_endpoint"):
        try:
            response = client.get(metadata["userinfo_endpoint"], token=token)
            response.raise_for_status()
            extra = response.json()
        except (requests.RequestException, ValueError) as err:
            raise ProviderUnavailable(f"userinfo: {err}") from err
        if not isinstance(extra, dict) or extra.get("sub") != claims.get("sub"):
            raise SignInRejected("данные пользователя (userinfo) относятся к другому sub")
        claims = {**extra, **claims}
    return claims, token["id_token"]


def logout_url(provider: Provider, id_token: str, after: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), or None when it has none or is down."""
    try:
        metadata = _metadata(provider)
    except ProviderUnavailable:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    return _client(provider).create_logout_url(post_logout_redirect_uri=after, id_token_hint=id_token)["url"]
