"""A session and a check-in summed up as escaped rich text: the relative's page shows these,
and documents about the same meeting take their wording from here, so the window and the
paper say the same thing from one place.

Plain data in (any object with the attributes below: the services' frozen views fit), text
out, in ``language`` (the UI's by default). Every user string goes through ``html.escape``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import StrEnum
from html import escape
from typing import Protocol

from advisor_app.domain.instruments import BAND_TEXTS, Instrument
from advisor_app.domain.labels import LABELS
from advisor_app.i18n import N_, catalog, current_language, format_date, format_datetime

NO_DUE_DATE = N_("no due date")


class _Topic(Protocol):
    def label(self, language: str) -> str: ...


class _Participant(Protocol):
    @property
    def label(self) -> str: ...


class _Action(Protocol):
    @property
    def description(self) -> str: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def overdue(self) -> bool: ...
    @property
    def status(self) -> StrEnum: ...


class SessionSummary(Protocol):
    @property
    def started_at(self) -> datetime: ...
    @property
    def form(self) -> StrEnum: ...
    @property
    def duration_minutes(self) -> int: ...
    @property
    def notes(self) -> str: ...
    @property
    def advisor_name(self) -> str: ...
    @property
    def topics(self) -> Sequence[_Topic]: ...
    @property
    def participants(self) -> Sequence[_Participant]: ...
    @property
    def actions(self) -> Sequence[_Action]: ...


class _Answer(Protocol):
    @property
    def instrument_id(self) -> str: ...
    @property
    def item_id(self) -> str: ...
    @property
    def value(self) -> int | None: ...
    @property
    def text(self) -> str | None: ...


class CheckInSummary(Protocol):
    @property
    def taken_at(self) -> datetime: ...
    @property
    def instrument_id(self) -> str: ...
    @property
    def score(self) -> int | None: ...
    @property
    def band(self) -> str | None: ...
    @property
    def change(self) -> int | None: ...
    @property
    def mode(self) -> StrEnum: ...
    @property
    def language(self) -> StrEnum: ...
    @property
    def advisor_name(self) -> str: ...
    @property
    def answers(self) -> Sequence[_Answer]: ...


def _gettext(language: str | None) -> Callable[[str], str]:
    return catalog(language or current_language()).gettext


def due_text(due_on: date | None, language: str | None = None) -> str:
    """A follow-up's due date as the reader writes it, or "no due date"."""
    return format_date(due_on, language) or _gettext(language)(NO_DUE_DATE)


def session_html(session: SessionSummary, language: str | None = None) -> str:
    """A session as escaped rich text."""
    lang = language or current_language()
    t = _gettext(lang)
    parts = [
        f"<h3>{escape(format_datetime(session.started_at, lang))} · "
        f"{escape(t(LABELS[session.form]))}"
        f" · {session.duration_minutes} {escape(t('min'))}</h3>"
    ]
    if session.topics:
        topics = ", ".join(escape(topic.label(lang)) for topic in session.topics)
        parts.append(f"<p><b>{escape(t('Topics'))}:</b> {topics}</p>")
    if session.participants:
        people = ", ".join(escape(p.label) for p in session.participants)
        parts.append(f"<p><b>{escape(t('Participants'))}:</b> {people}</p>")
    if session.notes:
        notes = escape(session.notes).replace("\n", "<br>")
        parts.append(f"<p><b>{escape(t('Notes'))}:</b><br>{notes}</p>")
    if session.actions:
        items = "".join(
            f"<li>{escape(a.description)} ({escape(due_text(a.due_on, lang))},"
            f" {escape(t('Overdue') if a.overdue else t(LABELS[a.status]))})</li>"
            for a in session.actions
        )
        parts.append(f"<p><b>{escape(t('Follow-ups'))}:</b></p><ul>{items}</ul>")
    parts.append(f"<p><i>{escape(t('Advisor'))}: {escape(session.advisor_name)}</i></p>")
    return "".join(parts)


def check_in_html(
    check_in: CheckInSummary,
    find: Callable[[str], Instrument | None],
    language: str | None = None,
) -> str:
    """A check-in's every answer as escaped rich text, the scored instrument first, the item
    text in the language it was given in (licensed text once the municipality has loaded
    it, else the item numbers). ``find`` gives the instrument of an id, or None."""
    lang = language or current_language()
    t = _gettext(lang)
    instrument_ids = sorted(
        dict.fromkeys(a.instrument_id for a in check_in.answers),
        key=lambda i: i != check_in.instrument_id,
    )
    scored = find(check_in.instrument_id)
    name = scored.name_in(lang) if scored else check_in.instrument_id
    parts = [f"<h3>{escape(format_datetime(check_in.taken_at, lang))} · {escape(name)}</h3>"]
    summary = []
    if check_in.score is not None:
        summary.append(t("Score: {score}").format(score=check_in.score))
    if check_in.band in BAND_TEXTS:
        summary.append(t(BAND_TEXTS[check_in.band]))
    if check_in.change is not None:
        summary.append(t("Significant change: {points:+d}").format(points=check_in.change))
    summary.append(t(LABELS[check_in.mode]))
    parts.append(f"<p>{escape(' · '.join(summary))}</p>")
    given_in = check_in.language.value
    for instrument_id in instrument_ids:
        instrument = find(instrument_id)
        title = instrument.name_in(lang) if instrument else instrument_id
        rows = []
        for answer in (a for a in check_in.answers if a.instrument_id == instrument_id):
            question = answer.item_id
            labels: tuple[str, ...] = ()
            if instrument is not None and instrument.shows_text:
                item = next((i for i in instrument.items if i.id == answer.item_id), None)
                if item is not None:
                    question = item.text_in(given_in)
                labels = instrument.scale_labels.get(given_in) or ()
            value = answer.text
            if value is None and answer.value is not None and instrument is not None:
                step = answer.value - instrument.scale_min
                value = labels[step] if 0 <= step < len(labels) else str(answer.value)
            rows.append(f"<li>{escape(question)}: <b>{escape(value or '')}</b></li>")
        parts.append(f"<p><b>{escape(title)}</b></p><ul>{''.join(rows)}</ul>")
    parts.append(f"<p><i>{escape(t('Advisor'))}: {escape(check_in.advisor_name)}</i></p>")
    return "".join(parts)
