"""Sign-in through OpenID Connect providers (docs/identity.md): a button per provider on /login,
the provider's callback, the investor's first sign-in (account and company, then the Leningrad
registration request), and the provider's sign-out."""
from __future__ import annotations

import time

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from services.errors import InvalidTransition, ValidationFailed
from services.identity import FirstSignIn, IdentityRefused, complete_first_sign_in, sign_in
from services.identity_config import Provider
from services.people.directory import actor_for

from .. import oidc
from ..errors import status_of
from ..safe_next import safe_next
from . import bp
from .session import csrf_token, ctx, home_for

PENDING_SECONDS = 1800  # the first-sign-in form must be sent within half an hour of the provider's answer
FIELDS = ("name", "email", "phone", "company_name", "inn", "ogrn")


@bp.app_context_processor
def _sign_in_options():
    if request.blueprint != "pages":
        return {}
    settings = ctx().settings
    return {"identity_providers": [(p.name, p.label) for p in settings.oidc_providers],
            "password_login": settings.password_login,
            "self_registration": settings.self_registration and settings.password_login}


def _provider(name: str) -> Provider:
    provider = oidc.providers().get(name)
    if provider is None:
        abort(404, _("Провайдер входа «%(name)s» не настроен", name=name))
    return provider


def _refused(provider: Provider, message: str, status: int):
    return render_template("pages/identity/refused.html", provider=provider, message=message), status


@bp.get("/login/oidc/<name>")
def oidc_begin(name: str):
    """The button: off to the provider (a provider that does not answer gets a page, not an error)."""
    provider = _provider(name)
    redirect_uri = ctx().settings.public_url.rstrip("/") + url_for("pages.oidc_callback", name=name)
    session["oidc_next"] = safe_next(request.args.get("next"))
    try:
        return oidc.begin(provider, redirect_uri)
    except oidc.ProviderUnavailable as err:
        current_app.logger.warning("provider %s unavailable: %s", name, err)
        return _refused(provider, _("Провайдер «%(label)s» сейчас недоступен. Повторите вход позже или войдите "
                                    "другим способом.", label=provider.label), 502)


@bp.get("/login/oidc/<name>/callback")
def oidc_callback(name: str):
    """The provider's answer: verified, then the account it signs in to (or the first-sign-in form)."""
    provider = _provider(name)
    try:
        claims, id_token = oidc.finish(provider)
        result = sign_in(ctx(), provider, claims)
    except oidc.ProviderUnavailable as err:
        current_app.logger.warning("provider %s unavailable at callback: %s", name, err)
        return _refused(provider, _("Провайдер «%(label)s» не ответил. Повторите вход позже.",
                                    label=provider.label), 502)
    except oidc.SignInRejected as err:
        current_app.logger.warning("sign-in through %s rejected: %s", name, err.reason)
        return _refused(provider, _("Вход не выполнен: %(reason)s.", reason=err.reason), err.status)
    except IdentityRefused as err:
        return _refused(provider, err.message, status_of(err))
    target = session.get("oidc_next", "")
    if isinstance(result, FirstSignIn):
        session.clear()
        session["oidc_pending"] = result.as_dict() | {"at": time.time(), "next": target, "id_token": id_token}
        csrf_token()
        return redirect(url_for("pages.oidc_welcome"))
    return _signed_in(result, provider, id_token, target)


def begin_session(login: str) -> None:
    """A fresh page session for `login` (as a password sign-in makes one), for the provider's and the
    confirmed sign-up's sign-in."""
    session.clear()
    session["login"] = login
    csrf_token()


def _signed_in(login: str, provider: Provider, id_token: str | None, target: str):
    begin_session(login)
    session["oidc"] = {"provider": provider.name, "id_token": id_token}
    with ctx().db.unit_of_work() as uow:
        return redirect(target or home_for(actor_for(uow.session, login)))


@bp.route("/login/oidc/welcome", methods=["GET", "POST"])
def oidc_welcome():
    """First sign-in of an investor: check the provider's data, complete the company, create the account."""
    pending = session.get("oidc_pending")
    provider = oidc.providers().get((pending or {}).get("provider", ""))
    if not pending or provider is None or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop("oidc_pending", None)
        return render_template("pages/error.html", code=400,
                               message=_("Начните вход через провайдера заново: данные первого входа устарели "
                                         "или не получены.")), 400
    if request.method == "GET":
        values = {k: pending.get(k) or "" for k in FIELDS}
        return _welcome(provider, pending, values)
    values = {k: request.form.get(k, "").strip() for k in FIELDS}
    try:
        login = complete_first_sign_in(ctx(), provider, pending, values)
    except ValidationFailed as err:
        return _welcome(provider, pending, values, err.errors, err.message, 422)
    except InvalidTransition as err:
        return _welcome(provider, pending, values, err.errors, err.message, 409)
    target = pending.get("next") or (url_for("pages.registration_form") if ctx().pack.runs("onboarding") else "")
    return _signed_in(login, provider, pending.get("id_token"), target)


def _welcome(provider: Provider, pending: dict, values: dict, errors: dict | None = None,
             message: str | None = None, status: int = 200):
    return render_template("pages/identity/welcome.html", provider=provider, values=values, errors=errors or {},
                           message=message, claimed={k for k in FIELDS if pending.get(k)},
                           pack=ctx().pack.code, kz=ctx().pack.country == "KZ"), status


def provider_logout_target() -> str | None:
    """Where sign-out goes after the session ends: the provider's end-session page for a session that
    began there (it returns to /login), else None."""
    state = session.get("oidc") or {}
    provider = oidc.providers().get(state.get("provider", ""))
    if provider is None or not state.get("id_token") or g.get("actor") is None:
        return None
    after = ctx().settings.public_url.rstrip("/") + url_for("pages.login")
    return oidc.logout_url(provider, state["id_token"], after)
