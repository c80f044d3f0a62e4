"""Auth, classifier, deadline preview, green corridor, process models, OpenAPI."""
from __future__ import annotations

from flask import current_app, g, jsonify, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from services import sessions
from services.analyst import green_corridor as green_corridor_service
from services.analyst import process_models
from services.appeals import intake
from services.errors import NotPermitted
from services.people.directory import issue_token

from ..auth import ctx, current_actor, login_required
from ..openapi import openapi_document
from ..schemas import DeadlineRequest, DeadlineResponse, GreenCorridorIn, ProcessVersionOut, TokenRequest, TokenResponse
from ..schemas_admin import ClassifierOut, ProcessModelsOut, ScoreOut
from ..validation import accepts, out, returns, uploads
from . import bp

TOKEN, DEADLINE, SCORE = TokenRequest(), DeadlineRequest(), GreenCorridorIn()


@bp.post("/auth/token")
@returns(TokenResponse)
@accepts(TOKEN)
def token(body: dict):
    """Sign in: login and password to a bearer token."""
    if not ctx().settings.password_login:  # KORIDOR_PASSWORD_LOGIN=0: sign-in through the providers only
        raise NotPermitted("Вход по паролю отключён в этой установке")
    value, user = issue_token(ctx(), body["login"], body["password"], request.remote_addr or "?")
    return jsonify(out(TokenResponse).dump({"token": value, "user": user}))


@bp.delete("/auth/token")
@login_required
@returns(None, 204)
def revoke_token():
    """Sign out: the presented token stops working at once (then 401)."""
    sessions.revoke_token(ctx(), g.token)
    return "", 204


@bp.get("/classifier")
@login_required
@returns(ClassifierOut)
def classifier():
    """The pack's classifier tree (category → subcategory → fact)."""
    return jsonify(intake.classifier_tree(ctx()))


@bp.post("/classifier/deadline")
@login_required
@returns(DeadlineResponse)
@accepts(DEADLINE)
def deadline(body: dict):
    """Appeal type and deadline for a fact and a receipt time."""
    received = body["received_at"]
    if received is not None and received.tzinfo is None:
        received = received.replace(tzinfo=ctx().tz)
    return jsonify(out(DeadlineResponse).dump(intake.preview_deadline(ctx(), body["fact"], received)))


@bp.post("/green-corridor/score")
@login_required
@returns(ScoreOut)
@accepts(SCORE)
def green_corridor(body: dict):
    """Green-corridor scoring (seed 003 Appendix 1)."""
    return jsonify(green_corridor_service.score_request(ctx(), body))  # the deployed DMN (workflows/dmn/green_corridor.dmn)


@bp.get("/process-models")
@login_required
@returns(ProcessModelsOut)
def list_models():
    """Processes and their versions."""
    items = process_models.list_process_models(ctx())
    for item in items:
        item["versions"] = out(ProcessVersionOut, many=True).dump(item["versions"])
    return jsonify({"items": items})


@bp.post("/process-models")
@login_required
@returns(ProcessVersionOut, 201)
@uploads(file="the BPMN or DMN diagram (up to 2 MiB)")
def deploy_model():
    """Deploy a BPMN or DMN diagram version (analyst, admin); a refused one lists every problem."""
    if request.content_length and request.content_length > ctx().settings.max_upload_bytes:
        raise RequestEntityTooLarge("Файл диаграммы больше допустимого размера")
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest("Нужен multipart/form-data с файлом в поле 'file'")
    data = upload.read(ctx().settings.max_upload_bytes + 1)
    if len(data) > ctx().settings.max_upload_bytes:
        raise RequestEntityTooLarge("Файл диаграммы больше допустимого размера")
    view = process_models.deploy_process_model(ctx(), current_actor(), data, upload.filename or "diagram.bpmn")
    return jsonify(out(ProcessVersionOut).dump(view)), 201


@bp.get("/openapi.json")
@returns(media="application/json")
def openapi():
    """This document: generated from the app's routes and their schemas."""
    return jsonify(openapi_document(current_app))
