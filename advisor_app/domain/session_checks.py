"""Warnings before a session (vejledningssamtale, AdvisorySession) is saved.

None of these refuses: each is something the advisor confirms ("save anyway") or goes back
to fix. A session dated before the relative's course (forløb, Case) opened, a very short
session, and an anonymous session (SEL § 10 stk. 2) whose note may identify someone: a
CPR-like number or a word that reads like a name.

Name-like tokens are found by Danish capitalisation: nouns are written in lower case, so a
capitalised word inside a sentence is most often a name. A word that opens a sentence is
not counted unless a capitalised word follows it ("Karen Hansen") or it is a common Danish
first name. Abbreviations in capitals (KOL, SEL) and the words that are capitalised anyway
(the polite "De", "Danmark", the large associations) are not names. It is a warning, so a
false alarm costs a click; a missed name is what it is there for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from advisor_app.domain.cpr import century
from advisor_app.domain.errors import N_

SHORT_SESSION_MINUTES = 5
LONG_AGO_DAYS = 365  # without a course yet: a date this far back is most likely a typo

# Six digits of a date, an optional dash or space, four digits; not inside a longer number.
_CPR_LIKE = re.compile(r"(?<![0-9])([0-9]{2})([0-9]{2})([0-9]{2})[ -]?([0-9]{4})(?![0-9])")
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'-]*")
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")

# Words capitalised in Danish that name no one (kept lower case here; compared folded).
_NOT_NAMES = frozenset(
    {
        "de", "dem", "deres", "i", "jeg",
        "danmark", "dansk", "danske", "jylland", "sjælland", "fyn", "region", "kommune",
        "kommunen", "sundhedsstyrelsen", "socialstyrelsen", "ældre", "sagen",
        "alzheimerforeningen", "hjerteforeningen", "kræftens", "bekæmpelse", "røde", "kors",
        "lungeforeningen", "scleroseforeningen", "sind", "bedre", "psykiatri",
        "huntington", "huntingtons", "parkinson", "parkinsons", "alzheimer", "alzheimers",
        "who", "whos", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
        "jul", "påske", "nytår", "facebook", "sms", "e-boks", "mitid", "borger", "dk",
        "hr", "fru", "frk", "dr",
    }
)  # fmt: skip

_TITLES = frozenset({"hr", "fru", "frk", "dr"})

# Common Danish first names: a note that opens with one names someone.
_FIRST_NAMES = frozenset(
    {
        "anne", "kirsten", "hanne", "mette", "anna", "helle", "susanne", "lene", "maria",
        "marianne", "inge", "karen", "lone", "bente", "camilla", "pia", "charlotte", "louise",
        "tina", "gitte", "ida", "emma", "sofie", "birgit", "ulla", "jette", "else", "grethe",
        "peter", "michael", "lars", "jens", "thomas", "henrik", "søren", "christian", "martin",
        "jan", "morten", "jesper", "anders", "niels", "mads", "rasmus", "per", "hans", "ole",
        "erik", "poul", "bent", "knud", "kim", "frederik", "mikkel", "jørgen", "finn", "leif",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SessionWarning:
    """An English source template (N_) and its parameters; the UI translates it."""

    code: str
    template: str
    params: tuple[tuple[str, object], ...] = ()

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The parameters are a date, a count or words from the note: never translated."""
        return gettext(self.template).format(**dict(self.params))


def _is_cpr_like(dd: str, mm: str, yy: str, seq: str) -> bool:
    year = century(int(seq[0]), int(yy)) + int(yy)
    try:
        date(year, int(mm), int(dd))
    except ValueError:
        return False
    return True


def cpr_like_numbers(text: str) -> tuple[str, ...]:
    """Numbers in ``text`` shaped like a CPR number with a real date (masked: DDMMYY-xxxx)."""
    found = []
    for match in _CPR_LIKE.finditer(text or ""):
        dd, mm, yy, seq = match.groups()
        if _is_cpr_like(dd, mm, yy, seq):
            found.append(f"{dd}{mm}{yy}-xxxx")
    return tuple(found)


def _capitalised(word: str) -> bool:
    return word[0].isupper() and not word.isupper() and len(word) > 1


def name_like_words(text: str) -> tuple[str, ...]:
    """Words in ``text`` that read like a person's name, in order, each once."""
    text = text or ""
    found: dict[str, None] = {}
    matches = list(_WORD.finditer(text))
    for i, match in enumerate(matches):
        word = match.group(0)
        if not _capitalised(word) or word.lower() in _NOT_NAMES:
            continue
        previous = matches[i - 1].group(0).lower() if i else ""
        if previous in _TITLES:  # "hr. Jensen", "fru Nielsen": a name even after the dot
            found[word] = None
            continue
        before = text[: match.start()]
        opens_sentence = not before.strip() or bool(_SENTENCE_END.search(before))
        if opens_sentence:
            following = matches[i + 1] if i + 1 < len(matches) else None
            next_is_name = (
                following is not None
                and not text[match.end() : following.start()].strip()
                and _capitalised(following.group(0))
                and following.group(0).lower() not in _NOT_NAMES
            )
            if not next_is_name and word.lower() not in _FIRST_NAMES:
                continue
        found[word] = None
    return tuple(found)


def session_warnings(
    *,
    started_on: date,
    duration_minutes: int,
    course_started_on: date | None,
    anonymous: bool,
    notes: str,
    today: date,
) -> tuple[SessionWarning, ...]:
    """What the advisor should confirm before the session is saved (empty: nothing).

    A relative's course (forløb) opens with the first session; before that, and for an
    anonymous session, a date more than a year back is what is warned about."""
    warnings: list[SessionWarning] = []
    if course_started_on is None and (today - started_on).days > LONG_AGO_DAYS:
        warnings.append(
            SessionWarning(
                "long_ago",
                N_("The session is dated {date}, more than a year ago."),
                (("date", started_on.strftime("%d.%m.%Y")),),
            )
        )
    if course_started_on is not None and started_on < course_started_on:
        warnings.append(
            SessionWarning(
                "before_course",
                N_(
                    "The session is dated {date}, before the relative's course started on {course}."
                ),
                (
                    ("date", started_on.strftime("%d.%m.%Y")),
                    ("course", course_started_on.strftime("%d.%m.%Y")),
                ),
            )
        )
    if duration_minutes < SHORT_SESSION_MINUTES:
        warnings.append(
            SessionWarning(
                "short",
                N_("The session lasted only {minutes} min."),
                (("minutes", duration_minutes),),
            )
        )
    if anonymous:
        numbers = cpr_like_numbers(notes)
        if numbers:
            warnings.append(
                SessionWarning(
                    "note_cpr",
                    N_("The note holds what looks like a CPR number ({numbers})."),
                    (("numbers", ", ".join(numbers)),),
                )
            )
        names = name_like_words(notes)
        if names:
            warnings.append(
                SessionWarning(
                    "note_name",
                    N_("The note holds what may be a name ({names})."),
                    (("names", ", ".join(names)),),
                )
            )
    return tuple(warnings)
