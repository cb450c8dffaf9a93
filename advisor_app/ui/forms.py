"""Small building blocks every form uses: labelled rows with accessible names, enum combos,
optional dates, an error banner that points at the field and keeps what was typed, and the
one guard every form dialog saves through."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QDate, QDateTime, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
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
from advisor_app.ui.task_runner import TaskRunner

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


class SaveGuard:
    """The one save-in-progress rule of every form dialog (session, check-in, and the
    relative/citizen/relation/consent dialogs).

    ``submit`` runs the form's service call on the task runner. While it runs, Save, Cancel
    and every input of the form are disabled: nothing may change what is being saved, close
    the form under it, or send it twice (a second ``submit`` does nothing). However the call
    ends (a result, a ServiceError, or a bug) they are given back as they were, with every
    typed value still in them and the focus where it was, before the dialog's own callback
    shows the result or the error. The dialog's ``reject`` asks ``saving`` too: Escape and
    the window's close button are Cancel by other means.

    The inputs are the form's direct child widgets other than ``keep`` (the error banner),
    the button box and child windows (message boxes). Disabling a container disables its
    fields, and enabling it again restores each field's own state (a field that was
    disabled before, e.g. an unticked optional date, stays disabled).

    The guard refers to its form weakly: the form owns the guard, and a reference cycle
    would leave a dialog without a parent to Python's cycle collector, which may run on the
    worker thread (a widget must be deleted on the UI thread).
    """

    def __init__(
        self,
        form: QWidget,
        save_button: QAbstractButton,
        cancel_button: QAbstractButton,
        keep: Iterable[QWidget] = (),
    ) -> None:
        self._form = weakref.ref(form)
        self._save_button = save_button
        self._cancel_button = cancel_button
        self._keep = tuple(keep)
        self._saving = False
        self._disabled: list[QWidget] = []
        self._focus: QWidget | None = None

    @property
    def saving(self) -> bool:
        return self._saving

    def submit(
        self,
        runner: TaskRunner,
        work: Callable[[], Any],
        on_saved: Callable[[Any], None],
        on_error: Callable[[ServiceError], None],
    ) -> bool:
        """Start the save; False (and nothing runs) while another save of this form runs."""
        form = self._form()
        if self._saving or form is None:
            return False
        self._begin(form)

        def saved(result: Any) -> None:
            self._end()
            on_saved(result)

        def failed(error: ServiceError) -> None:
            self._end()
            on_error(error)

        runner.submit(work, saved, failed, owner=form, on_bug=self._end)
        return True

    def _inputs(self, form: QWidget) -> list[QWidget]:
        buttons = self._save_button.parentWidget()
        return [
            child
            for child in form.findChildren(
                QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
            )
            if not child.isWindow()
            and child is not buttons
            and not any(child is kept for kept in self._keep)
        ]

    def _begin(self, form: QWidget) -> None:
        self._saving = True
        self._focus = form.focusWidget()
        self._disabled = [
            widget
            for widget in (self._save_button, self._cancel_button, *self._inputs(form))
            if widget.isEnabled()
        ]
        for widget in self._disabled:
            widget.setEnabled(False)

    def _end(self) -> None:
        self._saving = False
        for widget in self._disabled:
            if shiboken6.isValid(widget):
                widget.setEnabled(True)
        self._disabled = []
        focus, self._focus = self._focus, None
        if focus is not None and shiboken6.isValid(focus) and focus.isEnabled():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
