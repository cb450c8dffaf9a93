"""One way in for the window and the command line: a report rendered in a chosen format."""

from __future__ import annotations

from advisor_app.domain.statistics import StatsReport
from advisor_app.reports.stats_csv import StatsCsvWriter
from advisor_app.reports.stats_pdf import StatsPdfRenderer
from advisor_app.reports.stats_xlsx import StatsXlsxWriter

FORMATS = ("xlsx", "csv", "pdf")


def render(report: StatsReport, file_format: str) -> bytes:
    if file_format == "xlsx":
        return StatsXlsxWriter().render(report)
    if file_format == "csv":
        return StatsCsvWriter().render(report)
    if file_format == "pdf":
        return StatsPdfRenderer().render(report)
    raise ValueError(f"no export format {file_format!r}")
