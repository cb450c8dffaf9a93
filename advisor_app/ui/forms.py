"""Small building blocks every form uses: labelled rows with accessible names, enum combos,
optional dates, and an error banner that points at the field and keeps what was typed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TypeVar

from PySide6.QtCore import QDate, QDateTime, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from advisor_app.domain.errors import ServiceError, ValidationError
from advisor_app.i18n import N_, _
from advisor_app.ui.labels import label

E = TypeVar("E", bound=StrEnum)

DATE_FORMAT = "dd.MM.yyyy"


def add_row(form: QFormLayout, text: str, widget: QWidget, name: str) -> QWidget:
    """A row whose label is the widget's buddy (Alt+letter) and accessible name."""
    caption = QLabel(text)
    caption.setBuddy(widget)
    widget.setObjectName(name)
    widget.setAccessibleName(text.replace("&", ""))
    form.addRow(caption, widget)
    return widget


def enum_combo(members: type[E] | list[E], current: E | None = None) -> QComboBox:
    """Item data is the member's text value (Qt stores a StrEnum as str): convert back with
    the enum class, e.g. ``SessionForm(combo.currentData())``."""
    combo = QComboBox()
    for member in members:
        combo.addItem(label(member), member)
    if current is not None:
        combo.setCurrentIndex(combo.findData(current))
    return combo


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def to_qdatetime(value: datetime) -> QDateTime:
    """An aware datetime as the local time a QDateTimeEdit shows."""
    return QDateTime.fromMSecsSinceEpoch(round(value.timestamp() * 1000))


def from_qdatetime(value: QDateTime) -> datetime:
    """The instant a QDateTimeEdit shows (local time), as an aware UTC datetime."""
    return datetime.fromtimestamp(value.toMSecsSinceEpoch() / 1000, UTC)


def date_edit(value: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setDate(to_qdate(value or date.today()))
    return edit


class OptionalDate(QWidget):
    """A date that may be left out: a check box enables the date field."""

    def __init__(self, caption: str, value: date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.check = QCheckBox(caption)
        self.edit = date_edit(value)
        self.check.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.check.toggled.connect(self.edit.setEnabled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        self.setFocusProxy(self.check)

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.check.setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def value(self) -> date | None:
        return from_qdate(self.edit.date()) if self.check.isChecked() else None

    def set_value(self, value: date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(to_qdate(value))


def parse_int(text: str, *, field: str, label_text: str) -> int | None:
    stripped = text.strip()
    if not stripped:
        return None
    if not re.fullmatch(r"[0-9]{1,4}", stripped):
        raise ValidationError(N_("{label} must be a whole number."), field=field, label=label_text)
    return int(stripped)


def parse_decimal(text: str, *, field: str, label_text: str) -> float | None:
    stripped = text.strip().replace(",", ".")
    if not stripped:
        return None
    if not re.fullmatch(r"[0-9]{1,4}(\.[0-9]{1,2})?", stripped):  # no "nan", "1e3", "٣"
        raise ValidationError(N_("{label} must be a number."), field=field, label=label_text)
    return float(stripped)


def line_edit(text: str | None = None, max_length: int = 32767) -> QLineEdit:
    edit = QLineEdit(text or "")
    edit.setMaxLength(max_length)
    return edit


class ErrorBanner(QLabel):
    """The form's message line: says what is wrong and moves focus to the field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error_banner")
        self.setWordWrap(True)
        self.setStyleSheet("color: #a40000; font-weight: bold;")
        self.setAccessibleName(_("Error"))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, error: ServiceError, fields: dict[str, QWidget]) -> None:
        self.setText(error.translated(_))
        self.show()
        target = fields.get(error.field or "")
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        self.setText("")
        self.hide()


def ask_to_discard(parent: QWidget, title: str, text: str, on_discard: Callable[[], None]) -> None:
    """Ask before typed work is thrown away; "Keep editing" is the default (never blocks)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName("confirm_discard")
    box.button(QMessageBox.StandardButton.Discard).setText(_("Discard"))
    box.button(QMessageBox.StandardButton.Cancel).setText(_("Keep editing"))
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    def on_finished(result: int) -> None:
        if result == QMessageBox.StandardButton.Discard:
            on_discard()

    box.finished.connect(on_finished)
    box.open()


RETURN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def is_ctrl_return(event: QEvent) -> bool:
    """Ctrl+Return: the meeting dialogs save with it from any field (the notes included)."""
    return (
        event.type() == QEvent.Type.KeyPress
        and isinstance(event, QKeyEvent)
        and event.key() in RETURN_KEYS
        and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
    )


def is_bare_return(event: QKeyEvent) -> bool:
    """A plain Enter, which belongs to the fields and must never save half a form."""
    return event.key() in RETURN_KEYS and not (
        event.modifiers() & Qt.KeyboardModifier.ControlModifier
    )
