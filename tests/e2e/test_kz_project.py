"""The Kazakhstan project path end to end through the API (seed 003 chapters 3–4, issue 4):
initiative → passport → roadmap → parallel approval with a rejection and a fix → verification →
implementation with the Chamber's validation → post-investment monitoring → automatic exclusion;
the once-only extension; item 31 suspension; deadlines on the KZ calendar around its holidays."""
from __future__ import annotations

from datetime import date, timedelta

from classifiers.scoring import green_corridor_score, project_pool
from services.models import CalendarOverride
from services.work.timers import fire_due_timers
from tests import kz_support
from tests.kz_support import PASSPORT, add_roadmap, almaty, do, initiative, start_project, task_of, to_implementation

kz_app, kz = kz_support.kz_app, kz_support.kz  # the Kazakhstan world's fixtures

# Working days off on the KZ calendar that these tests cross (weekdays only; weekends are off anyway):
# Nauryz 21–23 March 2025 (Fri–Sun) with the 24th and 25th given for the weekend days; 1–2 January
# and 7 January (Orthodox Christmas) 2026; Nauryz 2026 (Mon 23) with the 24th and 25th for the weekend.
KZ_OFF = {date(2025, 3, 21), date(2025, 3, 24), date(2025, 3, 25), date(2026, 1, 1), date(2026, 1, 2),
          date(2026, 1, 7), date(2026, 3, 23), date(2026, 3, 24), date(2026, 3, 25)}


def working_days_after(day: date, n: int) -> date:
    """An independent count: the n-th weekday after `day` that is not in KZ_OFF."""
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in KZ_OFF:
            n -= 1
    return day


def end_of_day_utc(day: date) -> str:
    return f"{day.isoformat()}T18:59:59+00:00"  # 23:59:59 in Almaty


def test_the_whole_path_from_initiative_to_automatic_exclusion(kz, kz_app, clock):
    clock.now = almaty(date(2025, 3, 3))
    pid = start_project(kz, clock)
    project = kz["initiator"].get(f"/api/v1/kz/projects/{pid}").get_json()
    assert (project["status"], project["review_due"]) == ("initiative", "2025-04-02")  # 30 calendar days
    assert project["initiative"]["visit"]["handover_due"] == "2025-08-20"  # item 39: 15.08 + 3 working days
    assert task_of(kz["akimat"], pid)["due_at"] == end_of_day_utc(date(2025, 4, 2))

    # Passport (item 46) puts the project in the national pool and scores it by the DMN (items 26, 28, 29).
    out = do(kz["akimat"], pid, "create_passport", **PASSPORT)
    assert out["status_to"] == "passport" and out["project"]["roadmap_due"] == "2025-04-02"
    pool = out["project"]["pool"]
    inputs = (400_000_000, False, "medium", 450)
    assert pool["green_corridor"] == green_corridor_score(*inputs)
    reference = project_pool(200_000_000_000, 2025, pool["green_corridor"]["included"])
    assert (pool["pool"], pool["task_force"], pool["mrp"]) == (reference["pool"], reference["task_force"], 3932)
    assert out["project"]["passport"]["bin"] == "210340012344" and out["project"]["passport"]["product"] == "флоат-стекло"

    assert do(kz["akimat"], pid, "submit", expect=422)["errors"]["roadmap"]  # item 48: three stages
    ids = add_roadmap(kz, pid)
    assert [t["name"] for t in do(kz["akimat"], pid, "submit")["next_tasks"]] == ["approve_investor", "approve_chamber"]

    # The Chamber rejects with a reason while the investor approves (in parallel, items 49–50).
    clock.now = almaty(date(2025, 3, 20))
    assert do(kz["chamber"], pid, "reject", reason="Срок СМР нереален")["status_to"] == "roadmap_returned"
    assert kz["committee"].tasks() == []
    out = do(kz["investor"], pid, "approve")
    assert [t["name"] for t in out["next_tasks"]] == ["fix_roadmap"]
    fix_due = working_days_after(date(2025, 3, 20), 5)
    assert fix_due == date(2025, 4, 1) and out["project"]["fix_due"] == fix_due.isoformat()
    assert task_of(kz["initiator"], pid)["due_at"] == end_of_day_utc(fix_due)
    assert out["project"]["remarks"][0]["reason"] == "Срок СМР нереален"

    assert kz["initiator"].client.patch(f"/api/v1/kz/roadmap-tasks/{ids[1]}", headers=kz["initiator"].headers,
                                        json={"due_date": "2025-10-01"}).status_code == 200
    assert kz["chamber"].client.patch(f"/api/v1/kz/roadmap-tasks/{ids[1]}", headers=kz["chamber"].headers,
                                      json={"due_date": "2025-11-01"}).status_code == 403
    do(kz["initiator"], pid, "resubmit")
    do(kz["investor"], pid, "approve")
    assert [t["name"] for t in do(kz["chamber"], pid, "approve")["next_tasks"]] == ["verify"]
    assert do(kz["committee"], pid, "verify")["status_to"] == "with_roadmap"  # item 52
    assert kz["akimat"].client.patch(f"/api/v1/kz/roadmap-tasks/{ids[1]}", headers=kz["akimat"].headers,
                                     json={"title": "x"}).status_code == 409  # the roadmap is fixed now

    # Implementation: tasks done by the local executive body, validated by the Chamber (items 64–65, 68).
    clock.now = almaty(date(2026, 1, 5))
    done = kz["akimat"].post(f"/api/v1/kz/roadmap-tasks/{ids[2]}/complete", json={"completed_on": "2025-12-30"})
    assert done.status_code == 200 and done.get_json()["validation_due"] == working_days_after(
        date(2025, 12, 30), 5).isoformat() == "2026-01-09"
    assert do(kz["akimat"], pid, "to_monitoring", expect=409)["message"].startswith("Задачи дорожной карты")
    for task_id in ids[:2]:
        assert kz["akimat"].post(f"/api/v1/kz/roadmap-tasks/{task_id}/complete", json={}).status_code == 200
    rejected = kz["chamber"].post(f"/api/v1/kz/roadmap-tasks/{ids[0]}/validate",
                                  json={"accepted": False, "comment": "нет акта"})
    assert rejected.get_json()["state"] == "open"
    assert kz["akimat"].post(f"/api/v1/kz/roadmap-tasks/{ids[0]}/validate", json={"accepted": True}).status_code == 403
    assert kz["akimat"].post(f"/api/v1/kz/roadmap-tasks/{ids[0]}/complete", json={}).status_code == 200
    for task_id in ids:
        response = kz["chamber"].post(f"/api/v1/kz/roadmap-tasks/{task_id}/validate", json={"accepted": True})
        assert response.status_code == 200 and response.get_json()["validated_in_time"] is True

    # Module 3: three years of monitoring, then the timer excludes the project (items 34, 69).
    out = do(kz["akimat"], pid, "to_monitoring")
    assert out["status_to"] == "post_monitoring" and out["project"]["monitoring_until"] == "2029-01-05"
    do(kz["committee"], pid, "record", note="Выход на проектную мощность подтверждён")
    clock.now = almaty(date(2029, 1, 5), hour=23)
    fire_due_timers(kz_app.extensions["koridor"])
    assert kz["committee"].get(f"/api/v1/kz/projects/{pid}").get_json()["status"] == "post_monitoring"
    clock.now = almaty(date(2029, 1, 6))
    assert fire_due_timers(kz_app.extensions["koridor"]) == 1
    project = kz["committee"].get(f"/api/v1/kz/projects/{pid}").get_json()
    assert (project["status"], project["stage"]) == ("excluded", "closed") and project["closed_at"]
    assert kz["committee"].tasks() == []


