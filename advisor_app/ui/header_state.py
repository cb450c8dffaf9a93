"""A table's column widths and sort order, remembered between runs (QSettings and the
header's own saveState), and a first sizing that lets the text be read: each column as wide
as its contents, none wider than a cap, the text column given what is left."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QTableView

MAX_COLUMN = 260  # px: a name or a date never needs more


class RememberedHeader:
    """Restores ``view``'s header from QSettings under ``key`` and saves it on every resize
    or sort. ``fit(text_column)`` sizes the columns once, unless the user's own layout was
    restored."""

    def __init__(self, view: QTableView, key: str) -> None:
        self.view = view
        self.key = f"headers/{key}"
        self.header = view.horizontalHeader()
        self.header.setStretchLastSection(False)
        self.header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        saved = QSettings().value(self.key)
        self.restored = isinstance(saved, QByteArray) and self.header.restoreState(saved)
        if self.restored:
            view.sortByColumn(self.header.sortIndicatorSection(), self.header.sortIndicatorOrder())
        self._fitted = self.restored
        self.header.sectionResized.connect(self._save)
        self.header.sortIndicatorChanged.connect(self._save)

    def fit(self, text_column: int) -> None:
        """The first time rows are shown: size to contents, cap, and give the text column
        the rest of the view's width."""
        if self._fitted or self.view.model().rowCount() == 0:
            return
        self._fitted = True
        self.header.blockSignals(True)
        try:
            self.view.resizeColumnsToContents()
            others = 0
            for column in range(self.header.count()):
                if column != text_column:
                    width = min(self.header.sectionSize(column), MAX_COLUMN)
                    self.header.resizeSection(column, width)
                    others += width
            room = self.view.viewport().width() - others
            self.header.resizeSection(
                text_column, max(min(self.header.sectionSize(text_column), 900), room, 200)
            )
        finally:
            self.header.blockSignals(False)

    def _save(self, *_args: object) -> None:
        QSettings().setValue(self.key, self.header.saveState())
