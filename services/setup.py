"""Installing a pack and loading demo data (`koridor init`, `koridor demo`)."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from classifiers.packs import BPMN_DIR
from engine.migrate import upgrade
from services.analyst.process_models import deploy_process_model, list_process_models
from services.appeals.actions import complete_task
from services.appeals.intake import submit_appeal
from services.people.directory import actor_for, add_org, add_user
from services.projects.onboarding import submit_registration
from services.projects.project import list_projects, update_project
from services.projects.work import add_meeting
from services.work.inbox import list_tasks

from .context import Context
from .models import Organisation, User

DEMO_PASSWORD = "koridor-demo"


def init_system(ctx: Context) -> list[dict]:
    """Create or upgrade the schema and deploy the pack's diagrams and decision models (idempotent)."""
    upgrade(ctx.settings.database_url)
    deployed = []
    current = {m["process_id"] for m in list_process_models(ctx)}
    for path in (*ctx.pack.diagrams, *ctx.pack.decisions):
        if path.stem in current:  # never replace what an analyst deployed since
            continue
        name = path.relative_to(BPMN_DIR if path.is_relative_to(BPMN_DIR) else path.parent).as_posix()
        deployed.append(deploy_process_model(ctx, None, path.read_bytes(), name))
    if ctx.pack.on_init:
        ctx.pack.on_init(ctx)
    return deployed


DEMO_ORGS = [
    ("aerlo", "АО «Агентство экономического развития Ленинградской области»", "agency", None),
    ("kdh", "Комитет по дорожному хозяйству Ленинградской области", "oiv", None),
    ("kgkh", "Комитет по жилищно-коммунальному хозяйству и благоустройству Ленинградской области", "oiv", None),
    ("tosno", "Администрация Тосненского района", "omsu", None),
    ("zanevka", "Администрация Заневского городского поселения", "omsu", None),
    ("lenenergo", "ПАО «Россети Ленэнерго»", "rso", None),
    ("roskadastr", "ППК «Роскадастр»", "federal", None),
    ("tria", "ООО «ТриА Девелопмент»", "company", "9704098567", "1207700123454"),
    ("yatek", "ООО «Ятэк Рус»", "company", "4716012340", "1024701234568"),
]
DEMO_USERS = [
    ("moderator", ["moderator", "coordinator", "manager"], "aerlo", "Петров Евгений Сергеевич", "petrov@example.org"),
    ("head", ["head"], "aerlo", "Майер Нелли Викторовна", "mayer@example.org"),
    ("manager", ["manager"], "aerlo", "Рахман Евгений Наумович", "rakhman@example.org"),
    ("deputy", ["deputy_director"], "aerlo", "Михальченко Анастасия Викторовна", "director@example.org"),
    ("operator", ["operator"], "aerlo", "Оператор линии 0150", "operator@example.org"),
    ("tosno", ["manager"], "tosno", "Иваненко Виталий Борисович", "tosno@example.org"),
    ("zanevka", ["manager"], "zanevka", "Яркова Виктория Николаевна", "zanevka@example.org"),
    ("kgkh", ["manager"], "kgkh", "Специалист комитета по ЖКХ и благоустройству", "kgkh@example.org"),
    ("kdh", ["manager"], "kdh", "Специалист комитета по дорожному хозяйству", "kdh@example.org"),
    ("investor", ["investor"], "tria", "Журбина Анна Анатольевна", "investor@example.org"),
    ("investor2", ["investor"], "yatek", "Лесохин Константин Витальевич", "lesohin@example.org"),
    ("analyst", ["analyst"], "aerlo", "Аналитик процессов", "analyst@example.org"),
    ("auditor", ["auditor"], "aerlo", "Контрольный орган", "auditor@example.org"),
    ("admin", ["admin"], "aerlo", "Администратор", "admin@example.org"),
]


def load_demo(ctx: Context) -> list[tuple[str, str, str]]:
    """Demo organisations, users and appeals in several states; returns (login, password, roles).

    A pack without a demo world of its own (Leningrad, Moscow) gets the agency, executors and
    appeals of seed 001 below."""
    init_system(ctx)
    if ctx.pack.demo:  # the pack's own demo world (Kazakhstan: seed 003's agencies and the project path)
        return ctx.pack.demo(ctx, DEMO_PASSWORD)
    with ctx.db.unit_of_work() as uow:
        existing = {o for o in uow.session.scalars(select(Organisation.code))}
        users = {u for u in uow.session.scalars(select(User.login))}
    for code, name, kind, inn, *ogrn in DEMO_ORGS:  # companies also carry their ОГРН
        if code not in existing:
            add_org(ctx, code, name, kind, inn, *ogrn)
    with ctx.db.unit_of_work() as uow:  # seed 001: «Ваш персональный менеджер»
        for org in uow.session.scalars(select(Organisation).where(Organisation.kind == "company")):
            org.personal_manager = org.personal_manager or "moderator"
        uow.commit()
    fresh = not users
    for login, roles, org, name, email in DEMO_USERS:
        if login not in users:
            add_user(ctx, login, DEMO_PASSWORD, roles, org, name, email, "+7 (921) 123-45-67")
    if fresh:
        project_id = _demo_projects(ctx) if ctx.pack.runs("onboarding") else None
        _demo_appeals(ctx, project_id)
    return [(login, DEMO_PASSWORD, ",".join(roles)) for login, roles, *_ in DEMO_USERS]


