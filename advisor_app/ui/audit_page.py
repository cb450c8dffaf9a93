"""The auditor's page on the access log (adgangslog, audit_event): filter the events, draw a
random sample for the routine spot-check, export what was filtered as CSV, and verify the
hash chain. Every one of these calls is itself logged by the service.

An administrator may verify the chain but not read the events (domain/permissions.py): for
such an actor the page shows the verification only.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from enum import IntEnum
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from advisor_app.atomic_write import write_bytes_atomically
from advisor_app.domain.actor import Actor
from advisor_app.domain.audit_chain import Verdict
from advisor_app.domain.enums import AuditAction
from advisor_app.domain.errors import ServiceError, ValidationError
from advisor_app.domain.permissions import PURPOSE_LABELS, ROLE_LABELS, Permission, refusal
from advisor_app.i18n import N_, _, format_datetime, ngettext
from advisor_app.services import audit
from advisor_app.services.audit import SAMPLE_MAX, AuditFilter, AuditRow
from advisor_app.services.facade import Services
from advisor_app.ui.forms import DATE_FORMAT, RETURN_KEYS, ErrorBanner, from_qdate, to_qdate
from advisor_app.ui.serial_calls import SerialCalls
from advisor_app.ui.table_models import Column, RowsModel
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.views import table_view

ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.READ: N_("Read"),
    AuditAction.SEARCH: N_("Search"),
    AuditAction.CREATE: N_("Create"),
    AuditAction.UPDATE: N_("Change"),
    AuditAction.DELETE: N_("Delete"),
    AuditAction.EXPORT: N_("Export"),
    AuditAction.PRINT: N_("Print"),
    AuditAction.REFUSED: N_("Refused"),
    AuditAction.SIGN_IN: N_("Sign-in"),
    AuditAction.SIGN_IN_FAILED: N_("Failed sign-in"),
    AuditAction.ACCOUNT_LOCKED: N_("Account locked"),
}

DEFAULT_SAMPLE_SIZE = 20
RED = "color: #a40000; font-weight: bold;"
GREEN = "color: #1b5e20; font-weight: bold;"


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _number_key(value: int | None) -> tuple[bool, int]:
    return (value is None, value or 0)


class AuditColumn(IntEnum):
    ID = 0
    TIME = 1
    USER = 2
    ROLE = 3
    PURPOSE = 4
    ACTION = 5
    ENTITY = 6
    ENTITY_ID = 7
    RELATIVE_ID = 8
    SEARCH_TERM = 9
    DETAIL = 10


class AuditEventsModel(RowsModel[AuditRow]):
    """Access events as the service returns them; the time in local time. The event number
    is shown because "Verify chain" names a broken event by it."""

    COLUMNS = (
        Column[AuditRow](N_("No."), lambda e: str(e.id), lambda e: e.id),
        Column[AuditRow](
            N_("Time"), lambda e: format_datetime(e.occurred_at), lambda e: (e.occurred_at, e.id)
        ),
        Column[AuditRow](N_("User"), lambda e: e.username),
        Column[AuditRow](N_("Role"), lambda e: _(ROLE_LABELS[e.role]) if e.role else ""),
        Column[AuditRow](
            N_("Purpose"), lambda e: _(PURPOSE_LABELS[e.purpose]) if e.purpose else ""
        ),
        Column[AuditRow](N_("Action"), lambda e: _(ACTION_LABELS[e.action])),
        Column[AuditRow](N_("Entity"), lambda e: e.entity),
        Column[AuditRow](
            N_("Entity id"), lambda e: _number(e.entity_id), lambda e: _number_key(e.entity_id)
        ),
        Column[AuditRow](
            N_("Relative no."),
            lambda e: _number(e.relative_id),
            lambda e: _number_key(e.relative_id),
        ),
        Column[AuditRow](N_("Search term"), lambda e: e.search_term or ""),
        Column[AuditRow](N_("Detail"), lambda e: e.detail or ""),
    )


class AnyDateEdit(QDateEdit):
    """A date that may be "any": the lowest date stands for no limit and shows as "any".

    Stepping up from "any" (arrow key, wheel) or opening the calendar starts at today, not
    at the placeholder's year 2000. ``today`` is the services' clock, so tests can pin it.
    """

    ANY = QDate(2000, 1, 1)

    def __init__(self, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.setCalendarPopup(True)
        self.setDisplayFormat(DATE_FORMAT)
        self.setMinimumDate(self.ANY)
        self.setSpecialValueText(_("any"))
        self.setDate(self.ANY)

    def value(self) -> date | None:
        return None if self.date() == self.ANY else from_qdate(self.date())

    def set_value(self, value: date | None) -> None:
        self.setDate(self.ANY if value is None else to_qdate(value))

    def stepBy(self, steps: int) -> None:
        if self.value() is None and steps > 0:
            self.set_value(self._today())
            return
        super().stepBy(steps)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A digit typed over "any" starts a date (today's, the day selected, so typing
        ddmmyyyy fills it in); Delete or Backspace over the whole text makes it "any" again."""
        if self.value() is None and event.text().isdigit():
            self.set_value(self._today())
            self.setSelectedSection(self.sectionAt(0))
        elif (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.value() is not None
            and self.lineEdit().selectedText() == self.text()
        ):
            self.set_value(None)
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        if self.value() is None:  # the popup opened at the year 2000 page: show this month
            today = self._today()
            self.calendarWidget().setCurrentPage(today.year, today.month)


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.replace("&", ""))
    return button


