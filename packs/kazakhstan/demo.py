"""Demo data of the `kazakhstan` pack (`KORIDOR_PACK=kazakhstan koridor demo`): the agencies of
seed 003, one user per role of the project path, a project with a roadmap in implementation, an
initiative waiting at the local executive body and an investor's request."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from packs.kazakhstan.initiatives import create_initiative
from packs.kazakhstan.models import MrpRate
from packs.kazakhstan.projects import local_day
from packs.kazakhstan.roadmap import add_task
from packs.kazakhstan.roadmap import complete_task as roadmap_done
from services.appeals.actions import complete_task
from services.appeals.intake import submit_appeal
from services.context import Context
from services.models import Organisation, User
from services.people.directory import actor_for, add_org, add_user
from services.work.inbox import list_tasks

KZ_DEMO_ORGS = [
    ("kazinvest", "АО «НК «Kazakh Invest»", "agency", None),
    ("embassy_de", "Посольство Республики Казахстан в ФРГ", "foreign_office", None),
    ("akimat_alm", "Акимат Алматинской области", "local_exec", None),
    ("akimat_trk", "Акимат Туркестанской области", "local_exec", None),
    ("atameken", "НПП РК «Атамекен»", "chamber", None),
    ("invest_committee", "Комитет по инвестициям МИД РК", "authorized_body", None),
    ("steppe_glass", "ТОО «Steppe Glass»", "company", "210340012344"),
]
KZ_DEMO_USERS = [
    ("initiator", ["initiator"], "embassy_de", "Сейткали Айгерим", "initiator@example.kz"),
    ("akimat", ["local_exec"], "akimat_alm", "Нурланов Ерлан", "akimat@example.kz"),
    ("akimat_trk", ["local_exec"], "akimat_trk", "Абдуллаев Тимур", "akimat.trk@example.kz"),
    ("chamber", ["chamber"], "atameken", "Жумабекова Алия", "chamber@example.kz"),
    ("committee", ["authorized_body"], "invest_committee", "Касымов Данияр", "committee@example.kz"),
    ("investor", ["investor"], "steppe_glass", "Hans Weber", "investor@example.kz"),
    ("moderator", ["moderator", "coordinator", "manager"], "kazinvest", "Омарова Динара", "moderator@example.kz"),
    ("head", ["head"], "kazinvest", "Бекова Сауле", "head@example.kz"),
    ("analyst", ["analyst"], "kazinvest", "Аналитик процессов", "analyst@example.kz"),
    ("auditor", ["auditor"], "kazinvest", "Аудитор", "auditor@example.kz"),
    ("admin", ["admin"], "kazinvest", "Администратор", "admin@example.kz"),
]
INITIATIVE = {
    "company": {"name": "Steppe Glass GmbH", "country": "Германия", "sector": "обрабатывающая промышленность",
                "size": "крупная", "contact": "Hans Weber, +49 30 1234567"},
    "kyc": {"passed": True, "notes": "KYC пройден"},
    "meetings": [{"date": date(2025, 5, 20), "participants": "посол, руководство компании",
                  "subject": "завод флоат-стекла", "agreements": "визит в Алматинскую область"}],
    "visit": {"held_on": date(2025, 6, 10), "purpose": "выбор площадки", "responsible": "акимат",
              "outcome": "подобран участок в индустриальной зоне"},
}


def load_kz_demo(ctx: Context, password: str) -> list[tuple[str, str, str]]:
    with ctx.db.unit_of_work() as uow:
        orgs = set(uow.session.scalars(select(Organisation.code)))
        fresh = not set(uow.session.scalars(select(User.login)))
    for code, name, kind, bin_ in KZ_DEMO_ORGS:
        if code not in orgs:
            add_org(ctx, code, name, kind, bin_)
    if fresh:
        for login, roles, org, name, email in KZ_DEMO_USERS:
            add_user(ctx, login, password, roles, org, name, email, "+7 (727) 123-45-67")
        _demo_path(ctx)
    return [(login, password, ",".join(roles)) for login, roles, *_ in KZ_DEMO_USERS]


def _actor(ctx: Context, login: str):
    with ctx.db.unit_of_work() as uow:
        return actor_for(uow.session, login)


def _do(ctx: Context, login: str, project_id: int, action: str, **fields) -> None:
    actor = _actor(ctx, login)
    task = next(t for t in list_tasks(ctx, actor) if t["project_id"] == project_id)
    complete_task(ctx, actor, task["id"], {"action": action, **fields})


def _demo_path(ctx: Context) -> None:
    initiator, akimat = _actor(ctx, "initiator"), _actor(ctx, "akimat")
    project = create_initiative(ctx, initiator, {**INITIATIVE, "name": "Завод флоат-стекла",
                                                 "region": "Алматинская область", "local_exec_org": "akimat_alm"})
    create_initiative(ctx, initiator, {**INITIATIVE, "name": "Логистический хаб", "region": "Туркестанская область",
                                       "local_exec_org": "akimat_trk"})
    submit_appeal(ctx, _actor(ctx, "investor"), {
        "fact": next(f.code for f in ctx.classifier.facts() if f.appeal_type == "request"),
        "subject": "Тарифы на электроэнергию в Алматинской области",
        "description": "Просим предоставить действующие тарифы для промышленных потребителей.",
        "company": {"name": "ТОО «Steppe Glass»", "inn": "210340012344"}})
    today = local_day(ctx.clock())
    with ctx.db.unit_of_work() as uow:
        has_mrp = uow.session.get(MrpRate, today.year) is not None
    if not has_mrp:  # an admin adds the year's МРП (PUT /api/v1/kz/mrp); the passport waits for it
        return
    pid = project["id"]
    _do(ctx, "akimat", pid, "create_passport", company_name="ТОО «Steppe Glass»", bin="210340012344",
        sector="обрабатывающая промышленность", product="флоат-стекло", region="Алматинская область",
        cost_kzt=200_000_000_000, financing="собственные средства 30 %, заём банка развития 70 %",
        contacts="Hans Weber, +49 30 1234567", summary="Завод флоат-стекла мощностью 600 т/сутки",
        registered_on="2025-07-01", company_org="steppe_glass", jobs=450, investment_usd=400_000_000,
        global2000="no", tech_level="medium")
    tasks = [("pre_investment", "Получение земельного участка и ТУ", -20), ("pre_investment", "ПСД и экспертиза", 5),
             ("investment", "Строительно-монтажные работы", 120), ("post_investment", "Выход на проектную мощность", 400)]
    ids = [add_task(ctx, akimat, pid, {"stage": stage, "title": title, "due_date": today + timedelta(days=d),
                                       "responsible": "Акимат, инвестор", "expected_result": title,
                                       "support_measures": "инвестиционные преференции", "risks": "сроки"})["id"]
           for stage, title, d in tasks]
    _do(ctx, "akimat", pid, "submit")
    _do(ctx, "chamber", pid, "reject", reason="Уточните сроки строительства")
    _do(ctx, "investor", pid, "approve")
    _do(ctx, "initiator", pid, "resubmit")
    _do(ctx, "chamber", pid, "approve")
    _do(ctx, "investor", pid, "approve")
    _do(ctx, "committee", pid, "verify")
    roadmap_done(ctx, akimat, ids[1], {})