def _actor(ctx: Context, login: str):
    with ctx.db.unit_of_work() as uow:
        return actor_for(uow.session, login)


def _do(ctx: Context, login: str, action: str, **fields) -> None:
    actor = _actor(ctx, login)
    task = list_tasks(ctx, actor)[0]
    complete_task(ctx, actor, task["id"], {"action": action, **fields})


def _fact(ctx: Context, preferred: str, fallback_type: str) -> str:
    """The preferred Leningrad fact, or the first fact of a type in this pack's classifier."""
    facts = list(ctx.classifier.facts())
    codes = {f.code for f in facts}
    if preferred in codes:
        return preferred
    return next((f.code for f in facts if f.appeal_type == fallback_type), facts[0].code)


def _demo_projects(ctx: Context) -> int:
    """Seed 000 section 2: two companies onboarded (projects at different stages of item 4.3), a meeting
    awaiting its protocol, and a third company's registration waiting for the deputy director."""
    legal = {"address": "Ленинградская обл., г. Кингисепп, ул. Большая Советская, 1",
             "contact_phone": "+7 (921) 123-45-67"}
    plans = [("investor", "ООО «ТриА Девелопмент»", "9704098567", "1027700132195", "Журбина Анна Анатольевна",
              {"name": "Дорожный отель «ЗА» в Усть-Луге", "okved": "55.10", "investment_volume": "180",
               "jobs": 40, "site": "Усть-Луга, квартал Судоверфь", "region": "Кингисеппский район",
               "description": "Строительство дорожного отеля на участке 8222 кв.м западнее 47:20:0112015:226"},
              "Инвестиционный портал Ленинградской области", {"stage": "land_rights", "commissioner": "tosno"}),
             ("investor2", "ООО «Ятэк Рус»", "4716012340", "1024701893336", "Лесохин Константин Витальевич",
              {"name": "Складской комплекс в Тосно", "okved": "52.10", "investment_volume": "950", "jobs": 120,
               "region": "Тосненский район", "description": "Склад класса A с примыканием к ул. Промышленная"},
              "Обращение в ГКУ «АЭРЛО»", {"stage": "pause"})]
    ids = []
    for login, company, inn, ogrn, contact, application, source, change in plans:
        submit_registration(ctx, _actor(ctx, login), {"company_name": company, "inn": inn, "ogrn": ogrn,
                                                      "contact_name": contact, **legal})
        _do(ctx, "deputy", "confirm", manager="manager")
        _do(ctx, login, "submit", **application)
        _do(ctx, "manager", "confirm", source=source)
        ids.append(list_projects(ctx, _actor(ctx, login))[0]["id"])
        update_project(ctx, _actor(ctx, "manager"), ids[-1], change)
    add_meeting(ctx, _actor(ctx, "manager"), ids[0], {
        "kind": "consultation", "title": "Первичная консультация по участку",
        "agenda": "Оформление прав на участок, технологическое присоединение",
        "planned_at": datetime.combine(ctx.clock().astimezone(ctx.tz).date(), time(10), ctx.tz)})
    submit_registration(ctx, _actor(ctx, "operator"), {
        "company_name": "ООО «Северная логистика»", "inn": "7840123459", "ogrn": "7712345678906",
        "contact_name": "Смирнов Олег Петрович", "contact_email": "info@north-logistics.example", **legal})
    return ids[0]


def _demo_appeals(ctx: Context, project_id: int | None = None) -> None:
    investor, investor2 = _actor(ctx, "investor"), _actor(ctx, "investor2")
    company = {"name": "ООО «ТриА Девелопмент»", "inn": "9704098567"}
    submit_appeal(ctx, investor2, {
        "fact": _fact(ctx, "roads.junction.technical_conditions_dispute", "problem"), "subject": "Согласование съезда на промышленную улицу",
        "description": "Получен отказ на согласование проекта съезда на промышленную улицу г. Тосно. "
                       "Просьба согласовать встречу по ВКС с главой комитета.",
        "company": {"name": "ООО «Ятэк Рус»", "inn": "4716012340"}})
    _do(ctx, "moderator", "accept", executor_org="tosno")
    _do(ctx, "tosno", "take")
    _do(ctx, "tosno", "answer", text="Проект примыкания согласован, решение направлено заявителю.", outcome="resolved")
    _do(ctx, "head", "approve")
    _do(ctx, "investor2", "accept", rating=5)
    submit_appeal(ctx, investor, {
        "fact": _fact(ctx, "construction.permits.commissioning_acceleration", "task"), "subject": "Ускорение получения РВЭ склада",
        "description": "Просим рассмотреть выдачу разрешения на ввод в эксплуатацию склада без выезда на осмотр.",
        "company": company})
    _do(ctx, "moderator", "accept", executor_org="kgkh")
    _do(ctx, "kgkh", "redirect", org="zanevka", reason="Вопрос в компетенции администрации поселения")
    submit_appeal(ctx, investor, {
        "fact": _fact(ctx, "land.site_selection.free_plots_list", "complex_consultation"), "subject": "Участок под реализацию проекта",
        "project_id": project_id,
        "description": "Компанию заинтересовал несформированный земельный участок площадью 8222 кв.м "
                       "западнее участка 47:20:0112015:226 (Усть-Луга). Прошу сообщить возможность оформления.",
        "company": company})
