"""The relative page's "Relief" tab: the arrangements (aflastning, afløsning, besøgsven,
§ 118, plejevederlag), what needs attention (overlaps, the § 118 limits, ends soon), the
hours of relief week by week against the hours the relative needs, and the plan as a
calendar file.

The plan is read when the tab is shown (its own READ in the access log), not with the page,
so opening a relative stays one call."""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from pathlib import Path

from babel.dates import format_date as babel_date
from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from advisor_app.atomic_write import write_bytes_atomically
from advisor_app.domain.actor import Actor
from advisor_app.domain.errors import N_, ServiceError, ValidationError
from advisor_app.domain.relief import TRANSITIONS, ReliefWarning
from advisor_app.domain.relief_schedule import RECURRENCE_LABELS, Recurrence
from advisor_app.i18n import _, format_date, format_number, locale_of
from advisor_app.reports.relief_ics import render_calendar
from advisor_app.services.facade import Services
from advisor_app.services.relief_dto import ReliefPlanView, ReliefView
from advisor_app.ui.forms import line_edit, parse_decimal
from advisor_app.ui.labels import label
from advisor_app.ui.relief_chart import ReliefCoverageChart
from advisor_app.ui.table_models import Column, RowsModel
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.views import selected_row, table_view


def schedule_text(view: ReliefView) -> str:
    s = view.schedule
    if s is None:
        return ""
    text = f"{_(RECURRENCE_LABELS[s.recurrence])}, {s.start_time:%H:%M}–{s.end_time:%H:%M}"
    if s.recurrence is not Recurrence.ONCE:
        weekday = (
            babel_date(view.starts_on, "EEEE", locale=locale_of())
            if s.recurrence is not Recurrence.MONTHLY
            else ""
        )
        if weekday:
            text = f"{text} ({weekday})"
    if s.exceptions:
        text += " · " + _("{count} cancelled").format(count=len(s.exceptions))
    return text


def period_text(view: ReliefView) -> str:
    start = format_date(view.starts_on)
    return (
        f"{start} – {format_date(view.ends_on)}"
        if view.ends_on
        else _("from {date}").format(date=start)
    )


def warning_text(warning: ReliefWarning) -> str:
    params = {
        key: format_date(value)
        if isinstance(value, date)
        else _(value)
        if isinstance(value, str)
        else value
        for key, value in warning.params.items()
    }
    return _(warning.message).format(**params)


class ReliefColumn(IntEnum):
    KIND = 0
    PROVIDER = 1
    CITIZEN = 2
    STATUS = 3
    SCHEDULE = 4
    PERIOD = 5
    BASIS = 6


class ReliefModel(RowsModel[ReliefView]):
    COLUMNS = (
        Column[ReliefView](N_("Kind"), lambda r: label(r.kind)),
        Column[ReliefView](N_("Provider"), lambda r: r.provider_name),
        Column[ReliefView](N_("Covers"), lambda r: r.citizen_name),
        Column[ReliefView](
            N_("Status"),
            lambda r: _("{status} since {date}").format(
                status=label(r.status), date=format_date(r.status_since)
            ),
            lambda r: (r.status.value, r.status_since),
        ),
        Column[ReliefView](N_("Schedule"), schedule_text),
        Column[ReliefView](
            N_("Period"), period_text, lambda r: (r.starts_on, r.ends_on or date.max)
        ),
        Column[ReliefView](N_("Legal basis"), lambda r: r.legal_reference or ""),
    )


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.replace("&", ""))
    return button


