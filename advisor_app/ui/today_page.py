"""The start page ("I dag", Today), the first tab the advisor's window opens on: the meetings
booked today and tomorrow, the follow-ups due or overdue (the advisor's own first), the
check-ins due, and a count of each; all from one service call (services/today.py).

A follow-up is marked done, cancelled or reopened here, or taken over ("make it mine"),
without opening the relative: the row changes in place, so a mistake can be undone at once.
Double-click a row to open the relative."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import ActionStatus
from advisor_app.domain.errors import N_, ServiceError
from advisor_app.i18n import _, format_date, format_datetime
from advisor_app.services.booking_dto import BookingView, TodayView
from advisor_app.services.dto import ActionView, CheckInDueRow
from advisor_app.services.facade import Services
from advisor_app.ui.bookings_section import meeting_how
from advisor_app.ui.labels import label
from advisor_app.ui.table_models import CheckInDueModel, Column, RowsModel
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.views import selected_row, table_view


class MeetingsModel(RowsModel[BookingView]):
    COLUMNS = (
        Column[BookingView](
            N_("When"), lambda b: format_datetime(b.starts_at), lambda b: b.starts_at
        ),
        Column[BookingView](N_("Relative"), lambda b: b.relative_name),
        Column[BookingView](N_("Where"), meeting_how),
        Column[BookingView](N_("Advisor"), lambda b: b.advisor_name),
    )


class DueFollowUpsModel(RowsModel[ActionView]):
    """The follow-ups due; a row changed here is replaced in place (done, cancelled, mine)."""

    def __init__(self, me: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.me = me
        self.COLUMNS = (
            Column[ActionView](
                N_("Due"),
                lambda a: format_date(a.due_on),
                lambda a: (a.owner_id != self.me, a.due_on.toordinal() if a.due_on else 0),
                lambda a: a.overdue,
            ),
            Column[ActionView](N_("Follow-up"), lambda a: a.description),
            Column[ActionView](N_("Relative"), lambda a: a.relative_name or ""),
            Column[ActionView](
                N_("Status"),
                lambda a: _("Overdue") if a.overdue else label(a.status),
                None,
                lambda a: a.overdue,
            ),
            Column[ActionView](N_("Owner"), self._owner),
        )

    def _owner(self, action: ActionView) -> str:
        if action.owner_id == self.me:
            return _("Mine")
        return _("Nobody") if action.owner_id is None else _("A colleague")

    def replace(self, updated: ActionView) -> None:
        rows = list(self.rows())
        for n, row in enumerate(rows):
            if row.id == updated.id:
                rows[n] = updated
                self._rows = tuple(rows)
                self.dataChanged.emit(self.index(n, 0), self.index(n, self.columnCount() - 1))
                return


def _title(text: str, buddy: QWidget) -> QLabel:
    caption = QLabel(text)
    caption.setBuddy(buddy)
    font = caption.font()
    font.setBold(True)
    caption.setFont(font)
    return caption


class TodayPage(QWidget):
    loaded = Signal(object)  # TodayView
    follow_up_changed = Signal(object)  # ActionView
    open_relative_requested = Signal(int, str)  # relative id, name

    def __init__(
        self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._actor = actor
        self.view_data: TodayView | None = None
        self.setObjectName("today_page")

        self.heading = QLabel()
        self.heading.setObjectName("today_heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.counts = QLabel()
        self.counts.setObjectName("today_counts")
        self.counts.setWordWrap(True)
        self.refresh_button = QPushButton(_("&Refresh"))
        self.refresh_button.setObjectName("today_refresh")
        self.refresh_button.setToolTip(_("F5"))
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.refresh_button)

        self.meetings_model = MeetingsModel(self)
        self.meetings_view = table_view(self.meetings_model, "today_meetings", _("Meetings"))
        self.follow_ups_model = DueFollowUpsModel(actor.advisor_id, self)
        self.follow_ups_view = table_view(
            self.follow_ups_model, "today_follow_ups", _("Follow-ups due")
        )
        self.check_ins_model = CheckInDueModel(self)
        self.check_ins_view = table_view(
            self.check_ins_model, "today_check_ins", _("Check-ins due")
        )
        self.meetings_title = _title(_("Meetings today and tomorrow"), self.meetings_view)
        self.follow_ups_title = _title(_("Follow-ups due or overdue"), self.follow_ups_view)
        self.check_ins_title = _title(_("Check-ins due"), self.check_ins_view)

        self.done_button = QPushButton(_("Mark &done"))
        self.done_button.setObjectName("today_done")
        self.cancel_button = QPushButton(_("C&ancel follow-up"))
        self.cancel_button.setObjectName("today_cancel")
        self.reopen_button = QPushButton(_("Re&open"))
        self.reopen_button.setObjectName("today_reopen")
        self.mine_button = QPushButton(_("&Make it mine"))
        self.mine_button.setObjectName("today_mine")
        action_buttons = QHBoxLayout()
        for button in (self.done_button, self.cancel_button, self.reopen_button, self.mine_button):
            action_buttons.addWidget(button)
        action_buttons.addStretch(1)

        def section(title: QLabel, view: QTableView, extra: QHBoxLayout | None = None) -> QWidget:
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.addWidget(title)
            box_layout.addWidget(view, 1)
            if extra is not None:
                box_layout.addLayout(extra)
            return box

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(section(self.meetings_title, self.meetings_view))
        splitter.addWidget(section(self.follow_ups_title, self.follow_ups_view, action_buttons))
        splitter.addWidget(section(self.check_ins_title, self.check_ins_view))
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 1)
        hint = QLabel(_("Double-click a row to open the relative."))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(splitter, 1)
        layout.addWidget(hint)

        self.refresh_button.clicked.connect(self.load)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.load)
        self.done_button.clicked.connect(self._on_done_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.reopen_button.clicked.connect(self._on_reopen_button_clicked)
        self.mine_button.clicked.connect(self._on_mine_button_clicked)
        self.follow_ups_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.meetings_view.doubleClicked.connect(self._on_meetings_double_clicked)
        self.follow_ups_view.doubleClicked.connect(self._on_follow_ups_double_clicked)
        self.check_ins_view.doubleClicked.connect(self._on_check_ins_double_clicked)
        self._update_buttons()

    # ---- loading -----------------------------------------------------------------------
    def load(self) -> None:
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.today.overview(actor), self.show_today, self._show_error, owner=self
        )

    def show_today(self, today: TodayView) -> None:
        self.view_data = today
        self.heading.setText(_("Today, {date}").format(date=format_date(today.today)))
        self.counts.setText(
            _(
                "Meetings: {today} today, {tomorrow} tomorrow. Follow-ups due: {due} "
                "({mine} mine). Check-ins due: {check_ins}."
            ).format(
                today=today.meetings_today,
                tomorrow=today.meetings_tomorrow,
                due=today.follow_ups_due,
                mine=today.follow_ups_mine,
                check_ins=_check_ins_count(today),
            )
        )
        self.meetings_model.set_rows(today.meetings)
        self.meetings_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.follow_ups_model.set_rows(today.follow_ups)
        self.follow_ups_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.check_ins_model.set_rows(today.check_ins)
        self.meetings_title.setText(
            _("Meetings today and tomorrow ({n})").format(
                n=today.meetings_today + today.meetings_tomorrow
            )
            if today.meetings
            else _("Meetings today and tomorrow: none booked")
        )
        self.follow_ups_title.setText(
            _("Follow-ups due or overdue ({n})").format(n=today.follow_ups_due)
            if today.follow_ups
            else _("Follow-ups due or overdue: none")
        )
        self.check_ins_title.setText(
            _("Check-ins due ({n})").format(n=_check_ins_count(today))
            if today.check_ins
            else _("Check-ins due: none")
        )
        for view in (self.meetings_view, self.follow_ups_view, self.check_ins_view):
            view.resizeColumnsToContents()
        self._update_buttons()
        self.loaded.emit(today)

    # ---- follow-ups --------------------------------------------------------------------
    def selected_follow_up(self) -> ActionView | None:
        row = selected_row(self.follow_ups_view)
        return row if isinstance(row, ActionView) else None

    def _update_buttons(self, *_args: object) -> None:
        action = self.selected_follow_up()
        is_open = action is not None and action.status is ActionStatus.OPEN
        self.done_button.setEnabled(is_open)
        self.cancel_button.setEnabled(is_open)
        self.reopen_button.setEnabled(action is not None and not is_open)
        self.mine_button.setEnabled(
            action is not None and action.owner_id != self._actor.advisor_id
        )

    def _on_done_button_clicked(self) -> None:
        self._set_status(ActionStatus.DONE)

    def _on_cancel_button_clicked(self) -> None:
        self._set_status(ActionStatus.CANCELLED)

    def _on_reopen_button_clicked(self) -> None:
        self._set_status(ActionStatus.OPEN)

    def _set_status(self, status: ActionStatus) -> None:
        action = self.selected_follow_up()
        if action is None or action.status is status:
            return
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.sessions.set_action_status(actor, action.id, action.version, status),
            lambda updated: self._on_follow_up_changed(action, updated),
            self._show_error,
            owner=self,
        )

    def _on_mine_button_clicked(self) -> None:
        action = self.selected_follow_up()
        if action is None:
            return
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.today.set_follow_up_owner(
                actor, action.id, action.version, actor.advisor_id
            ),
            lambda updated: self._on_follow_up_changed(action, updated),
            self._show_error,
            owner=self,
        )

    def _on_follow_up_changed(self, before: ActionView, updated: ActionView) -> None:
        # The service's row knows no relative's name: keep the one the list showed.
        self.follow_ups_model.replace(replace(updated, relative_name=before.relative_name))
        self._update_buttons()
        self.follow_up_changed.emit(updated)

    # ---- opening a relative ------------------------------------------------------------
    def _on_meetings_double_clicked(self, *_args: object) -> None:
        row = selected_row(self.meetings_view)
        if isinstance(row, BookingView):
            self.open_relative_requested.emit(row.relative_id, row.relative_name)

    def _on_follow_ups_double_clicked(self, *_args: object) -> None:
        action = self.selected_follow_up()
        if action is not None and action.relative_id is not None:
            self.open_relative_requested.emit(action.relative_id, action.relative_name or "")

    def _on_check_ins_double_clicked(self, *_args: object) -> None:
        row = selected_row(self.check_ins_view)
        if isinstance(row, CheckInDueRow):
            self.open_relative_requested.emit(row.relative_id, row.relative_name)

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
        self.load()


def _check_ins_count(today: TodayView) -> str:
    """The check-ins due as a count: "300+" when the list shows only the first of more."""
    return f"{today.check_ins_due}+" if today.check_ins_more else str(today.check_ins_due)
