"""The offer catalogue (tilbud, idékatalog, "pårørendeknap", OfferCatalogue): what an offer
says, the rules it must keep, and how a spreadsheet row becomes one.

An offer answers Herning's five questions (what, who, where, when, how) and says which
conditions and which relatives it is for; no conditions or no relatives means every one.
The catalogue is versioned (persistence: ``offer`` and its immutable ``offer_version`` rows),
so a referral and a handout name exactly the text they showed. This module is pure: it
checks and cleans one offer's content and reports every problem by field, so a bad
spreadsheet row can be reported column by column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit

from advisor_app.domain.enums import Condition, OfferAudience, OfferKind, ReferralStatus
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.text import clean_line, clean_note, fold

TITLE_MAX = 200
ANSWER_MAX = 2000
LINE_MAX = 300
LINK_MAX = 500
OUTCOME_MAX = 2000

# Spreadsheet lists (conditions, relatives) are codes joined by this separator.
LIST_SEPARATOR = ","

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class OfferContent:
    """One version of an offer: everything a relative reads about it."""

    kind: OfferKind
    title: str
    what: str
    who: str
    where: str
    when: str
    how: str
    conditions: tuple[Condition, ...] = ()
    audiences: tuple[OfferAudience, ...] = ()
    contact: str = ""
    address: str = ""
    area: str = ""
    link: str = ""
    legal_basis: str = ""
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def is_for(
        self, condition: Condition | None = None, audience: OfferAudience | None = None
    ) -> bool:
        """Whether the offer suits a relative of ``audience`` caring for ``condition``: an
        offer that names no conditions (or no relatives) suits every one."""
        return (condition is None or not self.conditions or condition in self.conditions) and (
            audience is None or not self.audiences or audience in self.audiences
        )

    def search_text(self) -> str:
        parts = (self.title, self.what, self.who, self.where, self.when, self.how)
        return fold(" ".join((*parts, self.contact, self.address, self.area, self.legal_basis)))


# The five answers, in Herning's order, with the English source of their questions.
FIVE_ANSWERS: tuple[tuple[str, str], ...] = (
    ("what", N_("What is it?")),
    ("who", N_("Who is it for?")),
    ("where", N_("Where is it?")),
    ("when", N_("When is it?")),
    ("how", N_("How do I take part?")),
)

FIELD_LABELS: dict[str, str] = {
    "kind": N_("Kind"),
    "title": N_("Title"),
    "what": N_("What"),
    "who": N_("Who"),
    "where": N_("Where"),
    "when": N_("When"),
    "how": N_("How"),
    "conditions": N_("Conditions"),
    "audiences": N_("Relatives"),
    "contact": N_("Contact"),
    "address": N_("Address"),
    "area": N_("Area"),
    "link": N_("Link"),
    "legal_basis": N_("Legal basis"),
    "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"),
}

KIND_LABELS: dict[OfferKind, str] = {
    OfferKind.RELIEF: N_("Relief"),
    OfferKind.COURSE: N_("Course for relatives"),
    OfferKind.GROUP: N_("Peer or self-help group"),
    OfferKind.COUNSELLING: N_("Counselling"),
    OfferKind.VOLUNTEER: N_("Volunteer organisation"),
    OfferKind.RIGHTS: N_("Rights and law"),
    OfferKind.TOOL: N_("Tool or guide"),
}

AUDIENCE_LABELS: dict[OfferAudience, str] = {
    OfferAudience.SPOUSE: N_("Spouses and partners"),
    OfferAudience.ADULT_CHILD: N_("Adult children"),
    OfferAudience.YOUNG: N_("Children and young people"),
    OfferAudience.PARENT: N_("Parents of a sick child"),
    OfferAudience.SIBLING: N_("Siblings"),
    OfferAudience.OTHER: N_("Other family and friends"),
    OfferAudience.BEREAVED: N_("Bereaved"),
}

# "I am the spouse of someone with dementia": the public page's index by need.
AUDIENCE_NEEDS: dict[OfferAudience, str] = {
    OfferAudience.SPOUSE: N_("I am the spouse or partner of someone with {condition}"),
    OfferAudience.ADULT_CHILD: N_("I am the adult child of someone with {condition}"),
    OfferAudience.YOUNG: N_("I am young and close to someone with {condition}"),
    OfferAudience.PARENT: N_("I am the parent of a child with {condition}"),
    OfferAudience.SIBLING: N_("I am the sibling of someone with {condition}"),
    OfferAudience.OTHER: N_("I am family or a friend of someone with {condition}"),
    OfferAudience.BEREAVED: N_("I have lost someone who had {condition}"),
}

# The condition as it reads inside a sentence ("someone with dementia").
CONDITION_IN_SENTENCE: dict[Condition, str] = {
    Condition.DEMENTIA: N_("dementia"),
    Condition.HUNTINGTONS: N_("Huntington's disease"),
    Condition.COPD: N_("COPD"),
    Condition.HEART: N_("heart disease"),
    Condition.CANCER: N_("cancer"),
    Condition.STROKE: N_("a stroke"),
    Condition.PARKINSONS: N_("Parkinson's disease"),
    Condition.MENTAL_ILLNESS: N_("a mental illness"),
    Condition.DISABILITY: N_("a disability"),
    Condition.BRAIN_INJURY: N_("an acquired brain injury"),
    Condition.FRAILTY: N_("frailty in old age"),
    Condition.OTHER: N_("another illness"),
}

STATUS_LABELS: dict[ReferralStatus, str] = {
    ReferralStatus.REFERRED: N_("Referred"),
    ReferralStatus.STARTED: N_("Started"),
    ReferralStatus.COMPLETED: N_("Completed"),
    ReferralStatus.DECLINED: N_("Declined"),
    ReferralStatus.STOPPED: N_("Stopped"),
}


def _link(value: str) -> str:
    text = clean_line(
        value, field="link", label=FIELD_LABELS["link"], max_len=LINK_MAX, required=False
    )
    if text is None:
        return ""
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
        raise ValidationError(
            N_("{label} must be a web address starting with http:// or https://."),
            field="link",
            label=FIELD_LABELS["link"],
        )
    return text


def _ordered(values: Sequence[E], enum: type[E]) -> tuple[E, ...]:
    """Without duplicates, in the vocabulary's order: equal content compares equal."""
    chosen = set(values)
    return tuple(member for member in enum if member in chosen)


