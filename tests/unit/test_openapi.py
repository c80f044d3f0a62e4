"""The OpenAPI document is the app's URL map: every /api/v1 route × method, nothing more, each with
its path parameters, request body and main response; and the document is valid OpenAPI 3.1."""
from __future__ import annotations

import inspect
import re

import pytest
from openapi_spec_validator import validate

from services.settings import Settings
from web import create_app
from web.openapi import build_document, openapi_path

PACKS = ["leningrad", "moscow", "kazakhstan"]
# The contract of SPEC.md ("Contract that must not drift"): these paths and methods stay.
CONTRACT = [("post", "/api/v1/auth/token"), ("get", "/api/v1/classifier"), ("post", "/api/v1/classifier/deadline"),
            ("post", "/api/v1/appeals"), ("get", "/api/v1/appeals"), ("get", "/api/v1/appeals/{appeal_id}"),
            ("get", "/api/v1/appeals/{appeal_id}/history"), ("post", "/api/v1/appeals/{appeal_id}/comments"),
            ("get", "/api/v1/appeals/{appeal_id}/export.docx"), ("get", "/api/v1/tasks"),
            ("get", "/api/v1/tasks/{task_id}"), ("post", "/api/v1/tasks/{task_id}/complete"),
            ("post", "/api/v1/green-corridor/score"), ("get", "/api/v1/reports/appeals-by-type"),
            ("get", "/api/v1/reports/appeals-by-executor"), ("get", "/api/v1/process-models"),
            ("post", "/api/v1/process-models")]
READS_BODY = re.compile(r"json_body\(|get_json\(|request\.(form|files|data)\b|json_object\(")


def _app(pack: str):
    return create_app(Settings(database_url="sqlite:///:memory:", pack=pack, secret_key="test", testing=True))


@pytest.fixture(scope="module", params=PACKS)
def served(request):
    app = _app(request.param)
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]
    return app, rules, build_document(app)


def test_the_document_is_valid_openapi_3_1(served):
    _, _, doc = served
    validate(doc)
    assert doc["openapi"] == "3.1.0"


def test_every_served_route_and_method_is_documented_and_nothing_else(served):
    app, rules, doc = served
    routes = {(m.lower(), openapi_path(r)) for r in rules for m in r.methods - {"HEAD", "OPTIONS"}}
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops if m != "parameters"}
    assert documented == routes
    pack = app.extensions["koridor"].pack.code  # only the active pack's own routes are served
    assert len(routes) >= {"leningrad": 56, "moscow": 57, "kazakhstan": 76}[pack]


def test_every_operation_names_its_path_parameters_and_its_main_answer(served):
    app, rules, doc = served
    for rule in rules:
        path = openapi_path(rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            op = doc["paths"][path][method.lower()]
            params = {p["name"]: p["schema"]["type"] for p in op.get("parameters", []) if p["in"] == "path"}
            expected = {name: "integer" if type(conv).__name__ == "IntegerConverter" else "string"
                        for name, conv in rule._converters.items()}
            assert params == expected, (method, path)
            main = [code for code in op["responses"] if code.startswith("2")]
            assert len(main) == 1, (method, path)
            answer = op["responses"][main[0]]
            assert main[0] == "204" or answer["content"], (method, path)
            json_answer = answer.get("content", {}).get("application/json")
            if json_answer is not None and path != "/api/v1/openapi.json":
                assert "$ref" in json_answer["schema"], f"{method} {path}: no response schema"
            assert op["summary"] and op["summary"] != view_name(app, rule), f"{method} {path}: no docstring"


def view_name(app, rule) -> str:
    return app.view_functions[rule.endpoint].__name__.replace("_", " ")


def test_a_view_that_reads_a_body_declares_its_schema(served):
    """No route reads request JSON or a form without the schema in the document (web/validation.py)."""
    app, rules, doc = served
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        source = inspect.getsource(inspect.unwrap(view))
        for method in rule.methods & {"POST", "PUT", "PATCH"}:
            op = doc["paths"][openapi_path(rule)][method.lower()]
            declared = getattr(view, "openapi", {})
            if READS_BODY.search(source) or "body" in declared:
                assert "requestBody" in op, f"{method} {rule.rule} reads a body it does not document"
                content = op["requestBody"]["content"]
                schema = next(iter(content.values()))["schema"]
                assert "$ref" in schema or schema.get("properties"), f"{method} {rule.rule}"


def test_request_schemas_refuse_unknown_fields_and_answers_stay_open(served):
    app, _, doc = served
    schemas = doc["components"]["schemas"]
    bodies = {op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
              for ops in doc["paths"].values() for op in ops.values()
              if "application/json" in op.get("requestBody", {}).get("content", {})}
    own = {"InitiativeIn", "MrpIn"} if app.extensions["koridor"].pack.code == "kazakhstan" else set()
    assert {"AppealCreate", "RegistrationIn", "AbsenceIn", "CalendarOverrideIn", *own} <= bodies
    for name in bodies - {"TaskComplete"}:  # task completion: the step declares the fields
        assert schemas[name].get("additionalProperties") is False, name
    assert "additionalProperties" not in schemas["AppealOut"]


def test_the_contract_of_the_spec_is_there_with_its_field_names():
    doc = build_document(_app("leningrad"))
    for method, path in CONTRACT:
        assert method in doc["paths"][path], (method, path)
    schemas = doc["components"]["schemas"]
    assert {"id", "number", "status", "appeal_type", "deadline", "overdue", "executor_org", "roles", "rework_count",
            "rating"} <= set(schemas["AppealOut"]["properties"])
    assert {"fact", "subject", "description", "company", "project_id", "channel", "received_at"} == set(
        schemas["AppealCreate"]["properties"])
    assert {"investment_usd", "global2000", "tech_level", "jobs"} == set(schemas["GreenCorridorIn"]["properties"])
    assert schemas["GreenCorridorIn"]["properties"]["tech_level"]["enum"] == [
        "non_manufacturing", "unlisted", "medium", "high"]
    assert {"at", "actor", "role", "action", "status_from", "status_to"} <= set(
        schemas["HistoryItemOut"]["properties"])
    token = doc["paths"]["/api/v1/auth/token"]["post"]
    assert token["security"] == [] and "429" in token["responses"]


def test_the_served_document_is_the_generated_one(tmp_path):
    app = _app("leningrad")
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == build_document(app)
