"""The administrator's backups page (Sikkerhedskopier), and the start's offer to restore the
newest verified backup when the database file is damaged.

The page lists the generations (when, why, size, verified), makes one now, and restores the
selected one after a confirmation. A restore replaces the file under the running program, so
afterwards the program closes and asks to be started again (``restored`` is emitted; the
session quits the application). On a team database the page says that the server's own
backup is relied on, and its buttons stay off.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.backup_rules import BackupKind
from advisor_app.domain.errors import N_, ServiceError
from advisor_app.i18n import _
from advisor_app.services.backups import BackupView, DamagedDatabaseError
from advisor_app.services.facade import Services, open_services, restore_file
from advisor_app.ui.confirm import confirm_anyway
from advisor_app.ui.forms import ErrorBanner
from advisor_app.ui.task_runner import TaskRunner

KIND_LABELS: dict[BackupKind, str] = {
    BackupKind.MANUAL: N_("Made by hand"),
    BackupKind.DAILY: N_("Daily"),
    BackupKind.CLOSE: N_("On closing"),
    BackupKind.MIGRATION: N_("Before an update of the database"),
    BackupKind.RESTORE: N_("Replaced by a restore"),
    BackupKind.DAMAGED: N_("Damaged file replaced by a restore"),
}

Index = QModelIndex | QPersistentModelIndex


def local_time(view: BackupView) -> str:
    return view.made_at.astimezone().strftime("%Y-%m-%d %H:%M")


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("{size} MB").format(size=f"{size / (1024 * 1024):.1f}")
    return _("{size} KB").format(size=max(1, round(size / 1024)))


class Column(IntEnum):
    MADE = 0
    KIND = 1
    SIZE = 2
    VERIFIED = 3


HEADERS = {
    Column.MADE: N_("Made"),
    Column.KIND: N_("Why"),
    Column.SIZE: N_("Size"),
    Column.VERIFIED: N_("Verified"),
}


class BackupsModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[BackupView] = []

    def set_rows(self, rows: list[BackupView]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self.rows[index.row()]
        column = Column(index.column())
        if column is Column.MADE:
            return local_time(row)
        if column is Column.KIND:
            return _(KIND_LABELS[row.kind])
        if column is Column.SIZE:
            return size_text(row.size)
        return _("Yes") if row.verified else _("No")

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(Column)
        ):
            return _(HEADERS[Column(section)])
        return None


class BackupsPage(QWidget):
    backups_loaded = Signal(list)  # list[BackupView]
    backup_made = Signal(object)  # BackupView
    restored = Signal()  # the file was replaced: the program must open it again

    def __init__(
        self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("backups_page")
        self._services = services
        self._runner = runner
        self._actor = actor
        self.loaded = False
        self.banner = ErrorBanner(self)
        self.status = QLabel()
        self.status.setObjectName("backups_status")
        self.status.setWordWrap(True)
        title = QLabel(
            _(
                "Verified copies of the database, kept beside it: made on closing, daily while"
                " the program is open, and before every update or restore. How many are kept"
                " is set on the Municipality page."
            )
        )
        title.setWordWrap(True)
        self.model = BackupsModel(self)
        self.view = QTableView()
        self.view.setObjectName("backups_view")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.make_button = QPushButton(_("&Make a backup now"))
        self.make_button.setObjectName("make_backup")
        self.make_button.clicked.connect(self._on_make_clicked)
        self.restore_button = QPushButton(_("&Restore the selected backup…"))
        self.restore_button.setObjectName("restore_backup")
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.confirm_box: QMessageBox | None = None
        self.done_box: QMessageBox | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(self.make_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.load()

    def load(self) -> None:
        self.loaded = True
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.backups.generations(actor),
            self._on_loaded,
            self._on_load_error,
            owner=self,
        )

    def _on_loaded(self, rows: list[BackupView]) -> None:
        self.model.set_rows(rows)
        self.backups_loaded.emit(rows)

    def selected(self) -> BackupView | None:
        chosen = self.view.selectionModel().selectedRows()
        return self.model.rows[chosen[0].row()] if chosen else None

    # ---- make one now ------------------------------------------------------------------
    def _on_make_clicked(self) -> None:
        self.banner.clear()
        self.make_button.setEnabled(False)
        self.status.setText(_("Making a backup…"))
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.backups.make(actor),
            self._on_made,
            self._on_error,
            owner=self,
            on_bug=lambda: self.make_button.setEnabled(True),
        )

    def _on_made(self, made: BackupView) -> None:
        self.make_button.setEnabled(True)
        self.status.setText(
            _("A backup was made and verified: {when}, {size}.").format(
                when=local_time(made), size=size_text(made.size)
            )
        )
        self.backup_made.emit(made)
        self.load()

    # ---- restore -----------------------------------------------------------------------
    def _on_restore_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.status.setText(_("Choose the backup to restore in the list first."))
            return
        self.confirm_box = confirm_anyway(
            self,
            "confirm_restore",
            _("Restore a backup"),
            [
                _("The database is replaced by the backup from {when}.").format(
                    when=local_time(chosen)
                ),
                _("Everything saved since then is no longer in the database."),
                _("A copy of the database as it is now is kept among the backups."),
                _("The program then closes; start it again and sign in."),
            ],
            _("&Restore"),
            lambda: self._restore(chosen),
            question=_("Restore this backup?"),
        )

    def _restore(self, chosen: BackupView) -> None:
        self.banner.clear()
        self.make_button.setEnabled(False)
        self.restore_button.setEnabled(False)
        self.status.setText(_("Restoring…"))
        services, actor, name = self._services, self._actor, chosen.name
        self._runner.submit(
            lambda: services.restore_backup(actor, name),
            self._on_restored,
            self._on_error,
            owner=self,
            on_bug=self._enable,
        )

    def _on_restored(self, kept: Path | None) -> None:
        text = _("The backup was restored. The program closes now: start it again and sign in.")
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("Restore a backup"),
            text,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("restored_box")
        box.finished.connect(lambda _result: self.restored.emit())
        self.done_box = box
        box.open()

    def _on_load_error(self, error: ServiceError) -> None:
        """A team database (the server's backup is relied on): said, and the buttons off."""
        self.banner.show_error(error, {})
        self.make_button.setEnabled(False)
        self.restore_button.setEnabled(False)

    def _enable(self) -> None:
        self.make_button.setEnabled(True)
        self.restore_button.setEnabled(True)

    def _on_error(self, error: ServiceError) -> None:
        self._enable()
        self.status.setText("")
        self.banner.show_error(error, {})


# ---- the start: a damaged file ------------------------------------------------------------
def damaged_box(damaged: DamagedDatabaseError, title: str) -> QMessageBox:
    """The question before sign-in: restore the newest verified backup, or quit."""
    if damaged.backup is None:
        text = _(
            "The database file is damaged and was not opened; nothing was written to it."
            " There is no verified backup to restore. Ask for help before starting again."
        )
        return QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok)
    text = _(
        "The database file is damaged and was not opened; nothing was written to it.\n\n"
        "The newest verified backup is from {when}. Restore it? Everything saved since then"
        " is lost; a copy of the damaged file is kept."
    ).format(when=damaged.backup.made_at.astimezone().strftime("%Y-%m-%d %H:%M"))
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Close,
    )
    box.button(QMessageBox.StandardButton.Yes).setText(_("&Restore the backup"))
    box.setDefaultButton(QMessageBox.StandardButton.Close)
    box.setObjectName("damaged_box")
    return box


def _ask(box: QMessageBox) -> bool:
    return box.exec() == QMessageBox.StandardButton.Yes


def offer_restore(
    url: str,
    damaged: DamagedDatabaseError,
    title: str,
    ask: Callable[[QMessageBox], bool] = _ask,
) -> tuple[Services, Path | None] | None:
    """Ask; on yes restore the newest verified backup and open the database again. None when
    the user declined, there is nothing to restore, or the restore failed (said in a box)."""
    box = damaged_box(damaged, title)
    if not ask(box) or damaged.backup is None:
        return None
    try:
        restore_file(url, damaged.backup.path)
        return open_services(url)
    except ServiceError as error:
        ask(QMessageBox(QMessageBox.Icon.Critical, title, error.translated(_)))
        return None
