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


def _has_control(value: str, allowed: str = "") -> bool:
    return any(
        unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in allowed for ch in value
    )


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
    if _has_control(value or "", allowed="\t\n\r"):
        raise ValidationError(N_("{label} contains control characters."), label=label, field=field)
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
    if _has_control(text, allowed="\t\n"):
        raise ValidationError(N_("{label} contains control characters."), label=label, field=field)
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
