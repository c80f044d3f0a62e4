"""Build a :class:`~classifiers.taxonomy.Classifier` from its JSON form.

The format is described in ``docs/classifiers.md``. Every problem is reported
as a ``ValueError`` whose message starts with the place in the document
(``categories[0].subcategories[1].facts[2].appeal_type: …``) so that an analyst
editing the file can find it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from classifiers.errors import InvalidClassifier
from classifiers.taxonomy import AppealType, Category, Classifier, Fact, Subcategory

_T = TypeVar("_T")

FORMAT_VERSION = 1
"""The classifier file format this loader reads (the ``format`` field)."""


def read_classifier_file(path: Path) -> Classifier:
    """Read a classifier JSON file and build the validated classifier."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"classifier file not found: {path}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidClassifier(f"{path}: not valid JSON: {exc}") from None
    try:
        return classifier_from_dict(data)
    except ValueError as exc:
        raise InvalidClassifier(f"{path.name}: {exc}") from None


def classifier_from_dict(data: Any) -> Classifier:
    """Build the validated classifier from already-parsed JSON data."""
    root = _mapping(data, "document")
    version = root.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise InvalidClassifier(
            f"format: this loader reads format {FORMAT_VERSION}, got {version!r}"
        )
    pack = root.get("pack", "")
    if not isinstance(pack, str):
        raise InvalidClassifier("pack: must be a string")
    types = [
        _appeal_type(item, f"appeal_types[{i}]")
        for i, item in enumerate(_list(root, "appeal_types", "document"))
    ]
    categories = [
        _category(item, f"categories[{i}]")
        for i, item in enumerate(_list(root, "categories", "document"))
    ]
    return Classifier(categories, types, pack=pack)


def _appeal_type(data: Any, where: str) -> AppealType:
    item = _mapping(data, where)
    return _build(
        where,
        lambda: AppealType(
            code=_text(item, "code", where),
            name_ru=_text(item, "name_ru", where),
            name_en=_text(item, "name_en", where),
            days=_whole(item, "days", where),
            counting=_text(item, "counting", where),  # type: ignore[arg-type]
            cutoff_hour=_optional_whole(item, "cutoff_hour", where),
            first_response_days=_optional_whole(item, "first_response_days", where),
            note=_optional_text(item, "note", where),
        ),
    )


def _category(data: Any, where: str) -> Category:
    item = _mapping(data, where)
    subcategories = tuple(
        _subcategory(sub, f"{where}.subcategories[{i}]")
        for i, sub in enumerate(_list(item, "subcategories", where))
    )
    return _build(
        where,
        lambda: Category(
            code=_text(item, "code", where),
            name=_text(item, "name", where),
            subcategories=subcategories,
        ),
    )


def _subcategory(data: Any, where: str) -> Subcategory:
    item = _mapping(data, where)
    facts = tuple(
        _fact(fact, f"{where}.facts[{i}]")
        for i, fact in enumerate(_list(item, "facts", where))
    )
    return _build(
        where,
        lambda: Subcategory(
            code=_text(item, "code", where),
            name=_text(item, "name", where),
            facts=facts,
        ),
    )


def _fact(data: Any, where: str) -> Fact:
    item = _mapping(data, where)
    return _build(
        where,
        lambda: Fact(
            code=_text(item, "code", where),
            name=_text(item, "name", where),
            appeal_type=_text(item, "appeal_type", where),
            days=_optional_whole(item, "days", where),
        ),
    )


def _build(where: str, make: Callable[[], _T]) -> _T:
    """Run a constructor and prefix its validation message with the place in the file."""
    try:
        return make()
    except ValueError as exc:
        message = str(exc)
        if message.startswith(where):
            raise
        raise InvalidClassifier(f"{where}: {message}") from None


def _mapping(data: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidClassifier(
            f"{where}: expected an object, got {type(data).__name__}"
        )
    return data


def _list(item: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = item.get(key)
    if not isinstance(value, list):
        raise InvalidClassifier(f"{where}.{key}: expected a list")
    return value


def _text(item: Mapping[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidClassifier(f"{where}.{key}: expected a non-empty string")
    return value


def _optional_text(item: Mapping[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidClassifier(f"{where}.{key}: expected a string")
    return value


def _whole(item: Mapping[str, Any], key: str, where: str) -> int:
    if key not in item:
        raise InvalidClassifier(f"{where}.{key}: missing")
    value = _optional_whole(item, key, where)
    if value is None:
        raise InvalidClassifier(f"{where}.{key}: expected a whole number")
    return value


def _optional_whole(item: Mapping[str, Any], key: str, where: str) -> int | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidClassifier(
            f"{where}.{key}: expected a whole number, got {value!r}"
        )
    return value
