"""Read-only table models over the services' frozen rows; the views sort through a proxy.

Each model has its columns as an IntEnum and one function per column that gives the text;
the whole row stays available under ``ROW_ROLE`` for the slots that need it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from advisor_app.domain.errors import ServiceError
from advisor_app.domain.instruments import BAND_TEXTS, Instrument
from advisor_app.i18n import N_, _, format_date, format_datetime
from advisor_app.services.dto import (
    ActionView,
    CheckInDueRow,
    CheckInView,
    RelativeRow,
    SessionView,
)
from advisor_app.services.instruments import OWN_LIFE, shipped
from advisor_app.ui.labels import label

R = TypeVar("R")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
OVERDUE_BRUSH = QBrush(QColor("#a40000"))
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str  # English source, marked with N_
    text: Callable[[R], str]
    sort_key: Callable[[R], Any] | None = None
    alert: Callable[[R], bool] | None = None


class RowsModel(QAbstractTableModel, Generic[R]):
    COLUMNS: Sequence[Column[Any]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[R, ...] = ()

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[R, ...]:
        return self._rows

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == SORT_ROLE:
            return column.sort_key(row) if column.sort_key else column.text(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and column.alert and column.alert(row):
            return OVERDUE_BRUSH
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.COLUMNS)
        ):
            return _(self.COLUMNS[section].header)
        return None


def _count(n: int) -> str:
    return str(n) if n else ""


class RelativeColumn(IntEnum):
    NAME = 0
    CITIZENS = 1
    PHONE = 2
    POSTCODE = 3
    OPEN_ACTIONS = 4
    OVERDUE = 5


class RelativesModel(RowsModel[RelativeRow]):
    COLUMNS = (
        Column[RelativeRow](
            N_("Name"), lambda r: r.name + (" " + _("(child)") if r.is_child else "")
        ),
        Column[RelativeRow](N_("Cares for"), lambda r: r.citizens),
        Column[RelativeRow](N_("Phone"), lambda r: r.phone or ""),
        Column[RelativeRow](N_("Postcode"), lambda r: r.postcode or ""),
        Column[RelativeRow](
            N_("Open follow-ups"), lambda r: _count(r.open_actions), lambda r: r.open_actions
        ),
        Column[RelativeRow](
            N_("Overdue"),
            lambda r: _count(r.overdue_actions),
            lambda r: r.overdue_actions,
            lambda r: r.overdue_actions > 0,
        ),
    )


def _topics(session: SessionView) -> str:
    from advisor_app.i18n import current_language

    return ", ".join(t.label(current_language()) for t in session.topics)


class SessionColumn(IntEnum):
    STARTED = 0
    FORM = 1
    MINUTES = 2
    TOPICS = 3
    FOLLOW_UPS = 4
    ADVISOR = 5


class SessionsModel(RowsModel[SessionView]):
    COLUMNS = (
        Column[SessionView](
            N_("Date"), lambda s: format_datetime(s.started_at), lambda s: s.started_at
        ),
        Column[SessionView](N_("Form"), lambda s: label(s.form)),
        Column[SessionView](
            N_("Minutes"), lambda s: str(s.duration_minutes), lambda s: s.duration_minutes
        ),
        Column[SessionView](N_("Topics"), _topics),
        Column[SessionView](
            N_("Follow-ups"), lambda s: _count(len(s.actions)), lambda s: len(s.actions)
        ),
        Column[SessionView](N_("Advisor"), lambda s: s.advisor_name),
    )


class ActionColumn(IntEnum):
    DUE = 0
    DESCRIPTION = 1
    STATUS = 2
    RELATIVE = 3


def _status(action: ActionView) -> str:
    return _("Overdue") if action.overdue else label(action.status)


class ActionsModel(RowsModel[ActionView]):
    COLUMNS = (
        Column[ActionView](
            N_("Due"),
            lambda a: format_date(a.due_on),
            lambda a: (a.due_on is None, a.due_on.toordinal() if a.due_on else 0),
            lambda a: a.overdue,
        ),
        Column[ActionView](N_("Follow-up"), lambda a: a.description),
        Column[ActionView](N_("Status"), _status, None, lambda a: a.overdue),
        Column[ActionView](N_("Relative"), lambda a: a.relative_name or ""),
    )


# ---- check-ins ----------------------------------------------------------------------------
def _instrument(instrument_id: str) -> Instrument | None:
    try:
        return shipped(instrument_id)
    except ServiceError:
        return None  # a check-in with an instrument no longer shipped still lists


def instrument_name(instrument_id: str) -> str:
    from advisor_app.i18n import current_language

    found = _instrument(instrument_id)
    return found.name_in(current_language()) if found else instrument_id


def answer_label(instrument_id: str, value: int | None) -> str:
    """A scale answer in words (the scale's label in the UI language), else the number."""
    from advisor_app.i18n import current_language

    if value is None:
        return ""
    found = _instrument(instrument_id)
    if found is not None:
        labels = found.scale_labels.get(current_language()) or found.scale_labels.get("en")
        if labels and 0 <= value - found.scale_min < len(labels):
            return labels[value - found.scale_min]
    return str(value)


def _own_life(item_id: str) -> Callable[[CheckInView], str]:
    def text(view: CheckInView) -> str:
        answer = view.answer(OWN_LIFE, item_id)
        if answer is None:
            return ""
        return answer.text if answer.text is not None else answer_label(OWN_LIFE, answer.value)

    return text


def _band(view: CheckInView) -> str:
    return _(BAND_TEXTS[view.band]) if view.band in BAND_TEXTS else ""


LOW_BANDS = frozenset({"poor", "likely_depression"})


def _score_is_low(view: CheckInView | CheckInDueRow) -> bool:
    """The score and band are red by the score's own band: a good WHO-5 is never red because
    of another answer (the reason for a follow-up has a column of its own)."""
    return view.band in LOW_BANDS


class CheckInColumn(IntEnum):
    TAKEN = 0
    INSTRUMENT = 1
    SCORE = 2
    BAND = 3
    CHANGE = 4
    SLEEP = 5
    OWN_TIME = 6
    WORK = 7
    TALK = 8
    WORRY = 9


class CheckInsModel(RowsModel[CheckInView]):
    COLUMNS = (
        Column[CheckInView](
            N_("Date"), lambda c: format_datetime(c.taken_at), lambda c: c.taken_at
        ),
        Column[CheckInView](N_("Instrument"), lambda c: instrument_name(c.instrument_id)),
        Column[CheckInView](
            N_("Score"),
            lambda c: "" if c.score is None else str(c.score),
            lambda c: (c.score is None, c.score or 0),
            _score_is_low,
        ),
        Column[CheckInView](N_("Wellbeing"), _band, None, _score_is_low),
        Column[CheckInView](
            N_("Change"),
            lambda c: "" if c.change is None else f"{c.change:+d}",
            lambda c: c.change or 0,
            lambda c: (c.change or 0) < 0,
        ),
        Column[CheckInView](N_("Sleep"), _own_life("sleep")),
        Column[CheckInView](N_("Time for yourself"), _own_life("own_time")),
        Column[CheckInView](N_("Work and interests"), _own_life("work_interests")),
        Column[CheckInView](N_("Someone to talk to"), _own_life("someone_to_talk_to")),
        Column[CheckInView](N_("Worries"), _own_life("worry")),
    )


def _reasons(row: CheckInDueRow) -> str:
    reasons = [_(PROMPT_LABELS.get(code, code)) for code in row.prompts]
    if row.too_old:
        reasons.append(_("Time for a new check-in"))
    return "; ".join(reasons)


PROMPT_LABELS = {
    "score_28": N_("Score 28 or lower"),
    "score_50": N_("Score 50 or lower"),
    "drop": N_("Dropped 10 points or more"),
    "item_low": N_("Answers at 0 or 1"),
    "child_low": N_("Low answers (child)"),
    "own_life_low": N_("Own life: 'Not at all'"),
}


class CheckInDueModel(RowsModel[CheckInDueRow]):
    COLUMNS = (
        Column[CheckInDueRow](N_("Relative"), lambda r: r.relative_name),
        Column[CheckInDueRow](
            N_("Last check-in"), lambda r: format_datetime(r.taken_at), lambda r: r.taken_at
        ),
        Column[CheckInDueRow](N_("Instrument"), lambda r: instrument_name(r.instrument_id)),
        Column[CheckInDueRow](
            N_("Score"),
            lambda r: "" if r.score is None else str(r.score),
            lambda r: (r.score is None, r.score or 0),
            _score_is_low,
        ),
        Column[CheckInDueRow](N_("Why"), _reasons, None, lambda r: bool(r.prompts)),
    )
