"""The providers' configuration: a TOML file, the environment over it, and clear refusals."""
from __future__ import annotations

import pytest

from services.identity_config import ConfigError, load_providers

TOML = '''
[[provider]]
name = "esia"
label = "Войти через Госуслуги"
issuer = "https://esia-bridge.example.ru/realms/esia"
client_id = "koridor"
client_secret_env = "ESIA_SECRET"
scopes = ["openid", "fullname", "email", "organisation"]
[provider.claims]
login = "snils"
inn = "org.inn"

[[provider]]
name = "agency"
kind = "staff"
issuer = "https://sso.aerlo.example/realms/aerlo"
client_id = "koridor-staff"
[provider.staff]
org = "aerlo"
create = true
[provider.staff.group_roles]
koridor-moderators = ["moderator"]
koridor-heads = "head"
[provider.staff.login_roles]
ivanova = ["manager", "coordinator"]
'''


def test_file_and_environment_make_the_providers(tmp_path):
    path = tmp_path / "providers.toml"
    path.write_text(TOML, encoding="utf-8")
    esia, agency, egov = load_providers({
        "KORIDOR_OIDC_CONFIG": str(path), "ESIA_SECRET": "from-env", "KORIDOR_OIDC_AGENCY_CLIENT_SECRET": "s2",
        "KORIDOR_OIDC_PROVIDERS": "esia,egov", "KORIDOR_OIDC_EGOV_ISSUER": "https://idp.egov.example.kz",
        "KORIDOR_OIDC_EGOV_CLIENT_ID": "koridor-kz", "KORIDOR_OIDC_EGOV_SCOPES": "openid,profile",
        "KORIDOR_OIDC_EGOV_LABEL": "eGov IDP (ЭЦП)"})
    assert (esia.client_secret, esia.kind, esia.claims["login"], esia.claims["email"]) == (
        "from-env", "investor", "snils", "email")
    assert esia.claim({"org": {"inn": "7860181593"}}, "inn") == "7860181593"
    assert esia.metadata_url == "https://esia-bridge.example.ru/realms/esia/.well-known/openid-configuration"
    assert (agency.client_secret, agency.staff.org, agency.staff.create) == ("s2", "aerlo", True)
    assert agency.staff.roles_for("ivanova", ["koridor-heads", "other"]) == ("head", "manager", "coordinator")
    assert agency.staff.roles_for("petrov", ["other"]) == ()
    assert (egov.issuer, egov.client_id, egov.scopes, egov.label) == (
        "https://idp.egov.example.kz", "koridor-kz", ("openid", "profile"), "eGov IDP (ЭЦП)")


@pytest.mark.parametrize("entry, words", [
    ('name = "Bad Name"\nissuer = "https://x"\nclient_id = "c"', "имя"),
    ('name = "x"\nclient_id = "c"', "issuer"),
    ('name = "x"\nissuer = "ftp://x"\nclient_id = "c"', "https"),
    ('name = "x"\nissuer = "https://x"\nclient_id = "c"\nkind = "robot"', "kind"),
    ('name = "x"\nissuer = "https://x"\nclient_id = "c"\n[provider.claims]\nshoe_size = "s"', "claims.shoe_size"),
    ('name = "x"\nissuer = "https://x"\nclient_id = "c"\n[provider.staff]\norg = "a"', "только для kind"),
    ('name = "x"\nissuer = "https://x"\nclient_id = "c"\nkind = "staff"\n[provider.staff]\ncreate = true',
     "staff.org"),
    ('name = "x"\nissuer = "https://x"\nclient_id = "c"\nkind = "staff"\n[provider.staff.group_roles]\ng = "investor"',
     "не служебные"),
])
def test_a_bad_provider_is_refused_with_its_name_and_key(tmp_path, entry, words):
    path = tmp_path / "p.toml"
    path.write_text(f"[[provider]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        load_providers({"KORIDOR_OIDC_CONFIG": str(path)})


def test_json_works_and_a_missing_file_is_named(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"providers": [{"name": "kc", "issuer": "https://kc", "client_id": "k"}]}')
    (kc,) = load_providers({"KORIDOR_OIDC_CONFIG": str(path)})
    assert kc.scopes == ("openid", "profile", "email") and kc.token_auth == "client_secret_basic"
    with pytest.raises(ConfigError, match="nowhere.toml"):
        load_providers({"KORIDOR_OIDC_CONFIG": str(tmp_path / "nowhere.toml")})
    assert load_providers({}) == ()
