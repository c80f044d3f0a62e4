"""Seed 003 item 41: when the project's conditions or its region change, the local executive body
turns the project card back into an initiative and returns it to the initiator, notifying the
authorized body — from the roadmap being formed and from implementation."""
from __future__ import annotations

from datetime import date

from tests import kz_support
from tests.kz_support import PASSPORT, add_roadmap, almaty, do, start_project, task_of, to_implementation

kz_app, kz = kz_support.kz_app, kz_support.kz  # the Kazakhstan world's fixtures


def notices(api) -> list[str]:
    return [n["text"] for n in api.get("/api/v1/notifications").get_json()["items"]
            if n["event"] == "kz_to_initiative"]


def test_the_roadmap_stage_goes_back_to_the_initiative_and_round_again(kz, clock):
    clock.now = almaty(date(2025, 3, 3))
    pid = start_project(kz, clock)
    do(kz["akimat"], pid, "create_passport", **PASSPORT)
    add_roadmap(kz, pid)
    assert do(kz["akimat"], pid, "to_initiative", expect=422)["errors"]["reason"]  # the reason is required

    clock.now = almaty(date(2025, 3, 10))
    out = do(kz["akimat"], pid, "to_initiative", reason="Регион реализации меняется на Туркестанскую область")
    assert out["status_to"] == "initiative_returned" and [t["name"] for t in out["next_tasks"]] == ["fix_initiative"]
    back = out["project"]["returned_to_initiative"]
    assert back == [{"by": "akimat", "from_status": "passport", "on": "2025-03-10",
                     "reason": "Регион реализации меняется на Туркестанскую область"}]
    assert out["project"]["stage"] == "initiative"
    assert kz["akimat"].tasks() == []
    # The authorized body (and the initiator) are told; the Chamber and the investor are not.
    assert len(notices(kz["committee"])) == 1 and "Туркестанскую" in notices(kz["committee"])[0]
    assert len(notices(kz["initiator"])) == 1
    assert notices(kz["chamber"]) == [] and notices(kz["investor"]) == []

    # The initiator reworks and hands it over again: the local executive body has 30 days anew (item 40).
    clock.now = almaty(date(2025, 3, 12))
    out = do(kz["initiator"], pid, "resubmit", note="регион и стоимость уточнены")
    assert out["status_to"] == "initiative" and out["project"]["review_due"] == "2025-04-11"
    assert task_of(kz["akimat"], pid)["due_at"] == "2025-04-11T18:59:59+00:00"
    regional = {**PASSPORT, "region": "Туркестанская область", "cost_kzt": 500_000_000}  # < 150 000 МРП
    out = do(kz["akimat"], pid, "create_passport", **regional)
    assert out["status_to"] == "passport" and out["project"]["region"] == "Туркестанская область"
    assert out["project"]["pool"]["pool"] == "regional"  # the pool follows the new conditions
    assert out["project"]["roadmap_due"] == "2025-04-11"
    assert len(out["project"]["roadmap"]) == 3  # the roadmap tasks are kept to be reworked

    # A plain return of the initiative later keeps the review day (item 40 1)), unlike item 41.
    do(kz["akimat"], pid, "to_initiative", reason="снова изменились условия")
    do(kz["initiator"], pid, "resubmit")
    out = do(kz["akimat"], pid, "return", reason="нет КТ")
    assert out["project"]["review_due"] == "2025-04-11"
    assert do(kz["initiator"], pid, "resubmit")["project"]["review_due"] == "2025-04-11"
    assert len(notices(kz["committee"])) == 2


def test_a_project_in_implementation_goes_back_and_may_be_withdrawn(kz, clock):
    clock.now = almaty(date(2025, 4, 1))
    pid, _ = to_implementation(kz, clock)
    denied = kz["committee"].post(f"/api/v1/tasks/{task_of(kz['akimat'], pid)['id']}/complete",
                                  json={"action": "to_initiative", "reason": "x"})
    assert denied.status_code in (403, 404)
    out = do(kz["akimat"], pid, "to_initiative", reason="инвестор меняет продукт")
    assert (out["status_from"], out["status_to"]) == ("with_roadmap", "initiative_returned")
    assert out["project"]["returned_to_initiative"][0]["from_status"] == "with_roadmap"
    out = do(kz["initiator"], pid, "withdraw", reason="инвестор отказался")
    assert out["status_to"] == "withdrawn" and out["project"]["closed_at"]
    assert kz["initiator"].tasks() == [] and kz["akimat"].tasks() == []
