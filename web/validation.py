"""Request bodies, checked in one place: a base schema with Russian messages, the field kinds the
bodies use, `checked()` for pages and CLI, and the `accepts` / `returns` / `query` decorators that
validate an API body before the service runs and tell web/openapi.py what a route takes and gives.

A schema checks shape: types, required fields, lengths, choices, formats that need no database
(ИНН, ОГРН, ОКВЭД check digits included). What needs the database or the clock (does the
organisation exist, is the date in the past) stays in the service.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, wraps
from typing import Any

from flask import request
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate
from werkzeug.exceptions import BadRequest

from services.errors import ValidationFailed

REQUIRED = "обязательное поле"
UNKNOWN = "поле не предусмотрено"
DATE_FORMAT = "дата в формате ГГГГ-ММ-ДД"
_BASE = {"required": REQUIRED, "null": REQUIRED, "validator_failed": "недопустимое значение"}


class Body(Schema):
    """A JSON request body: unknown fields are refused, every message is Russian. `message` is the
    error's headline when the body is refused."""

    message = "Проверьте поля запроса"
    error_messages = {"unknown": UNKNOWN, "type": "ожидается JSON-объект"}

    class Meta:
        unknown = RAISE


class Str(fields.String):
    """A string as sent (not stripped: passwords, codes)."""

    default_error_messages = {**_BASE, "invalid": "ожидается строка"}