def check_content(raw: OfferContent) -> tuple[OfferContent | None, list[ValidationError]]:
    """The cleaned content and no problems, or None and every problem (one per field)."""
    problems: list[ValidationError] = []
    cleaned: dict[str, object] = {}

    def keep(name: str, clean: object) -> None:
        try:
            cleaned[name] = clean() if callable(clean) else clean
        except ValidationError as error:
            problems.append(error)

    keep("kind", raw.kind)
    if not isinstance(raw.kind, OfferKind):
        problems.append(ValidationError(N_("Choose the kind of offer."), field="kind"))
    keep(
        "title",
        lambda: clean_line(
            raw.title, field="title", label=FIELD_LABELS["title"], max_len=TITLE_MAX
        ),
    )
    for name, _question in FIVE_ANSWERS:

        def answer(name: str = name) -> str:
            text = clean_note(
                getattr(raw, name), field=name, label=FIELD_LABELS[name], max_len=ANSWER_MAX
            )
            if not text:
                raise ValidationError(
                    N_("{label} must be filled in."), field=name, label=FIELD_LABELS[name]
                )
            return text

        keep(name, answer)
    keep("conditions", _ordered(raw.conditions, Condition))
    keep("audiences", _ordered(raw.audiences, OfferAudience))
    for name in ("contact", "address", "area", "legal_basis"):
        keep(
            name,
            lambda name=name: (
                clean_line(
                    getattr(raw, name),
                    field=name,
                    label=FIELD_LABELS[name],
                    max_len=LINE_MAX,
                    required=False,
                )
                or ""
            ),
        )
    keep("link", lambda: _link(raw.link))
    keep("valid_from", raw.valid_from)
    keep("valid_to", raw.valid_to)
    if raw.valid_from is not None and raw.valid_to is not None and raw.valid_from > raw.valid_to:
        problems.append(
            ValidationError(N_("Valid from must not be after valid to."), field="valid_to")
        )
    if problems:
        return None, problems
    return replace(raw, **cleaned), []  # type: ignore[arg-type]


