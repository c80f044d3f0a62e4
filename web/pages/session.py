"""Sign-in, sign-out, CSRF, language, the role's home page, and the helpers every page uses."""
from __future__ import annotations

import hmac
import secrets
from functools import wraps

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from services.context import Actor, Context
from services.errors import TYPED
from services.people.directory import AuthenticationFailed, actor_for
from services.reports.appeals import may_read_reports
from services.sessions import TooManyAttempts, sign_in

from ..errors import status_of
from ..safe_next import safe_next
from . import bp

STAFF_HOME = "pages.inbox"


def ctx() -> Context:
    return current_app.extensions["koridor"]


def actor() -> Actor:
    return g.actor


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


@bp.app_context_processor
def _template_globals():
    current = getattr(g, "actor", None)
    return {"csrf_token": csrf_token, "current_actor": current, "may_read_reports": may_read_reports(current)}


@bp.before_app_request
def _csrf_and_user():
    if request.blueprint is None or request.path.startswith("/api/"):  # pages only: the shared ones and a pack's
        return None
    if request.method == "POST":
        sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token", "")
        expected = session.get("csrf", "")
        if not expected or not hmac.compare_digest(sent, expected):
            return render_template("pages/error.html", code=400,
                                   message=_("Форма устарела или отправлена не с этой страницы (нет CSRF-токена). "
                                             "Обновите страницу и повторите.")), 400
    login = session.get("login")
    g.actor = None
    if login:
        try:
            with ctx().db.unit_of_work() as uow:
                g.actor = actor_for(uow.session, login)
        except AuthenticationFailed:
            session.clear()
    return None


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("actor") is None:
            return redirect(url_for("pages.login", next=safe_next(request.full_path) or None))
        return view(*args, **kwargs)

    return wrapper


def handle_errors(view):
    """Typed service errors become a page with the message (404/403/409/422), never a 500."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except TYPED as err:
            return render_template("pages/error.html", code=status_of(err), message=err.message,
                                   errors=err.errors), status_of(err)

    return wrapper


def home_for(user: Actor) -> str:
    if user.has("investor"):
        return url_for("pages.cabinet")
    if user.has("operator") and not user.has("moderator", "manager", "head"):
        return url_for("pages.intake")
    if user.has("moderator", "manager", "head", "deputy_director"):
        return url_for(STAFF_HOME)
    return url_for("pages.appeals")


@bp.get("/")
def index():
    if g.get("actor") is None:
        return redirect(url_for("pages.login"))
    return redirect(home_for(g.actor))


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    status = 200
    if request.method == "POST" and not ctx().settings.password_login:
        error = _("Вход по паролю отключён: войдите через провайдера")
        status = 403
    elif request.method == "POST":
        try:
            user = sign_in(ctx(), request.form.get("login", ""), request.form.get("password", ""),
                           request.remote_addr or "?")
        except TooManyAttempts as err:
            response = current_app.make_response((render_template("pages/login.html", error=err.message), 429))
            response.headers["Retry-After"] = str(err.retry_after)
            return response
        except AuthenticationFailed:
            error = _("Неверный логин или пароль")
            status = 401
        else:
            session.clear()
            session["login"] = user.login
            csrf_token()
            target = safe_next(request.args.get("next"))
            with ctx().db.unit_of_work() as uow:
                return redirect(target or home_for(actor_for(uow.session, user.login)))
    return render_template("pages/login.html", error=error), status


@bp.post("/logout")
def logout():
    from .identity_page import provider_logout_target

    target = provider_logout_target()  # signed in through a provider: its sign-out page next
    session.clear()
    return redirect(target or url_for("pages.login"))


@bp.get("/lang/<code>")
def set_language(code: str):
    response = redirect(safe_next(request.args.get("next"), "/"))
    if code in ("ru", "en"):
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def forbid_unless(condition: bool) -> None:
    if not condition:
        abort(403)


@bp.app_template_global()
def deadline_class(deadline, overdue: bool = False) -> str:
    """Seed 003 item 61: overdue red, due in under 10 days yellow, later green."""
    from datetime import date, datetime

    if overdue:
        return "due-red"
    if deadline is None:
        return "due-none"
    today = ctx().clock().astimezone(ctx().tz).date()
    if isinstance(deadline, str):
        deadline = date.fromisoformat(deadline[:10])
    if isinstance(deadline, datetime):
        deadline = deadline.astimezone(ctx().tz).date()
    if deadline < today:
        return "due-red"
    return "due-yellow" if (deadline - today).days < 10 else "due-green"
