"""The manager's page: a period, the headline figures, charts, a table per breakdown, and the
exports (XLSX, CSV, PDF). Everything is aggregated and suppressed by the service; the page
shows "<N" where a cell counts too few persons. The report and the files are made on the
task runner, so the window stays responsive."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from advisor_app.atomic_write import write_bytes_atomically
from advisor_app.domain.actor import Actor
from advisor_app.domain.errors import N_, ServiceError, ValidationError
from advisor_app.domain.statistics import (
    BREAKDOWN_LABELS,
    MEASURE_LABELS,
    MIN_CELL_DEFAULT,
    MIN_CELL_FLOOR,
    Breakdown,
    Cell,
    Granularity,
    Measure,
    StatsReport,
    StatsRequest,
    Table,
    measures_of,
)
from advisor_app.i18n import _, current_language
from advisor_app.reports.stats_export import render
from advisor_app.services.facade import Services
from advisor_app.ui.forms import ErrorBanner, date_edit, from_qdate
from advisor_app.ui.serial_calls import SerialCalls
from advisor_app.ui.task_runner import TaskRunner

HEADLINE_CODES = ("sessions", "hours", "persons", "new_relatives", "check_ins", "who5_improved")
# A second row: referrals, relief and mentoring (services/statistics_more.py).
MORE_HEADLINE_CODES = (
    "referred_relatives",
    "referrals",
    "relief_granted",
    "mentor_started",
    "mentor_ended",
    "mentor_helped",
)
EXPORT_FORMATS = {
    "xlsx": N_("Spreadsheet (*.xlsx)"),
    "csv": N_("CSV file (*.csv)"),
    "pdf": N_("PDF report (*.pdf)"),
}
BAR_COLOUR = "#1f4e79"
AnyIndex = QModelIndex | QPersistentModelIndex


class StatsTableModel(QAbstractTableModel):
    """One table of the report: a row per category and a total row; a column per period
    and a total column. Suppressed cells read "<N"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._report: StatsReport | None = None
        self._table: Table | None = None

    def set_table(self, report: StatsReport | None, table: Table | None) -> None:
        self.beginResetModel()
        self._report, self._table = report, table
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._table is None:
            return 0
        return len(self._table.rows) + 1

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._report is None:
            return 0
        return len(self._report.periods) + 2

    def _cell(self, row: int, column: int) -> Cell | None:
        table, report = self._table, self._report
        if table is None or report is None or column == 0:
            return None
        total_column = column == len(report.periods) + 1
        if row < len(table.rows):
            return table.row_totals[row] if total_column else table.cells[row][column - 1]
        return table.total if total_column else table.column_totals[column - 1]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or self._table is None or self._report is None:
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self._table.row_labels[row] if row < len(self._table.rows) else _("Total")
            cell = self._cell(row, column)
            return "" if cell is None else self._report.shown(cell)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if self._report is None:
            return None
        if section == 0:
            return _("Category")
        if section <= len(self._report.periods):
            return self._report.periods[section - 1].label
        return _("Total")


