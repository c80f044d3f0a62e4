"""Investors' self-registration with a password: the sign-up form, the letter, the confirmation link
(services/signup.py; docs/identity.md)."""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.errors import TYPED
from services.signup import confirm_sign_up, sign_up

from ..errors import status_of
from . import bp
from .identity_page import begin_session
from .session import ctx

FIELDS = ("login", "name", "email", "phone", "company_name", "inn", "ogrn")
PER_ADDRESS_PER_HOUR = 10  # sign-ups from one network address (one process; the per-e-mail limit is in the database)
_lock = threading.Lock()


def _available() -> None:
    settings = ctx().settings
    if not (settings.self_registration and settings.password_login):
        abort(404, _("Самостоятельная регистрация отключена: учётную запись заводит агентство"))


def _too_many_from(address: str) -> bool:
    now = time.monotonic()
    with _lock:
        seen = current_app.extensions.setdefault("koridor_signups", defaultdict(deque))[address]
        while seen and now - seen[0] > 3600:
            seen.popleft()
        if len(seen) >= PER_ADDRESS_PER_HOUR:
            return True
        seen.append(now)
        return False


def _form(values: dict, errors: dict | None = None, message: str | None = None, status: int = 200):
    return render_template("pages/identity/signup.html", values=values, errors=errors or {}, message=message,
                           kz=ctx().pack.country == "KZ"), status


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """«Регистрация инвестора»: login, password, the person and the company; a letter confirms the address."""
    _available()
    if request.method == "GET":
        return _form(dict.fromkeys(FIELDS, ""))
    values = {k: request.form.get(k, "").strip() for k in FIELDS}
    if _too_many_from(request.remote_addr or "?"):
        return _form(values, {}, _("Слишком много регистраций с этого адреса. Повторите через час."), 429)
    fields = values | {"password": request.form.get("password", ""), "password2": request.form.get("password2", "")}
    try:
        sent = sign_up(ctx(), fields, request.remote_addr)
    except TYPED as err:
        return _form(values, err.errors, err.message, status_of(err))
    return render_template("pages/identity/signup_sent.html", email=sent["email"],
                           hours=ctx().settings.signup_token_hours)


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
def signup_confirm(token: str):
    """The link from the letter shows a button (a mail scanner that opens links uses nothing up); the
    button creates the account, signs in and goes on to the registration request."""
    _available()
    if request.method == "GET":
        return render_template("pages/identity/signup_confirm.html", token=token)
    try:
        login = confirm_sign_up(ctx(), token)
    except TYPED as err:
        return render_template("pages/error.html", code=status_of(err), message=err.message), status_of(err)
    begin_session(login)
    flash(_("Адрес подтверждён, учётная запись создана."))
    if ctx().pack.runs("onboarding"):  # the pack has the registration → support path
        return redirect(url_for("pages.registration_form"))
    return redirect(url_for("pages.cabinet"))
