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

from advisor_app.i18n import N_, _, format_date, format_datetime
from advisor_app.services.dto import ActionView, RelativeRow, SessionView
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