def test_the_initiative_is_extended_once_by_at_most_30_days_or_returned(kz, clock):
    clock.now = almaty(date(2025, 8, 18))
    pid = start_project(kz, clock)
    assert do(kz["akimat"], pid, "extend", expect=422, days=31, reason="нужны данные")["errors"]["days"]
    out = do(kz["akimat"], pid, "extend", days=30, reason="нужны данные")
    assert (out["status_to"], out["project"]["review_due"], out["project"]["extended"]) == (
        "initiative_extended", "2025-10-17", True)
    assert task_of(kz["akimat"], pid)["due_at"] == end_of_day_utc(date(2025, 10, 17))
    assert do(kz["akimat"], pid, "extend", expect=409, days=1, reason="ещё")["message"].endswith("(п. 40)")
    assert do(kz["akimat"], pid, "return", reason="не проработана")["status_to"] == "initiative_returned"
    assert do(kz["initiator"], pid, "resubmit", note="дополнено")["status_to"] == "initiative"
    assert do(kz["akimat"], pid, "extend", expect=409, days=5, reason="снова")  # once, even after a return
    assert do(kz["akimat"], pid, "return", reason="нет инвестора")["status_to"] == "initiative_returned"
    out = do(kz["initiator"], pid, "withdraw", reason="инвестор отказался")
    assert out["status_to"] == "withdrawn" and out["project"]["closed_at"]


