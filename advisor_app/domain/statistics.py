"""Session statistics for management (ledelsesstatistik): what a report holds, as plain
data. The service fills it from aggregate SQL (services/statistics.py), the suppression
(domain/suppression.py) hides small cells, and the writers (reports/) turn it into XLSX,
CSV and PDF; the window draws it. Nothing here names a person: rows are advisors (staff),
session forms, topics, condition groups, relation types, child or adult, strategy goals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from advisor_app.domain.errors import N_, ValidationError

MIN_CELL_DEFAULT = 5
MIN_CELL_FLOOR = 3  # never below: DOMAIN.md


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


class Measure(StrEnum):
    """What a table counts. ``persons`` is what suppression is decided on."""

    SESSIONS = "sessions"
    HOURS = "hours"  # one decimal
    PERSONS = "persons"  # distinct relatives; an anonymous session counts as one person
    ANONYMOUS = "anonymous"
    GROUP = "group"
    # The tables of referrals and relief by kind (not sessions): events and their persons.
    REFERRALS = "referrals"
    REFERRED = "referred"  # distinct relatives referred
    ARRANGEMENTS = "arrangements"  # relief arrangements granted
    RELIEVED = "relieved"  # distinct relatives granted relief


MEASURE_LABELS: dict[Measure, str] = {
    Measure.SESSIONS: N_("Sessions"),
    Measure.HOURS: N_("Hours"),
    Measure.PERSONS: N_("Relatives helped"),
    Measure.ANONYMOUS: N_("Anonymous sessions"),
    Measure.GROUP: N_("Group sessions"),
    Measure.REFERRALS: N_("Referrals to offers"),
    Measure.REFERRED: N_("Relatives referred to an offer"),
    Measure.ARRANGEMENTS: N_("Relief arrangements granted"),
    Measure.RELIEVED: N_("Relatives granted relief"),
}


class Breakdown(StrEnum):
    ADVISOR = "advisor"
    FORM = "form"
    TOPIC = "topic"
    CONDITION = "condition"
    RELATION = "relation"
    AGE_GROUP = "age_group"  # child (under 18) or adult relative
    GOAL = "goal"  # the municipality's strategy goals, through the session's topics
    OFFER_KIND = "offer_kind"  # referrals to offers, by the offer's kind
    RELIEF_KIND = "relief_kind"  # relief arrangements granted, by kind


BREAKDOWN_LABELS: dict[Breakdown, str] = {
    Breakdown.ADVISOR: N_("By advisor"),
    Breakdown.FORM: N_("By session form"),
    Breakdown.TOPIC: N_("By topic"),
    Breakdown.CONDITION: N_("By the citizen's condition group"),
    Breakdown.RELATION: N_("By relation"),
    Breakdown.AGE_GROUP: N_("Child or adult relative"),
    Breakdown.GOAL: N_("By strategy goal"),
    Breakdown.OFFER_KIND: N_("Referrals by offer kind"),
    Breakdown.RELIEF_KIND: N_("Relief granted by kind"),
}

SESSION_MEASURES = (
    Measure.SESSIONS,
    Measure.HOURS,
    Measure.PERSONS,
    Measure.ANONYMOUS,
    Measure.GROUP,
)
#: The breakdowns of sessions; the others count referrals or relief, each with its measures.
SESSION_BREAKDOWNS = tuple(
    b for b in Breakdown if b not in (Breakdown.OFFER_KIND, Breakdown.RELIEF_KIND)
)
KIND_MEASURES: dict[Breakdown, tuple[Measure, Measure]] = {
    Breakdown.OFFER_KIND: (Measure.REFERRALS, Measure.REFERRED),
    Breakdown.RELIEF_KIND: (Measure.ARRANGEMENTS, Measure.RELIEVED),
}


def measures_of(breakdown: Breakdown) -> tuple[Measure, ...]:
    """The measures a breakdown's tables count, in order."""
    return KIND_MEASURES.get(breakdown, SESSION_MEASURES)


@dataclass(frozen=True, slots=True)
class Period:
    """One month or quarter of the report: ``label`` like "2026-03" or "2026 K1"."""

    key: str
    label: str
    start: date
    end: date  # inclusive


@dataclass(frozen=True, slots=True)
class StatsRequest:
    start: date
    end: date  # inclusive
    by: Granularity = Granularity.MONTH
    min_cell: int = MIN_CELL_DEFAULT
    language: str = "da"  # of the labels in the report and of the exports

    def checked(self) -> StatsRequest:
        if self.end < self.start:
            raise ValidationError(N_("The period ends before it starts."), field="period")
        if (self.end - self.start).days > 3 * 366:
            raise ValidationError(N_("A report covers at most three years."), field="period")
        if self.min_cell < MIN_CELL_FLOOR:
            raise ValidationError(
                N_("Cells are hidden below {floor} persons at the least."),
                floor=MIN_CELL_FLOOR,
                field="min_cell",
            )
        return self


@dataclass(frozen=True, slots=True)
class Cell:
    """One figure. ``value`` is None when suppressed (shown as ``<N``)."""

    value: float | None
    suppressed: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """One breakdown for one measure: a row per category, a column per period, then the
    row totals; the last row is the column totals. Cells of one (row, period) position are
    suppressed together across the measures of a breakdown."""

    breakdown: Breakdown
    measure: Measure
    rows: tuple[str, ...]  # category keys (an advisor's id, a form's code, ...)
    row_labels: tuple[str, ...]  # what to show, already in the report's language
    cells: tuple[tuple[Cell, ...], ...]  # [row][period]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]  # [period]
    total: Cell


@dataclass(frozen=True, slots=True)
class Headline:
    """A figure of the front sheet, for each period and the whole report."""

    code: str  # sessions, hours, persons, new_relatives, anonymous, group, follow_ups_on_time,
    # follow_ups_due, check_ins, who5_improved, who5_worsened, who5_pairs, referred_relatives,
    # referrals, relief_granted, mentor_started, mentor_ended, mentor_helped
    label: str  # already in the report's language
    per_period: tuple[Cell, ...]
    total: Cell


@dataclass(frozen=True, slots=True)
class StatsReport:
    request: StatsRequest
    periods: tuple[Period, ...]
    headlines: tuple[Headline, ...]
    tables: tuple[Table, ...]  # every (breakdown, measure) pair
    municipality: str = ""
    # Measures' and breakdowns' names come from MEASURE_LABELS / BREAKDOWN_LABELS (English
    # source strings): a writer translates them with i18n.catalog(request.language).

    def table(self, breakdown: Breakdown, measure: Measure) -> Table:
        for table in self.tables:
            if table.breakdown is breakdown and table.measure is measure:
                return table
        raise KeyError((breakdown, measure))

    def shown(self, cell: Cell) -> str:
        """How a cell reads in an export: the number, or "<N" when suppressed."""
        if cell.suppressed or cell.value is None:
            return f"<{self.request.min_cell}"
        value = cell.value
        return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
