"""The statistics report as one long-format CSV file: a row per figure.

Format (also in the README, "Statistics export format"):

- UTF-8 with a byte order mark, fields separated by ``;``, lines ended by CRLF, fields quoted
  only where needed (RFC 4180 quoting with ``"``). The semicolon is what Excel with Danish
  regional settings splits on when the file is opened with a double click (the comma is the
  Danish decimal sign); the BOM makes it read æ, ø and å as UTF-8.
- The first line names the columns: ``section;breakdown;category;measure;period;value``.
- ``section`` says what the figure is, so a pivot table can take the body alone
  (``cell``) without counting the totals twice:

  ============  ==========================================  ============  ==========
  section       the figure                                  category      period
  ============  ==========================================  ============  ==========
  headline      a key figure of the front page              (empty)       key/total
  cell          one category in one period                  its label     key
  row_total     one category over the whole report          its label     ``total``
  column_total  all categories of a breakdown in one period (empty)       key
  total         all categories over the whole report        (empty)       ``total``
  ============  ==========================================  ============  ==========

- ``breakdown`` is the breakdown's code (``advisor``, ``form``, ``topic``, ``condition``,
  ``relation``, ``age_group``, ``goal``, ``offer_kind``, ``relief_kind``); empty for a
  headline.
- ``category`` is the category as the report shows it, in the report's language.
- ``measure`` is the measure's code (``sessions``, ``hours``, ``persons``, ``anonymous``,
  ``group``; by offer kind ``referrals`` and ``referred``, by relief kind ``arrangements``
  and ``relieved``, the relatives) or, for a headline, the headline's code (``sessions``,
  ``hours``, ``persons``, ``new_relatives``, ``follow_ups_on_time``, ...,
  ``referred_relatives``, ``referrals``, ``relief_granted``, ``mentor_started``,
  ``mentor_ended``, ``mentor_helped``).
- ``period`` is the period's key as the report has it (``2026-03`` for a month), or ``total``.
- ``value`` is the figure without thousands separators; hours have one decimal, written with
  a decimal comma in a Danish report and a decimal point in an English one (as Excel with
  those regional settings reads them). A hidden figure is ``<N`` (``<5``), never the number.
- A field that a spreadsheet would take for a formula (it starts with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return) gets a leading apostrophe (``'=Sum``): the OWASP advice
  for CSV files. Codes, keys and values never start that way; only a label can.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from advisor_app.domain.statistics import Cell, StatsReport
from advisor_app.domain.text import spreadsheet_safe
from advisor_app.reports.stats_common import breakdowns, tables_of

COLUMNS = ("section", "breakdown", "category", "measure", "period", "value")
DELIMITER = ";"
TOTAL_PERIOD = "total"

Row = tuple[str, str, str, str, str, str]


neutralised = spreadsheet_safe  # the formula guard, one for every export


class StatsCsvWriter:
    """``StatsCsvWriter().render(report) -> bytes``: the long-format CSV of one report."""

    def render(self, report: StatsReport) -> bytes:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in self.rows(report):
            writer.writerow([neutralised(field) for field in row])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")

    def rows(self, report: StatsReport) -> Iterator[Row]:
        """Every figure of the report as the six fields, before the formula guard."""

        def value(cell: Cell) -> str:
            shown = report.shown(cell)
            return shown.replace(".", ",") if report.request.language == "da" else shown

        keys = [period.key for period in report.periods]
        for headline in report.headlines:
            for key, cell in zip(keys, headline.per_period, strict=True):
                yield ("headline", "", "", headline.code, key, value(cell))
            yield ("headline", "", "", headline.code, TOTAL_PERIOD, value(headline.total))
        tables = [table for b in breakdowns(report) for table in tables_of(report, b)]
        for table in tables:
            breakdown, measure = table.breakdown.value, table.measure.value
            for label, cells, row_total in zip(
                table.row_labels, table.cells, table.row_totals, strict=True
            ):
                for key, cell in zip(keys, cells, strict=True):
                    yield ("cell", breakdown, label, measure, key, value(cell))
                yield ("row_total", breakdown, label, measure, TOTAL_PERIOD, value(row_total))
            for key, cell in zip(keys, table.column_totals, strict=True):
                yield ("column_total", breakdown, "", measure, key, value(cell))
            yield ("total", breakdown, "", measure, TOTAL_PERIOD, value(table.total))
