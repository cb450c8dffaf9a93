"""Relief hours week by week against the hours the relative said they need, drawn with
pyqtgraph (as the wellbeing chart): one bar per ISO week, red where the week is not covered,
and the need as a dashed line."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from advisor_app.domain.relief_schedule import WeekCoverage
from advisor_app.i18n import _

COVERED_COLOUR = "#2e7d32"
UNCOVERED_COLOUR = "#c0392b"
NEED_COLOUR = "#1f4e79"


class ReliefCoverageChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("relief_chart")
        self.setAccessibleName(_("Relief hours by week"))
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("relief_plot")
        self.plot.setMenuEnabled(False)
        # As in the wellbeing chart: pyqtgraph's parentless menu must go with the chart.
        self.plot.getPlotItem().ctrlMenu.setParent(self, Qt.WindowType.Popup)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=True, alpha=0.2)
        self.plot.setLabel("left", _("Hours"))
        self.plot.setLabel("bottom", _("Week"))
        self.bars: pg.BarGraphItem | None = None
        self.need_line = pg.InfiniteLine(
            angle=0, movable=False, pen=pg.mkPen(NEED_COLOUR, width=2, style=Qt.PenStyle.DashLine)
        )
        self.plot.addItem(self.need_line)
        self.weeks: tuple[WeekCoverage, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def show_coverage(self, weeks: Sequence[WeekCoverage]) -> None:
        self.weeks = tuple(weeks)
        if self.bars is not None:
            self.plot.removeItem(self.bars)
            self.bars = None
        xs = list(range(len(self.weeks)))
        heights = [w.hours for w in self.weeks]
        colours = [UNCOVERED_COLOUR if w.uncovered else COVERED_COLOUR for w in self.weeks]
        if xs:
            self.bars = pg.BarGraphItem(
                x=xs, height=heights, width=0.7, brushes=colours, pens=colours
            )
            self.plot.addItem(self.bars)
        need = self.weeks[0].need if self.weeks else None
        self.need_line.setVisible(need is not None)
        if need is not None:
            self.need_line.setValue(need)
        ticks = [(i, str(w.iso_week[1])) for i, w in enumerate(self.weeks)]
        self.plot.getAxis("bottom").setTicks([ticks])
        top = max([*heights, need or 0.0, 1.0])
        self.plot.setYRange(0, top * 1.15, padding=0)
        if xs:
            self.plot.setXRange(-0.6, len(xs) - 0.4, padding=0)
        self.plot.setTitle(
            _("Relief hours a week against the need")
            if need is not None
            else _("Relief hours a week (no need stated)")
        )

    def bar_heights(self) -> list[float]:
        """The drawn bars' heights, for tests and screen readers' summaries."""
        if self.bars is None:
            return []
        return [float(h) for h in self.bars.opts["height"]]

    def uncovered_bars(self) -> list[int]:
        if self.bars is None:
            return []
        return [i for i, b in enumerate(self.bars.opts["brushes"]) if b == UNCOVERED_COLOUR]
