"""Classifier model and loading: the tree, lookups, the API dict and validation errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from classifiers.errors import InvalidClassifier
from classifiers.loader import classifier_from_dict
from classifiers.taxonomy import AppealType, Category, Classifier, Fact, Subcategory, UnknownFact, load_classifier

MINIMAL: dict[str, Any] = {
    "format": 1,
    "pack": "demo",
    "appeal_types": [
        {"code": "consultation", "name_ru": "Консультация", "name_en": "Consultation",
         "days": 5, "counting": "calendar"},
        {"code": "task", "name_ru": "Задача", "name_en": "Task", "days": 5,
         "counting": "working", "cutoff_hour": 16, "first_response_days": 0},
    ],
    "categories": [
        {
            "code": "land",
            "name": "Земля",
            "subcategories": [
                {
                    "code": "land.plots",
                    "name": "Участки",
                    "facts": [
                        {"code": "land.plots.list", "name": "Список участков",
                         "appeal_type": "consultation"},
                        {"code": "land.plots.amend", "name": "Изменить ГПЗУ",
                         "appeal_type": "task", "days": 3},
                    ],
                }
            ],
        }
    ],
}  # fmt: skip


def minimal() -> dict[str, Any]:
    return copy.deepcopy(MINIMAL)


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_loads_a_classifier_file(tmp_path: Path) -> None:
    classifier = load_classifier(write(tmp_path, minimal()))
    assert classifier.pack == "demo"
    assert [f.code for f in classifier.facts()] == [
        "land.plots.list",
        "land.plots.amend",
    ]
    assert classifier.appeal_types["task"].cutoff_hour == 16


def test_load_accepts_a_string_path(tmp_path: Path) -> None:
    assert load_classifier(str(write(tmp_path, minimal()))).pack == "demo"


def test_a_fact_knows_its_category_and_subcategory(tmp_path: Path) -> None:
    fact = load_classifier(write(tmp_path, minimal())).fact("land.plots.amend")
    assert (fact.category_code, fact.category_name) == ("land", "Земля")
    assert (fact.subcategory_code, fact.subcategory_name) == ("land.plots", "Участки")
    assert fact.days == 3


def test_fact_days_override_the_appeal_type() -> None:
    classifier = classifier_from_dict(minimal())
    assert classifier.days_for("land.plots.amend") == 3
    assert classifier.days_for("land.plots.list") == 5


def test_unknown_fact_is_a_key_error_with_a_clear_message() -> None:
    classifier = classifier_from_dict(minimal())
    with pytest.raises(UnknownFact) as caught:
        classifier.fact("land.plots.nope")
    assert isinstance(caught.value, KeyError)
    assert (
        str(caught.value) == "unknown fact 'land.plots.nope' in the 'demo' classifier"
    )


def test_to_dict_gives_every_fact_its_code_name_type_and_sla() -> None:
    tree = classifier_from_dict(minimal()).to_dict()
    facts = tree["categories"][0]["subcategories"][0]["facts"]
    assert facts[0] == {
        "code": "land.plots.list",
        "name": "Список участков",
        "appeal_type": "consultation",
        "appeal_type_name": "Консультация",
        "sla": {
            "days": 5,
            "counting": "calendar",
            "cutoff_hour": None,
            "first_response_days": None,
        },
    }
    assert facts[1]["sla"] == {
        "days": 3,
        "counting": "working",
        "cutoff_hour": 16,
        "first_response_days": 0,
    }
    json.dumps(tree)  # JSON-serialisable as is


def test_unknown_appeal_type_is_refused_naming_the_fact() -> None:
    data = minimal()
    data["categories"][0]["subcategories"][0]["facts"][1]["appeal_type"] = "complaint"
    with pytest.raises(ValueError, match=r"land\.plots\.amend.*complaint"):
        classifier_from_dict(data)


def test_duplicate_fact_code_is_refused() -> None:
    data = minimal()
    facts = data["categories"][0]["subcategories"][0]["facts"]
    facts[1]["code"] = facts[0]["code"]
    with pytest.raises(ValueError, match=r"duplicate code 'land\.plots\.list'"):
        classifier_from_dict(data)


def test_duplicate_category_code_is_refused() -> None:
    data = minimal()
    data["categories"].append(copy.deepcopy(data["categories"][0]))
    with pytest.raises(ValueError, match="duplicate code 'land'"):
        classifier_from_dict(data)


def test_duplicate_appeal_type_is_refused() -> None:
    data = minimal()
    data["appeal_types"].append(copy.deepcopy(data["appeal_types"][0]))
    with pytest.raises(ValueError, match="duplicate appeal type code 'consultation'"):
        classifier_from_dict(data)


def test_missing_field_is_reported_with_its_place() -> None:
    data = minimal()
    del data["categories"][0]["subcategories"][0]["facts"][0]["name"]
    with pytest.raises(
        ValueError, match=r"categories\[0\]\.subcategories\[0\]\.facts\[0\]\.name"
    ):
        classifier_from_dict(data)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("counting", "business", "counting must be one of"),
        ("days", -1, "non-negative"),
        ("days", "5", "whole number"),
        ("cutoff_hour", 24, "0–23"),
    ],
)
def test_bad_appeal_type_fields_are_refused(
    field: str, value: Any, message: str
) -> None:
    data = minimal()
    data["appeal_types"][1][field] = value
    with pytest.raises(InvalidClassifier, match=message):
        classifier_from_dict(data)


def test_cutoff_hour_with_calendar_counting_is_refused() -> None:
    data = minimal()
    data["appeal_types"][0]["cutoff_hour"] = 16
    with pytest.raises(ValueError, match="only to working-day counting"):
        classifier_from_dict(data)


def test_non_ascii_code_is_refused() -> None:
    data = minimal()
    data["categories"][0]["code"] = "земля"
    with pytest.raises(ValueError, match="lower-case ASCII"):
        classifier_from_dict(data)


def test_invalid_json_is_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_classifier(path)


def test_unknown_format_version_is_refused() -> None:
    data = minimal()
    data["format"] = 2
    with pytest.raises(ValueError, match="format"):
        classifier_from_dict(data)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="classifier file not found"):
        load_classifier(tmp_path / "absent.json")


def test_classifier_can_be_built_in_code() -> None:
    consultation = AppealType(
        "consultation", "Консультация", "Consultation", 5, "calendar"
    )
    fact = Fact("a.b.c", "Факт", "consultation")
    classifier = Classifier(
        [Category("a", "Категория", (Subcategory("a.b", "Подкатегория", (fact,)),))],
        {"consultation": consultation},
    )
    assert classifier.fact("a.b.c").category_name == "Категория"
    assert classifier.appeal_type_of("a.b.c") is consultation
