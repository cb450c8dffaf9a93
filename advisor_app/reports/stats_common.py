"""What the three statistics writers (XLSX, CSV, PDF) share: the fixed words in the report's
language, the order of breakdowns and measures, how a figure reads, and the test for text a
spreadsheet would take for a formula.

Everything a writer shows comes from the ``StatsReport`` (its labels are already in the
report's language) or from the captions here; a writer adds nothing else, so nothing about a
person can reach a file that the report did not hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from advisor_app.domain.statistics import (
    BREAKDOWN_LABELS,
    MEASURE_LABELS,
    Breakdown,
    Cell,
    Granularity,
    Headline,
    Measure,
    StatsReport,
    Table,
)
from advisor_app.i18n import N_, catalog, format_date, format_number

# A spreadsheet reads a cell starting with one of these as a formula (tab and CR too: Excel
# strips them and reads on), so such text must be written as text (OWASP "CSV injection").
TITLE = N_("Session statistics")
TOTAL = N_("Total")
PERIOD = N_("Period")
KEY_FIGURES = N_("Key figures")
OVERVIEW = N_("Overview")
PERIOD_RANGE = N_("{start} to {end}")
BY_GRANULARITY = {Granularity.MONTH: N_("by month"), Granularity.QUARTER: N_("by quarter")}
SUPPRESSION_NOTE = N_(
    "A figure counting fewer than {min_cell} relatives is shown as <{min_cell}, and so is any "
    "figure it could be worked out from."
)
AGGREGATE_NOTE = N_("Aggregated figures only: no names, notes or CPR numbers.")
PER_PERIOD_CHART = N_("Sessions and relatives helped per period")
IN_THE_WHOLE_PERIOD = N_("{measure} in the whole period")
CHART_DATA = N_("Chart data (hidden figures left empty)")

# Short names for the XLSX sheet tabs (at most 31 characters in any language); the breakdown's
# full label heads the sheet.
SHEET_NAMES: dict[Breakdown, str] = {
    Breakdown.ADVISOR: N_("Advisor"),
    Breakdown.FORM: N_("Session form"),
    Breakdown.TOPIC: N_("Topic"),
    Breakdown.CONDITION: N_("Condition group"),
    Breakdown.RELATION: N_("Relation"),
    Breakdown.AGE_GROUP: N_("Child or adult"),
    Breakdown.GOAL: N_("Strategy goal"),
    Breakdown.OFFER_KIND: N_("Offer kind"),
    Breakdown.RELIEF_KIND: N_("Relief kind"),
}

HEADLINE_SESSIONS = "sessions"
HEADLINE_PERSONS = "persons"
HEADLINE_HOURS = "hours"


@dataclass(frozen=True, slots=True)
class Captions:
    """The fixed words of one statistics document, in its report's language."""

    report: StatsReport

    def text(self, message: str, **params: object) -> str:
        translated = catalog(self.report.request.language).gettext(message)
        return translated.format(**params) if params else translated

    @property
    def language(self) -> str:
        return self.report.request.language

    @property
    def title(self) -> str:
        return self.text(TITLE)

    @property
    def total(self) -> str:
        return self.text(TOTAL)

    def measure(self, measure: Measure) -> str:
        return self.text(MEASURE_LABELS[measure])

    def breakdown(self, breakdown: Breakdown) -> str:
        return self.text(BREAKDOWN_LABELS[breakdown])

    def sheet(self, breakdown: Breakdown) -> str:
        return self.text(SHEET_NAMES[breakdown])

    @property
    def period_range(self) -> str:
        """The range in the report's language, e.g. "01.01.2026 til 31.03.2026"."""
        request = self.report.request
        return self.text(
            PERIOD_RANGE,
            start=format_date(request.start, self.language),
            end=format_date(request.end, self.language),
        )

    @property
    def period_line(self) -> str:
        """The range and the granularity: "01.01.2026 til 31.03.2026, pr. måned"."""
        return f"{self.period_range}, {self.text(BY_GRANULARITY[self.report.request.by])}"

    @property
    def suppression_note(self) -> str:
        return self.text(SUPPRESSION_NOTE, min_cell=self.report.request.min_cell)

    @property
    def aggregate_note(self) -> str:
        return self.text(AGGREGATE_NOTE)


def breakdowns(report: StatsReport) -> tuple[Breakdown, ...]:
    """The report's breakdowns, in the order of the enum (the same in every document)."""
    present = {table.breakdown for table in report.tables}
    return tuple(b for b in Breakdown if b in present)


def tables_of(report: StatsReport, breakdown: Breakdown) -> tuple[Table, ...]:
    """One breakdown's tables, in the order of the measures."""
    order = list(Measure)
    found = [t for t in report.tables if t.breakdown is breakdown]
    return tuple(sorted(found, key=lambda t: order.index(t.measure)))


def find_table(report: StatsReport, breakdown: Breakdown, measure: Measure) -> Table | None:
    for table in report.tables:
        if table.breakdown is breakdown and table.measure is measure:
            return table
    return None


def find_headline(report: StatsReport, code: str) -> Headline | None:
    for headline in report.headlines:
        if headline.code == code:
            return headline
    return None


def has_decimals(cells: Sequence[Cell], *, hours: bool = False) -> bool:
    """Whether a row of figures reads with one decimal (hours, or any fraction in it)."""
    return hours or any(
        c.value is not None and not float(c.value).is_integer() for c in cells if not c.suppressed
    )


def shown_number(report: StatsReport, cell: Cell) -> str:
    """A figure as a reader sees it in a document: "1.234", "7,5" in Danish; "<5" when hidden."""
    if cell.suppressed or cell.value is None:
        return report.shown(cell)
    return format_number(round(float(cell.value), 1), report.request.language)


def visible_value(cell: Cell) -> float | None:
    """The number a chart may draw: None for a hidden figure (a gap, never a guess)."""
    if cell.suppressed or cell.value is None:
        return None
    return float(cell.value)
