"""The appeal's steps (seed 001, the Leningrad lifecycle): the shared base every pack's appeal path
uses. Each action's handler applies the appeal's side of the action (executor, routes,
coordinator, corrected text, deadline, answer, rating, notifications); the engine moves the
process afterwards (services/appeals/actions.py). A pack may extend a step's actions and add
steps of its own (its `steps.py`)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import HistoryEvent
from services.appeals.intake import end_of_day
from services.errors import ValidationFailed
from services.models import EXECUTOR_KINDS, Appeal, AppealRoute, Organisation, User
from services.notify.writer import notify
from services.steps import Action, Choice, Field, Step, StepCall, required
from services.visibility import INTERNAL

OUTCOME_CHOICES = (Choice("resolved", "Решено", "Resolved"), Choice("not_resolved", "Не решено", "Not resolved"),
                   Choice("deferred", "Отложено", "Deferred"), Choice("declined", "Отклонено", "Declined"))
RATING_CHOICES = tuple(Choice(n, str(n), str(n)) for n in range(1, 6))

EXECUTOR = required("executor_org", "Исполняющая организация", "Executing organization", "org", lookup="executor_orgs")
MANAGER = Field("manager", "user", False, "Менеджер-исполнитель", "Executing manager", lookup="managers")
SUBJECT = Field("subject", "text", False, "Тема обращения", "Appeal subject")
DESCRIPTION = Field("description", "text", False, "Описание обращения", "Appeal description")
REASON = required("reason", "Причина", "Reason")


def executor(session: Session, code: str, field: str) -> Organisation:
    """The organisation `code` if it may execute appeals, else 422 naming the field."""
    org = session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        raise ValidationFailed("Неизвестная организация", {field: [f"нет организации '{code}'"]})
    if org.kind not in EXECUTOR_KINDS:
        raise ValidationFailed("Организация не может исполнять обращения",
                               {field: [f"вид '{org.kind}' не исполняет обращения"]})
    return org


def route(session: Session, appeal: Appeal, org_code: str, now) -> None:
    """Remember that the appeal was sent to `org_code` (it stays visible there after a redirect)."""
    exists = session.scalar(select(AppealRoute).where(AppealRoute.appeal_id == appeal.id,
                                                      AppealRoute.org_code == org_code))
    if exists is None:
        session.add(AppealRoute(appeal_id=appeal.id, org_code=org_code, routed_at=now))


def control_org(session: Session, executor_code: str, agency: str) -> str:
    """Who controls the answer: the executing body when it has an active head (deputy minister,
    deputy head of the municipality), else the single window. Set in every pack; the Moscow diagram
    queues its approval there (seed 004)."""
    head = session.scalar(select(User.login).where(User.org_code == executor_code, User.active.is_(True),
                                                   User.roles.like("%head%")).limit(1))
    return executor_code if head else agency


def accept(c: StepCall) -> None:
    """Moderation → accept: executor, manager and coordinator; the moderator may correct the text."""
    s, appeal, fields = c.session, c.subject, c.fields
    org = executor(s, fields["executor_org"], "executor_org")
    manager = fields.get("manager")
    if manager:
        user = s.scalar(select(User).where(User.login == manager))
        if user is None or user.org_code != org.code or "manager" not in user.role_list:
            raise ValidationFailed("Исполнитель не найден",
                                   {"manager": [f"нет менеджера '{manager}' в организации '{org.code}'"]})
    appeal.executor_org, appeal.manager_login = org.code, manager or None
    appeal.coordinator_login = appeal.coordinator_login or c.actor.login
    for name in ("subject", "description"):  # the moderator may correct the investor's text
        if fields.get(name) and fields[name] != getattr(appeal, name):
            c.history[f"{name}_before"] = getattr(appeal, name)
            setattr(appeal, name, fields[name][:500] if name == "subject" else fields[name])
    route(s, appeal, org.code, c.now)
    c.extra.update(executor_org=org.code, manager=manager or None, coordinator=appeal.coordinator_login,
                   control_org=control_org(s, org.code, appeal.agency_org))
    notify(s, [manager], "task_assigned", appeal, f"Обращение №{appeal.number} передано вам", c.now, visibility=INTERNAL)


def clarify(c: StepCall) -> None:
    notify(c.session, [c.subject.investor_login], "clarification", c.subject,
           f"Запрошено уточнение по обращению №{c.subject.number}", c.now)


def redirect(c: StepCall) -> None:
    s, appeal = c.session, c.subject
    org = executor(s, c.fields["org"], "org")
    if org.code == appeal.executor_org:
        raise ValidationFailed("Обращение уже у этой организации", {"org": ["выберите другую организацию"]})
    c.history.update(org_from=appeal.executor_org, org_to=org.code)
    appeal.executor_org, appeal.manager_login = org.code, None
    route(s, appeal, org.code, c.now)
    c.extra.update(executor_org=org.code, manager=None, control_org=control_org(s, org.code, appeal.agency_org))
    notify(s, [appeal.coordinator_login], "redirected", appeal,
           f"Обращение №{appeal.number} перенаправлено в {org.name}", c.now, visibility=INTERNAL)


def take(c: StepCall) -> None:
    """The caller becomes the manager; a substitute takes on behalf of the absent colleague."""
    c.subject.manager_login = c.on_behalf_of or c.actor.login
    c.extra["manager"] = c.subject.manager_login


def extend(c: StepCall) -> None:
    appeal = c.subject
    until = date.fromisoformat(c.fields["until"])
    if until <= appeal.deadline:
        raise ValidationFailed("Новый срок должен быть позже текущего",
                               {"until": [f"позже {appeal.deadline.strftime('%d.%m.%Y')}"]})
    appeal.extension_until = until
    notify(c.session, [appeal.head_login], "extension_requested", appeal,
           f"Запрошен перенос срока по обращению №{appeal.number}", c.now, visibility=INTERNAL)


def approve_extension(c: StepCall) -> None:
    appeal = c.subject
    until = appeal.extension_until
    c.history.update(deadline_from=appeal.deadline.isoformat(), deadline_to=until.isoformat(),
                     reason=_extension_reason(c.session, appeal))
    appeal.deadline, appeal.deadline_at = until, end_of_day(c.ctx, until)
    appeal.extension_until = None
    c.extra.update(deadline=until.isoformat(), deadline_at=appeal.deadline_at.isoformat())


def deny(c: StepCall) -> None:
    c.subject.extension_until = None


def answer(c: StepCall) -> None:
    c.subject.answer_text, c.subject.outcome = c.fields["text"], c.fields["outcome"]
    c.extra["outcome"] = c.fields["outcome"]


def approve_answer(c: StepCall) -> None:
    appeal = c.subject
    appeal.answered_at = c.now
    due = c.now + timedelta(days=c.ctx.settings.rating_period_days)
    c.extra["rating_due_at"] = due.isoformat()
    notify(c.session, [appeal.investor_login], "answer_ready", appeal,
           f"Получен ответ на обращение №{appeal.number}", c.now)


def rate(c: StepCall) -> None:
    c.subject.rating = c.fields["rating"]


def rework(c: StepCall) -> None:
    appeal = c.subject
    appeal.rework_count += 1
    appeal.answered_at = None
    c.history["rework_count"] = appeal.rework_count
    notify(c.session, [appeal.manager_login, appeal.coordinator_login], "rework", appeal,
           f"Обращение №{appeal.number} отправлено на доработку", c.now, visibility=INTERNAL)


def _extension_reason(session: Session, appeal: Appeal) -> str | None:
    """The reason given with the pending extension request (its `extend` history event)."""
    data = session.scalar(select(HistoryEvent.data).where(
        HistoryEvent.subject_type == "appeal", HistoryEvent.subject_id == appeal.id, HistoryEvent.action == "extend")
        .order_by(HistoryEvent.id.desc()).limit(1))
    return (data or {}).get("reason")


REDIRECT = Action("redirect", "Перенаправить", "Redirect",
                  (required("org", "Организация", "Organization", "org", lookup="executor_orgs"), REASON), redirect)
ACCEPT = Action("accept", "Принять и передать на исполнение", "Accept and send for execution",
                (EXECUTOR, MANAGER, SUBJECT, DESCRIPTION), accept)
REJECT = Action("reject", "Отклонить", "Reject", (REASON,), comment=("rejection", "reason"))
CLARIFY = Action("clarify", "Запросить уточнение", "Ask for clarification",
                 (required("question", "Вопрос инвестору", "Question to the investor"),), clarify,
                 comment=("clarification_request", "question"))

STEPS = (
    Step("moderation", "Модерация обращения", "Moderation", "appeal", ("moderator",), (ACCEPT, REJECT, CLARIFY)),
    Step("clarification", "Уточнение инвестора", "Investor's clarification", "appeal", ("investor",),
         (Action("reply", "Отправить уточнение", "Send the clarification", (required("text", "Текст", "Text"),),
                 comment=("clarification_reply", "text")),)),
    Step("take", "Взять обращение в работу", "Take the appeal", "appeal", ("manager",),
         (Action("take", "Взять в работу", "Take", handler=take), REDIRECT)),
    Step("execution", "Подготовка ответа", "Preparing the answer", "appeal", ("manager",),
         (Action("answer", "Ответить", "Answer",
                 (required("text", "Текст", "Text"),
                  required("outcome", "Результат", "Outcome", "outcome", choices=OUTCOME_CHOICES)), answer,
                 visibility=INTERNAL),  # a draft: the investor reads the answer once the head approved it
          REDIRECT,
          Action("extend", "Запросить перенос срока", "Request a later deadline",
                 (required("until", "Новый срок", "New deadline", "date"), REASON), extend, visibility=INTERNAL))),
    Step("extension", "Решение о переносе срока", "Deadline extension decision", "appeal", ("head",),
         (Action("approve", "Согласовать перенос", "Approve the extension", handler=approve_extension),
          Action("deny", "Отказать в переносе", "Deny the extension", (REASON,), deny, visibility=INTERNAL))),
    Step("approval", "Согласование ответа", "Answer approval", "appeal", ("head",),
         (Action("approve", "Согласовать и отправить", "Approve and send", handler=approve_answer),
          Action("return", "Вернуть на доработку исполнителю", "Return to the executor",
                 (required("remarks", "Замечания", "Remarks"),), comment=("remarks", "remarks"),
                 visibility=INTERNAL))),
    Step("rating", "Оценка ответа", "Rating the answer", "appeal", ("investor",),
         (Action("accept", "Принять ответ", "Accept the answer",
                 (required("rating", "Оценка", "Rating", "rating", choices=RATING_CHOICES),), rate),
          Action("rework", "Отправить на доработку", "Send back for rework", (REASON,), rework,
                 comment=("rework_reason", "reason")))),
)
"""The shared appeal steps (appeal.bpmn; the Moscow diagram reuses them)."""