def checked(raw: OfferContent) -> OfferContent:
    """The cleaned content, or the first problem raised as a ValidationError."""
    content, problems = check_content(raw)
    if content is None:
        raise problems[0]
    return content


# ---- a spreadsheet row ----------------------------------------------------------------------
# The columns of the catalogue file, in order; ``id`` empty for a new offer.
COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "title",
    "what",
    "who",
    "where",
    "when",
    "how",
    "conditions",
    "relatives",
    "contact",
    "address",
    "area",
    "link",
    "legal_basis",
    "valid_from",
    "valid_to",
)
_COLUMN_OF_FIELD = {"audiences": "relatives"}


def column_of(field_name: str | None) -> str:
    name = field_name or "id"
    return _COLUMN_OF_FIELD.get(name, name)


@dataclass(frozen=True, slots=True)
class CellProblem:
    column: str
    error: ValidationError


@dataclass(frozen=True, slots=True)
class RowProblems:
    """Everything wrong with one row of a catalogue file (row 1 is the header)."""

    row: int
    cells: tuple[CellProblem, ...]


@dataclass(frozen=True, slots=True)
class ParsedRow:
    row: int
    offer_id: int | None
    content: OfferContent


@dataclass(frozen=True, slots=True)
class ParsedFile:
    rows: tuple[ParsedRow, ...] = ()
    problems: tuple[RowProblems, ...] = field(default_factory=tuple)


def row_from_content(offer_id: int | None, content: OfferContent) -> dict[str, str]:
    """The catalogue file's cells for one offer: the inverse of ``parse_row``."""
    return {
        "id": "" if offer_id is None else str(offer_id),
        "kind": content.kind.value,
        "title": content.title,
        "what": content.what,
        "who": content.who,
        "where": content.where,
        "when": content.when,
        "how": content.how,
        "conditions": LIST_SEPARATOR.join(c.value for c in content.conditions),
        "relatives": LIST_SEPARATOR.join(a.value for a in content.audiences),
        "contact": content.contact,
        "address": content.address,
        "area": content.area,
        "link": content.link,
        "legal_basis": content.legal_basis,
        "valid_from": content.valid_from.isoformat() if content.valid_from else "",
        "valid_to": content.valid_to.isoformat() if content.valid_to else "",
    }


def _codes(text: str, enum: type[E], column: str) -> tuple[E, ...]:
    values = [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    known = {member.value: member for member in enum}
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValidationError(
            N_("Unknown code '{code}'; use {codes}."),
            field=column,
            code=unknown[0][:40],
            codes=", ".join(known),
        )
    return _ordered([known[v] for v in values], enum)


def _day(text: str, column: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10] if len(text) > 10 and text[10] in " T" else text)
    except ValueError:
        raise ValidationError(
            N_("'{value}' is not a date of the form YYYY-MM-DD."), field=column, value=text[:20]
        ) from None


