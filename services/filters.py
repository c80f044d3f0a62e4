"""Registry filters from a query string: the known, non-blank ones, validated in one place."""
from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from services.errors import ValidationFailed

DATES = ("from", "to")


def clean_filters(raw: Mapping[str, object], known: Collection[str],
                  choices: Mapping[str, tuple[Collection[str], str]]) -> dict[str, str]:
    """Keep the `known` filters that are non-blank strings; each name in `choices` must be one of its
    allowed values (else its message), `from`/`to` must be ISO dates. Every problem in one 422."""
    filters = {k: v.strip() for k in known if isinstance(v := raw.get(k), str) and v.strip()}
    errors: dict[str, list[str]] = {}
    for name, (allowed, message) in choices.items():
        if name in filters and filters[name] not in allowed:
            errors[name] = [message]
    for name in DATES:
        if name in filters:
            try:
                date.fromisoformat(filters[name])
            except ValueError:
                errors[name] = ["дата в формате ГГГГ-ММ-ДД"]
    if errors:
        raise ValidationFailed("Неверные фильтры", errors)
    return filters
