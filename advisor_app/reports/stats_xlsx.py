"""The statistics report as an XLSX workbook (XlsxWriter) with native charts.

Layout: a front sheet (*Overview*) with the key figures per period and in total and a column
chart of sessions and relatives helped per period; then one sheet per breakdown, holding for
each measure a block (a header row with the periods and "Total", a row per category, a totals
row) and a bar chart of sessions per category over the whole period.

- A hidden figure is the text "<N", never the number.
- A chart cannot draw "<N" (a text cell in a value range is a zero to Excel, and XlsxWriter
  would cache it as text), so each chart reads a small *chart data* block beside the tables:
  the same figures, with hidden ones left empty, which a chart draws as a gap.
- Every text goes through ``write_string`` (and the workbook has ``strings_to_formulas`` off),
  so a label starting with ``=``, ``+``, ``-`` or ``@`` stays text, never a formula.
- The bytes depend on the report only: a fixed creation date in the properties (XlsxWriter
  already stamps the zip entries with a fixed date), and no author, company or user name.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from advisor_app.domain.statistics import Breakdown, Cell, Measure, StatsReport, Table
from advisor_app.reports.stats_common import (
    CHART_DATA,
    HEADLINE_HOURS,
    HEADLINE_PERSONS,
    HEADLINE_SESSIONS,
    IN_THE_WHOLE_PERIOD,
    KEY_FIGURES,
    OVERVIEW,
    PER_PERIOD_CHART,
    PERIOD,
    Captions,
    breakdowns,
    find_headline,
    has_decimals,
    tables_of,
    visible_value,
)

# Office's own epoch for "no date": the same report always gives the same bytes.
FIXED_CREATED = datetime(2000, 1, 1)

SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# Column widths in characters (Excel's unit).
LABEL_WIDTH_MIN = 18
LABEL_WIDTH_MAX = 60
NUMBER_WIDTH_MIN = 10
FIRST_BLOCK_ROW = 6  # rows 0-4: title, municipality, period, notes; then an empty row
CHART_WIDTH_PX = 560
CHART_HEIGHT_PX = 320
CHART_ROW_PX = 22  # per category of a bar chart
NUMBER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0"
SERIES_COLOURS = ("#2F6B9A", "#E08A2E")


def sheet_name(text: str, used: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, no apostrophe at either end, at most 31
    characters; Excel compares names without case."""
    name = _SHEET_NAME_FORBIDDEN.sub("-", text).strip().strip("'").strip()
    name = name[:SHEET_NAME_MAX].rstrip("'").strip() or "Sheet"
    candidate, number = name, 2
    while candidate.casefold() in used:
        suffix = f" ({number})"
        candidate = name[: SHEET_NAME_MAX - len(suffix)] + suffix
        number += 1
    used.add(candidate.casefold())
    return candidate


class StatsXlsxWriter:
    """``StatsXlsxWriter().render(report) -> bytes``: the workbook of one statistics report."""

    def render(self, report: StatsReport) -> bytes:
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            buffer,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        _Book(workbook, report).write()
        workbook.close()
        return buffer.getvalue()


