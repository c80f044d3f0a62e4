"""The Kazakhstan `request` appeal (seed 003 item 12 7), item 16 5)): information on an investor's
request within 5 working days of registration, counted on the KZ calendar in Almaty time."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests import kz_support

kz_app, kz = kz_support.kz_app, kz_support.kz  # the Kazakhstan world's fixtures

FACT = "information.region.conditions"


@pytest.mark.parametrize("received, deadline", [
    # Thu 20.03.2025: Nauryz 21.03 and the 24th and 25th for the weekend → 26, 27, 28, 31.03, 01.04
    (datetime(2025, 3, 20, 5, tzinfo=UTC), date(2025, 4, 1)),
    # Tue 30.12.2025: 31.12, then 01–02.01 off, 05, 06, 07.01 (Orthodox Christmas) off, 08, 09
    (datetime(2025, 12, 30, 5, tzinfo=UTC), date(2026, 1, 9)),
    # Fri 20.03.2026 at 20:00 UTC is Saturday 01:00 in Almaty; 23–25.03 (Nauryz and the days given for
    # the weekend) are off, so the appeal counts as received on Thu 26.03 → 27, 30, 31.03, 01, 02.04
    (datetime(2026, 3, 20, 20, tzinfo=UTC), date(2026, 4, 2)),
])
def test_a_request_is_due_in_5_kz_working_days(kz, clock, received, deadline):
    clock.now = received
    response = kz["investor"].post("/api/v1/appeals", json={
        "fact": FACT, "subject": "Тарифы на электроэнергию", "description": "Просим предоставить тарифы",
        "company": {"name": "ТОО «Steppe Glass»", "inn": "210340012344"}})
    assert response.status_code == 201, response.get_json()
    appeal = response.get_json()
    assert (appeal["appeal_type"], appeal["deadline"]) == ("request", deadline.isoformat())


def test_a_wrong_bin_is_refused_in_the_kazakhstan_pack(kz, clock):
    response = kz["investor"].post("/api/v1/appeals", json={
        "fact": FACT, "subject": "Тарифы", "description": "Просим", "company": {"name": "ТОО", "inn": "210340012345"}})
    assert response.status_code == 422 and "company.inn" in response.get_json()["errors"]
