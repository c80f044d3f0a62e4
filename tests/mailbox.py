"""A real SMTP server on loopback (aiosmtpd) for the notification tests, and a switch to make it refuse."""
from __future__ import annotations

import asyncio
import dataclasses
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Mailbox:
    """Collects every accepted message; `refuse` makes the server answer 451 (try later) to DATA."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refuse = False
        self.delay = 0.0  # seconds before answering DATA (a slow server, for the crash test)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse:
            return "451 4.3.0 Mailbox temporarily unavailable"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def subjects(self, to: str | None = None) -> list[str]:
        return [str(m["Subject"]) for m in self.messages if to is None or m["To"] == to]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def use_smtp(ctx, port: int, **extra) -> None:
    """Point the context's settings at the loopback server (fast back-off for the tests)."""
    ctx.settings = dataclasses.replace(ctx.settings, smtp_host="127.0.0.1", smtp_port=port,
                                       smtp_from="koridor@aerlo.example", smtp_timeout_seconds=5.0,
                                       public_url="https://koridor.example", **extra)
    ctx.db.sessions.configure(info={"public_url": ctx.settings.public_url})
