"""Kazakhstan page forms (seed 003): the initiator files an initiative (items 37–40); on the project
page the local executive body (or the initiator) adds roadmap tasks while the roadmap is formed
(item 47), the local executive body marks a task done (item 64) and the Chamber validates or returns
it (item 65). Each form calls the same service as the API; errors re-render the page with 422."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from packs.kazakhstan import initiatives as kz_initiatives
from packs.kazakhstan import module1 as kz_module1
from packs.kazakhstan import prosecutor as kz_prosecutor
from packs.kazakhstan import roadmap as kz_roadmap
from packs.kazakhstan.roadmap import EDITABLE
from packs.kazakhstan.status import STAGE_OF
from packs.kazakhstan.web import pages_bp as bp
from packs.kazakhstan.web import schemas as k
from services.errors import InvalidTransition, ValidationFailed
from services.people.directory import list_orgs
from services.work import inbox
from web.pages.session import actor, ctx, forbid_unless, handle_errors, login_required
from web.validation import checked

INITIATIVE_FIELDS = ("name", "region", "local_exec_org", "company_org", "company_name", "company_country",
                     "company_sector", "company_size", "company_contact", "kyc_passed", "kyc_notes", "meeting_date",
                     "meeting_participants", "meeting_subject", "meeting_agreements", "visit_held_on",
                     "visit_purpose", "visit_responsible", "visit_outcome")
MEETING_FIELDS = ("date", "participants", "subject", "agreements")
VISIT_FIELDS = ("held_on", "purpose", "responsible", "outcome")
ROADMAP_FIELDS = ("stage", "title", "due_date", "responsible", "expected_result", "support_measures", "risks")


def initiative_body(form: dict[str, str]) -> dict:
    """The flat page form as the nested card create_initiative expects (one meeting card, the visit
    only when any of its fields is filled)."""
    def part(prefix: str, names: tuple[str, ...]) -> dict:
        return {n: form[f"{prefix}_{n}"] or None for n in names}

    body = {"name": form["name"], "region": form["region"], "local_exec_org": form["local_exec_org"],
            "company": part("company", ("name", "country", "sector", "size", "contact")),
            "kyc": {"passed": form["kyc_passed"] == "1", "notes": form["kyc_notes"] or None},
            "meetings": [part("meeting", ("date", "participants", "subject", "agreements"))]}
    if form["company_org"]:
        body["company_org"] = form["company_org"]
    visit = part("visit", ("held_on", "purpose", "responsible", "outcome"))
    if any(visit.values()):
        body["visit"] = visit
    return body


def _form_keys(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The body's error paths as the flat form's field names (`company.name` → `company_name`,
    `meetings.0.date` → `meeting_date`), so the summary and the field marks name the inputs."""
    out: dict[str, list[str]] = {}
    for key, problems in errors.items():
        parts = key.split(".")
        if parts[0] == "meetings" and len(parts) == 3:
            key = f"meeting_{parts[2]}"
        elif len(parts) == 2:
            key = "_".join(parts)
        out.setdefault(key, []).extend(problems)
    return out


def _orgs(kind: str) -> list[dict]:
    return [o for o in list_orgs(ctx()) if o["kind"] == kind]


@bp.route("/kz/initiatives/new", methods=["GET", "POST"])
@login_required
@handle_errors
def kz_new_initiative():
    forbid_unless(actor().has("initiator"))
    values = {name: request.form.get(name, "").strip() for name in INITIATIVE_FIELDS}
    errors, message, status = {}, None, 200
    if request.method == "POST":
        try:
            project = kz_initiatives.create_initiative(ctx(), actor(), checked(k.INITIATIVE, initiative_body(values)))
        except ValidationFailed as err:
            errors, message, status = _form_keys(err.errors), err.message, 422
        else:
            flash(_("Инициатива передана местному исполнительному органу"))
            return redirect(url_for("kz_pages.kz_project", project_id=project["id"]))
    return render_template("pages/kz/initiative.html", values=values, errors=errors, message=message,
                           local_execs=_orgs("local_exec"), companies=_orgs("company")), status


