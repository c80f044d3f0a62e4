"""One Settings object, read from the environment in one place."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from .identity_config import Provider, load_providers

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{ROOT / 'instance' / 'koridor.db'}"
    pack: str = ""  # a registered pack code (packs/); empty: the default pack
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    token_ttl_seconds: int = 12 * 3600
    rating_period_days: int = 14  # investor silence: days after the answer without a rating → closed by the system
    sla_warning_working_days: int = 2  # warn executor and coordinator this many working days before the deadline (0: off)
    timer_lease_seconds: int = 300  # a scheduler's claim on due timers; a crashed process's claims expire after it
    timer_retry_seconds: int = 60  # first back-off after a failing timer handler, doubled each time
    timer_retry_max_seconds: int = 6 * 3600
    max_upload_bytes: int = 2 * 1024 * 1024
    testing: bool = False
    # e-mail (issue 5): no smtp_host = letters are kept in the outbox as `skipped`, never sent
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "koridor@localhost"
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 30.0
    public_url: str = "http://localhost:8000"  # links in letters
    outbox_interval_seconds: int = 30
    outbox_max_attempts: int = 8
    outbox_backoff_seconds: int = 60  # 60 s, 2 min, 4 min, … between attempts
    outbox_lease_seconds: int = 300
    digest_hour: int = 8  # the daily digest of held letters goes at this local hour (the pack's zone)
    # sign-in (issue 18, docs/identity.md): OpenID Connect providers, passwords, investors' self-registration
    oidc_providers: tuple[Provider, ...] = ()
    password_login: bool = True
    self_registration: bool = True
    signup_token_hours: int = 24

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Read KORIDOR_* variables; keyword overrides win (tests, CLI flags)."""
        env = os.environ
        values = {
            "database_url": env.get("KORIDOR_DATABASE_URL") or cls.database_url,
            "pack": env.get("KORIDOR_PACK", ""),
            "rating_period_days": int(env.get("KORIDOR_RATING_PERIOD_DAYS", "14")),
            "smtp_host": env.get("KORIDOR_SMTP_HOST", ""),
            "smtp_port": int(env.get("KORIDOR_SMTP_PORT", "25")),
            "smtp_user": env.get("KORIDOR_SMTP_USER", ""),
            "smtp_password": env.get("KORIDOR_SMTP_PASSWORD", ""),
            "smtp_from": env.get("KORIDOR_SMTP_FROM", "koridor@localhost"),
            "smtp_starttls": env.get("KORIDOR_SMTP_STARTTLS", "").lower() in ("1", "true", "yes", "on"),
            "public_url": env.get("KORIDOR_PUBLIC_URL", "http://localhost:8000"),
            "outbox_interval_seconds": int(env.get("KORIDOR_OUTBOX_INTERVAL_SECONDS", "30")),
            "outbox_max_attempts": int(env.get("KORIDOR_OUTBOX_MAX_ATTEMPTS", "8")),
            "digest_hour": min(max(int(env.get("KORIDOR_DIGEST_HOUR", "8")), 0), 23),
            "sla_warning_working_days": int(env.get("KORIDOR_SLA_WARNING_WORKING_DAYS", "2")),
            "timer_lease_seconds": int(env.get("KORIDOR_TIMER_LEASE_SECONDS", "300")),
            "oidc_providers": load_providers(env),
            "password_login": _flag(env.get("KORIDOR_PASSWORD_LOGIN", "1")),
            "self_registration": _flag(env.get("KORIDOR_SELF_REGISTRATION", "1")),
            "signup_token_hours": int(env.get("KORIDOR_SIGNUP_TOKEN_HOURS", "24")),
        }
        if env.get("KORIDOR_SECRET_KEY"):
            values["secret_key"] = env["KORIDOR_SECRET_KEY"]
        else:
            values["secret_key"] = _instance_secret()
        values.update(overrides)
        return cls(**values)


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def _instance_secret() -> str:
    """A per-installation secret kept under instance/ so tokens survive restarts."""
    path = ROOT / "instance" / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        return key
