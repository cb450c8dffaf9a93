"""Book the next meeting with a relative, or move a booked one: date and time, how long,
and where (a place, or by phone or video). Opened from the relative's page and from the end
of a session; the start page and the relative's overview show the result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.booking import (
    DEFAULT_MINUTES,
    MAX_MINUTES,
    MIN_MINUTES,
    MODE_LABELS,
    PLACE_MAX,
    MeetingMode,
)
from advisor_app.i18n import _
from advisor_app.services.booking_dto import BookingInput, BookingView
from advisor_app.services.facade import Services
from advisor_app.ui.citizen_form import ServiceDialog
from advisor_app.ui.forms import DATE_FORMAT, add_row, from_qdatetime, line_edit, to_qdatetime
from advisor_app.ui.task_runner import TaskRunner

DAYS_AHEAD = 14  # the usual next meeting: in a fortnight, at ten
DEFAULT_HOUR = 10


def default_start(now: datetime) -> datetime:
    local = now.astimezone()
    day = local.date() + timedelta(days=DAYS_AHEAD)
    return datetime.combine(day, time(DEFAULT_HOUR), tzinfo=local.tzinfo)


class BookingDialog(ServiceDialog):
    booked = Signal(object)  # BookingView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relative_id: int,
        relative_name: str,
        *,
        session_id: int | None = None,
        booking: BookingView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services = services
        self._actor = actor
        self._relative_id = relative_id
        self._session_id = session_id
        self._booking = booking
        self.setObjectName("booking_dialog")
        self.setWindowTitle(_("Book a meeting") if booking is None else _("Move the meeting"))

        who = QLabel(_("Meeting with {name}").format(name=relative_name))
        who.setObjectName("booking_relative")
        self.when = QDateTimeEdit()
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat(DATE_FORMAT + " HH:mm")
        start = booking.starts_at if booking else default_start(services.clock.now())
        self.when.setDateTime(to_qdatetime(start))
        self.minutes = QSpinBox()
        self.minutes.setRange(MIN_MINUTES, MAX_MINUTES)
        self.minutes.setSingleStep(15)
        self.minutes.setSuffix(" " + _("min."))
        self.minutes.setValue(booking.duration_minutes if booking else DEFAULT_MINUTES)
        self.mode = QComboBox()
        for mode in MeetingMode:
            self.mode.addItem(_(MODE_LABELS[mode]), mode.value)
        if booking is not None:
            self.mode.setCurrentIndex(self.mode.findData(booking.mode.value))
        self.place = line_edit(booking.place if booking else "", max_length=PLACE_MAX)
        self.place.setPlaceholderText(_("Address and room; or a phone number or video link"))

        form = QFormLayout()
        add_row(form, _("&When"), self.when, "booking_when")
        add_row(form, _("&Duration"), self.minutes, "booking_minutes")
        add_row(form, _("&How"), self.mode, "booking_mode")
        add_row(form, _("&Place"), self.place, "booking_place")
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(who)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.when.setFocus()

    def set_start(self, when: datetime) -> None:
        self.when.setDateTime(QDateTime(to_qdatetime(when)))

    def build_call(self) -> Callable[[], Any]:
        data = BookingInput(
            relative_id=self._relative_id,
            starts_at=from_qdatetime(self.when.dateTime()),
            duration_minutes=self.minutes.value(),
            mode=MeetingMode(self.mode.currentData()),
            place=self.place.text(),
            session_id=self._session_id,
        )
        services, actor, booking = self._services, self._actor, self._booking
        if booking is None:
            return lambda: services.bookings.book(actor, data)
        return lambda: services.bookings.move(actor, booking.id, booking.version, data)

    def fields(self) -> dict[str, QWidget]:
        return {
            "starts_at": self.when,
            "duration": self.minutes,
            "place": self.place,
            "session": self.when,
        }

    def deliver(self, result: Any) -> None:
        self.booked.emit(result)
