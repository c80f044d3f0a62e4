"""Organisations and users of a generated data set (`koridor generate`, issue 6).

Every generated row is marked by the `gen-` prefix of its code or login, which is how the
generator tells its own data from real data. All generated users share one password
(GENERATED_PASSWORD), hashed once: hashing a password per user would dominate the run.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from werkzeug.security import generate_password_hash

from services.models import Organisation, User

PREFIX = "gen-"
GENERATED_PASSWORD = "generated-pass"

SURNAMES = ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв")
FIRST = (("Евгений", "Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Виталий", "Константин"),
         ("Анна", "Нелли", "Виктория", "Анастасия", "Елена", "Ольга", "Мария", "Татьяна"))
PATRONYMICS = (("Сергеевич", "Наумович", "Борисович", "Викторович", "Андреевич", "Павлович"),
               ("Сергеевна", "Викторовна", "Николаевна", "Анатольевна", "Андреевна", "Павловна"))
OIV = ("Комитет по дорожному хозяйству", "Комитет по строительству", "Комитет по архитектуре и градостроительству",
       "Комитет по жилищно-коммунальному хозяйству", "Комитет по топливно-энергетическому комплексу",
       "Комитет по природным ресурсам", "Комитет экономического развития и инвестиционной деятельности",
       "Комитет по агропромышленному и рыбохозяйственному комплексу", "Комитет по имущественным отношениям",
       "Комитет государственного строительного надзора и экспертизы", "Комитет по труду и занятости населения",
       "Комитет по охране, контролю и регулированию использования объектов культурного наследия")
DISTRICTS = ("Бокситогорского", "Волосовского", "Волховского", "Всеволожского", "Выборгского", "Гатчинского",
             "Кингисеппского", "Киришского", "Кировского", "Лодейнопольского", "Ломоносовского", "Лужского",
             "Подпорожского", "Приозерского", "Сланцевского", "Тихвинского", "Тосненского")
RSO = ("ПАО «Россети Ленэнерго»", "ГУП «Водоканал Ленинградской области»", "АО «Газпром газораспределение»",
       "АО «ЛОТЭК»", "ООО «Теплосеть»")
FEDERAL = ("Управление Росреестра", "ППК «Роскадастр»", "Северо-Западное управление Ростехнадзора",
           "Управление ФАС")
COMPANY_WORDS = ("Балт", "Нева", "Ладога", "Север", "Инвест", "Строй", "Логистик", "Агро", "Пром", "Тех", "Энерго",
                 "Девелопмент", "Терминал", "Фарм", "Металл", "Парк", "Транс", "Сервис", "Групп", "Холдинг")
FORMS = ("ООО", "АО", "ООО", "ПАО", "ООО")
_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def company_inn(rng: random.Random) -> str:
    """A 10-digit ИНН of a legal entity with a valid check digit (classifiers/inn.py)."""
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
    check = sum(d * w for d, w in zip(digits, _W10, strict=True)) % 11 % 10
    return "".join(map(str, digits)) + str(check)


def person(rng: random.Random) -> str:
    female = rng.random() < 0.5
    surname = rng.choice(SURNAMES) + ("а" if female else "")
    return f"{surname} {rng.choice(FIRST[female])} {rng.choice(PATRONYMICS[female])}"


@dataclass
class Directory:
    """Who is who in the generated data set: the codes and logins the appeals refer to."""

    agency: str = ""
    head: str = ""
    moderators: list[str] = field(default_factory=list)
    operators: list[str] = field(default_factory=list)
    executors: list[str] = field(default_factory=list)  # non-agency executing organisations
    managers: dict[str, list[str]] = field(default_factory=dict)  # org → manager logins
    companies: list[tuple[str, str, str, str]] = field(default_factory=list)  # (code, name, inn, investor login)


def _plan(companies: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Organisations and users: the agency with every staff role, ОИВ, ОМСУ, РСО, federal bodies
    (a head and managers each), and companies with one investor each."""
    orgs = [dict(code=f"{PREFIX}agency", name="Агентство экономического развития (сгенерировано)", kind="agency")]
    users: list[dict] = []

    def staff(org: str, role_sets: list[tuple[str, list[str]]]) -> None:
        for suffix, roles in role_sets:
            users.append(dict(login=f"{org}-{suffix}", name=person(rng), org_code=org, roles=",".join(roles)))

    agency = orgs[0]["code"]
    staff(agency, [("head", ["head"]), ("deputy", ["deputy_director"]), ("analyst", ["analyst"]),
                   ("auditor", ["auditor"]), ("admin", ["admin"]),
                   *[(f"moderator-{i}", ["moderator", "coordinator"]) for i in range(1, 4)],
                   *[(f"operator-{i}", ["operator"]) for i in range(1, 3)],
                   *[(f"manager-{i}", ["manager"]) for i in range(1, 7)]])
    executors = ([("oiv", name) for name in OIV] + [("omsu", f"Администрация {d} муниципального района")
                                                   for d in DISTRICTS]
                 + [("rso", name) for name in RSO] + [("federal", name) for name in FEDERAL])
    for n, (kind, name) in enumerate(executors, 1):
        code = f"{PREFIX}{kind}-{n:02d}"
        orgs.append(dict(code=code, name=name, kind=kind))
        staff(code, [("head", ["head"]), *[(f"manager-{i}", ["manager"]) for i in range(1, rng.randint(2, 4))]])
    inns: set[str] = set()
    for n in range(1, companies + 1):
        inn = company_inn(rng)
        while inn in inns:
            inn = company_inn(rng)
        inns.add(inn)
        code = f"{PREFIX}co-{n:05d}"
        name = f"{rng.choice(FORMS)} «{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_WORDS).lower()}»"
        orgs.append(dict(code=code, name=name, kind="company", inn=inn))
        users.append(dict(login=f"{code}-investor", name=person(rng), org_code=code, roles="investor"))
    for user in users:
        user["email"] = f"{user['login']}@example.org"
        user["phone"] = f"+7 (812) {rng.randint(200, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        user["active"] = True
    return orgs, users


def ensure_directory(conn: Connection, companies: int, rng: random.Random) -> Directory:
    """Insert the generated organisations and users unless an earlier run did; read them back."""
    if not conn.scalar(select(func.count()).select_from(Organisation).where(Organisation.code.like(f"{PREFIX}%"))):
        orgs, users = _plan(companies, rng)
        password_hash = generate_password_hash(GENERATED_PASSWORD)
        conn.execute(Organisation.__table__.insert(), [{"inn": None, "personal_manager": None, **o} for o in orgs])
        conn.execute(User.__table__.insert(), [{**u, "password_hash": password_hash} for u in users])
    return load_directory(conn)


def load_directory(conn: Connection) -> Directory:
    found = Directory()
    for code, name, kind, inn in conn.execute(select(Organisation.code, Organisation.name, Organisation.kind,
                                                     Organisation.inn).where(Organisation.code.like(f"{PREFIX}%"))
                                              .order_by(Organisation.id)):
        if kind == "agency":
            found.agency = code
        elif kind == "company":
            found.companies.append((code, name, inn, f"{code}-investor"))
        else:
            found.executors.append(code)
        found.managers.setdefault(code, [])
    for login, org, roles in conn.execute(select(User.login, User.org_code, User.roles)
                                          .where(User.login.like(f"{PREFIX}%")).order_by(User.id)):
        role_list = roles.split(",")
        if "manager" in role_list:
            found.managers[org].append(login)
        if org == found.agency and "head" in role_list:
            found.head = login
        if "moderator" in role_list:
            found.moderators.append(login)
        if "operator" in role_list:
            found.operators.append(login)
    return found
