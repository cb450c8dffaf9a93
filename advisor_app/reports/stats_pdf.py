"""The statistics report as a PDF a manager can hand on (ReportLab).

A4 portrait. The first page has the title, the period, the notes on hidden figures, the key
figures per period and in total, and a bar chart of sessions and relatives helped per period;
then a page per breakdown: a bar chart of sessions per category over the whole period and a
table each of sessions and of relatives helped per category and period. A table wider than
the page continues below with the next periods. Hidden figures read "<N" everywhere.

pretix's habits: one renderer class, layout constants in millimetres, named paragraph styles,
a page template whose callback draws the footer (title, period, "page 3 of 9"), bytes out.
Every text reaches a ``Paragraph`` through ``escape`` (ReportLab reads tags in it); table cells
and chart labels are drawn as plain strings. The fonts are the bundled DejaVu Sans, embedded,
so æ, ø and å print anywhere. ``invariant`` fixes the creation date and the document id, so
the same report gives the same bytes; the metadata hold the title, the period, the
municipality and the language, nothing about a person.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import BarChart, HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from advisor_app.domain.statistics import Breakdown, Cell, Measure, StatsReport
from advisor_app.domain.statistics import Table as StatsTable
from advisor_app.i18n import N_, format_number
from advisor_app.locations import resource
from advisor_app.reports.stats_common import (
    HEADLINE_PERSONS,
    HEADLINE_SESSIONS,
    IN_THE_WHOLE_PERIOD,
    KEY_FIGURES,
    PER_PERIOD_CHART,
    Captions,
    breakdowns,
    find_headline,
    shown_number,
    tables_of,
    visible_value,
)

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
CREATOR = "advisor_app"
PDF_LANGUAGES = {"da": "da-DK", "en": "en-GB"}
PDF_MEASURES = frozenset(
    {
        Measure.SESSIONS,
        Measure.PERSONS,
        Measure.REFERRALS,
        Measure.REFERRED,
        Measure.ARRANGEMENTS,
        Measure.RELIEVED,
    }
)

# Layout, in millimetres.
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 18 * mm
MARGIN_BOTTOM = 20 * mm
FOOTER_Y = 10 * mm
FOOTER_RULE_Y = 14 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
LABEL_COLUMN = 50 * mm  # at the least; a table with few periods gives it more
LABEL_COLUMN_MAX = 85 * mm
NUMBER_COLUMN = 15 * mm
CELL_PADDING = 1.2 * mm
PERIOD_CHART_HEIGHT = 75 * mm
CATEGORY_CHART_MIN_HEIGHT = 45 * mm
CATEGORY_BAR_HEIGHT = 6.5 * mm
CHART_TITLE_SPACE = 8 * mm
CHART_LABEL_MAX = 62 * mm
SPACE_AFTER_TABLE = 5 * mm

FONT_SIZE_TABLE = 7.5
FONT_SIZE_CHART = 7
MANY_PERIODS = 12  # past this, a per-period chart turns its labels and drops the bar labels

HEADER_FILL = colors.HexColor("#DCE6F0")
STRIPE_FILL = colors.HexColor("#F4F7FA")
RULE = colors.HexColor("#7F8C99")
MUTED_TEXT = colors.HexColor("#6B6B6B")
SERIES_COLOURS = (colors.HexColor("#2F6B9A"), colors.HexColor("#E08A2E"))

PAGE_OF = N_("Page {page} of {pages}")


@cache
def register_fonts() -> None:
    """DejaVu Sans from resources/fonts, registered once per process."""
    pdfmetrics.registerFont(TTFont(FONT, str(resource("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


def paragraph_styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("Body", fontName=FONT, fontSize=9.5, leading=12.5, spaceAfter=2 * mm)
    return {
        "Body": base,
        "Title": ParagraphStyle(
            "Title", parent=base, fontName=FONT_BOLD, fontSize=22, leading=27, spaceAfter=4 * mm
        ),
        "Subtitle": ParagraphStyle("Subtitle", parent=base, fontSize=12, leading=16),
        "Note": ParagraphStyle("Note", parent=base, fontSize=8.5, leading=11, textColor=MUTED_TEXT),
        "Heading": ParagraphStyle(
            "Heading",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=14,
            leading=18,
            spaceBefore=4 * mm,
            spaceAfter=3 * mm,
            keepWithNext=True,
        ),
        "Cell": ParagraphStyle("Cell", parent=base, fontSize=FONT_SIZE_TABLE, leading=9.5),
        "CellBold": ParagraphStyle(
            "CellBold", parent=base, fontName=FONT_BOLD, fontSize=FONT_SIZE_TABLE, leading=9.5
        ),
    }


@dataclass(frozen=True, slots=True)
class _Row:
    """One line of a figure table: a label, a figure per period, the total."""

    label: str
    cells: Sequence[Cell]  # per period, then the total
    total_row: bool = False


class StatsPdfRenderer:
    """``StatsPdfRenderer().render(report) -> bytes``: the PDF of one statistics report."""

    def render(self, report: StatsReport) -> bytes:
        register_fonts()
        # Two passes: the first counts the pages for the footer's "page 3 of 9".
        _, pages = self._build(report, pages=None)
        pdf, _ = self._build(report, pages=pages)
        return pdf

    def _build(self, report: StatsReport, pages: int | None) -> tuple[bytes, int]:
        captions = Captions(report)
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=f"{captions.title}, {captions.period_range}",
            subject=captions.period_line,
            author=report.municipality,
            creator=CREATOR,
            keywords=[],
            lang=PDF_LANGUAGES.get(report.request.language, report.request.language),
            invariant=1,
            pageCompression=1,
            initialFontName=FONT,  # else the canvas lists Helvetica, unembedded, on every page
        )
        frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc.addPageTemplates(
            [PageTemplate(id="report", frames=[frame], onPage=self._footer(captions, pages))]
        )
        doc.build(_Story(report, captions, paragraph_styles()).flowables())
        return buffer.getvalue(), doc.page

    @staticmethod
    def _footer(captions: Captions, pages: int | None) -> Callable[[Canvas, BaseDocTemplate], None]:
        left = f"{captions.title} · {captions.period_range}"

        def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
            canvas.saveState()
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.4)
            canvas.line(MARGIN_X, FOOTER_RULE_Y, PAGE_WIDTH - MARGIN_X, FOOTER_RULE_Y)
            canvas.setFont(FONT, 8)
            canvas.setFillColor(MUTED_TEXT)
            canvas.drawString(MARGIN_X, FOOTER_Y, left)
            page = doc.page
            text = captions.text(PAGE_OF, page=page, pages=pages or page)
            canvas.drawRightString(PAGE_WIDTH - MARGIN_X, FOOTER_Y, text)
            canvas.restoreState()

        return draw


class _Story:
    """The flowables of one report."""

    def __init__(
        self, report: StatsReport, captions: Captions, styles: dict[str, ParagraphStyle]
    ) -> None:
        self.report = report
        self.captions = captions
        self.styles = styles

    def para(self, text: str, style: str) -> Paragraph:
        return Paragraph(escape(text), self.styles[style])

    def flowables(self) -> list[Flowable]:
        report, captions = self.report, self.captions
        story: list[Flowable] = [self.para(captions.title, "Title")]
        if report.municipality:
            story.append(self.para(report.municipality, "Subtitle"))
        story += [
            self.para(captions.period_line, "Subtitle"),
            Spacer(1, 2 * mm),
            self.para(captions.suppression_note, "Note"),
            self.para(captions.aggregate_note, "Note"),
            self.para(captions.text(KEY_FIGURES), "Heading"),
        ]
        story += self.figure_tables(
            "",  # the heading above says it
            [_Row(h.label, [*h.per_period, h.total]) for h in report.headlines],
        )
        chart = self.per_period_chart()
        if chart is not None:
            story += [Spacer(1, 3 * mm), chart]
        for breakdown in breakdowns(report):
            story += [PageBreak(), *self.breakdown_section(breakdown)]
        return story

    def breakdown_section(self, breakdown: Breakdown) -> list[Flowable]:
        report, captions = self.report, self.captions
        heading = self.para(captions.breakdown(breakdown), "Heading")
        # The sessions and their persons (hours and the rest are in the spreadsheet), or a
        # breakdown by kind's events and persons; the chart draws the first.
        tables = [t for t in tables_of(report, breakdown) if t.measure in PDF_MEASURES]
        chart = self.category_chart(tables[0]) if tables else None
        out: list[Flowable] = [KeepTogether([heading, chart]) if chart else heading]
        out.append(Spacer(1, 4 * mm))
        for table in tables:
            measure = table.measure
            rows = [
                _Row(label, [*cells, total])
                for label, cells, total in zip(
                    table.row_labels, table.cells, table.row_totals, strict=True
                )
            ]
            rows.append(_Row(captions.total, [*table.column_totals, table.total], total_row=True))
            out += self.figure_tables(captions.measure(measure), rows)
        return out

    # -- tables ----------------------------------------------------------------------------

    def column_chunks(self) -> list[list[int]]:
        """The period columns (and the total, index len(periods)) split so each table fits
        the page's width, in chunks of nearly equal size."""
        columns = list(range(len(self.report.periods) + 1))
        fit = max(1, int((FRAME_WIDTH - LABEL_COLUMN) // NUMBER_COLUMN))
        count = math.ceil(len(columns) / fit)
        size = math.ceil(len(columns) / count)
        return [columns[i : i + size] for i in range(0, len(columns), size)]

    def figure_tables(self, corner: str, rows: Sequence[_Row]) -> list[Flowable]:
        periods = self.report.periods
        out: list[Flowable] = []
        chunks = self.column_chunks()
        # One label width for every part of a split table, so the parts line up.
        widest = max(len(chunk) for chunk in chunks)
        label_width = min(LABEL_COLUMN_MAX, FRAME_WIDTH - NUMBER_COLUMN * widest)
        for chunk in chunks:
            header: list[str | Paragraph] = [self.para(corner, "CellBold")]
            header += [periods[i].label if i < len(periods) else self.captions.total for i in chunk]
            data: list[list[str | Paragraph]] = [header]
            style: list[tuple[Any, ...]] = [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTNAME", (1, 0), (-1, 0), FONT_BOLD),
                ("FONTSIZE", (0, 0), (-1, -1), FONT_SIZE_TABLE),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), (colors.white, STRIPE_FILL)),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 0.8 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8 * mm),
            ]
            for r, row in enumerate(rows, start=1):
                label_style = "CellBold" if row.total_row else "Cell"
                line: list[str | Paragraph] = [self.para(row.label, label_style)]
                for c, i in enumerate(chunk, start=1):
                    cell = row.cells[i]
                    line.append(shown_number(self.report, cell))
                    if cell.suppressed or cell.value is None:
                        style.append(("TEXTCOLOR", (c, r), (c, r), MUTED_TEXT))
                data.append(line)
                if row.total_row:
                    style += [
                        ("FONTNAME", (1, r), (-1, r), FONT_BOLD),
                        ("LINEABOVE", (0, r), (-1, r), 0.6, RULE),
                    ]
            if chunk[-1] == len(periods):  # the total column stands apart
                style.append(("FONTNAME", (-1, 1), (-1, -1), FONT_BOLD))
            widths = [label_width] + [NUMBER_COLUMN] * len(chunk)
            table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
            table.setStyle(TableStyle(style))
            out += [table, Spacer(1, SPACE_AFTER_TABLE)]
        return out

    # -- charts ----------------------------------------------------------------------------

    def number_label(self, value: float) -> str:
        return format_number(value, self.report.request.language)

    def style_axes(self, chart: BarChart) -> None:
        for labels in (chart.categoryAxis.labels, chart.valueAxis.labels):
            labels.fontName = FONT
            labels.fontSize = FONT_SIZE_CHART
        chart.barLabels.fontName = FONT
        chart.barLabels.fontSize = FONT_SIZE_CHART - 0.5
        chart.valueAxis.valueMin = 0
        chart.valueAxis.rangeRound = "ceiling"  # the longest bar ends below the last tick
        chart.valueAxis.labelTextFormat = self.number_label
        chart.valueAxis.visibleGrid = True
        chart.valueAxis.gridStrokeColor = colors.HexColor("#D5DBE1")
        chart.valueAxis.gridStrokeWidth = 0.3
        chart.valueAxis.strokeColor = RULE
        chart.categoryAxis.strokeColor = RULE
        chart.barLabelFormat = "values"

    def chart_title(self, drawing: Drawing, text: str) -> None:
        drawing.add(
            String(
                0,
                float(drawing.height) - 4 * mm,
                text,
                fontName=FONT_BOLD,
                fontSize=9,
                fillColor=colors.black,
            )
        )

    def per_period_chart(self) -> Drawing | None:
        """Sessions and relatives helped per period, side by side; a hidden figure is a bar
        of nothing labelled "<N"."""
        report = self.report
        series = [
            h
            for code in (HEADLINE_SESSIONS, HEADLINE_PERSONS)
            if (h := find_headline(report, code)) is not None
        ]
        if not series or not report.periods:
            return None
        drawing = _drawing(PERIOD_CHART_HEIGHT)
        many = len(report.periods) > MANY_PERIODS
        bottom = 22 * mm if many else 16 * mm
        chart = VerticalBarChart()
        chart.x, chart.y = _pt(12 * mm), _pt(bottom)
        chart.width = _pt(FRAME_WIDTH - 14 * mm)
        chart.height = _pt(PERIOD_CHART_HEIGHT - bottom - CHART_TITLE_SPACE - 2 * mm)
        self.style_axes(chart)
        chart.data = [[visible_value(c) or 0 for c in h.per_period] for h in series]
        chart.barLabelArray = [[report.shown(c) for c in h.per_period] for h in series]
        chart.categoryAxis.categoryNames = [p.label for p in report.periods]
        if many:
            chart.categoryAxis.labels.angle = 90
            chart.categoryAxis.labels.boxAnchor = "e"
            chart.barLabelFormat = None
        chart.barLabels.nudge = 3
        chart.groupSpacing = 4
        chart.barSpacing = 1
        for i in range(len(series)):
            chart.bars[i].fillColor = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            chart.bars[i].strokeColor = None
        if not any(value for row in chart.data for value in row):
            chart.valueAxis.valueMax = 1
        drawing.add(chart)
        legend = Legend()
        legend.x, legend.y = _pt(12 * mm), _pt(4 * mm)
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = _pt(45 * mm)
        legend.fontName = FONT
        legend.fontSize = FONT_SIZE_CHART + 0.5
        legend.colorNamePairs = [
            (SERIES_COLOURS[i % len(SERIES_COLOURS)], h.label) for i, h in enumerate(series)
        ]
        drawing.add(legend)
        self.chart_title(drawing, self.captions.text(PER_PERIOD_CHART))
        return drawing

    def category_chart(self, table: StatsTable) -> Drawing | None:
        """A table's figure per category over the whole period (sessions, referrals or
        arrangements), the first category on top."""
        if not table.rows:
            return None
        report = self.report
        count = len(table.rows)
        height = max(CATEGORY_CHART_MIN_HEIGHT, count * CATEGORY_BAR_HEIGHT + 22 * mm)
        label_width = min(
            CHART_LABEL_MAX,
            max(pdfmetrics.stringWidth(t, FONT, FONT_SIZE_CHART) for t in table.row_labels),
        )
        drawing = _drawing(height)
        chart = HorizontalBarChart()
        chart.x = _pt(label_width + 3 * mm)
        chart.y = _pt(8 * mm)
        chart.width = _pt(FRAME_WIDTH - chart.x - 10 * mm)
        chart.height = _pt(height - chart.y - CHART_TITLE_SPACE - 2 * mm)
        self.style_axes(chart)
        # A horizontal chart draws its first category at the bottom: hand it reversed.
        labels = [_fit(t, label_width) for t in reversed(table.row_labels)]
        totals = list(reversed(table.row_totals))
        chart.data = [[visible_value(c) or 0 for c in totals]]
        chart.barLabelArray = [[report.shown(c) for c in totals]]
        chart.categoryAxis.categoryNames = labels
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 1.5 * mm
        chart.bars[0].fillColor = SERIES_COLOURS[0]
        chart.bars[0].strokeColor = None
        if not any(chart.data[0]):
            chart.valueAxis.valueMax = 1
        drawing.add(chart)
        measure = self.captions.measure(table.measure)
        self.chart_title(drawing, self.captions.text(IN_THE_WHOLE_PERIOD, measure=measure))
        return drawing


def _drawing(height: float) -> Drawing:
    # A drawing starts in Helvetica (then listed in the PDF, unembedded) unless told otherwise,
    # even if none of its strings uses it.
    return Drawing(FRAME_WIDTH, height, initialFontName=FONT, initialFontSize=FONT_SIZE_CHART)


def _pt(length: float) -> int:
    """A chart position in whole points (ReportLab's chart geometry is typed as int)."""
    return round(length)


def _fit(text: str, width: float) -> str:
    """``text`` shortened with an ellipsis to ``width`` points of chart label (the table
    below the chart has it in full)."""
    if pdfmetrics.stringWidth(text, FONT, FONT_SIZE_CHART) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, FONT_SIZE_CHART) > width:
        text = text[:-1]
    return text.rstrip() + "…"
