"""OpenID Connect providers as a deployment configures them (docs/identity.md).

A TOML or JSON file (`KORIDOR_OIDC_CONFIG`) lists the providers with their claim mapping; the
environment may add providers or override a file's values (`KORIDOR_OIDC_PROVIDERS=esia,egov` and
`KORIDOR_OIDC_<NAME>_ISSUER`, `_CLIENT_ID`, `_CLIENT_SECRET`, `_SCOPES`, `_LABEL`, `_KIND`), so a
client secret need not sit in the file. Pure: reads what it is given, raises `ConfigError`.
"""
from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("investor", "staff")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
CLAIM_KEYS = ("login", "name", "email", "phone", "inn", "ogrn", "company_name", "groups")
DEFAULT_CLAIMS = {"login": "preferred_username", "name": "name", "email": "email", "phone": "phone_number",
                  "inn": "inn", "ogrn": "ogrn", "company_name": "org_name", "groups": "groups"}


class ConfigError(ValueError):
    """The identity configuration cannot be used (the message names the provider and the key)."""


@dataclass(frozen=True)
class StaffMapping:
    """How a staff provider's users become Koridor staff.

    `link_existing`: a Koridor account whose login equals the login claim signs in through the
    provider. `create`: an unknown login gets an account in `org` with the roles the mapping gives
    (groups → `group_roles`, and the admin's `login_roles`); never without roles. With
    `group_roles` set, the roles follow the provider at every sign-in."""

    org: str = ""
    create: bool = False
    link_existing: bool = True
    group_roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    login_roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def roles_for(self, login: str, groups: list[str]) -> tuple[str, ...]:
        """The Koridor roles the mapping gives this login with these groups (may be empty)."""
        roles = [r for g in groups for r in self.group_roles.get(g, ())] + list(self.login_roles.get(login, ()))
        return tuple(dict.fromkeys(roles))


@dataclass(frozen=True)
class Provider:
    """One OpenID Connect provider: where it is, Koridor's client there, the button and the claims."""

    name: str
    issuer: str
    client_id: str
    client_secret: str = ""
    label: str = ""
    kind: str = "investor"
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    claims: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_CLAIMS))
    token_auth: str = "client_secret_basic"
    userinfo: bool = True  # also read the userinfo endpoint (claims an ID token leaves out)
    trust_company_claim: bool = True  # the ИНН/БИН claim is the provider's word: the account joins that company
    timeout_seconds: float = 10.0
    staff: StaffMapping = field(default_factory=StaffMapping)

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def claim(self, claims: Mapping[str, Any], key: str) -> Any:
        """The value of Koridor's `key` (login, name, email, …) in the provider's claims, or None."""
        name = self.claims.get(key)
        if not name:
            return None
        value: Any = claims
        for part in name.split("."):  # "org.inn" reads a nested claim
            value = value.get(part) if isinstance(value, Mapping) else None
        return value


def load_providers(env: Mapping[str, str]) -> tuple[Provider, ...]:
    """The providers of `KORIDOR_OIDC_CONFIG` (a .toml or .json file) and the environment."""
    raw: dict[str, dict[str, Any]] = {}
    path = env.get("KORIDOR_OIDC_CONFIG", "").strip()
    if path:
        for entry in _read_file(Path(path)):
            name = str(entry.get("name", ""))
            if name in raw:
                raise ConfigError(f"провайдер '{name}' указан дважды")
            raw[name] = dict(entry)
    names = [n.strip() for n in env.get("KORIDOR_OIDC_PROVIDERS", "").split(",") if n.strip()]
    for name in names:
        raw.setdefault(name, {"name": name})
    for name, entry in raw.items():
        prefix = f"KORIDOR_OIDC_{name.upper().replace('-', '_')}_"
        for key in ("issuer", "client_id", "client_secret", "label", "kind", "token_auth"):
            if env.get(prefix + key.upper()):
                entry[key] = env[prefix + key.upper()]
        if env.get(prefix + "SCOPES"):
            entry["scopes"] = env[prefix + "SCOPES"].replace(",", " ").split()
        if entry.get("client_secret_env"):
            entry["client_secret"] = env.get(str(entry.pop("client_secret_env")), "")
    return tuple(provider_from(entry) for entry in raw.values())


