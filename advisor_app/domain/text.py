"""Cleaning of free text from forms, and the Danish search folding.

Search folding: SQLite's unicode61 folds é and ü but not æ, ø, å (no decomposition), so
"Soren" would not find "Søren". Both the stored search key and the query go through
``fold`` so either spelling finds the other: æ->ae, ø/oe->o, å/aa->a.
"""

from __future__ import annotations

import re
import unicodedata

from advisor_app.domain.errors import N_, ValidationError

NAME_MAX = 120
SHORT_TEXT_MAX = 500
NOTE_MAX = 20_000

_SPACES = re.compile(r"\s+")
_DANISH_PREFIX = re.compile(r"^(?:\+|00)45(?=[0-9]{8}$)")  # +45 or 0045 before 8 digits


# Bidirectional controls reorder what is shown (U+202E makes "gpj.exe" read "exe.jpg"): never
# wanted in a name, an address or a note. Some are category Cf, U+061C too.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_JOINERS = frozenset("\u200c\u200d")  # zero width non-joiner and joiner
_EMOJI_MODIFIERS = frozenset("\ufe0f\ufe0e") | frozenset(chr(c) for c in range(0x1F3FB, 0x1F400))
_TAGS = range(0xE0020, 0xE0080)  # tag characters: the letters of a subdivision flag


def _joins_visible(text: str, i: int) -> bool:
    """A joiner between two visible characters: an emoji sequence (woman ZWJ girl) or a
    Persian/Indic name written with ZWNJ. Alone, at an edge or by a space it hides nothing
    useful and is refused."""
    before = i - 1
    while before >= 0 and text[before] in _EMOJI_MODIFIERS:
        before -= 1
    if before < 0 or i + 1 >= len(text):
        return False
    return all(
        unicodedata.category(ch)[0] in "LM" or unicodedata.category(ch) == "So"
        for ch in (text[before], text[i + 1])
    )


def _bad_character(text: str, i: int, allowed: str) -> bool:
    ch = text[i]
    if ch in allowed:
        return False
    category = unicodedata.category(ch)
    if category in ("Cc", "Co") or ch in BIDI_CONTROLS:
        return True
    if category != "Cf":
        return False  # unassigned (Cn) passes: a new emoji may be unknown to this Python
    if ch in _JOINERS:
        return not _joins_visible(text, i)
    if ord(ch) in _TAGS:  # inside a tag sequence that follows the black flag U+1F3F4
        return not (i > 0 and (text[i - 1] == "\U0001f3f4" or ord(text[i - 1]) in _TAGS))
    return True  # soft hyphen, BOM, word joiner, invisible operators...


def check_characters(value: str, *, field: str, label: str, allowed: str = "") -> None:
    """Refuse what cannot be stored or shown honestly: a lone surrogate (half of a UTF-16
    pair: no encoding can store it), NUL, ESC and the other C0/C1 controls, bidi controls and
    the other invisible format characters; emoji and their joiner sequences pass."""
    if any(unicodedata.category(ch) == "Cs" for ch in value):
        raise ValidationError(
            N_("{label} contains a broken character that cannot be saved."),
            label=label,
            field=field,
        )
    if any(_bad_character(value, i, allowed) for i in range(len(value))):
        raise ValidationError(N_("{label} contains control characters."), label=label, field=field)


def clean_line(
    value: str | None, *, field: str, label: str, max_len: int = NAME_MAX, required: bool = True
) -> str | None:
    """One line of text (a name, a place): trimmed, inner spaces folded, no control characters.

    ``label`` is an English source string naming the field in the message.
    """
    # NFC first: the length limit is for the text as stored, not as typed (macOS decomposes).
    text = unicodedata.normalize("NFC", _SPACES.sub(" ", (value or "").replace("\u00a0", " ")))
    text = text.strip()
    if not text:
        if required:
            raise ValidationError(N_("{label} must be filled in."), label=label, field=field)
        return None
    check_characters(value or "", field=field, label=label, allowed="\t\n\r")
    if "\n" in (value or "").strip() or "\r" in (value or "").strip():
        raise ValidationError(N_("{label} must be one line."), label=label, field=field)
    if len(text) > max_len:
        raise ValidationError(
            N_("{label} is too long (at most {max_len} characters)."),
            label=label,
            max_len=max_len,
            field=field,
        )
    return text


def clean_note(value: str | None, *, field: str, label: str, max_len: int = NOTE_MAX) -> str:
    """Multi-line text (notes): keeps line breaks and tabs, rejects other control characters."""
    text = unicodedata.normalize("NFC", (value or "").replace("\r\n", "\n").replace("\r", "\n"))
    text = text.strip()
    check_characters(text, field=field, label=label, allowed="\t\n")
    if len(text) > max_len:
        raise ValidationError(
            N_("{label} is too long (at most {max_len} characters)."),
            label=label,
            max_len=max_len,
            field=field,
        )
    return text


_FOLD_MAP = str.maketrans({"æ": "ae", "ä": "ae", "ø": "o", "ö": "o", "å": "a", "ß": "ss"})


def fold(text: str) -> str:
    """Lower-case, Danish-aware, accent-free form of ``text`` for search keys and queries."""
    lowered = unicodedata.normalize("NFC", text).casefold().translate(_FOLD_MAP)
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch)
    )
    stripped = stripped.replace("aa", "a").replace("oe", "o")
    return _SPACES.sub(" ", stripped).strip()


SEARCH_MAX_CHARS = 200
SEARCH_MAX_WORDS = 10


def clean_query(query: str) -> tuple[str, bool]:
    """A search as typed, made safe to run: refused if it holds NUL, a control or a broken
    character (PostgreSQL refuses NUL outright), and cut to ``SEARCH_MAX_CHARS`` characters
    and ``SEARCH_MAX_WORDS`` words, because every word is one more condition and SQLite gives
    up on a few thousand ("Expression tree is too large"). Returns the query to run and
    whether it was shortened; nobody needs eleven words to find a relative."""
    check_characters(query, field="search", label=N_("The search"), allowed="\t\n\r")
    text = query.strip()
    shortened = len(text) > SEARCH_MAX_CHARS
    text = text[:SEARCH_MAX_CHARS]
    words = text.split()
    if len(words) > SEARCH_MAX_WORDS:
        shortened = True
        text = " ".join(words[:SEARCH_MAX_WORDS])
    return text, shortened


def search_tokens(query: str) -> list[str]:
    """The folded words of a query; a phone number's + and - are dropped so digits match,
    and so is the Danish country code (+45, 0045): Danish numbers are stored without it."""
    tokens = []
    for word in fold(query).split():
        if re.fullmatch(r"[0-9+-]+", word):
            if word in ("+45", "0045"):
                continue
            word = _DANISH_PREFIX.sub("", word.replace("-", "")).replace("+", "")
        if word:
            tokens.append(word)
    return tokens


def search_key(*parts: str | None) -> str:
    """The stored key: folded words, plus phone numbers as bare digits."""
    pieces: list[str] = []
    for part in parts:
        if not part:
            continue
        pieces.append(fold(part))
        digits = re.sub(r"\D", "", part)
        if len(digits) >= 6:
            pieces.append(digits)
    return " ".join(pieces)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet will not run: a leading apostrophe before a formula's start."""
    return f"'{text}" if looks_like_formula(text) else text
