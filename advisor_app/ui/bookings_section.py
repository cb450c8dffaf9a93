"""The relative's booked meetings on the overview: book the next one, move or cancel it, and
save it as an iCalendar invitation (.ics) to send or import. Loaded with the relative (one
logged read); a change emits ``changed`` so the start page and the lists can refresh."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from advisor_app.atomic_write import write_bytes_atomically
from advisor_app.domain.actor import Actor
from advisor_app.domain.booking import MODE_LABELS
from advisor_app.domain.enums import Language
from advisor_app.domain.errors import N_, ServiceError, ValidationError
from advisor_app.i18n import _, format_datetime
from advisor_app.reports.booking_ics import render_invitation
from advisor_app.services.booking_dto import BookingView
from advisor_app.services.facade import Services
from advisor_app.ui.booking_dialog import BookingDialog
from advisor_app.ui.table_models import Column, RowsModel
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.views import selected_row, table_view


def meeting_how(booking: BookingView) -> str:
    how = _(MODE_LABELS[booking.mode])
    return f"{how}: {booking.place}" if booking.place else how


class BookingsModel(RowsModel[BookingView]):
    COLUMNS = (
        Column[BookingView](
            N_("When"), lambda b: format_datetime(b.starts_at), lambda b: b.starts_at
        ),
        Column[BookingView](
            N_("Minutes"), lambda b: str(b.duration_minutes), lambda b: b.duration_minutes
        ),
        Column[BookingView](N_("Where"), meeting_how),
        Column[BookingView](N_("Advisor"), lambda b: b.advisor_name),
    )


class BookingsSection(QWidget):
    changed = Signal()
    loaded = Signal(object)  # tuple[BookingView, ...]
    dialog_opened = Signal(object)  # BookingDialog
    invitation_saved = Signal(str)  # the path

    def __init__(
        self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._actor = actor
        self.relative_id: int | None = None
        self.relative_name = ""
        self.language = Language.DANISH
        self.model = BookingsModel(self)
        self.view = table_view(self.model, "bookings", _("Booked meetings"))
        self.view.setMaximumHeight(140)
        self.empty = QLabel(_("No meeting booked."))
        self.empty.setObjectName("bookings_empty")
        self.book_button = QPushButton(_("&Book a meeting…"))
        self.book_button.setObjectName("book_meeting")
        self.move_button = QPushButton(_("Mo&ve…"))
        self.move_button.setObjectName("move_meeting")
        self.cancel_button = QPushButton(_("Cancel the meeting"))
        self.cancel_button.setObjectName("cancel_meeting")
        self.invite_button = QPushButton(_("Save &invitation (.ics)…"))
        self.invite_button.setObjectName("save_invitation")
        title = QLabel(_("Booked meetings"))
        title.setBuddy(self.view)
        buttons = QHBoxLayout()
        for button in (self.book_button, self.move_button, self.cancel_button, self.invite_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.view)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)

        self.book_button.clicked.connect(self._on_book_button_clicked)
        self.move_button.clicked.connect(self._on_move_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.invite_button.clicked.connect(self._on_invite_button_clicked)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.view.doubleClicked.connect(self._on_move_button_clicked)
        self._update_buttons()

    def load(self, relative_id: int, name: str, language: Language) -> None:
        self.relative_id, self.relative_name, self.language = relative_id, name, language
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.bookings.upcoming(actor, relative_id),
            self._on_loaded,
            self._show_error,
            owner=self,
        )

    def reload(self) -> None:
        if self.relative_id is not None:
            self.load(self.relative_id, self.relative_name, self.language)

    def _on_loaded(self, bookings: tuple[BookingView, ...]) -> None:
        self.model.set_rows(bookings)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setVisible(bool(bookings))
        self.empty.setVisible(not bookings)
        self._update_buttons()
        self.loaded.emit(bookings)

    def _update_buttons(self, *_args: object) -> None:
        chosen = isinstance(selected_row(self.view), BookingView)
        self.book_button.setEnabled(self.relative_id is not None)
        for button in (self.move_button, self.cancel_button, self.invite_button):
            button.setEnabled(chosen)

    # ---- booking and moving ------------------------------------------------------------
    def open_dialog(self, booking: BookingView | None = None) -> BookingDialog | None:
        if self.relative_id is None:
            return None
        dialog = BookingDialog(
            self._services,
            self._runner,
            self._actor,
            self.relative_id,
            self.relative_name,
            booking=booking,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.booked.connect(self._after_change)
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _on_book_button_clicked(self) -> None:
        self.open_dialog()

    def _on_move_button_clicked(self, *_args: object) -> None:
        booking = selected_row(self.view)
        if isinstance(booking, BookingView):
            self.open_dialog(booking)

    def _on_cancel_button_clicked(self) -> None:
        booking = selected_row(self.view)
        if not isinstance(booking, BookingView):
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Cancel the meeting"),
            _("Cancel the meeting on {when}?").format(when=format_datetime(booking.starts_at)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("cancel_meeting_box")
        box.button(QMessageBox.StandardButton.Yes).setText(_("Cancel the meeting"))
        box.button(QMessageBox.StandardButton.No).setText(_("Keep it"))

        def on_finished(result: int) -> None:
            if box.standardButton(box.clickedButton()) is QMessageBox.StandardButton.Yes:
                services, actor = self._services, self._actor
                self._runner.submit(
                    lambda: services.bookings.cancel(actor, booking.id, booking.version),
                    self._after_change,
                    self._show_error,
                    owner=self,
                )

        box.finished.connect(on_finished)
        box.open()

    # ---- the invitation ----------------------------------------------------------------
    def ask_invitation_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save invitation"), suggested, _("Calendar (*.ics)")
        )
        return path

    def _on_invite_button_clicked(self) -> None:
        booking = selected_row(self.view)
        if not isinstance(booking, BookingView):
            return
        local = booking.starts_at.astimezone()
        stem = _("meeting")
        path = self.ask_invitation_path(f"{stem}-{local:%Y-%m-%d-%H%M}.ics")
        if not path:
            return
        services, actor, language = self._services, self._actor, self.language

        def export() -> str:
            data = render_invitation(services.bookings.invitation(actor, booking.id, language))
            try:
                write_bytes_atomically(Path(path), data)
            except OSError:
                raise ValidationError(N_("The file could not be written.")) from None
            return path

        self._runner.submit(export, self.invitation_saved.emit, self._show_error, owner=self)

    # ---- after a call ------------------------------------------------------------------
    def _after_change(self, *_args: object) -> None:
        self.changed.emit()
        self.reload()

    def _show_error(self, error: ServiceError) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Not saved"),
            error.translated(_),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("error_box")
        box.open()