def test_item_31_suspension_and_exclusion_are_decided_in_5_working_days(kz, kz_app, clock):
    clock.now = almaty(date(2026, 3, 2))
    pid, _ = to_implementation(kz, clock)
    clock.now = almaty(date(2026, 3, 20))
    assert do(kz["akimat"], pid, "request_suspension", expect=422, ground=7, justification="x")["errors"]["ground"]
    out = do(kz["akimat"], pid, "request_suspension", ground=2, justification="Банк отозвал кредитную линию")
    due = working_days_after(date(2026, 3, 20), 5)
    assert due == date(2026, 4, 1) and out["project"]["suspension"]["decide_by"] == due.isoformat()
    assert task_of(kz["committee"], pid)["due_at"] == end_of_day_utc(due)
    assert do(kz["committee"], pid, "suspend", reason="до восстановления финансирования")["status_to"] == "suspended"
    assert do(kz["akimat"], pid, "resume", note="финансирование восстановлено")["status_to"] == "with_roadmap"
    with kz_app.extensions["koridor"].db.unit_of_work() as uow:  # an admin's correction: Sat 28.03 is worked
        uow.session.add(CalendarOverride(day=date(2026, 3, 28), working=True, note="перенос"))
        uow.commit()
    out = do(kz["akimat"], pid, "request_suspension", ground=6, justification="Письмо инвестора об исключении")
    assert out["project"]["suspension"]["decide_by"] == "2026-03-31"  # 26, 27, 28 (worked), 30, 31
    out = do(kz["committee"], pid, "exclude", reason="по обращению инвестора")
    assert out["status_to"] == "excluded" and out["project"]["closed_at"]
    assert out["project"]["suspension"]["decided_in_time"] is True


def test_a_regional_pool_project_is_not_suspended_under_item_31(kz, clock):
    clock.now = almaty(date(2026, 3, 2))
    small = {**PASSPORT, "cost_kzt": 500_000_000, "investment_usd": 1_000_000}  # < 150 000 МРП (4325 ₸ in 2026)
    pid, _ = to_implementation(kz, clock, small)
    project = kz["akimat"].get(f"/api/v1/kz/projects/{pid}").get_json()
    assert project["pool"]["pool"] == "regional" and project["pool"]["green_corridor"] is None
    assert do(kz["akimat"], pid, "request_suspension", expect=409, ground=2, justification="x")


def test_who_sees_what(kz, clock):
    clock.now = almaty(date(2025, 8, 18))
    pid, _ = to_implementation(kz, clock)
    assert [p["id"] for p in kz["investor"].get("/api/v1/kz/projects").get_json()["items"]] == [pid]
    assert kz["stranger"].get("/api/v1/kz/projects").get_json()["items"] == []
    assert kz["stranger"].get(f"/api/v1/kz/projects/{pid}").status_code == 404
    assert kz["investor"].post("/api/v1/kz/initiatives", json=initiative()).status_code == 403
    bad = kz["initiator"].post("/api/v1/kz/initiatives", json=initiative(kyc={"passed": False}, meetings=[],
                                                                          local_exec_org="palata"))
    assert bad.status_code == 422 and {"kyc", "meetings"} <= set(bad.get_json()["errors"])
    wrong_org = kz["initiator"].post("/api/v1/kz/initiatives", json=initiative(local_exec_org="palata"))
    assert wrong_org.status_code == 422 and "local_exec_org" in wrong_org.get_json()["errors"]


def test_mrp_is_a_table_an_admin_extends(kz, clock):
    assert [r["year"] for r in kz["admin"].get("/api/v1/kz/mrp").get_json()["items"]] == [2024, 2025, 2026]
    clock.now = almaty(date(2027, 2, 1))
    pid = start_project(kz, clock)
    assert do(kz["akimat"], pid, "create_passport", expect=422, **PASSPORT)["errors"]["year"]
    assert kz["akimat"].client.put("/api/v1/kz/mrp", headers=kz["akimat"].headers,
                                   json={"year": 2027, "mrp": 4500}).status_code == 403
    response = kz["admin"].client.put("/api/v1/kz/mrp", headers=kz["admin"].headers, json={"year": 2027, "mrp": 4500})
    assert response.status_code == 200
    out = do(kz["akimat"], pid, "create_passport", **PASSPORT)
    assert (out["project"]["pool"]["mrp"], out["project"]["pool"]["year"]) == (4500, 2027)


def test_roadmap_colours_follow_item_61(kz, clock):
    clock.now = almaty(date(2025, 4, 1))
    pid, ids = to_implementation(kz, clock)  # tasks due 15.05.2025, 01.09.2025, 15.01.2026

    def colours() -> list:
        return [t["colour"] for t in kz["investor"].get(f"/api/v1/kz/projects/{pid}").get_json()["roadmap"]]

    clock.now = almaty(date(2025, 5, 5))  # 10 days left: not under 10 → green
    assert colours() == ["green", "green", "green"]
    clock.now = almaty(date(2025, 5, 6))  # 9 days left → yellow
    assert colours() == ["yellow", "green", "green"]
    clock.now = almaty(date(2025, 5, 15))  # the due day itself is not overdue
    assert colours() == ["yellow", "green", "green"]
    clock.now = almaty(date(2025, 5, 16))
    assert colours() == ["red", "green", "green"]
    assert kz["akimat"].post(f"/api/v1/kz/roadmap-tasks/{ids[0]}/complete", json={}).status_code == 200
    assert colours() == [None, "green", "green"]  # done: no longer coloured
    listed = kz["committee"].get("/api/v1/kz/projects?status=with_roadmap").get_json()["items"]
    assert [p["id"] for p in listed] == [pid] and listed[0]["roadmap"][0]["state"] == "done"
