"""An empty list says so ("Ingen opfølgninger") instead of showing a blank grid, and the
buttons that act on its rows are disabled while there are none.

The hint is a label over the view's viewport that follows the model (reset, rows in and
out), so every list gets it with one line and no list's painting changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel

from advisor_app.i18n import _

if TYPE_CHECKING:
    from advisor_app.ui.main_window import MainWindow
    from advisor_app.ui.relative_page import RelativePage


class EmptyHint(QLabel):
    def __init__(
        self, view: QAbstractItemView, text: str, buttons: Sequence[QAbstractButton] = ()
    ) -> None:
        super().__init__(text, view.viewport())
        self._view = view
        self._buttons = tuple(buttons)
        self.setObjectName(f"{view.objectName()}_empty")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        model = view.model()
        model.modelReset.connect(self.refresh)
        model.rowsInserted.connect(self.refresh)
        model.rowsRemoved.connect(self.refresh)
        model.layoutChanged.connect(self.refresh)
        view.viewport().installEventFilter(self)
        self.setGeometry(view.viewport().rect())
        self.refresh()

    @property
    def empty(self) -> bool:
        return self._view.model().rowCount() == 0

    def refresh(self, *_args: object) -> None:
        empty = self.empty
        self.setVisible(empty)
        for button in self._buttons:
            button.setEnabled(not empty)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self._view.viewport().rect())
        return super().eventFilter(watched, event)


def for_main_window(window: MainWindow) -> None:
    EmptyHint(window.relatives_view, _("No relatives found."))
    EmptyHint(window.follow_ups_view, _("No open follow-ups."))
    EmptyHint(window.check_in_due_view, _("No check-ins to follow up."))


def for_relative_page(page: RelativePage) -> None:
    EmptyHint(page.relations_view, _("No citizens cared for are registered."))
    EmptyHint(page.open_actions_view, _("No open follow-ups."), [page.done_button])
    EmptyHint(page.sessions_view, _("No sessions yet."))
    EmptyHint(page.all_actions_view, _("No follow-ups."))
    EmptyHint(page.check_ins_view, _("No check-ins yet."))
