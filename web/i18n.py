"""Languages and formats for pages: Russian by default, English switchable (Flask-Babel catalogues).

Message ids are the Russian texts; web/translations/en holds the English catalogue. The .po file
is compiled to .mo at start-up when the .mo is missing or older, so a fresh checkout just works.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, request
from flask_babel import Babel, get_locale

LANGUAGES = ("ru", "en")
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def compile_catalogues() -> None:
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as src:
                catalog = read_po(src)
            with mo.open("wb") as out:
                write_mo(out, catalog)


def select_locale() -> str:
    lang = request.args.get("lang") or request.cookies.get("lang")
    return lang if lang in LANGUAGES else "ru"


def _tz():
    return current_app.extensions["koridor"].tz


def fmt_date(value) -> str:
    """ДД.ММ.ГГГГ (in the pack's time zone for date-times)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(_tz()).date()
    return value.strftime("%d.%m.%Y")


def fmt_datetime(value) -> str:
    """ДД.ММ.ГГГГ ЧЧ:ММ in the pack's time zone."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(_tz()).strftime("%d.%m.%Y %H:%M")


def init_i18n(app: Flask) -> None:
    compile_catalogues()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "ru")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["ddmmyyyy"] = fmt_date
    app.jinja_env.filters["ddmmyyyy_hhmm"] = fmt_datetime
