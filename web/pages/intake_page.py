"""Filing an appeal from a page: the operator's «Регистрация обращения» and the helpers the
investor's «Создать обращение» (cabinet.py) shares — form values, files, the deadline preview."""
from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.appeals import appeal as appeals
from services.appeals import attachments
from services.appeals import intake as intake_service
from services.errors import TYPED, ValidationFailed

from ..i18n import fmt_date
from . import bp
from .labels import channel_labels
from .session import actor, ctx, forbid_unless, handle_errors, login_required

APPEAL_FIELDS = ("fact", "subject", "description", "company_name", "company_inn")
INTAKE_FIELDS = APPEAL_FIELDS + ("channel", "received_at", "contact_name", "contact_phone", "contact_email")
Upload = tuple[str, bytes]


def classifier_categories() -> list[dict[str, Any]]:
    """Categories → subcategories → facts, for the pickers and their embedded JSON."""
    return intake_service.classifier_tree(ctx())["categories"]


def read_form(names: tuple[str, ...], values: dict[str, str]) -> dict[str, str]:
    """The posted values (kept to re-render the form after an error)."""
    return {**values, **{name: request.form.get(name, "").strip() for name in names}}


def appeal_body(values: dict[str, str]) -> dict[str, Any]:
    return {"fact": values["fact"], "subject": values["subject"], "description": values["description"],
            "company": {"name": values["company_name"], "inn": values["company_inn"]}}


def parse_received(value: str | None) -> datetime | None:
    """A datetime-local value read in the pack's time zone; None when empty. ValueError if malformed."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=ctx().tz)


def read_uploads() -> tuple[list[Upload], list[str]]:
    """The chosen files and what is wrong with them, checked before the appeal is filed so the
    investor can fix the choice (services.attachments checks again when attaching)."""
    files: list[Upload] = []
    problems: list[str] = []
    for upload in request.files.getlist("files"):
        if not upload or not upload.filename:
            continue
        name = upload.filename
        data = upload.read(attachments.MAX_FILE_BYTES + 1)
        if PurePath(name).suffix.lower() not in attachments.ALLOWED:
            problems.append(_("«%(name)s»: такой тип файла не принимается", name=name))
        elif not data:
            problems.append(_("«%(name)s»: файл пуст", name=name))
        elif len(data) > attachments.MAX_FILE_BYTES:
            problems.append(_("«%(name)s»: больше 10 МБ", name=name))
        files.append((name, data))
    return files, problems


def allowed_suffixes() -> str:
    return ",".join(sorted(attachments.ALLOWED))


def deadline_preview(fact: str, received_at: datetime | None = None) -> dict[str, Any] | None:
    """Type and last day to answer for a fact (None when no fact or an unknown one)."""
    if not fact:
        return None
    try:
        result = intake_service.preview_deadline(ctx(), fact, received_at)
    except TYPED:
        return None
    result["deadline_text"] = fmt_date(result["deadline"])
    result["first_response_text"] = fmt_date(result["first_response"]) if result.get("first_response") else None
    return result


def filed(view: dict[str, Any], files: list[Upload]):
    """After submit_appeal: attach each file (one use case each), say what was created, open it."""
    for name, data in files:
        try:
            attachments.add_attachment(ctx(), actor(), view["id"], name, data)
        except TYPED as err:
            reasons = "; ".join(p for problems in err.errors.values() for p in problems) or err.message
            flash(_("Файл «%(name)s» не приложен: %(reason)s", name=name, reason=reasons), "error")
    flash(_("Обращение №%(number)s создано", number=view["number"]), "success")
    return redirect(url_for("pages.appeal", appeal_id=view["id"]))


def contacts_text(values: dict[str, str]) -> str:
    """The caller's contacts as a comment (stored data, so always in Russian)."""
    parts = [values["contact_name"],
             f"тел. {values['contact_phone']}" if values["contact_phone"] else "",
             f"e-mail {values['contact_email']}" if values["contact_email"] else ""]
    parts = [p for p in parts if p]
    return "Контакты заявителя: " + ", ".join(parts) if parts else ""


def _render_intake(values: dict[str, str], errors: dict | None = None, message: str | None = None,
                   preview: dict | None = None, status: int = 200):
    channels = {code: label for code, label in channel_labels().items()
                if code in intake_service.CHANNELS and code != "lk"}
    return render_template("pages/intake/form.html", values=values, errors=errors or {}, message=message,
                           preview=preview, channels=channels, categories=classifier_categories(),
                           accept=allowed_suffixes(), max_received=_now_local()), status


def _now_local() -> str:
    return ctx().clock().astimezone(ctx().tz).strftime("%Y-%m-%dT%H:%M")


@bp.route("/intake", methods=["GET", "POST"])
@login_required
@handle_errors
def intake():
    """An operator registers an appeal that came by phone, e-mail, a meeting…, with the time received."""
    forbid_unless(actor().has("operator"))
    values = dict.fromkeys(INTAKE_FIELDS, "") | {"channel": "phone", "received_at": _now_local()}
    if request.method == "GET":
        return _render_intake(values)
    values = read_form(INTAKE_FIELDS, values)
    errors: dict[str, list[str]] = {}
    received = None
    try:
        received = parse_received(values["received_at"])
    except ValueError:
        errors["received_at"] = [_("укажите дату и время в формате ДД.ММ.ГГГГ ЧЧ:ММ")]
    files, problems = read_uploads()
    if problems:
        errors["file"] = problems
    preview = deadline_preview(values["fact"], received)
    if errors or request.form.get("preview"):
        return _render_intake(values, errors, preview=preview, status=422 if errors else 200)
    body = appeal_body(values) | {"channel": values["channel"], "received_at": received}
    try:
        view = intake_service.submit_appeal(ctx(), actor(), body)
    except ValidationFailed as err:
        return _render_intake(values, err.errors, err.message, preview, 422)
    if contacts := contacts_text(values):
        appeals.add_comment(ctx(), actor(), view["id"], contacts)
    return filed(view, files)
