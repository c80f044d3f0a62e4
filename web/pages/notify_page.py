"""«Уведомления» (each user's in-app notifications) and «Отсутствие и замещение» (absences, substitutes)."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.errors import ValidationFailed
from services.notify import notifications, preferences
from services.work import absences

from ..safe_next import safe_next
from ..schemas_admin import ABSENCE
from ..validation import checked
from . import bp
from .session import actor, ctx, handle_errors, login_required


@bp.app_context_processor
def _unread():
    """The unread count the navigation shows next to «Уведомления»."""
    if request.blueprint != "pages" or getattr(g, "actor", None) is None:
        return {"unread_notifications": 0}
    return {"unread_notifications": notifications.count_unread(ctx(), g.actor)}


@bp.get("/notifications")
@login_required
@handle_errors
def notifications_page():
    unread_only = request.args.get("unread") == "1"
    data = notifications.list_notifications(ctx(), actor(), unread_only, limit=200)
    return render_template("pages/notifications.html", unread_only=unread_only, **data)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
@handle_errors
def notification_read(notification_id: int):
    notifications.mark_read(ctx(), actor(), notification_id)
    return redirect(safe_next(request.form.get("next")) or url_for("pages.notifications_page"))


@bp.post("/notifications/read-all")
@login_required
@handle_errors
def notifications_read_all():
    marked = notifications.mark_all_read(ctx(), actor())["marked"]
    flash(_("Отмечено прочитанными: %(n)s", n=marked), "info")
    return redirect(url_for("pages.notifications_page"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
@handle_errors
def notification_settings_page():
    """«Настройки уведомлений»: letters at once, as one daily digest, or none."""
    if request.method == "POST":
        try:
            preferences.put_settings(ctx(), actor(), {"email": request.form.get("email")})
        except ValidationFailed as err:
            current = preferences.get_settings(ctx(), actor())
            return render_template("pages/notification_settings.html", errors=err.errors, **current), 422
        flash(_("Настройки уведомлений сохранены"), "info")
        return redirect(url_for("pages.notification_settings_page"))
    return render_template("pages/notification_settings.html", errors={}, **preferences.get_settings(ctx(), actor()))


def _render_absences(values: dict | None = None, errors: dict | None = None, message: str | None = None,
                     status: int = 200):
    data = absences.list_absences(ctx(), actor())
    return render_template("pages/absences.html", values=values or {}, errors=errors or {}, message=message,
                           colleagues=absences.colleagues(ctx(), actor()), **data), status


@bp.route("/profile/absences", methods=["GET", "POST"])
@login_required
@handle_errors
def absences_page():
    if request.method == "GET":
        return _render_absences()
    values = {k: (request.form.get(k) or "").strip() for k in ("starts_on", "ends_on", "substitute", "note")}
    try:
        absences.add_absence(ctx(), actor(), checked(ABSENCE, {k: v for k, v in values.items() if v}))
    except ValidationFailed as err:
        return _render_absences(values, err.errors, err.message, 422)
    flash(_("Отсутствие записано"), "info")
    return redirect(url_for("pages.absences_page"))


@bp.post("/profile/absences/<int:absence_id>/delete")
@login_required
@handle_errors
def absence_delete(absence_id: int):
    result = absences.delete_absence(ctx(), actor(), absence_id)
    flash(_("Отсутствие отменено; задач возвращено: %(n)s", n=result["tasks_returned"]), "info")
    return redirect(url_for("pages.absences_page"))


@bp.post("/profile/absences/<int:absence_id>/handover")
@login_required
@handle_errors
def absence_handover(absence_id: int):
    result = absences.handover(ctx(), actor(), absence_id)
    flash(_("Передано замещающему задач: %(n)s", n=len(result["tasks"])), "info")
    return redirect(url_for("pages.absences_page"))
