"""The trend of a relative's check-in scores, drawn with pyqtgraph: the instrument's bands as
shaded regions (WHO-5: <= 28, <= 50, above), one point per check-in on a date axis, and the
significant changes marked with a triangle and their points."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pyqtgraph as pg
from babel.dates import format_date
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QVBoxLayout, QWidget

from advisor_app.domain.instruments import Instrument
from advisor_app.i18n import _, current_language, locale_of
from advisor_app.services.dto import CheckInView

BAND_COLOURS = {
    "likely_depression": QColor(192, 57, 43, 45),
    "poor": QColor(241, 196, 15, 45),
    "good": QColor(46, 125, 50, 35),
}
LINE_COLOUR = "#1f4e79"
CHANGE_COLOUR = "#a40000"


DAY = 86_400.0


class LocalDateAxis(pg.DateAxisItem):  # type: ignore[misc]
    """Dates on the axis in the UI language ("maj", not "May"): pyqtgraph formats with
    strftime, which speaks the C locale whatever the program's language."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing >= 360 * DAY:
            pattern = "yyyy"
        elif spacing >= 28 * DAY:
            pattern = "MMM"
        else:
            pattern = "d. MMM" if current_language() == "da" else "d MMM"
        return [
            format_date(datetime.fromtimestamp(v, UTC).date(), pattern, locale=locale_of())
            for v in values
        ]


class WellbeingChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wellbeing_chart")
        self.setAccessibleName(_("Wellbeing trend"))
        self.plot = pg.PlotWidget(background="w", axisItems={"bottom": LocalDateAxis()})
        self.plot.setObjectName("wellbeing_plot")
        self.plot.setMenuEnabled(False)
        # pyqtgraph makes its "Plot Options" menu without a parent: Python's garbage collector
        # would delete it long after the chart, on whatever thread it runs on. As the chart's
        # child it goes with the chart, on the UI thread.
        self.plot.getPlotItem().ctrlMenu.setParent(self, Qt.WindowType.Popup)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=True, alpha=0.2)
        self.line = self.plot.plot(
            [],
            [],
            pen=pg.mkPen(LINE_COLOUR, width=2),
            symbol="o",
            symbolBrush=LINE_COLOUR,
            symbolSize=9,
        )
        self.changes = pg.ScatterPlotItem(
            symbol="t1", size=16, brush=pg.mkBrush(CHANGE_COLOUR), pen=pg.mkPen(CHANGE_COLOUR)
        )
        self.plot.addItem(self.changes)
        self._bands: list[pg.LinearRegionItem] = []
        self._labels: list[pg.TextItem] = []
        self.instrument: Instrument | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def show_trend(self, instrument: Instrument | None, check_ins: Sequence[CheckInView]) -> None:
        """Plot the scored check-ins with ``instrument``; an empty chart without one."""
        for item in (*self._bands, *self._labels):
            self.plot.removeItem(item)
        self._bands, self._labels = [], []
        self.instrument = instrument
        rows = [
            c
            for c in check_ins
            if instrument is not None and c.instrument_id == instrument.id and c.score is not None
        ]
        xs = [c.taken_at.timestamp() for c in rows]
        ys = [float(c.score or 0) for c in rows]
        self.line.setData(xs, ys)
        marked = [(c.taken_at.timestamp(), float(c.score or 0), c.change) for c in rows if c.change]
        self.changes.setData([m[0] for m in marked], [m[1] for m in marked])
        for x, y, delta in marked:
            label = pg.TextItem(f"{delta:+d}", color=CHANGE_COLOUR, anchor=(0.5, 1.6))
            label.setPos(x, y)
            self.plot.addItem(label)
            self._labels.append(label)
        if instrument is None:
            self.plot.setTitle(_("No scored check-ins yet"))
            return
        low = float(instrument.score_min if instrument.score_min is not None else 0)
        high = float(instrument.score_max if instrument.score_max is not None else max(ys or [1]))
        start = low
        for band in instrument.bands:
            region = pg.LinearRegionItem(
                (start, band.max_score),
                orientation="horizontal",
                movable=False,
                brush=pg.mkBrush(BAND_COLOURS.get(band.code, QColor(0, 0, 0, 20))),
                pen=pg.mkPen(None),
            )
            region.setZValue(-10)
            self.plot.addItem(region)
            self._bands.append(region)
            start = band.max_score
        self.plot.setYRange(low, high, padding=0.05)
        if xs:
            pad = max((max(xs) - min(xs)) * 0.05, 86400 * 3)
            self.plot.setXRange(min(xs) - pad, max(xs) + pad, padding=0)
        self.plot.setTitle(instrument.name_in(current_language()))

    def points(self) -> list[tuple[float, float]]:
        """The plotted points (timestamp, score), for tests and screen readers' summaries."""
        xs, ys = self.line.getData()
        if xs is None or ys is None:
            return []
        return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]

    def marked_changes(self) -> list[tuple[float, float]]:
        return [(float(p.pos().x()), float(p.pos().y())) for p in self.changes.points()]

    def band_regions(self) -> list[tuple[float, float]]:
        regions = []
        for band in self._bands:
            low, high = band.getRegion()
            regions.append((float(low), float(high)))
        return regions