def parse_row(row: int, cells: Mapping[str, str]) -> ParsedRow | RowProblems:
    """One row of a catalogue file: the offer it describes, or every problem in it."""
    problems: list[CellProblem] = []

    def cell(name: str) -> str:
        return cells.get(name, "") or ""

    offer_id: int | None = None
    if cell("id").strip():
        try:
            offer_id = int(cell("id").strip())
            if offer_id < 1:
                raise ValueError
        except ValueError:
            problems.append(
                CellProblem("id", ValidationError(N_("The id must be a whole number above 0.")))
            )
    kind: OfferKind | None = None
    kinds = {k.value: k for k in OfferKind}
    if cell("kind").strip() in kinds:
        kind = kinds[cell("kind").strip()]
    else:
        problems.append(
            CellProblem(
                "kind",
                ValidationError(
                    N_("Unknown code '{code}'; use {codes}."),
                    code=cell("kind").strip()[:40],
                    codes=", ".join(kinds),
                ),
            )
        )
    parsed: dict[str, object] = {}
    try:
        parsed["conditions"] = _codes(cell("conditions"), Condition, "conditions")
    except ValidationError as error:
        problems.append(CellProblem("conditions", error))
    try:
        parsed["relatives"] = _codes(cell("relatives"), OfferAudience, "relatives")
    except ValidationError as error:
        problems.append(CellProblem("relatives", error))
    for name in ("valid_from", "valid_to"):
        try:
            parsed[name] = _day(cell(name), name)
        except ValidationError as error:
            problems.append(CellProblem(name, error))
    raw = OfferContent(
        kind=kind or OfferKind.RELIEF,
        title=cell("title"),
        what=cell("what"),
        who=cell("who"),
        where=cell("where"),
        when=cell("when"),
        how=cell("how"),
        conditions=parsed.get("conditions", ()),  # type: ignore[arg-type]
        audiences=parsed.get("relatives", ()),  # type: ignore[arg-type]
        contact=cell("contact"),
        address=cell("address"),
        area=cell("area"),
        link=cell("link"),
        legal_basis=cell("legal_basis"),
        valid_from=parsed.get("valid_from"),  # type: ignore[arg-type]
        valid_to=parsed.get("valid_to"),  # type: ignore[arg-type]
    )
    content, errors = check_content(raw)
    seen = {p.column for p in problems}
    problems.extend(
        CellProblem(column_of(e.field), e) for e in errors if column_of(e.field) not in seen
    )
    if problems:
        order = {name: i for i, name in enumerate(COLUMNS)}
        problems.sort(key=lambda p: order.get(p.column, len(order)))
        return RowProblems(row, tuple(problems))
    assert content is not None
    return ParsedRow(row, offer_id, content)


def parse_rows(header: Sequence[str], rows: Sequence[tuple[int, Sequence[str]]]) -> ParsedFile:
    """A whole catalogue file: every row parsed, every problem kept. ``header`` must hold
    every column; an id may appear once only."""
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise ValidationError(
            N_("The file lacks the column(s) {columns}; the first row must name the columns."),
            columns=", ".join(missing),
        )
    parsed: list[ParsedRow] = []
    problems: list[RowProblems] = []
    seen_ids: dict[int, int] = {}
    for number, values in rows:
        if not any((v or "").strip() for v in values):
            continue  # an empty line between rows
        cells = {name: (values[i] if i < len(values) else "") for i, name in enumerate(names)}
        result = parse_row(number, cells)
        if isinstance(result, RowProblems):
            problems.append(result)
            continue
        if result.offer_id is not None:
            if result.offer_id in seen_ids:
                problems.append(
                    RowProblems(
                        number,
                        (
                            CellProblem(
                                "id",
                                ValidationError(
                                    N_("The id {id} is also in row {row}."),
                                    id=result.offer_id,
                                    row=seen_ids[result.offer_id],
                                ),
                            ),
                        ),
                    )
                )
                continue
            seen_ids[result.offer_id] = number
        parsed.append(result)
    return ParsedFile(tuple(parsed), tuple(problems))


def content_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(OfferContent))


# ---- referrals ------------------------------------------------------------------------------
def clean_outcome(text: str | None) -> str:
    return clean_note(text, field="outcome", label=N_("Outcome"), max_len=OUTCOME_MAX)


def describe_row(problem: RowProblems, gettext: Callable[[str], str]) -> str:
    """One line for a bad row: 'Row 4: title: Title must be filled in.; link: ...'."""
    cells = "; ".join(f"{p.column}: {p.error.translated(gettext)}" for p in problem.cells)
    return gettext("Row {row}: {problems}").format(row=problem.row, problems=cells)