class Text(fields.String):
    """A string, stripped. Blank counts as absent: `required` → «обязательное поле», otherwise None.
    The length is that of the string as sent (what the document's maxLength says)."""

    default_error_messages = {**_BASE, "invalid": "ожидается строка", "too_long": "не длиннее {max} символов"}

    def __init__(self, max_length: int, *, required: bool = False, **kwargs: Any):
        if not required:
            kwargs.setdefault("load_default", None)
            kwargs.setdefault("allow_none", True)
        metadata = {"maxLength": max_length, **({"pattern": r"\S"} if required else {}), **kwargs.pop("metadata", {})}
        super().__init__(required=required, metadata=metadata, **kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str | None:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > self.max_length:
            raise self.make_error("too_long", max=self.max_length)
        text = text.strip()
        if not text:
            if self.required:
                raise self.make_error("required")
            return None
        return text


class Code(fields.String):
    """A code or login naming a row (organisation, user): a non-empty string; the service looks it up."""

    default_error_messages = {**_BASE, "invalid": "ожидается строка"}

    def __init__(self, *, required: bool = False, what: str | None = None, **kwargs: Any):
        if not required:
            kwargs.setdefault("load_default", None)
            kwargs.setdefault("allow_none", True)
        errors = {"invalid": what, "required": what, "null": what} if what else {}
        super().__init__(required=required, validate=validate.Length(min=1, max=100, error=what or REQUIRED),
                         error_messages={**errors, **kwargs.pop("error_messages", {})}, **kwargs)


class Choice(fields.String):
    """One of fixed codes; the message lists them."""

    default_error_messages = {**_BASE, "invalid": "ожидается строка"}

    def __init__(self, choices: Any, *, prefix: str = "одно из", **kwargs: Any):
        codes = list(choices)
        super().__init__(validate=validate.OneOf(codes, error=f"{prefix}: {', '.join(codes)}"), **kwargs)


class Day(fields.Date):
    """A date `YYYY-MM-DD`."""

    default_error_messages = {**_BASE, "invalid": DATE_FORMAT, "format": DATE_FORMAT}

    def __init__(self, *, required: bool = False, **kwargs: Any):
        if not required:
            kwargs.setdefault("load_default", None)
            kwargs.setdefault("allow_none", True)
        super().__init__(required=required, **kwargs)


class Flag(fields.Boolean):
    """JSON true or false, nothing else ("1", 1 and "yes" are refused)."""

    default_error_messages = {**_BASE, "invalid": "true или false"}

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> bool:
        if value is not True and value is not False:
            raise self.make_error("invalid")
        return value


class Boolean(fields.Boolean):
    """true or false; also the usual spellings ("true", "1", "yes"…), for bodies that always took them."""

    default_error_messages = {**_BASE, "invalid": "true или false"}


class Timestamp(fields.DateTime):
    """A date-time ISO 8601; without an offset it is local to the pack (the view or service says so)."""

    default_error_messages = {**_BASE, "invalid": "дата и время ISO 8601 (ГГГГ-ММ-ДДTЧЧ:ММ)",
                              "invalid_awareness": "дата и время ISO 8601 (ГГГГ-ММ-ДДTЧЧ:ММ)",
                              "format": "дата и время ISO 8601 (ГГГГ-ММ-ДДTЧЧ:ММ)"}


class Real(fields.Float):
    """A finite number."""

    default_error_messages = {**_BASE, "invalid": "число", "special": "число", "too_large": "слишком большое число"}

    def __init__(self, **kwargs: Any):
        super().__init__(allow_nan=False, **kwargs)


class Integer(fields.Integer):
    """A JSON integer (not "5", not 5.0, not true)."""

    default_error_messages = {**_BASE, "invalid": "целое число", "too_large": "слишком большое число"}

    def __init__(self, **kwargs: Any):
        super().__init__(strict=True, **kwargs)


class Number(fields.Decimal):
    """A finite decimal number, given as a JSON number (or a numeric string from a page form)."""

    default_error_messages = {**_BASE, "invalid": "число", "special": "число", "too_large": "слишком большое число"}


class Card(fields.Nested):
    """A nested object of a body."""

    default_error_messages = {**_BASE, "type": "ожидается JSON-объект"}


class Items(fields.List):
    """A JSON array."""

    default_error_messages = {**_BASE, "invalid": "ожидается список"}


def length(low: int, high: int, message: str) -> validate.Length:
    return validate.Length(min=low, max=high, error=message)


def at_least(low: Any, message: str) -> validate.Range:
    return validate.Range(min=low, error=message)


def between(low: Any, high: Any, message: str) -> validate.Range:
    return validate.Range(min=low, max=high, error=message)


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as `{"company.inn": [...], "meetings.0.date": [...]}`."""
    if not isinstance(messages, dict):
        return {prefix.rstrip(".") or "_schema": [str(m) for m in (messages if isinstance(messages, list) else [messages])]}
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return out


def checked(schema: Schema, data: Any) -> dict[str, Any]:
    """`data` loaded by `schema`, or ValidationFailed (422) with a message per field."""
    try:
        return schema.load(data)
    except ValidationError as err:
        raise ValidationFailed(getattr(schema, "message", Body.message), flatten(err.messages)) from err


def json_object(optional: bool = False) -> dict[str, Any]:
    """The request's JSON object; 400 when the body is not one (an absent body is {} when `optional`)."""
    if optional and not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("Тело запроса должно быть JSON-объектом (Content-Type: application/json)")
    return body


def _doc(view: Callable, **entries: Any) -> None:
    view.__dict__.setdefault("openapi", {}).update(entries)


@cache
def out(schema: type[Schema], many: bool = False) -> Schema:
    """The response schema `schema` (a list of them with `many`), built once: building a marshmallow
    schema costs several times what dumping with it does, and a built schema is only read."""
    return schema(many=many)


def accepts(schema: Schema, *, optional: bool = False, form: bool = False) -> Callable:
    """The view gets the body loaded by `schema` as its first argument. JSON by default; `form` for a
    multipart/form-data body (its text fields are loaded, the files stay in request.files)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            data = request.form.to_dict() if form else json_object(optional)
            return view(checked(schema, data), *args, **kwargs)

        _doc(wrapper, body=schema, form=form, body_optional=optional)
        return wrapper

    return decorate


def returns(schema: Schema | None = None, status: int = 200, *, media: str | None = None,
            also: str | None = None) -> Callable:
    """Documents the main response: `schema` as JSON with `status`, or a file of type `media`;
    `also` is a second media type the route answers with (`?format=xlsx`)."""

    def decorate(view: Callable) -> Callable:
        _doc(view, response=schema, status=status, media=media, also=also)
        return view

    return decorate


def documents(schema: Schema, *, form: bool = False) -> Callable:
    """Documents a body the view checks itself (task completion, where the step declares the fields;
    the what-if form, whose size is checked before it is read)."""

    def decorate(view: Callable) -> Callable:
        _doc(view, body=schema, form=form, body_optional=False)
        return view

    return decorate


def uploads(**files: str) -> Callable:
    """Documents the files of a multipart/form-data body: name=description. The view reads them."""

    def decorate(view: Callable) -> Callable:
        _doc(view, files=files)
        return view

    return decorate


def query(**params: Any) -> Callable:
    """Documents query parameters: name=(type, description) or name=description (a string)."""

    def decorate(view: Callable) -> Callable:
        _doc(view, query=params)
        return view

    return decorate


__all__ = ["EXCLUDE", "Body", "Boolean", "Card", "Choice", "Code", "Day", "Flag", "Integer", "Items", "Number", "Real",
           "Str", "Text", "Timestamp", "accepts", "at_least", "between", "checked", "documents", "flatten", "json_object", "length",
           "query", "returns", "uploads"]