class _Book:
    """One workbook being written: its formats, captions and sheet names."""

    def __init__(self, workbook: Workbook, report: StatsReport) -> None:
        self.workbook = workbook
        self.report = report
        self.captions = Captions(report)
        self.used_names: set[str] = set()
        add = workbook.add_format
        self.f_title = add({"bold": True, "font_size": 14})
        self.f_heading = add({"bold": True, "font_size": 12})
        self.f_note = add({"italic": True, "font_color": "#555555"})
        self.f_header = add(
            {"bold": True, "bg_color": "#DCE6F0", "bottom": 1, "align": "center", "valign": "top"}
        )
        self.f_header_label = add({"bold": True, "bg_color": "#DCE6F0", "bottom": 1})
        self.f_label = add({"text_wrap": True, "valign": "top"})
        self.f_total_label = add({"bold": True, "top": 1})
        self.f_number = {
            (decimals, total): add(
                {
                    "num_format": DECIMAL_FORMAT if decimals else NUMBER_FORMAT,
                    "bold": total,
                    "top": 1 if total else 0,
                }
            )
            for decimals in (False, True)
            for total in (False, True)
        }
        self.f_hidden = {
            total: add(
                {
                    "align": "right",
                    "italic": True,
                    "font_color": "#6B6B6B",
                    "bold": total,
                    "top": 1 if total else 0,
                }
            )
            for total in (False, True)
        }

    def write(self) -> None:
        captions = self.captions
        self.workbook.set_properties(
            {
                "title": f"{captions.title}, {captions.period_range}",
                "subject": captions.period_line,
                "author": "",
                "company": "",
                "comments": captions.aggregate_note,
                "created": FIXED_CREATED,
            }
        )
        self.front_sheet()
        for breakdown in breakdowns(self.report):
            self.breakdown_sheet(breakdown)

    # -- sheets ----------------------------------------------------------------------------

    def front_sheet(self) -> None:
        report, captions = self.report, self.captions
        sheet = self.add_sheet(captions.text(OVERVIEW))
        self.write_heading(sheet, captions.title)
        row = FIRST_BLOCK_ROW
        sheet.write_string(row, 0, captions.text(KEY_FIGURES), self.f_header_label)
        self.write_period_header(sheet, row)
        labels = [captions.text(KEY_FIGURES)]
        for headline in report.headlines:
            row += 1
            labels.append(headline.label)
            sheet.write_string(row, 0, headline.label, self.f_label)
            decimals = has_decimals(
                [*headline.per_period, headline.total], hours=headline.code == HEADLINE_HOURS
            )
            self.write_figures(sheet, row, 1, [*headline.per_period, headline.total], decimals)
        self.set_widths(sheet, labels)

        series = [
            (code, h)
            for code in (HEADLINE_SESSIONS, HEADLINE_PERSONS)
            if (h := find_headline(report, code)) is not None
        ]
        if not series or not report.periods:
            return
        # Chart data: a period per row, a column per series; hidden figures left empty.
        data_col = len(report.periods) + 3
        top = FIRST_BLOCK_ROW
        sheet.write_string(top - 1, data_col, captions.text(CHART_DATA), self.f_note)
        sheet.write_string(top, data_col, captions.text(PERIOD), self.f_header_label)
        for i, period in enumerate(report.periods, start=1):
            sheet.write_string(top + i, data_col, period.label, self.f_label)
        for s, (_code, headline) in enumerate(series, start=1):
            sheet.write_string(top, data_col + s, headline.label, self.f_header)
            for i, cell in enumerate(headline.per_period, start=1):
                self.write_chart_value(sheet, top + i, data_col + s, cell)
        sheet.set_column(data_col, data_col, self.label_width([p.label for p in report.periods]))
        sheet.set_column(data_col + 1, data_col + len(series), NUMBER_WIDTH_MIN + 4)

        chart = self.new_chart({"type": "column"})
        last = top + len(report.periods)
        for s, (_code, _headline) in enumerate(series, start=1):
            chart.add_series(
                {
                    "name": [sheet.name, top, data_col + s],
                    "categories": [sheet.name, top + 1, data_col, last, data_col],
                    "values": [sheet.name, top + 1, data_col + s, last, data_col + s],
                    "fill": {"color": SERIES_COLOURS[(s - 1) % len(SERIES_COLOURS)]},
                    "gap": 80,
                }
            )
        chart.set_title({"name": captions.text(PER_PERIOD_CHART), "name_font": {"size": 12}})
        chart.set_y_axis({"min": 0, "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": CHART_WIDTH_PX, "height": CHART_HEIGHT_PX})
        sheet.insert_chart(FIRST_BLOCK_ROW + len(report.headlines) + 3, 0, chart)

    def breakdown_sheet(self, breakdown: Breakdown) -> None:
        report, captions = self.report, self.captions
        sheet = self.add_sheet(captions.sheet(breakdown))
        self.write_heading(sheet, captions.breakdown(breakdown))
        row = FIRST_BLOCK_ROW
        labels: list[str] = []
        for table in tables_of(report, breakdown):
            row = self.write_block(sheet, row, table) + 2
            labels += [captions.measure(table.measure), *table.row_labels]
        self.set_widths(sheet, labels)
        sheet.freeze_panes(0, 1)

        # The chart draws the breakdown's first measure: sessions, referrals or arrangements.
        charted = tables_of(report, breakdown)
        if not charted or not charted[0].rows:
            return
        first = charted[0]
        data_col = len(report.periods) + 3
        top = FIRST_BLOCK_ROW
        measure = captions.measure(first.measure)
        sheet.write_string(top - 1, data_col, captions.text(CHART_DATA), self.f_note)
        sheet.write_string(top, data_col, measure, self.f_header_label)
        sheet.write_string(top, data_col + 1, captions.total, self.f_header)
        for i, (label, cell) in enumerate(
            zip(first.row_labels, first.row_totals, strict=True), start=1
        ):
            sheet.write_string(top + i, data_col, label, self.f_label)
            self.write_chart_value(sheet, top + i, data_col + 1, cell)
        sheet.set_column(data_col, data_col, self.label_width(list(first.row_labels)))
        sheet.set_column(data_col + 1, data_col + 1, NUMBER_WIDTH_MIN + 2)

        count = len(first.rows)
        chart = self.new_chart({"type": "bar"})
        chart.add_series(
            {
                "name": measure,
                "categories": [sheet.name, top + 1, data_col, top + count, data_col],
                "values": [sheet.name, top + 1, data_col + 1, top + count, data_col + 1],
                "fill": {"color": SERIES_COLOURS[0]},
                "data_labels": {"value": True},
                "gap": 60,
            }
        )
        chart.set_title(
            {"name": captions.text(IN_THE_WHOLE_PERIOD, measure=measure), "name_font": {"size": 12}}
        )
        # A bar chart's category axis is vertical; reversed, the first category is on top,
        # and crossing at its end keeps the value axis at the bottom.
        chart.set_y_axis({"reverse": True, "crossing": "max"})
        chart.set_x_axis({"min": 0, "major_gridlines": {"visible": True}})
        chart.set_legend({"none": True})
        chart.set_size(
            {"width": CHART_WIDTH_PX, "height": max(CHART_HEIGHT_PX, 90 + CHART_ROW_PX * count)}
        )
        sheet.insert_chart(top, data_col + 3, chart)

    # -- pieces ----------------------------------------------------------------------------

    def add_sheet(self, title: str) -> Worksheet:
        sheet = self.workbook.add_worksheet(sheet_name(title, self.used_names))
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        return sheet

    def new_chart(self, options: dict[str, Any]) -> Any:
        chart = self.workbook.add_chart(options)
        if chart is None:  # only for an unknown chart type
            raise ValueError(options)
        chart.show_blanks_as("gap")
        return chart

    def write_heading(self, sheet: Worksheet, title: str) -> None:
        captions = self.captions
        sheet.write_string(0, 0, title, self.f_title)
        lines = [captions.period_line, captions.suppression_note, captions.aggregate_note]
        if self.report.municipality:
            lines.insert(0, self.report.municipality)
        for row, line in enumerate(lines[: FIRST_BLOCK_ROW - 1], start=1):
            sheet.write_string(row, 0, line, self.f_note)

    def write_period_header(self, sheet: Worksheet, row: int) -> None:
        for col, period in enumerate(self.report.periods, start=1):
            sheet.write_string(row, col, period.label, self.f_header)
        sheet.write_string(row, len(self.report.periods) + 1, self.captions.total, self.f_header)

    def write_block(self, sheet: Worksheet, row: int, table: Table) -> int:
        """One measure's block from ``row``; returns the row of its totals."""
        sheet.write_string(row, 0, self.captions.measure(table.measure), self.f_header_label)
        self.write_period_header(sheet, row)
        hours = table.measure is Measure.HOURS
        everything = [c for r in table.cells for c in r] + [*table.column_totals, table.total]
        decimals = has_decimals(everything, hours=hours)
        for label, cells, total in zip(
            table.row_labels, table.cells, table.row_totals, strict=True
        ):
            row += 1
            sheet.write_string(row, 0, label, self.f_label)
            self.write_figures(sheet, row, 1, [*cells, total], decimals)
        row += 1
        sheet.write_string(row, 0, self.captions.total, self.f_total_label)
        self.write_figures(sheet, row, 1, [*table.column_totals, table.total], decimals, total=True)
        return row

    def write_figures(
        self,
        sheet: Worksheet,
        row: int,
        first_col: int,
        cells: Sequence[Cell],
        decimals: bool,
        *,
        total: bool = False,
    ) -> None:
        for col, cell in enumerate(cells, start=first_col):
            if cell.suppressed or cell.value is None:
                sheet.write_string(row, col, self.report.shown(cell), self.f_hidden[total])
            else:
                sheet.write_number(row, col, float(cell.value), self.f_number[(decimals, total)])

    def write_chart_value(self, sheet: Worksheet, row: int, col: int, cell: Cell) -> None:
        value = visible_value(cell)
        if value is None:
            sheet.write_blank(row, col, None)
        else:
            sheet.write_number(row, col, value, self.f_number[(not value.is_integer(), False)])

    def label_width(self, labels: Sequence[str]) -> int:
        longest = max((len(label) for label in labels), default=0)
        return max(LABEL_WIDTH_MIN, min(LABEL_WIDTH_MAX, longest + 2))

    def set_widths(self, sheet: Worksheet, labels: Sequence[str]) -> None:
        sheet.set_column(0, 0, self.label_width(labels))
        periods = self.report.periods
        width = max([NUMBER_WIDTH_MIN, *(len(p.label) + 3 for p in periods)])
        sheet.set_column(1, len(periods) + 1, width)