def _caption(text: str, buddy: QWidget, name: str) -> QLabel:
    caption = QLabel(text)
    caption.setBuddy(buddy)
    buddy.setObjectName(name)
    buddy.setAccessibleName(text.replace("&", ""))
    return caption


def _csv_events(data: bytes) -> int:
    """The number of events in an exported CSV (a field may hold a line break)."""
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return max(0, sum(1 for _row in rows) - 1)


def write_export(path: Path, data: bytes) -> int:
    """Write the exported bytes; a file that cannot be written is the user's to fix."""
    try:
        write_bytes_atomically(path, data)
    except OSError:
        raise ValidationError(N_("The file could not be written."), field="export") from None
    return _csv_events(data)


class AuditPage(SerialCalls):
    """Filter row, events table, sample, export and chain verification.

    The first time the page is shown it lists the newest events (an auditor opens it to
    look); after that only Search, Enter in a filter field, or Random sample reload it.
    """

    events_loaded = Signal(object)  # services.audit.AuditPage: the rows shown and the total
    sample_loaded = Signal(object)  # tuple[AuditRow, ...]
    exported = Signal(str, int)  # the file written, the number of events in it
    verified = Signal(object)  # Verdict
    error_shown = Signal(object)  # ServiceError: shown in the banner, the filter kept

    def __init__(
        self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("audit_page")
        self._services = services
        self._runner = runner
        self._actor = actor
        self._busy = False
        self._shown_once = False
        self.can_read = refusal(actor, Permission.AUDIT_READ) is None
        self.can_verify = refusal(actor, Permission.AUDIT_VERIFY) is None
        self.showing_sample = False

        self.banner = ErrorBanner(self)

        # ---- filter ----------------------------------------------------------------------
        self.username_edit = QLineEdit()
        self.username_edit.setMaxLength(120)
        self.relative_edit = QLineEdit()
        self.relative_edit.setMaxLength(12)
        self.action_combo = QComboBox()
        self.action_combo.addItem(_("All actions"), None)
        for action in AuditAction:
            self.action_combo.addItem(_(ACTION_LABELS[action]), action.value)
        self.from_edit = AnyDateEdit(services.clock.today)
        self.to_edit = AnyDateEdit(services.clock.today)
        self.search_button = _button(_("&Search"), "search_audit")
        self.clear_button = _button(_("C&lear filter"), "clear_audit_filter")

        filter_box = QGroupBox(_("Filter"))
        grid = QGridLayout(filter_box)
        fields: list[tuple[str, QWidget, str]] = [
            (_("&User name"), self.username_edit, "audit_username"),
            (_("&Relative no."), self.relative_edit, "audit_relative"),
            (_("&Action"), self.action_combo, "audit_action"),
            (_("&From"), self.from_edit, "audit_from"),
            (_("&To"), self.to_edit, "audit_to"),
        ]
        for column, (text, widget, name) in enumerate(fields):
            grid.addWidget(_caption(text, widget, name), 0, column)
            grid.addWidget(widget, 1, column)
        grid.addWidget(self.search_button, 1, len(fields))
        grid.addWidget(self.clear_button, 1, len(fields) + 1)
        self._filter_fields: tuple[QWidget, ...] = tuple(w for _t, w, _n in fields)

        # ---- sample, export ------------------------------------------------------------
        self.sample_size = QSpinBox()
        self.sample_size.setRange(1, SAMPLE_MAX)
        self.sample_size.setValue(DEFAULT_SAMPLE_SIZE)
        sample_caption = _caption(_("Sample si&ze"), self.sample_size, "sample_size")
        self.sample_button = _button(_("Random sa&mple"), "audit_sample")
        self.sample_button.setToolTip(
            _("Draw events at random from those the filter matches (the sample is logged)")
        )
        self.export_button = _button(_("E&xport CSV…"), "audit_export")
        tools = QHBoxLayout()
        tools.addWidget(sample_caption)
        tools.addWidget(self.sample_size)
        tools.addWidget(self.sample_button)
        tools.addSpacing(24)
        tools.addWidget(self.export_button)
        tools.addStretch(1)

        # ---- the events ------------------------------------------------------------------
        self.model = AuditEventsModel(self)
        self.view = table_view(self.model, "audit_events", _("Access events"), self)
        self.view.sortByColumn(AuditColumn.ID, Qt.SortOrder.DescendingOrder)  # newest first
        self.count_label = QLabel()
        self.count_label.setObjectName("audit_count")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)

        # ---- verification ----------------------------------------------------------------
        self.expect_head_edit = QLineEdit()
        self.expect_head_edit.setMaxLength(64)
        self.expect_head_edit.setPlaceholderText(_("optional: the last hash noted earlier"))
        head_caption = _caption(_("Expected last &hash"), self.expect_head_edit, "expect_head")
        self.verify_button = _button(_("&Verify chain"), "verify_chain")
        self.verify_label = QLabel()
        self.verify_label.setObjectName("verify_result")
        self.verify_label.setTextFormat(Qt.TextFormat.PlainText)
        self.verify_label.setWordWrap(True)
        self.verify_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        verify_box = QGroupBox(_("Integrity of the access log"))
        verify_layout = QVBoxLayout(verify_box)
        verify_row = QHBoxLayout()
        verify_row.addWidget(head_caption)
        verify_row.addWidget(self.expect_head_edit, 1)
        verify_row.addWidget(self.verify_button)
        verify_layout.addLayout(verify_row)
        verify_layout.addWidget(self.verify_label)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(filter_box)
        layout.addLayout(tools)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(verify_box)
        self._read_widgets: tuple[QWidget, ...] = (
            filter_box,
            sample_caption,
            self.sample_size,
            self.sample_button,
            self.export_button,
            self.view,
            self.count_label,
        )
        for widget in self._read_widgets:
            widget.setVisible(self.can_read)
        if not self.can_read:
            layout.addStretch(1)  # the verification alone, at the top
        verify_box.setVisible(self.can_verify)

        self.search_button.clicked.connect(self._on_search_button_clicked)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.sample_button.clicked.connect(self._on_sample_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.verify_button.clicked.connect(self._on_verify_button_clicked)
        self._update_buttons()

    # ---- the filter --------------------------------------------------------------------
    def current_filter(self) -> AuditFilter:
        """The filter as typed; a relative number that is not a number is the user's to fix
        (a reversed period is the service's to refuse)."""
        relative = self.relative_edit.text().strip()
        if relative and not re.fullmatch(r"[0-9]{1,12}", relative):
            raise ValidationError(
                N_("{label} must be a whole number."),
                field="relative_id",
                label=N_("The relative number"),
            )
        action = self.action_combo.currentData()
        return AuditFilter(
            username=self.username_edit.text().strip() or None,
            relative_id=int(relative) if relative else None,
            action=AuditAction(action) if action else None,
            from_date=self.from_edit.value(),
            to_date=self.to_edit.value(),
        )

    def _fields(self) -> dict[str, QWidget]:
        return {
            "username": self.username_edit,
            "relative_id": self.relative_edit,
            "action": self.action_combo,
            "period": self.from_edit,
            "size": self.sample_size,
            "export": self.export_button,
        }

    def _show_call_error(self, error: ServiceError) -> None:
        self.show_error(error)

    def show_error(self, error: ServiceError) -> None:
        self.banner.show_error(error, self._fields())
        self.error_shown.emit(error)

    def _update_buttons(self) -> None:
        idle = not self._busy
        for button in (self.search_button, self.sample_button, self.export_button):
            button.setEnabled(idle and self.can_read)
        self.verify_button.setEnabled(idle and self.can_verify)

    def _filter_or_error(self) -> AuditFilter | None:
        try:
            return self.current_filter()
        except ServiceError as error:
            self.show_error(error)
            return None

    # ---- search ------------------------------------------------------------------------
    def search(self) -> None:
        """List the newest events the filter matches."""
        if self._busy or not self.can_read:
            return
        flt = self._filter_or_error()
        if flt is None:
            return
        services, actor = self._services, self._actor
        self._run(lambda: services.audit.events(actor, flt), self._on_events_loaded)

    def _on_search_button_clicked(self) -> None:
        self.search()

    def _on_clear_button_clicked(self) -> None:
        self.username_edit.clear()
        self.relative_edit.clear()
        self.action_combo.setCurrentIndex(0)
        self.from_edit.set_value(None)
        self.to_edit.set_value(None)
        self.search()

    def _on_events_loaded(self, page: audit.AuditPage) -> None:
        self.showing_sample = False
        self._show_rows(page.rows)
        self.count_label.setText(
            ngettext(
                "Showing {shown} of {total} event",
                "Showing {shown} of {total} events",
                page.total,
            ).format(shown=len(page.rows), total=page.total)
        )
        self.events_loaded.emit(page)

    def _show_rows(self, rows: tuple[AuditRow, ...]) -> None:
        self.model.set_rows(rows)
        # One line per event; the header measures at most its first 1000 rows.
        self.view.resizeColumnsToContents()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in a filter field searches; in the sample size it draws the sample."""
        focused = self.focusWidget()
        if event.key() in RETURN_KEYS and focused is not None:
            if focused is self.sample_size or self.sample_size.isAncestorOf(focused):
                self._on_sample_button_clicked()
                return
            if any(f is focused or f.isAncestorOf(focused) for f in self._filter_fields):
                self.search()
                return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.search()

    # ---- sample ------------------------------------------------------------------------
    def _on_sample_button_clicked(self) -> None:
        if self._busy or not self.can_read:
            return
        flt = self._filter_or_error()
        if flt is None:
            return
        services, actor, size = self._services, self._actor, self.sample_size.value()
        self._run(lambda: services.audit.sample(actor, flt, size), self._on_sample_loaded)

    def _on_sample_loaded(self, rows: tuple[AuditRow, ...]) -> None:
        self.showing_sample = True
        self._show_rows(rows)
        self.count_label.setText(
            ngettext(
                "Random sample of {n} event from those the filter matches. The sample itself "
                "is recorded in the access log.",
                "Random sample of {n} events from those the filter matches. The sample itself "
                "is recorded in the access log.",
                len(rows),
            ).format(n=len(rows))
        )
        self.sample_loaded.emit(rows)

    # ---- export ------------------------------------------------------------------------
    def ask_export_path(self) -> str:
        """The file to write, or "" when the user cancels (tests replace the dialog)."""
        path, _selected = QFileDialog.getSaveFileName(
            self, _("Export access log"), _("access-log.csv"), _("CSV files (*.csv)")
        )
        return path

    def _on_export_button_clicked(self) -> None:
        if self._busy or not self.can_read:
            return
        flt = self._filter_or_error()
        if flt is None:
            return
        chosen = self.ask_export_path()
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".csv")
        services, actor = self._services, self._actor

        def work() -> tuple[str, int]:
            count = write_export(path, services.audit.export_csv(actor, flt))
            return str(path), count

        self._run(work, self._on_export_written)

    def _on_export_written(self, result: tuple[str, int]) -> None:
        path, count = result
        self.count_label.setText(
            ngettext(
                "Exported {n} event to {file}.", "Exported {n} events to {file}.", count
            ).format(n=count, file=Path(path).name)
        )
        self.exported.emit(path, count)

    # ---- verify ------------------------------------------------------------------------
    def _on_verify_button_clicked(self) -> None:
        if self._busy or not self.can_verify:
            return
        services, actor = self._services, self._actor
        expect = self.expect_head_edit.text().strip() or None
        self.verify_label.clear()
        self._run(lambda: services.audit.verify(actor, expect), self._on_verified)

    def _on_verified(self, verdict: Verdict) -> None:
        self.verify_label.setText(verdict_text(verdict))
        self.verify_label.setStyleSheet(GREEN if verdict.ok else RED)
        self.verify_label.setAccessibleDescription(
            _("The chain is intact") if verdict.ok else _("The chain is broken")
        )
        self.verified.emit(verdict)


def verdict_text(verdict: Verdict) -> str:
    """What "Verify chain" found, in the UI language; the reason names the event."""
    if verdict.ok:
        return ngettext(
            "The access log is intact: {count} event checked. Last hash: {head}",
            "The access log is intact: {count} events checked. Last hash: {head}",
            verdict.count,
        ).format(count=verdict.count, head=verdict.head)
    lines = [_("The access log is broken.")]
    if verdict.reason:
        lines[0] += " " + _(verdict.reason).format(id=verdict.broken_id)
    if verdict.broken_id is not None:
        lines.append(_("First broken event: no. {id}").format(id=verdict.broken_id))
    lines.append(
        ngettext(
            "{count} event before it is intact; last good hash: {head}",
            "{count} events before it are intact; last good hash: {head}",
            verdict.count,
        ).format(count=verdict.count, head=verdict.head)
    )
    return "\n".join(lines)
