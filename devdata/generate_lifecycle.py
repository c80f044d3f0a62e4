"""One generated appeal's life: the steps a real one goes through (engine/history rows with the same
actions, tasks and statuses as the appeal diagram writes), turned into rows of appeals,
appeal_routes, comments and history_events. See services/generate.py for the proportions."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from itertools import accumulate
from typing import Any

from classifiers.calendar import ProductionCalendar
from classifiers.deadlines import compute_deadline
from devdata.generate_people import Directory
from engine.audit import event_hash
from services.context import Context

# seed 001, «Общее количество обращений по типу»: count, answered, in work, overdue, average rating
SEED_001 = {"consultation": (67, 63, 3, 2, 4.93), "help": (28, 27, 0, 0, 4.0), "problem": (194, 173, 20, 2, 4.796)}
SEED_001_TOTAL = (289, 263, 23, 4, 4.6)
CHANNELS = (("lk", 60), ("email", 12), ("phone", 10), ("meeting", 5), ("letter", 5), ("portal", 4),
            ("messenger", 2), ("social", 2))
OUTCOMES = (("resolved", 80), ("not_resolved", 8), ("deferred", 7), ("declined", 5))
IN_WORK_STAGES = (("on_moderation", 10), ("in_execution", 20), ("taken", 50), ("on_approval", 20))
REWORKS = ((0, 94), (1, 5), (2, 1))
REDIRECT_SHARE = 0.08
RATED_SHARE = 0.85
COMMENT_SHARE = 0.25
AGENCY_EXECUTES = {"consultation": 0.6}  # other types: 0.2
LOW_RATINGS = ((4, 60), (3, 25), (2, 10), (1, 5))  # mean 3.4; the rest are 5s, as many as the mean needs
ANSWERS = ("Разъяснения по обращению направлены, порядок действий изложен в ответе.",
           "Вопрос рассмотрен на рабочей встрече, решение согласовано с исполнителем.",
           "Документы проверены, замечания устранены, согласование выдано.",
           "Обращение рассмотрено, заявителю предложены альтернативные варианты.")
REASONS = ("Ответ не содержит сроков", "Просим уточнить порядок согласования", "Не приложены документы")
COMMENTS = ("Документы направлены на почту", "Просим ускорить рассмотрение", "Встреча назначена на следующей неделе",
            "Запрос направлен в профильный орган")
HOUR = timedelta(hours=1)


class _Pick:
    """Weighted choice with precomputed cumulative weights (a hot path at a million appeals)."""

    def __init__(self, pairs, rng: random.Random):
        self.items = [p[0] for p in pairs]
        self.cum = list(accumulate(p[1] for p in pairs))
        self.rng = rng

    def __call__(self):
        return self.rng.choices(self.items, cum_weights=self.cum)[0]


class Lifecycle:
    def __init__(self, ctx: Context, people: Directory, rng: random.Random, now: datetime, days: int,
                 calendar: ProductionCalendar):
        self.ctx, self.people, self.rng, self.now, self.calendar = ctx, people, rng, now, calendar
        self.start = now - timedelta(days=days)
        self.days = days
        facts: dict[str, list[str]] = {}
        for fact in ctx.classifier.facts():
            facts.setdefault(fact.appeal_type, []).append(fact.code)
        self.facts = facts
        self.profiles = {t: SEED_001.get(t, SEED_001_TOTAL) for t in facts}
        self.pick_type = _Pick([(t, SEED_001[t][0] if t in SEED_001 else 289 / len(facts)) for t in facts], rng)
        self.pick_channel = _Pick(CHANNELS, rng)
        self.pick_outcome = _Pick(OUTCOMES, rng)
        self.pick_stage = _Pick(IN_WORK_STAGES, rng)
        self.pick_reworks = _Pick(REWORKS, rng)
        self.pick_low = _Pick(LOW_RATINGS, rng)
        executors = list(people.executors)
        rng.shuffle(executors)
        self.pick_executor = _Pick([(code, 1 / (n + 1) ** 0.7) for n, code in enumerate(executors)], rng)
        self.deadlines: dict[tuple, tuple] = {}
        self.rating_period = timedelta(days=ctx.settings.rating_period_days)

    def deadline(self, fact: str, received: datetime):
        local = received.astimezone(self.ctx.tz)
        key = (fact, local.date(), local.hour)
        found = self.deadlines.get(key)
        if found is None:
            day = compute_deadline(self.ctx.classifier, fact, received, self.calendar, self.ctx.pack.timezone).deadline
            found = self.deadlines[key] = (day, datetime.combine(day, time(23, 59, 59), self.ctx.tz))
        return found

    def _rating(self, mean: float) -> int:
        return 5 if self.rng.random() < max(0.0, (mean - 3.4) / 1.6) else self.pick_low()

    def batch(self, first_id: int, size: int) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {"appeals": [], "routes": [], "comments": [], "events": []}
        for appeal_id in range(first_id, first_id + size):
            self._one(appeal_id, out)
        return out

    def _created(self, fate: str, late: bool, span_days: float) -> datetime:
        rng, now = self.rng, self.now
        if fate == "in_work":  # still open: received within its deadline (or, when late, before it)
            back = span_days * 1.5 + rng.uniform(1, 15) if late else span_days * rng.uniform(0.0, 0.9)
            created = now - timedelta(days=min(back, self.days - 1))
        else:  # answered late needs its deadline behind it; everything else spreads over the period
            latest = now - timedelta(days=span_days * 1.5 + 7) if late else now - 3 * HOUR
            created = self.start + (max(latest, self.start + HOUR) - self.start) * rng.random()
        return created.replace(microsecond=0)

    def _one(self, appeal_id: int, out: dict[str, list[dict[str, Any]]]) -> None:
        rng, people, now = self.rng, self.people, self.now
        appeal_type = self.pick_type()
        fact = self.ctx.classifier.fact(rng.choice(self.facts[appeal_type]))
        count, answered, in_work, overdue, mean_rating = self.profiles[appeal_type]
        u = rng.random()
        fate = "answered" if u < answered / count else "in_work" if u < (answered + in_work) / count else "rejected"
        late = fate != "rejected" and rng.random() < overdue / count
        sla = self.ctx.classifier.sla(fact.code)
        span_days = sla["days"] * (1.45 if sla["counting"] == "working" else 1.0) + 1
        created = self._created(fate, late, span_days)
        deadline, deadline_at = self.deadline(fact.code, created)
        company, company_name, inn, investor = rng.choice(people.companies)
        channel = self.pick_channel()
        registered_by = investor if channel == "lk" else rng.choice(people.operators)
        moderator = rng.choice(people.moderators)
        steps: list[tuple] = []  # (action, actor, role, task, status_to, data)
        routes = [(people.agency, created)]
        outcome = None
        if fate == "rejected":
            steps.append(("reject", moderator, "moderator", "moderate", "rejected", {"reason": "Вопрос вне компетенции"}))
        else:
            executor = people.agency if rng.random() < AGENCY_EXECUTES.get(appeal_type, 0.2) else self.pick_executor()
            manager = rng.choice(people.managers[executor])
            steps.append(("accept", moderator, "moderator", "moderate", "in_execution", {"executor_org": executor}))
            steps.append(("take", manager, "manager", "take", "taken", {}))
            if rng.random() < REDIRECT_SHARE:
                new = self.pick_executor()
                if new != executor:
                    steps.append(("redirect", manager, "manager", "work", "redirected",
                                  {"org": new, "reason": "По компетенции", "org_from": executor, "org_to": new}))
                    executor, manager = new, rng.choice(people.managers[new])
                    steps.append(("take", manager, "manager", "take", "taken", {}))
            outcome = self.pick_outcome()
            reworks = self.pick_reworks()
            for k in range(reworks + 1):
                steps.append(("answer", manager, "manager", "work", "on_approval",
                              {"text": rng.choice(ANSWERS), "outcome": outcome}))
                steps.append(("approve", people.head, "head", "approve_answer", "considered", {}))
                if k < reworks:
                    steps.append(("rework", investor, "investor", "rate", "rework",
                                  {"reason": rng.choice(REASONS), "rework_count": k + 1}))
                    steps.append(("take", manager, "manager", "take", "taken", {}))
        # when the steps happened
        if fate == "answered":
            answer_at = (deadline_at + rng.uniform(1, 120) * HOUR if late
                         else created + (min(deadline_at, now - HOUR) - created) * rng.uniform(0.15, 0.95))
            end = min(answer_at, now - HOUR).replace(microsecond=0)
        elif fate == "in_work":
            stage = self.pick_stage()
            cut = [i for i, s in enumerate(steps) if s[4] == stage and s[0] != "redirect"]
            steps = steps[:rng.choice(cut) + 1] if cut else []
            end = (now - rng.uniform(0.1, 1.0) * HOUR).replace(microsecond=0)
        else:
            end = min(created + rng.uniform(1, 24) * HOUR, now).replace(microsecond=0)
        span = end - created
        times = sorted(created + span * rng.random() for _ in range(max(len(steps) - 1, 0))) + [end]
        timed = [(times[i].replace(microsecond=0), *step) for i, step in enumerate(steps)]
        if fate == "answered":
            after = min(end + rng.uniform(1, 72) * HOUR, now).replace(microsecond=0)
            if rng.random() < RATED_SHARE:
                timed.append((after, "accept", investor, "investor", "rate", outcome,
                              {"rating": self._rating(mean_rating)}))
            elif end + self.rating_period < now:
                timed.append((end + self.rating_period, "auto_close", "system", None, "close_without_rating",
                              outcome, {}))
        self._rows(appeal_id, out, fact, appeal_type, created, deadline, deadline_at, company, company_name, inn,
                   investor, registered_by, channel, routes, timed)

    def _rows(self, appeal_id, out, fact, appeal_type, created, deadline, deadline_at, company, company_name, inn,
              investor, registered_by, channel, routes, timed) -> None:
        rng, people, now = self.rng, self.people, self.now
        state = {"status": "on_moderation", "executor_org": None, "manager_login": None, "coordinator_login": None,
                 "rework_count": 0, "rating": None, "outcome": None, "answer_text": None, "answered_at": None,
                 "closed_at": None}
        events = [(created, registered_by, "investor" if registered_by == investor else "operator", "submit", None,
                   None, "on_moderation", {})]
        for at, action, actor, role, task, status_to, data in timed:
            events.append((at, actor, role, action, task, state["status"], status_to, data))
            state["status"] = status_to
            if action == "accept" and role == "moderator":
                state["executor_org"], state["coordinator_login"] = data["executor_org"], actor
                routes.append((data["executor_org"], at))
            elif action == "redirect":
                state["executor_org"] = data["org_to"]
                routes.append((data["org_to"], at))
            elif action == "take":
                state["manager_login"] = actor
            elif action == "answer":
                state["answer_text"], state["outcome"] = data["text"], data["outcome"]
            elif action == "approve":
                state["answered_at"] = at
            elif action == "rework":
                state["rework_count"] += 1
                state["answered_at"] = None
                out["comments"].append(dict(appeal_id=appeal_id, at=at, author=actor, role=None,
                                            kind="rework_reason", text=data["reason"]))
            elif action == "accept":
                state["rating"] = data["rating"]
            if status_to in ("rejected", "resolved", "not_resolved", "deferred", "declined"):
                state["closed_at"] = at
        answered_at = state["answered_at"]
        late_at = None
        if (answered_at and answered_at > deadline_at) or (
                not answered_at and not state["closed_at"] and deadline_at < now):
            late_at = deadline_at + timedelta(minutes=1)
        last = events[-1][0]
        extra = []
        if late_at is not None:
            extra.append((late_at, "system", None, "overdue", None, None, None,
                          {"deadline": deadline.isoformat(), "notified": [people.head]}))
        if rng.random() < COMMENT_SHARE and last > created:
            for _ in range(rng.randint(1, 2)):
                author = state["manager_login"] if state["manager_login"] and rng.random() < 0.5 else investor
                at = (created + (last - created) * rng.random()).replace(microsecond=0)
                text = rng.choice(COMMENTS)
                role = "manager" if author != investor else "investor"
                extra.append((at, author, role, "comment", None, None, None, {"text": text}))
                out["comments"].append(dict(appeal_id=appeal_id, at=at, author=author, role=role, kind="comment",
                                            text=text))
        if extra:  # status-neutral rows take the status the appeal had at their time
            events.sort(key=lambda e: e[0])
            for at, actor, role, action, task, _, _, data in extra:
                current = [e for e in events if e[0] <= at][-1][6]
                events.append((at, actor, role, action, task, current, current, data))
            events.sort(key=lambda e: e[0])
        prev = None
        for at, actor, role, action, task, status_from, status_to, data in events:
            row = dict(subject_type="appeal", subject_id=appeal_id, instance_id=None, at=at, actor=actor, role=role,
                       action=action, task=task, status_from=status_from, status_to=status_to, data=data, replay=None,
                       prev_hash=prev)
            row["hash"] = prev = event_hash(row)
            out["events"].append(row)
        seen = set()
        for org, at in routes:
            if org not in seen:
                seen.add(org)
                out["routes"].append(dict(appeal_id=appeal_id, org_code=org, routed_at=at))
        out["appeals"].append(dict(
            id=appeal_id, number=appeal_id, fact_code=fact.code, category_code=fact.category_code,
            subcategory_code=fact.subcategory_code, appeal_type=appeal_type, subject=fact.name[:500],
            description=f"Просим оказать содействие: {fact.name}. Компания {company_name}, ИНН {inn}.",
            company_name=company_name, company_inn=inn, company_org=company, investor_login=investor,
            registered_by=registered_by, channel=channel, project_id=None, received_at=created, created_at=created,
            deadline=deadline, deadline_at=deadline_at, status=state["status"], overdue_at=late_at,
            agency_org=people.agency, executor_org=state["executor_org"], head_login=people.head,
            coordinator_login=state["coordinator_login"], manager_login=state["manager_login"], extension_until=None,
            rework_count=state["rework_count"], rating=state["rating"], outcome=state["outcome"],
            answer_text=state["answer_text"],
            answered_at=answered_at, closed_at=state["closed_at"], instance_id=None))
