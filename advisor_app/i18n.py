"""Translations (gettext catalogs kept as Babel .po files) and Danish-aware formatting.

English source strings; ``resources/locale/<lang>/LC_MESSAGES/advisor_app.po`` holds each
catalog. The .po is compiled in memory at first use, so there is no build step and no binary
file to keep in sync. ``_()`` follows the UI language; ``catalog(lang)`` serves documents in
the recipient's language, whatever the UI shows.
"""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime
from functools import cache

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _babel_decimal

from advisor_app.locations import resources_dir

DOMAIN = "advisor_app"
SOURCE_LANGUAGE = "en"
DEFAULT_LANGUAGE = "da"
LANGUAGES = ("da", "en")
_LOCALES = {"da": "da_DK", "en": "en_GB"}

_current = DEFAULT_LANGUAGE


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The translations for ``language``; English (the source) needs none."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    path = resources_dir() / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        parsed = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, parsed, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def set_language(language: str) -> None:
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language}")
    _current = language


def current_language() -> str:
    return _current


def N_(message: str) -> str:
    return message


def _(message: str) -> str:
    """Translate a UI string into the current UI language."""
    return catalog(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(_current).ngettext(singular, plural, n)


def locale_of(language: str | None = None) -> Locale:
    return Locale.parse(_LOCALES[language or _current])


def format_date(value: date | None, language: str | None = None) -> str:
    """Dates as the reader expects them: 22.11.2026 in Danish."""
    if value is None:
        return ""
    return _babel_date(
        value,
        format="short" if (language or _current) != "da" else "dd.MM.yyyy",
        locale=locale_of(language),
    )


def format_datetime(value: datetime | None, language: str | None = None) -> str:
    """Local wall-clock time of an aware datetime: 22.11.2026 14:05 in Danish."""
    if value is None:
        return ""
    local = value.astimezone()
    if (language or _current) == "da":
        return _babel_datetime(local, format="dd.MM.yyyy HH:mm", locale=locale_of(language))
    return _babel_datetime(local, format="short", locale=locale_of(language))


def format_number(value: float, language: str | None = None) -> str:
    return _babel_decimal(value, locale=locale_of(language))
