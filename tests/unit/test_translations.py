"""The English catalogue: complete, placeholders intact, in step with the sources, and used by the pages.

Message ids are the Russian texts. After adding or changing a text in web/, run `make translations`
and fill in the new msgstr in web/translations/en/LC_MESSAGES/messages.po.
"""
from __future__ import annotations

import re

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.support import build_world
from web.i18n import TRANSLATIONS

ROOT = TRANSLATIONS.parents[1]
CATALOGUE = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
# The same keywords as `make translations`: pybabel's defaults plus -k _ -k gettext -k lazy_gettext.
KEYWORDS = {**DEFAULT_KEYWORDS, "_": None, "gettext": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifr]")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _catalogue():
    with CATALOGUE.open("rb") as f:
        return read_po(f)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, list | tuple) else (message.string,)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_catalogue_is_english_and_not_fuzzy():
    catalogue = _catalogue()
    assert str(catalogue.locale) == "en"
    assert not catalogue.fuzzy, "remove '#, fuzzy' from the header of messages.po"
    assert [m.id for m in catalogue if m.id and m.fuzzy] == []


def test_every_message_is_translated():
    untranslated = [m.id for m in _catalogue() if m.id and not all(s.strip() for s in _strings(m))]
    assert untranslated == [], "empty msgstr in messages.po"


def test_translations_keep_the_placeholders():
    wrong = {}
    for message in _catalogue():
        if not message.id:
            continue
        expected = set().union(*(_placeholders(i) for i in _ids(message)))
        for string in _strings(message):
            if _placeholders(string) != expected:
                wrong[_ids(message)[0]] = (sorted(expected), string)
            elif message.python_format:
                string % {name: 1 for name in expected}  # a stray '%' raises here
    assert wrong == {}


def test_catalogue_covers_every_text_in_the_sources():
    """Extract as `make translations` does and compare: a new text without a translation fails here."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    extracted = {message[2] if isinstance(message[2], str) else message[2][0]
                 for message in extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS)}
    known = {_ids(m)[0] for m in _catalogue() if m.id}
    missing = sorted(extracted - known)
    assert missing == [], "texts missing from messages.po (run `make translations` and translate them): " + \
        "; ".join(missing)


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    return app.test_client()


def _visible_form_texts(html: str) -> list[str]:
    texts = re.findall(r"<(?:h1|label|button|title)\b[^>]*>(.*?)</(?:h1|label|button|title)>", html, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", t).strip() for t in texts]


def test_login_page_in_english(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "<h1>Sign in</h1>" in html
    texts = _visible_form_texts(html)
    assert {"Login", "Password", "Sign in"} <= set(texts)
    assert [t for t in texts if CYRILLIC.search(t)] == []


def test_login_page_in_russian_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="ru">' in html
    assert "<h1>Вход в систему</h1>" in html
    assert {"Логин", "Пароль", "Войти"} <= set(_visible_form_texts(html))


def test_language_choice_is_remembered(client):
    response = client.get("/lang/en?next=/login")
    assert response.status_code == 302
    assert "<h1>Sign in</h1>" in client.get("/login").get_data(as_text=True)
