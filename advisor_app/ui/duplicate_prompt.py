"""Before a new relative is registered: the relatives already there with the same name and
the same phone or birth year. The advisor opens the existing one, registers anyway, or goes
back to the form with everything kept."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from advisor_app.i18n import _
from advisor_app.services.dto import RelativeRow

ROW_ROLE = Qt.ItemDataRole.UserRole + 30


def row_text(row: RelativeRow) -> str:
    parts = [row.name]
    if row.phone:
        parts.append(_("phone {phone}").format(phone=row.phone))
    if row.postcode:
        parts.append(row.postcode)
    return " · ".join(parts)


class DuplicatePrompt(QDialog):
    open_existing = Signal(object)  # RelativeRow
    register_anyway = Signal()

    def __init__(self, rows: tuple[RelativeRow, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicate_prompt")
        self.setWindowTitle(_("Possible duplicate"))
        self.setModal(True)
        intro = QLabel(
            _(
                "A relative with the same name and the same phone number or birth year is "
                "already registered. Open the existing one instead?"
            )
        )
        intro.setWordWrap(True)
        self.rows = QListWidget()
        self.rows.setObjectName("duplicates")
        self.rows.setAccessibleName(_("Relatives already registered"))
        for row in rows:
            item = QListWidgetItem(row_text(row))
            item.setData(ROW_ROLE, row)
            self.rows.addItem(item)
        self.rows.setCurrentRow(0)
        intro.setBuddy(self.rows)
        self.buttons = QDialogButtonBox()
        self.open_button = self.buttons.addButton(
            _("&Open the existing one"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_button.setObjectName("open_existing")
        self.open_button.setDefault(True)
        self.register_button = self.buttons.addButton(
            _("&Register a new one anyway"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.register_button.setObjectName("register_anyway")
        self.back_button = self.buttons.addButton(
            _("Go &back"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.back_button.setObjectName("go_back")
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.register_button.clicked.connect(self._on_register_button_clicked)
        self.back_button.clicked.connect(self.reject)
        self.rows.itemDoubleClicked.connect(self._on_open_button_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.rows, 1)
        layout.addWidget(self.buttons)
        self.resize(520, 280)

    def _on_open_button_clicked(self, *_args: object) -> None:
        item = self.rows.currentItem()
        if item is None:
            return
        self.accept()
        self.open_existing.emit(item.data(ROW_ROLE))

    def _on_register_button_clicked(self) -> None:
        self.accept()
        self.register_anyway.emit()
