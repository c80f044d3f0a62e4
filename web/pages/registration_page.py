"""The investor's registration request and support application in the pages (seed 000 items 2.1,
2.2.1; seed 001 «отображение хода рассмотрения»): the form of the company's legal data, the
progress of the company's requests. The tasks of the path open on the generic task page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.appeals.cabinet import investor_home
from services.errors import InvalidTransition, ValidationFailed
from services.projects.onboarding import list_registrations, submit_registration

from ..schemas_projects import REGISTRATION
from ..validation import checked
from . import bp
from .session import actor, ctx, forbid_unless, handle_errors, login_required

FIELDS = ("company_name", "inn", "ogrn", "address", "contact_name", "contact_phone", "contact_email")


def _render(values: dict, errors: dict | None = None, message: str | None = None, status: int = 200):
    who = actor()
    return render_template("pages/cabinet/registration.html", values=values, errors=errors or {}, message=message,
                           home=investor_home(ctx(), who), registrations=list_registrations(ctx(), who)), status


@bp.route("/cabinet/registration", methods=["GET", "POST"])
@login_required
@handle_errors
def registration_form():
    """«Регистрация компании / заявка на сопровождение»: the legal data; the same service as the API."""
    forbid_unless(actor().has("investor"))
    if not ctx().pack.runs("onboarding"):  # a pack without the onboarding path (only Leningrad ships it)
        abort(404)
    if request.method == "GET":
        company = investor_home(ctx(), actor())["company"]
        return _render(dict.fromkeys(FIELDS, "") | {"company_name": company["name"] or "",
                                                     "inn": company["inn"] or "", "ogrn": company["ogrn"] or "",
                                                     "contact_name": actor().name})
    values = {name: request.form.get(name, "").strip() for name in FIELDS}
    body = {k: v for k, v in values.items() if v or k in ("company_name", "inn", "ogrn", "address", "contact_name")}
    try:
        submit_registration(ctx(), actor(), checked(REGISTRATION, body))
    except ValidationFailed as err:
        return _render(values, err.errors, err.message, 422)
    except InvalidTransition as err:
        return _render(values, {}, err.message, 409)
    flash(_("Заявка на регистрацию подана. Её рассмотрят не позднее следующего рабочего дня."))
    return redirect(url_for("pages.cabinet"))