def render_project(project_id: int, failed: str | None = None, errors: dict | None = None,
                   message: str | None = None, values: dict | None = None, status: int = 200):
    """The project page with the forms the signed-in user may use (the services check again)."""
    who = actor()
    p = kz_roadmap.get_project(ctx(), who, project_id)
    may = {"edit": p["status"] in EDITABLE and ((who.has("local_exec") and who.org_code == p["local_exec_org"])
                                                or (who.has("initiator") and who.org_code == p["initiator_org"])),
           "complete": p["status"] == "with_roadmap" and who.has("local_exec") and who.org_code == p["local_exec_org"],
           "validate": who.has("chamber"),
           "module1": STAGE_OF.get(p["status"]) == "initiative" and p["status"] != "withdrawn" and (
               (who.has("local_exec") and who.org_code == p["local_exec_org"])
               or (who.has("initiator") and who.org_code == p["initiator_org"]))}
    tasks = [t for t in inbox.list_tasks(ctx(), who) if t.get("project_id") == project_id]
    chat = kz_module1.list_messages(ctx(), who, project_id)
    may["propose"] = who.has("local_exec", "authorized_body", "initiator") and who.org_kind in kz_prosecutor.LEVEL_OF
    cases = kz_prosecutor.list_cases(ctx(), who, project_id)
    return render_template("pages/kz/project.html", p=p, may=may, my_tasks=tasks, chat=chat, failed=failed,
                           errors=errors or {}, message=message, values=values or {}, cases=cases,
                           measures=kz_prosecutor.MEASURES, offices=_orgs("prosecutor") if may["propose"] else []), status


def _run(project_id: int, form: str, action, *args, schema=None):
    """Run `action`; with `schema` its last argument is the form's body, checked by the API's schema."""
    try:
        if schema is not None:
            args = (*args[:-1], checked(schema, args[-1]))
        action(ctx(), actor(), *args)
    except ValidationFailed as err:
        return render_project(project_id, form, err.errors, err.message, request.form.to_dict(), 422)
    except InvalidTransition as err:
        return render_project(project_id, form, {}, err.message, request.form.to_dict(), 409)
    flash(_("Сохранено"))
    return redirect(url_for("kz_pages.kz_project", project_id=project_id))


@bp.post("/kz/projects/<int:project_id>/roadmap")
@login_required
@handle_errors
def kz_add_roadmap_task(project_id: int):
    body = {name: request.form.get(name, "").strip() for name in ROADMAP_FIELDS}
    body = {k: v for k, v in body.items() if v or k in ("stage", "title", "due_date", "responsible")}
    return _run(project_id, "roadmap", kz_roadmap.add_task, project_id, body, schema=k.ROADMAP_TASK)


@bp.post("/kz/projects/<int:project_id>/roadmap/<int:task_id>/complete")
@login_required
@handle_errors
def kz_complete_roadmap_task(project_id: int, task_id: int):
    done_on = request.form.get("completed_on", "").strip()
    return _run(project_id, f"complete-{task_id}", kz_roadmap.complete_task, task_id,
                {"completed_on": done_on} if done_on else {}, schema=k.ROADMAP_DONE)


@bp.post("/kz/projects/<int:project_id>/roadmap/<int:task_id>/validate")
@login_required
@handle_errors
def kz_validate_roadmap_task(project_id: int, task_id: int):
    decision = request.form.get("decision")
    body = {"accepted": {"accept": True, "reject": False}.get(decision, decision),
            "comment": request.form.get("comment", "").strip() or None}
    return _run(project_id, f"validate-{task_id}", kz_roadmap.validate_task, task_id, body, schema=k.ROADMAP_VALIDATION)


def _form(names: tuple[str, ...]) -> dict[str, str]:
    """The filled fields of a page form (an empty one is left out, so the service names what is missing)."""
    return {n: v for n in names if (v := request.form.get(n, "").strip())}


@bp.post("/kz/projects/<int:project_id>/meetings")
@login_required
@handle_errors
def kz_add_meeting(project_id: int):
    return _run(project_id, "meeting", kz_module1.add_meeting, project_id, _form(MEETING_FIELDS), schema=k.MEETING)


@bp.post("/kz/projects/<int:project_id>/visit")
@login_required
@handle_errors
def kz_record_visit(project_id: int):
    return _run(project_id, "visit", kz_module1.record_visit, project_id, _form(VISIT_FIELDS), schema=k.VISIT)


@bp.post("/kz/projects/<int:project_id>/messages")
@login_required
@handle_errors
def kz_post_message(project_id: int):
    return _run(project_id, "chat", kz_module1.post_message, project_id, _form(("text",)), schema=k.MESSAGE)


@bp.post("/kz/projects/<int:project_id>/roadmap/<int:task_id>/edit")
@login_required
@handle_errors
def kz_update_roadmap_task(project_id: int, task_id: int):
    """Items 47, 50: a task changed while the roadmap is formed or returned (an empty optional text is
    cleared; an empty required field is the service's 422)."""
    body = {name: request.form.get(name, "").strip() for name in ROADMAP_FIELDS if name in request.form}
    body = {k: (v or None) if k in ("expected_result", "support_measures", "risks") else v for k, v in body.items()}
    return _run(project_id, f"edit-{task_id}", kz_roadmap.update_task, task_id, body, schema=k.ROADMAP_TASK_CHANGE)


@bp.post("/kz/projects/<int:project_id>/roadmap/<int:task_id>/delete")
@login_required
@handle_errors
def kz_delete_roadmap_task(project_id: int, task_id: int):
    return _run(project_id, f"edit-{task_id}", kz_roadmap.delete_task, task_id)
