"""Appeal taxonomy: category → subcategory → fact, and the appeal types that set deadlines.

A rule pack's classifier is data (``workflows/classifiers/<pack>.json``, see
``docs/classifiers.md``). Every fact names an appeal type; the type says how
many days the answer takes and how they are counted, and a fact may override
the number of days (Moscow tasks take 2–5 working days by kind, seed 004).

The objects here are frozen and validated when built, so a loaded
:class:`Classifier` is always consistent: every fact's appeal type exists and
no code is used twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from classifiers.errors import InvalidClassifier

Counting = Literal["calendar", "working"]
COUNTING_MODES: tuple[str, ...] = ("calendar", "working")
"""How an appeal type counts its days."""

CODE_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
"""Stable ASCII codes: lower-case words joined by dots (``land.site_selection``)."""


class UnknownFact(KeyError):
    """The classifier has no fact with the requested code."""

    def __init__(self, code: str, pack: str = "") -> None:
        where = f" in the {pack!r} classifier" if pack else ""
        self.code = code
        self.message = f"unknown fact {code!r}{where}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class AppealType:
    """A kind of appeal and its service level: ``days`` counted in ``counting`` days.

    ``cutoff_hour`` (local hour, working-day counting only): an appeal received
    at or after it counts as received on the next working day.
    ``first_response_days``: days (counted like ``days``) from the effective
    receipt day to the first answer (0 = the same day), or ``None`` when the
    type has no such step.
    """

    code: str
    name_ru: str
    name_en: str
    days: int
    counting: Counting
    cutoff_hour: int | None = None
    first_response_days: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        where = f"appeal type {self.code!r}"
        _check_code(self.code, where)
        _check_days(self.days, f"{where}: days")
        if self.counting not in COUNTING_MODES:
            raise InvalidClassifier(
                f"{where}: counting must be one of {', '.join(COUNTING_MODES)}, "
                f"got {self.counting!r}"
            )
        if self.cutoff_hour is not None:
            if isinstance(self.cutoff_hour, bool) or not isinstance(
                self.cutoff_hour, int
            ):
                raise InvalidClassifier(
                    f"{where}: cutoff_hour must be a whole hour 0–23"
                )
            if not 0 <= self.cutoff_hour <= 23:
                raise InvalidClassifier(f"{where}: cutoff_hour must be within 0–23")
            if self.counting != "working":
                raise InvalidClassifier(
                    f"{where}: cutoff_hour applies only to working-day counting"
                )
        if self.first_response_days is not None:
            _check_days(self.first_response_days, f"{where}: first_response_days")


@dataclass(frozen=True)
class Fact:
    """The leaf of the classifier that an investor picks; it fixes the appeal type."""

    code: str
    name: str
    appeal_type: str
    days: int | None = None
    category_code: str = ""
    category_name: str = ""
    subcategory_code: str = ""
    subcategory_name: str = ""

    def __post_init__(self) -> None:
        _check_code(self.code, f"fact {self.code!r}")
        if self.days is not None:
            _check_days(self.days, f"fact {self.code!r}: days")


@dataclass(frozen=True)
class Subcategory:
    """A group of facts inside a category."""

    code: str
    name: str
    facts: tuple[Fact, ...]

    def __post_init__(self) -> None:
        _check_code(self.code, f"subcategory {self.code!r}")
        object.__setattr__(self, "facts", tuple(self.facts))


@dataclass(frozen=True)
class Category:
    """A top-level topic of appeals."""

    code: str
    name: str
    subcategories: tuple[Subcategory, ...]

    def __post_init__(self) -> None:
        _check_code(self.code, f"category {self.code!r}")
        object.__setattr__(self, "subcategories", tuple(self.subcategories))


class Classifier:
    """A validated classifier: the category tree plus the appeal types it refers to.

    Raises:
        ValueError: when a fact refers to an unknown appeal type (the message
            names the fact) or when a code is used twice.
    """

    def __init__(
        self,
        categories: Iterable[Category],
        appeal_types: Mapping[str, AppealType] | Iterable[AppealType],
        pack: str = "",
    ) -> None:
        self.pack = pack
        types = (
            appeal_types.values() if isinstance(appeal_types, Mapping) else appeal_types
        )
        by_code: dict[str, AppealType] = {}
        for appeal_type in types:
            if appeal_type.code in by_code:
                raise InvalidClassifier(
                    f"duplicate appeal type code {appeal_type.code!r}"
                )
            by_code[appeal_type.code] = appeal_type
        self.appeal_types: dict[str, AppealType] = by_code
        self._facts: dict[str, Fact] = {}
        seen: dict[str, str] = {}
        tree: list[Category] = []
        for category in categories:
            _claim(seen, category.code, "category")
            subcategories: list[Subcategory] = []
            for sub in category.subcategories:
                _claim(seen, sub.code, "subcategory")
                facts: list[Fact] = []
                for fact in sub.facts:
                    _claim(seen, fact.code, "fact")
                    if fact.appeal_type not in by_code:
                        raise InvalidClassifier(
                            f"fact {fact.code!r} ({fact.name}) refers to unknown appeal type "
                            f"{fact.appeal_type!r}; known: {', '.join(sorted(by_code)) or 'none'}"
                        )
                    placed = replace(
                        fact,
                        category_code=category.code,
                        category_name=category.name,
                        subcategory_code=sub.code,
                        subcategory_name=sub.name,
                    )
                    self._facts[placed.code] = placed
                    facts.append(placed)
                subcategories.append(replace(sub, facts=tuple(facts)))
            tree.append(replace(category, subcategories=tuple(subcategories)))
        self.categories: tuple[Category, ...] = tuple(tree)
        self._facts_view = MappingProxyType(self._facts)

    def __repr__(self) -> str:
        return (
            f"Classifier(pack={self.pack!r}, categories={len(self.categories)}, "
            f"facts={len(self._facts)}, appeal_types={sorted(self.appeal_types)})"
        )

    def fact(self, code: str) -> Fact:
        """Return the fact with this code, or raise :class:`UnknownFact`."""
        try:
            return self._facts_view[code]
        except (KeyError, TypeError):
            raise UnknownFact(str(code), self.pack) from None

    def facts(self) -> Iterator[Fact]:
        """Iterate over every fact, in tree order."""
        return iter(self._facts_view.values())

    def appeal_type_of(self, fact_code: str) -> AppealType:
        """Return the appeal type of a fact (raises :class:`UnknownFact`)."""
        return self.appeal_types[self.fact(fact_code).appeal_type]

    def days_for(self, fact_code: str) -> int:
        """Return the number of days for a fact: its own override, else its type's."""
        fact = self.fact(fact_code)
        if fact.days is not None:
            return fact.days
        return self.appeal_types[fact.appeal_type].days

    def sla(self, fact_code: str) -> dict[str, Any]:
        """Return the fact's service level: ``{days, counting, cutoff_hour, first_response_days}``."""
        appeal_type = self.appeal_type_of(fact_code)
        return {
            "days": self.days_for(fact_code),
            "counting": appeal_type.counting,
            "cutoff_hour": appeal_type.cutoff_hour,
            "first_response_days": appeal_type.first_response_days,
        }

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON tree served by ``GET /api/v1/classifier``."""
        return {
            "pack": self.pack,
            "appeal_types": [
                {
                    "code": t.code,
                    "name_ru": t.name_ru,
                    "name_en": t.name_en,
                    "days": t.days,
                    "counting": t.counting,
                    "cutoff_hour": t.cutoff_hour,
                    "first_response_days": t.first_response_days,
                    "note": t.note,
                }
                for t in self.appeal_types.values()
            ],
            "categories": [
                {
                    "code": category.code,
                    "name": category.name,
                    "subcategories": [
                        {
                            "code": sub.code,
                            "name": sub.name,
                            "facts": [self._fact_dict(fact) for fact in sub.facts],
                        }
                        for sub in category.subcategories
                    ],
                }
                for category in self.categories
            ],
        }

    def _fact_dict(self, fact: Fact) -> dict[str, Any]:
        appeal_type = self.appeal_types[fact.appeal_type]
        return {
            "code": fact.code,
            "name": fact.name,
            "appeal_type": fact.appeal_type,
            "appeal_type_name": appeal_type.name_ru,
            "sla": self.sla(fact.code),
        }


def load_classifier(path: str | Path) -> Classifier:
    """Read and validate a classifier JSON file (format: ``docs/classifiers.md``).

    Raises:
        ValueError: malformed JSON, a missing or mistyped field (the message
            gives its place in the file), an unknown appeal type, a duplicate code.
        FileNotFoundError: no such file.
    """
    from classifiers.loader import read_classifier_file

    return read_classifier_file(Path(path))


def _check_code(code: object, where: str) -> None:
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise InvalidClassifier(
            f"{where}: code must be lower-case ASCII words joined by dots, got {code!r}"
        )


def _check_days(days: object, where: str) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise InvalidClassifier(
            f"{where} must be a non-negative whole number, got {days!r}"
        )


def _claim(seen: dict[str, str], code: str, kind: str) -> None:
    if code in seen:
        raise InvalidClassifier(
            f"duplicate code {code!r}: used by a {seen[code]} and a {kind}"
        )
    seen[code] = kind
