"""Table views wired the same way everywhere: a sorting proxy, whole-row selection."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from advisor_app.ui.table_models import ROW_ROLE, SORT_ROLE, RowsModel


class SortProxy(QSortFilterProxyModel):
    """Compares the models' Python sort keys (dates, numbers, tuples) with Python's rules."""

    def lessThan(
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        a = left.data(SORT_ROLE)
        b = right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)


def table_view(
    model: RowsModel[Any], name: str, accessible: str, parent: QWidget | None = None
) -> QTableView:
    view = QTableView(parent)
    proxy = SortProxy(view)
    proxy.setSourceModel(model)
    view.setModel(proxy)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSortingEnabled(True)
    # Qt's header starts at "descending"; a list is read from the top, A first.
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


def selected_row(view: QTableView) -> Any:
    """The frozen row behind the view's current selection, or None."""
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    if not rows:
        return None
    return rows[0].data(ROW_ROLE)
