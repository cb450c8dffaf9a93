"""The Danish catalog is complete: every string the program can show is translated, with the
same {placeholders}; and dates come out in Danish format."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from advisor_app import i18n
from advisor_app.domain.errors import ValidationError

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "resources" / "locale" / "da" / "LC_MESSAGES" / "advisor_app.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def source_messages() -> dict[str, str]:
    """Every msgid in the code, keyed as the catalog keys it: a plural by its singular."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "advisor_app"), keywords=KEYWORDS, comment_tags=()
    ):
        text = message[0] if isinstance(message, tuple) else message
        if text:
            found.setdefault(text, f"{filename}:{lineno}")
    return found


def plural_messages() -> dict[str, str]:
    """The ngettext calls in the code: singular -> plural."""
    found: dict[str, str] = {}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "advisor_app"), keywords=KEYWORDS, comment_tags=()
    ):
        if isinstance(message, tuple) and message[0]:
            found[message[0]] = message[1]
    return found


def danish_catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as handle:
        return read_po(handle, locale="da")


def test_extraction_finds_the_ui_and_the_error_messages() -> None:
    found = source_messages()
    assert "Search relatives" in found
    assert "The CPR number does not start with a real date (DDMMYY)." in found
    assert "Spouse or partner" in found
    assert len(found) > 150


def test_every_source_string_has_a_danish_translation() -> None:
    catalog = danish_catalog()
    missing = []
    for text, where in source_messages().items():
        entry = catalog.get(text)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(f"{where}: {text!r}")
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_plural_messages_have_every_danish_plural_form() -> None:
    catalog = danish_catalog()
    plurals = plural_messages()
    assert "{total} relative" in plurals
    broken = []
    for singular, plural in plurals.items():
        entry = catalog.get(singular)
        if entry is None or entry.id != (singular, plural):
            broken.append(f"{singular!r}: not a plural entry for {plural!r}")
        elif len(entry.string) != catalog.num_plurals or not all(entry.string):
            broken.append(f"{singular!r}: missing plural forms")
    assert not broken, "\n".join(broken)


def test_placeholders_survive_translation() -> None:
    catalog = danish_catalog()
    broken = []
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(re.findall(r"\{(\w+)\}", ids[-1]))
        for text in strings:
            if set(re.findall(r"\{(\w+)\}", text)) != wanted:
                broken.append(entry.id)
    assert not broken


def test_ui_catalog_switches_and_errors_translate() -> None:
    i18n.set_language("da")
    try:
        assert i18n._("Search relatives") != "Search relatives"
        error = ValidationError("{label} must be filled in.", label="The name")
        assert error.message == "The name must be filled in."
        danish = error.translated(i18n._)
        assert "name" not in danish and danish.endswith(".")
        i18n.set_language("en")
        assert i18n._("Search relatives") == "Search relatives"
    finally:
        i18n.set_language("da")


def test_documents_get_the_recipients_language_whatever_the_ui_shows() -> None:
    i18n.set_language("en")
    try:
        assert i18n.catalog("da").gettext("Search relatives") != "Search relatives"
    finally:
        i18n.set_language("da")


def test_dates_in_danish_format() -> None:
    assert i18n.format_date(date(2026, 3, 7), "da") == "07.03.2026"
    stamp = datetime(2026, 3, 7, 12, 5, tzinfo=UTC)
    assert i18n.format_datetime(stamp, "da").startswith("07.03.2026 ")
    assert i18n.format_number(7.5, "da") == "7,5"
