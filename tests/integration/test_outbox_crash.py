"""kill -9 of a sender in the middle of a sweep: after the restart every letter is sent, none is lost,
and only the one letter in flight at the kill may arrive twice (with the same Message-ID)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from services.appeals.intake import submit_appeal
from services.models import OutboxMessage
from services.notify import outbox
from services.people.directory import actor_for
from tests.mailbox import SmtpServer, use_smtp
from tests.support import COMPANY, FACT_PROBLEM, build_world

ROOT = Path(__file__).resolve().parents[2]
SENDER = """
import sys
from engine.db import Database
from services.context import Context
from services.notify.outbox import send_pending
from services.settings import Settings

settings = Settings(database_url=sys.argv[1], smtp_host="127.0.0.1", smtp_port=int(sys.argv[2]),
                    smtp_from="koridor@aerlo.example", secret_key="crash-test")
send_pending(Context(settings=settings, db=Database(settings.database_url)))
"""
LETTERS = 12  # two per appeal: the investor's «зарегистрировано» and the moderator's queued task


def _states(ctx) -> Counter:
    with ctx.db.unit_of_work() as uow:
        return Counter(uow.session.scalars(select(OutboxMessage.state)))


def test_kill_9_in_the_middle_of_a_sweep_loses_nothing(ctx, clock, database_url, tmp_path):
    build_world(ctx)
    with ctx.db.unit_of_work() as uow:
        investor = actor_for(uow.session, "investor")
    for i in range(LETTERS // 2):
        submit_appeal(ctx, investor, {"fact": FACT_PROBLEM, "subject": f"Обращение {i}", "description": "d",
                                      "company": COMPANY})
    script = tmp_path / "sender.py"
    script.write_text(SENDER)
    with SmtpServer() as server:
        mailbox = server.mailbox
        mailbox.delay = 0.3
        process = subprocess.Popen([sys.executable, str(script), database_url, str(server.port)], cwd=ROOT)
        try:
            deadline = time.monotonic() + 60
            while len(mailbox.messages) < 4 and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.02)
            assert len(mailbox.messages) >= 4, "the sender got going"
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait()
        states = _states(ctx)
        assert sum(states.values()) == LETTERS and states["sending"] > 0, states  # killed mid-sweep, nothing lost
        delivered_before = len(mailbox.messages)

        use_smtp(ctx, server.port)
        mailbox.delay = 0.0
        restart = datetime.now(UTC) + timedelta(seconds=ctx.settings.outbox_lease_seconds + 1)  # the lease ran out
        counts = outbox.send_pending(ctx, now=restart)
        assert counts["sent"] == states["sending"] + states["pending"]
        assert _states(ctx) == Counter({"sent": LETTERS})
        ids = Counter(str(m["Message-ID"]) for m in mailbox.messages)
        assert len(ids) == LETTERS, "every letter arrived"
        duplicated = [mid for mid, n in ids.items() if n > 1]
        assert len(duplicated) <= 1 and all(ids[mid] == 2 for mid in duplicated), ids  # only the one in flight
        assert len(mailbox.messages) - delivered_before == counts["sent"]
        assert outbox.send_pending(ctx, now=restart) == {}