def _read_file(path: Path) -> list[Mapping[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, ValueError) as err:
        raise ConfigError(f"файл провайдеров {path}: {err}") from err
    entries = data.get("provider", data.get("providers", [])) if isinstance(data, dict) else data
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"файл провайдеров {path}: ожидается список [[provider]]")
    return entries


def provider_from(entry: Mapping[str, Any]) -> Provider:
    """One provider from its settings (a dict as in the file); ConfigError names what is wrong."""
    name = str(entry.get("name", ""))
    where = f"провайдер '{name}'"
    if not _NAME.match(name):
        raise ConfigError(f"{where}: имя — строчная латиница, цифры, _ и - (до 40 символов)")
    for key in ("issuer", "client_id"):
        if not str(entry.get(key) or "").strip():
            raise ConfigError(f"{where}: не задан {key}")
    issuer = str(entry["issuer"]).strip()
    if not issuer.startswith(("https://", "http://")):
        raise ConfigError(f"{where}: issuer — адрес https://…")
    kind = str(entry.get("kind", "investor"))
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind — одно из {', '.join(KINDS)}")
    scopes = entry.get("scopes", ["openid", "profile", "email"])
    scopes = scopes.split() if isinstance(scopes, str) else [str(s) for s in scopes]
    if "openid" not in scopes:
        scopes = ["openid", *scopes]
    claims = dict(DEFAULT_CLAIMS)
    for key, value in dict(entry.get("claims") or {}).items():
        if key not in CLAIM_KEYS:
            raise ConfigError(f"{where}: claims.{key} — неизвестное поле (допустимы: {', '.join(CLAIM_KEYS)})")
        claims[key] = str(value or "")
    token_auth = str(entry.get("token_auth", "client_secret_basic"))
    if token_auth not in ("client_secret_basic", "client_secret_post"):
        raise ConfigError(f"{where}: token_auth — client_secret_basic или client_secret_post")
    return Provider(name=name, issuer=issuer,
                    client_id=str(entry["client_id"]), client_secret=str(entry.get("client_secret") or ""),
                    label=str(entry.get("label") or name), kind=kind, scopes=tuple(dict.fromkeys(scopes)),
                    claims=claims, token_auth=token_auth, userinfo=bool(entry.get("userinfo", True)),
                    trust_company_claim=bool(entry.get("trust_company_claim", True)),
                    timeout_seconds=float(entry.get("timeout_seconds", 10)), staff=_staff(where, kind, entry))


def _staff(where: str, kind: str, entry: Mapping[str, Any]) -> StaffMapping:
    from .models import ROLES

    raw = dict(entry.get("staff") or {})
    if kind != "staff":
        if raw:
            raise ConfigError(f"{where}: раздел staff — только для kind = \"staff\"")
        return StaffMapping()

    def roles_table(key: str) -> dict[str, tuple[str, ...]]:
        table: dict[str, tuple[str, ...]] = {}
        for item, roles in dict(raw.get(key) or {}).items():
            roles = [roles] if isinstance(roles, str) else list(roles)
            bad = [r for r in roles if r not in ROLES or r == "investor"]
            if bad:
                raise ConfigError(f"{where}: staff.{key}.{item}: неизвестные или не служебные роли {', '.join(bad)}")
            table[str(item)] = tuple(roles)
        return table

    mapping = StaffMapping(org=str(raw.get("org") or ""), create=bool(raw.get("create", False)),
                           link_existing=bool(raw.get("link_existing", True)),
                           group_roles=roles_table("group_roles"), login_roles=roles_table("login_roles"))
    if mapping.create and not mapping.org:
        raise ConfigError(f"{where}: staff.create требует staff.org (организация создаваемых учётных записей)")
    return mapping