class StatisticsPage(SerialCalls):
    report_loaded = Signal(object)  # StatsReport
    exported = Signal(str, str)  # path, sha256

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statistics_page")
        self._services = services
        self._runner = runner
        self._actor = actor
        self._busy = False
        self._shown_once = False
        self.report: StatsReport | None = None
        this_day = today or date.today()
        first_of_month = this_day.replace(day=1)
        last_month_end = first_of_month - timedelta(days=1)
        year_before = last_month_end.replace(day=1) - timedelta(days=334)

        # -- the period
        self.from_edit = date_edit(year_before.replace(day=1))
        self.to_edit = date_edit(last_month_end)
        self.by_combo = QComboBox()
        self.by_combo.addItem(_("By month"), Granularity.MONTH.value)
        self.by_combo.addItem(_("By quarter"), Granularity.QUARTER.value)
        self.min_cell = QSpinBox()
        self.min_cell.setRange(MIN_CELL_FLOOR, 50)
        self.min_cell.setValue(MIN_CELL_DEFAULT)
        self.min_cell.setAccessibleName(_("Hide cells under this many persons"))
        self.show_button = QPushButton(_("&Show"))
        self.show_button.setObjectName("show_statistics")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the database is counting
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        period = QHBoxLayout()
        for text, widget in (
            (_("&From"), self.from_edit),
            (_("&To"), self.to_edit),
            ("", self.by_combo),
            (_("Hide cells under"), self.min_cell),
        ):
            if text:
                label = QLabel(text)
                label.setBuddy(widget)
                period.addWidget(label)
            period.addWidget(widget)
        period.addWidget(self.show_button)
        period.addWidget(self.progress)
        period.addStretch(1)

        # -- headline figures
        self.headline_values: dict[str, QLabel] = {}
        headlines = QGroupBox(_("The period in figures"))
        grid = QGridLayout(headlines)
        for row, codes in enumerate((HEADLINE_CODES, MORE_HEADLINE_CODES)):
            for i, code in enumerate(codes):
                value = QLabel("–")
                value.setObjectName(f"headline_{code}")
                value.setStyleSheet("font-size: 18pt; font-weight: bold;")
                caption = QLabel()
                caption.setObjectName(f"headline_{code}_label")
                caption.setWordWrap(True)
                grid.addWidget(value, 2 * row, i)
                grid.addWidget(caption, 2 * row + 1, i)
                self.headline_values[code] = value

        # -- charts
        self.period_plot = pg.PlotWidget(background="w")
        self.period_plot.setObjectName("sessions_per_period")
        self.period_plot.setMenuEnabled(False)
        self.period_plot.getPlotItem().ctrlMenu.setParent(self, Qt.WindowType.Popup)
        self.period_plot.setMinimumHeight(160)
        self.period_plot.setMaximumHeight(230)

        # -- a breakdown as a table and a chart
        self.breakdown_combo = QComboBox()
        for which in Breakdown:
            self.breakdown_combo.addItem(_(BREAKDOWN_LABELS[which]), which.value)
        self.measure_combo = QComboBox()
        self._fill_measures(Breakdown(self.breakdown_combo.currentData()))
        self.model = StatsTableModel(self)
        self.view = QTableView()
        self.view.setObjectName("statistics_table")
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Statistics table"))
        self.breakdown_plot = pg.PlotWidget(background="w")
        self.breakdown_plot.setObjectName("breakdown_chart")
        self.breakdown_plot.setMenuEnabled(False)
        self.breakdown_plot.getPlotItem().ctrlMenu.setParent(self, Qt.WindowType.Popup)

        # -- exports
        self.export_buttons: dict[str, QPushButton] = {}
        exports = QHBoxLayout()
        exports.addWidget(QLabel(_("Export:")))
        for code, text in (("xlsx", _("&XLSX…")), ("csv", _("&CSV…")), ("pdf", _("&PDF…"))):
            button = QPushButton(text)
            button.setObjectName(f"export_{code}")
            button.clicked.connect(lambda _checked=False, c=code: self._on_export_clicked(c))
            exports.addWidget(button)
            self.export_buttons[code] = button
        exports.addStretch(1)
        self.status = QLabel()
        self.status.setObjectName("statistics_status")
        self.status.setWordWrap(True)
        exports.addWidget(self.status, 2)
        self.banner = ErrorBanner()

        chooser = QHBoxLayout()
        chooser.addWidget(QLabel(_("Breakdown")))
        chooser.addWidget(self.breakdown_combo)
        chooser.addWidget(QLabel(_("Figure")))
        chooser.addWidget(self.measure_combo)
        chooser.addStretch(1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.view)
        lower.addWidget(self.breakdown_plot)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addWidget(self.banner)
        layout.addWidget(headlines)
        layout.addWidget(self.period_plot)
        layout.addLayout(chooser)
        layout.addWidget(lower, 3)
        layout.addLayout(exports)

        self.show_button.clicked.connect(self.load)
        self.breakdown_combo.currentIndexChanged.connect(self._on_breakdown_changed)
        self.measure_combo.currentIndexChanged.connect(self._show_table)
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:
        """The last twelve whole months, as soon as the page is first shown."""
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.load()

    # ---- the report ---------------------------------------------------------------------
    def request(self) -> StatsRequest:
        return StatsRequest(
            from_qdate(self.from_edit.date()),
            from_qdate(self.to_edit.date()),
            Granularity(self.by_combo.currentData()),
            self.min_cell.value(),
            current_language(),
        )

    def load(self) -> None:
        try:
            request = self.request().checked()
        except ValidationError as error:
            self.banner.show_error(error, {"period": self.to_edit, "min_cell": self.min_cell})
            return
        services, actor = self._services, self._actor
        self._run(lambda: services.statistics.report(actor, request), self._on_report)

    def _update_buttons(self) -> None:
        idle = not self._busy
        self.show_button.setEnabled(idle)
        self.progress.setVisible(not idle)
        for button in self.export_buttons.values():
            button.setEnabled(idle and self.report is not None)

    def _on_report(self, report: StatsReport) -> None:
        self.report = report
        figures = {h.code: h for h in report.headlines}
        for code, label in self.headline_values.items():
            headline = figures[code]
            label.setText(report.shown(headline.total))
            caption = self.findChild(QLabel, f"headline_{code}_label")
            if caption is not None:
                caption.setText(headline.label)
        sessions = figures["sessions"]
        self._bars(
            self.period_plot,
            [p.label for p in report.periods],
            [c.value or 0.0 for c in sessions.per_period],
            _("Sessions per period"),
        )
        self._show_table()
        self._update_buttons()
        self.report_loaded.emit(report)

    def _fill_measures(self, which: Breakdown) -> None:
        """The figures a breakdown counts (sessions and hours, or referrals and relatives),
        keeping the one chosen where the new breakdown has it."""
        chosen = self.measure_combo.currentData()
        self.measure_combo.blockSignals(True)
        self.measure_combo.clear()
        for measure in measures_of(which):
            self.measure_combo.addItem(_(MEASURE_LABELS[measure]), measure.value)
        index = self.measure_combo.findData(chosen)
        self.measure_combo.setCurrentIndex(max(index, 0))
        self.measure_combo.blockSignals(False)

    def _on_breakdown_changed(self) -> None:
        self._fill_measures(Breakdown(self.breakdown_combo.currentData()))
        self._show_table()

    def _show_table(self) -> None:
        report = self.report
        if report is None:
            return
        which = Breakdown(self.breakdown_combo.currentData())
        measure = Measure(self.measure_combo.currentData())
        table = report.table(which, measure)
        self.model.set_table(report, table)
        self.view.resizeColumnsToContents()
        self._bars(
            self.breakdown_plot,
            list(table.row_labels),
            [c.value or 0.0 for c in table.row_totals],
            _(MEASURE_LABELS[measure]),
            horizontal=True,
        )

    @staticmethod
    def _bars(
        plot: pg.PlotWidget,
        labels: list[str],
        values: list[float],
        title: str,
        *,
        horizontal: bool = False,
    ) -> None:
        """A bar chart; a suppressed value draws no bar (it reads "<N" in the table)."""
        plot.clear()
        plot.setTitle(title, color="#333")
        positions = list(range(len(values)))
        if horizontal:
            bars = pg.BarGraphItem(x0=0, y=positions, height=0.6, width=values, brush=BAR_COLOUR)
            plot.getAxis("left").setTicks([list(zip(positions, labels, strict=True))])
            plot.getAxis("bottom").setTicks(None)
        else:
            bars = pg.BarGraphItem(x=positions, height=values, width=0.6, brush=BAR_COLOUR)
            plot.getAxis("bottom").setTicks([list(zip(positions, labels, strict=True))])
        plot.addItem(bars)

    # ---- exports -------------------------------------------------------------------------
    def ask_export_path(self, file_format: str) -> str:
        suggested = f"statistik-{self.request().start}-{self.request().end}.{file_format}"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export statistics"), suggested, _(EXPORT_FORMATS[file_format])
        )
        return path

    def _on_export_clicked(self, file_format: str) -> None:
        report = self.report
        if report is None:
            return
        path = self.ask_export_path(file_format)
        if not path:
            return
        services, actor = self._services, self._actor

        def export() -> str:
            data = render(report, file_format)
            try:
                write_bytes_atomically(Path(path), data)
            except OSError:
                raise ValidationError(N_("The file could not be written.")) from None
            digest = hashlib.sha256(data).hexdigest()
            services.statistics.record_export(actor, report.request, file_format, digest)
            return digest

        self._run(export, lambda digest: self._on_exported(path, digest))

    def _on_exported(self, path: str, digest: str) -> None:
        self.status.setText(_("Saved {file}.").format(file=Path(path).name))
        self.exported.emit(path, digest)

    def _show_call_error(self, error: ServiceError) -> None:
        self.banner.show_error(error, {})
