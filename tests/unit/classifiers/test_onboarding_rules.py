"""ОГРН checksum, ОКВЭД parsing against the priority industries, stage cadence (seed 000 items 2.2.4, 4.3)."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from classifiers.ogrn import ogrn_problem
from classifiers.okved import load_priority_list, parse_okved
from classifiers.packs import get_pack
from classifiers.project_stages import BY_CODE, STAGES, next_update_due, shift_months, stale_before


@pytest.mark.parametrize(("value", "ok"), [
    ("1027700132195", True), ("1027700132194", False), ("304500116000157", True), ("304500116000158", False),
    ("102770013219", False), ("10277001321a5", False), ("", False),
])
def test_ogrn_checksum(value, ok):
    assert (ogrn_problem(value) is None) is ok


def test_okved_codes_are_parsed_and_matched_by_prefix():
    assert parse_okved("55.10, 68.20;10.11.1") == (["55.10", "68.20", "10.11.1"], None)
    assert parse_okved("")[1] and parse_okved("55-10")[1] and parse_okved("5.1")[1]
    check = load_priority_list(get_pack("leningrad").priority_okved_file).check(["10.11", "100.1", "32.50", "68.20"])
    assert [c["industry"] for c in check["codes"]] == ["food", None, "pharma", None]
    assert check["priority"] is True and check["sector"] == "Пищевая и перерабатывающая промышленность"
    assert get_pack("moscow").priority_okved_file is None and load_priority_list(None) is None


def test_the_priority_list_is_data_an_admin_edits(tmp_path):
    (tmp_path / "leningrad_priority_okved.json").write_text(json.dumps(
        {"industries": [{"code": "realty", "name": "Недвижимость", "okved": ["68"]}]}), encoding="utf-8")
    check = load_priority_list(tmp_path / "leningrad_priority_okved.json").check(["68.20", "55.10"])
    assert [c["industry"] for c in check["codes"]] == ["realty", None]


def test_the_stages_of_item_4_3():
    assert [s.name for s in STAGES if s.group == "active"] == [
        "Подбор площадки", "МВК", "Получение прав на ЗУ", "Индустриальный парк (площадка)", "Реализация проекта",
        "Реализован"]
    assert [s.name for s in STAGES if s.group == "passive"] == [
        "Консультация проведена", "Пауза", "Подбор площадок", "Архив", "Отмена"]


def test_months_are_calendar_months_clamped_to_the_month_end():
    assert shift_months(datetime(2025, 1, 31, tzinfo=UTC), 1) == datetime(2025, 2, 28, tzinfo=UTC)
    assert shift_months(datetime(2025, 3, 31, tzinfo=UTC), -6) == datetime(2024, 9, 30, tzinfo=UTC)
    updated = datetime(2025, 8, 18, 12, tzinfo=UTC)
    assert next_update_due(BY_CODE["mvk"], updated) == datetime(2025, 9, 1, 12, tzinfo=UTC)
    assert next_update_due(BY_CODE["site_search"], updated) == datetime(2026, 2, 18, 12, tzinfo=UTC)
    assert stale_before(BY_CODE["implementation"], datetime(2025, 11, 18, 12, tzinfo=UTC)) == updated
