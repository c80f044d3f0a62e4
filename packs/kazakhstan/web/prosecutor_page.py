"""The prosecutor's filter in the pages (seed 003 items 57–60): a state body sends a measure from the
project page, the named prosecutor's office approves or refuses it there; a prosecutor's queue."""
from __future__ import annotations

from flask import render_template, request

from packs.kazakhstan import prosecutor as kz_prosecutor
from packs.kazakhstan.web import pages_bp as bp
from packs.kazakhstan.web import schemas as k
from packs.kazakhstan.web.forms import _run
from web.pages.session import actor, ctx, handle_errors, login_required


@bp.post("/kz/projects/<int:project_id>/prosecutor-cases")
@login_required
@handle_errors
def kz_submit_prosecutor_case(project_id: int):
    body = {n: request.form.get(n, "").strip() for n in ("measure", "act", "justification", "prosecutor_org")}
    return _run(project_id, "prosecutor", kz_prosecutor.submit, project_id, body, schema=k.PROSECUTOR_CASE)


@bp.post("/kz/projects/<int:project_id>/prosecutor-cases/<int:case_id>/decide")
@login_required
@handle_errors
def kz_decide_prosecutor_case(project_id: int, case_id: int):
    decision = request.form.get("decision")
    body = {"approved": {"approve": True, "refuse": False}.get(decision, decision),
            "comment": request.form.get("comment", "").strip() or None}
    return _run(project_id, f"case-{case_id}", kz_prosecutor.decide, case_id, body, schema=k.PROSECUTOR_DECISION)


@bp.get("/kz/prosecutor-cases")
@login_required
@handle_errors
def kz_prosecutor_queue():
    state = request.args.get("state", "pending") or None
    items = kz_prosecutor.office_queue(ctx(), actor(), state)
    return render_template("pages/kz/prosecutor.html", items=items, state=state)
