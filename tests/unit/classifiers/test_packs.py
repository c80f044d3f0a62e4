"""Rule packs and their classifier data files."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

import classifiers
from classifiers.packs import CLASSIFIER_DIR, PACKS, get_pack
from classifiers.taxonomy import CODE_PATTERN

PACKAGE_DIR = Path(classifiers.__file__).resolve().parent


def test_three_packs_with_their_country_and_time_zone() -> None:
    assert {code: (p.country, p.timezone) for code, p in PACKS.items()} == {
        "leningrad": ("RU", "Europe/Moscow"),
        "moscow": ("RU", "Europe/Moscow"),
        "kazakhstan": ("KZ", "Asia/Almaty"),
    }


def test_classifier_files_live_in_workflows_classifiers() -> None:
    assert PACKAGE_DIR.parent / "workflows" / "classifiers" == CLASSIFIER_DIR
    for code, pack in PACKS.items():
        assert pack.classifier_file == CLASSIFIER_DIR / f"{code}.json"
        assert pack.classifier_file.is_file()


def test_unknown_pack_lists_the_valid_codes() -> None:
    with pytest.raises(KeyError) as caught:
        get_pack("spb")
    assert str(caught.value) == (
        "unknown rule pack 'spb'; valid packs: leningrad, moscow, kazakhstan"
    )


@pytest.mark.parametrize("code", list(PACKS))
def test_every_pack_classifier_loads_and_is_consistent(code: str) -> None:
    classifier = get_pack(code).load_classifier()
    assert classifier.pack == code
    facts = list(classifier.facts())
    assert facts, "a pack needs facts"
    for fact in facts:
        assert CODE_PATTERN.match(fact.code)
        assert fact.code.startswith(fact.subcategory_code + ".")
        assert fact.subcategory_code.startswith(fact.category_code + ".")
        assert fact.name.strip() == fact.name
    json.dumps(classifier.to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("code", list(PACKS))
def test_every_subcategory_has_facts(code: str) -> None:
    for category in get_pack(code).load_classifier().categories:
        assert category.subcategories
        for sub in category.subcategories:
            assert 1 <= len(sub.facts) <= 4


def test_leningrad_appeal_types_are_5_10_20_calendar_days() -> None:
    types = get_pack("leningrad").load_classifier().appeal_types
    assert {c: (t.name_ru, t.days, t.counting) for c, t in types.items()} == {
        "consultation": ("Консультация", 5, "calendar"),
        "help": ("Помощь", 10, "calendar"),
        "problem": ("Проблема", 20, "calendar"),
    }


def test_leningrad_keeps_the_seed_wording() -> None:
    classifier = get_pack("leningrad").load_classifier()
    fact = classifier.fact("land.site_selection.free_plots_list")
    assert fact.category_name == (
        "Вопросы бизнеса, связанные с земельными отношениями и недвижимым имуществом"
    )
    assert (
        fact.subcategory_name
        == "Проблемы при подборе площадки для инвестиционного проекта"
    )
    assert (
        fact.name
        == "Необходима информация о свободных земельных участках (в виде списка)"
    )
    roads = classifier.fact("roads.junction.approval_procedure")
    assert (
        roads.category_name
        == "Вопросы бизнеса, связанные с автомобильными дорогами и транспортом"
    )
    assert roads.subcategory_name == "Вопросы примыкания к автомобильным дорогам"
    assert (
        roads.name
        == "Разъяснить порядок согласования примыкания к автомобильной дороге"
    )
    dispute = classifier.fact("roads.junction.technical_conditions_dispute")
    assert dispute.name == (
        "Требуется урегулирование разногласий при выдаче технических условий "
        "на примыкание к автомобильной дороге"
    )
    assert dispute.appeal_type == "problem"
    names = {c.name for c in classifier.categories}
    assert "Вопросы бизнеса, связанные поддержкой и сопровождением инвестора" in names
    assert "Вопросы бизнеса, связанные с подключением к инженерным сетям" in names
    assert len(classifier.categories) == 7


def test_moscow_appeal_types_follow_seed_004() -> None:
    types = get_pack("moscow").load_classifier().appeal_types
    assert (
        types["simple_consultation"].days,
        types["simple_consultation"].counting,
    ) == (
        1,
        "working",
    )
    complex_ = types["complex_consultation"]
    assert (complex_.days, complex_.cutoff_hour, complex_.first_response_days) == (
        2,
        16,
        0,
    )
    assert types["problem"].counting == "working"


def test_moscow_tasks_take_two_to_five_working_days_by_fact() -> None:
    classifier = get_pack("moscow").load_classifier()
    task_days = {
        classifier.days_for(f.code)
        for f in classifier.facts()
        if f.appeal_type == "task"
    }
    assert task_days <= {2, 3, 4, 5}
    assert min(task_days) == 2
    assert max(task_days) == 5


def test_kazakhstan_requests_take_five_working_days() -> None:
    classifier = get_pack("kazakhstan").load_classifier()
    assert {f.appeal_type for f in classifier.facts()} == {"request"}
    request = classifier.appeal_types["request"]
    assert (request.days, request.counting) == (5, "working")


def test_classifiers_package_imports_only_stdlib_and_holidays() -> None:
    allowed_third_party = {"holidays"}
    forbidden = {"flask", "sqlalchemy", "engine", "services", "web"}
    for module in PACKAGE_DIR.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = {node.module.split(".")[0]}
            else:
                continue
            for root in roots:
                assert root not in forbidden, f"{module.name} imports {root}"
                assert (
                    root == "classifiers"
                    or root in allowed_third_party
                    or root in sys.stdlib_module_names
                ), f"{module.name} imports {root}"