class ReliefTab(QWidget):
    plan_loaded = Signal(object)  # ReliefPlanView
    dialog_opened = Signal(object)  # ReliefDialog
    calendar_saved = Signal(str)  # the file's path
    changed = Signal()

    def __init__(
        self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("relief_tab")
        self._services = services
        self._runner = runner
        self._actor = actor
        self.relative_id: int | None = None
        self.plan: ReliefPlanView | None = None
        self._stale = False

        self.new_button = _button(_("&New arrangement"), "relief_new")
        self.edit_button = _button(_("E&dit"), "relief_edit")
        self.next_status = QComboBox()
        self.next_status.setObjectName("relief_next_status")
        self.next_status.setAccessibleName(_("New status"))
        self.status_button = _button(_("Set s&tatus"), "relief_set_status")
        self.delete_button = _button(_("De&lete"), "relief_delete")
        self.export_button = _button(_("Export calendar (.ics)"), "relief_export")
        top = QHBoxLayout()
        for widget in (
            self.new_button,
            self.edit_button,
            self.next_status,
            self.status_button,
            self.delete_button,
        ):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.export_button)

        self.model = ReliefModel(self)
        self.view = table_view(self.model, "relief_arrangements", _("Relief arrangements"))
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        self.view.doubleClicked.connect(self._on_edit_button_clicked)

        self.warnings = QLabel()
        self.warnings.setObjectName("relief_warnings")
        self.warnings.setAccessibleName(_("Needs attention"))
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #a40000")

        self.need = line_edit(max_length=7)
        self.need.setObjectName("relief_need")
        self.need.setAccessibleName(_("Hours of relief a week the relative needs"))
        self.need.setMaximumWidth(80)
        need_label = QLabel(_("&Hours a week the relative needs"))
        need_label.setBuddy(self.need)
        self.need_button = _button(_("Save need"), "relief_save_need")
        self.summary = QLabel()
        self.summary.setObjectName("relief_coverage_summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        need_row = QHBoxLayout()
        need_row.addWidget(need_label)
        need_row.addWidget(self.need)
        need_row.addWidget(self.need_button)
        need_row.addWidget(self.summary, 1)
        # The chart is made when the tab is first shown (as the wellbeing chart): a page
        # whose relief tab is never opened creates no plot.
        self.chart: ReliefCoverageChart | None = None
        lower = QWidget()
        self._lower_layout = QVBoxLayout(lower)
        self._lower_layout.setContentsMargins(0, 0, 0, 0)
        self._lower_layout.addLayout(need_row)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(lower)
        self.error = QLabel()
        self.error.setObjectName("relief_error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #a40000")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.warnings)
        layout.addWidget(splitter, 1)

        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.status_button.clicked.connect(self._on_status_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.need_button.clicked.connect(self._on_need_button_clicked)
        self.need.returnPressed.connect(self._on_need_button_clicked)
        self._update_buttons()

    # ---- loading ---------------------------------------------------------------------------
    def set_relative(self, relative_id: int) -> None:
        """The page shows another relative (or the same again): read when visible."""
        self.relative_id = relative_id
        self.plan = None
        self.model.set_rows(())
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.chart is None:
            self.chart = ReliefCoverageChart()
            self.chart.setMinimumHeight(200)
            self._lower_layout.addWidget(self.chart, 1)
            if self.plan is not None:
                self.chart.show_coverage(self.plan.coverage)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        relative_id = self.relative_id
        if relative_id is None:
            return
        self._stale = False
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.relief.plan(actor, relative_id),
            self.show_plan,
            self._show_error,
            owner=self,
        )

    def show_plan(self, plan: ReliefPlanView) -> None:
        if plan.relative_id != self.relative_id:
            return  # an answer for a relative no longer shown
        self.plan = plan
        self.error.hide()
        selected = selected_row(self.view)
        self.model.set_rows(plan.arrangements)
        proxy = self.view.model()
        if selected is not None and isinstance(proxy, QSortFilterProxyModel):
            for row, view in enumerate(plan.arrangements):
                if view.id == selected.id:
                    self.view.selectRow(proxy.mapFromSource(self.model.index(row, 0)).row())
        self.warnings.setText("\n".join("⚠ " + warning_text(w) for w in plan.warnings))
        self.warnings.setVisible(bool(plan.warnings))
        self.need.setText(format_number(plan.need.hours_per_week) if plan.need else "")
        if self.chart is not None:
            self.chart.show_coverage(plan.coverage)
        uncovered = [w for w in plan.coverage if w.uncovered]
        if plan.need is None:
            self.summary.setText(_("State the relative's need to see the uncovered weeks."))
        elif uncovered:
            self.summary.setText(
                _("Not covered in week {weeks}.").format(
                    weeks=", ".join(str(w.iso_week[1]) for w in uncovered)
                )
            )
        else:
            self.summary.setText(_("Every week shown is covered."))
        self._update_buttons()
        self.plan_loaded.emit(plan)

    # ---- buttons ---------------------------------------------------------------------------
    def selected(self) -> ReliefView | None:
        row = selected_row(self.view)
        return row if isinstance(row, ReliefView) else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        has_plan = self.plan is not None
        self.new_button.setEnabled(has_plan and bool(self.plan and self.plan.relations))
        self.edit_button.setEnabled(chosen is not None)
        self.delete_button.setEnabled(chosen is not None)
        self.export_button.setEnabled(has_plan)
        self.need_button.setEnabled(has_plan)
        self.next_status.clear()
        if chosen is not None:
            for status in sorted(TRANSITIONS[chosen.status], key=list(TRANSITIONS).index):
                self.next_status.addItem(label(status), status)
        self.next_status.setEnabled(self.next_status.count() > 0)
        self.status_button.setEnabled(self.next_status.count() > 0)

    def _on_view_selection_changed(self, *_args: object) -> None:
        self._update_buttons()

    def _open_dialog(self, arrangement: ReliefView | None) -> None:
        plan = self.plan
        if plan is None:
            return
        from advisor_app.ui.relief_dialog import ReliefDialog

        dialog = ReliefDialog(
            self._services,
            self._runner,
            self._actor,
            plan.relations,
            plan.catalogue,
            arrangement,
            self,
            today=plan.today,
        )
        dialog.relief_saved.connect(self._after_save)
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _on_new_button_clicked(self) -> None:
        self._open_dialog(None)

    def _on_edit_button_clicked(self, *_args: object) -> None:
        chosen = self.selected()
        if chosen is not None:
            self._open_dialog(chosen)

    def _on_status_button_clicked(self) -> None:
        chosen = self.selected()
        status = self.next_status.currentData()
        if chosen is None or status is None:
            return
        from advisor_app.domain.relief import ReliefStatus

        new = ReliefStatus(status)
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.relief.change_status(actor, chosen.id, chosen.version, new),
            self._after_save,
            self._show_error,
            owner=self,
        )

    def _on_delete_button_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Delete arrangement"),
            _(
                "Delete this arrangement and its history? An ended arrangement can instead be "
                "kept as ended."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirm_relief_delete")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(_("Delete"))
        box.button(QMessageBox.StandardButton.No).setText(_("Keep"))

        def on_finished(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes:
                services, actor = self._services, self._actor
                self._runner.submit(
                    lambda: services.relief.delete(actor, chosen.id, chosen.version),
                    self._after_save,
                    self._show_error,
                    owner=self,
                )

        box.finished.connect(on_finished)
        box.open()

    def _on_need_button_clicked(self) -> None:
        plan, relative_id = self.plan, self.relative_id
        if plan is None or relative_id is None:
            return
        try:
            hours = parse_decimal(self.need.text(), field="need", label_text=N_("Hours a week"))
            if hours is None:
                raise ValidationError(
                    N_("Write the hours a week the relative needs."), field="need"
                )
        except ServiceError as error:
            self._show_error(error, reload=False)
            return
        version = plan.need.version if plan.need else None
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.relief.set_need(actor, relative_id, hours, version),
            self._after_save,
            self._show_error,
            owner=self,
        )

    # ---- the calendar file -----------------------------------------------------------------
    def ask_export_path(self) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export calendar"), _("relief-plan") + ".ics", _("Calendar (*.ics)")
        )
        return path

    def _on_export_button_clicked(self) -> None:
        relative_id = self.relative_id
        if relative_id is None:
            return
        path = self.ask_export_path()
        if not path:
            return
        services, actor = self._services, self._actor

        def export() -> str:
            data = render_calendar(services.relief.calendar(actor, relative_id))
            try:
                write_bytes_atomically(Path(path), data)
            except OSError:
                raise ValidationError(N_("The file could not be written.")) from None
            return path

        self._runner.submit(export, self.calendar_saved.emit, self._show_error, owner=self)

    # ---- after a call ----------------------------------------------------------------------
    def _after_save(self, *_args: object) -> None:
        self.changed.emit()
        self.reload()

    def _show_error(self, error: ServiceError, reload: bool = True) -> None:
        self.error.setText(error.translated(_))
        self.error.show()
        if reload and self.plan is not None:
            self._stale = False
            services, actor, relative_id = self._services, self._actor, self.relative_id
            if relative_id is not None:
                self._runner.submit(
                    lambda: services.relief.plan(actor, relative_id),
                    self._show_plan_keep_error,
                    lambda _e: None,
                    owner=self,
                )

    def _show_plan_keep_error(self, plan: ReliefPlanView) -> None:
        text = self.error.text()
        self.show_plan(plan)
        self.error.setText(text)
        self.error.show()
