"""A statistics report built by hand, as the service would return it: three months, five
breakdowns, hidden figures, Danish letters, and a label that a spreadsheet would take for a
formula. Used by tests/test_stats_reports.py."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from advisor_app.domain.statistics import (
    Breakdown,
    Cell,
    Headline,
    Measure,
    Period,
    StatsReport,
    StatsRequest,
    Table,
    measures_of,
)

MIN_CELL = 5
FORMULA_LABEL = "=SUM(A1:A9)*2"
PERIODS = (
    Period("2026-01", "2026-01", date(2026, 1, 1), date(2026, 1, 31)),
    Period("2026-02", "2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    Period("2026-03", "2026-03", date(2026, 3, 1), date(2026, 3, 31)),
)

# Sessions per category and month; persons, hours and the rest follow from them. A hidden
# position is hidden in every measure of its breakdown (as the suppression does it).
CATEGORIES: dict[Breakdown, tuple[tuple[str, str, tuple[int, int, int]], ...]] = {
    Breakdown.ADVISOR: (
        ("u1", "Vejleder Nord", (41, 38, 52)),
        ("u2", "Vejleder Syd", (33, 29, 40)),
    ),
    Breakdown.FORM: (
        ("in_person", "Personligt fremmøde", (40, 35, 47)),
        ("phone", "Telefon", (22, 18, 30)),
        ("home_visit", "Hjemmebesøg", (9, 11, 12)),
        ("video", "Video", (3, 3, 3)),
    ),
    Breakdown.TOPIC: (
        ("relief", "Aflastning og afløsning", (25, 21, 30)),
        ("loneliness", "Ensomhed og isolation", (18, 16, 20)),
        ("formula", FORMULA_LABEL, (7, 9, 8)),
        ("work", "At bevare sit arbejde – også på nedsat tid", (4, 12, 11)),
    ),
    Breakdown.RELATION: (
        ("spouse", "Ægtefælle eller partner", (38, 33, 45)),
        ("child", "Voksent barn", (24, 22, 31)),
        ("sibling", "Søskende", (6, 3, 9)),
        ("friend", "Ven eller nabo", (6, 9, 7)),
    ),
    Breakdown.AGE_GROUP: (
        ("adult", "Voksen pårørende", (70, 63, 85)),
        ("child", "Barn som pårørende (under 18 år)", (4, 4, 7)),
    ),
}
# (row, period) positions hidden, per breakdown; None as period: the row's total.
HIDDEN: dict[Breakdown, set[tuple[int, int | None]]] = {
    Breakdown.ADVISOR: set(),
    Breakdown.FORM: {(3, 0), (3, 1), (3, 2), (3, None), (2, 0), (2, 1)},
    Breakdown.TOPIC: {(3, 0), (2, 0)},
    Breakdown.RELATION: {(2, 1), (3, 1), (2, 0), (3, 0)},
    Breakdown.AGE_GROUP: {(1, 0), (1, 1), (0, 0), (0, 1)},
}
# Column totals hidden (so a hidden cell cannot be worked out from them).
HIDDEN_COLUMNS: dict[Breakdown, set[int]] = {Breakdown.AGE_GROUP: {0, 1}}


def figure(measure: Measure, sessions: int) -> float:
    if measure is Measure.SESSIONS:
        return float(sessions)
    if measure is Measure.HOURS:
        return round(sessions * 1.25 + 0.2, 1)
    if measure is Measure.PERSONS:
        return float(max(1, (sessions * 2) // 3))
    if measure is Measure.ANONYMOUS:
        return float(sessions // 10)
    return float(sessions // 8)  # group


def cell(value: float, hidden: bool) -> Cell:
    return Cell(None, suppressed=True) if hidden else Cell(value)


def make_table(breakdown: Breakdown, measure: Measure) -> Table:
    categories = CATEGORIES[breakdown]
    hidden = HIDDEN[breakdown]
    values = [[figure(measure, s) for s in sessions] for _key, _label, sessions in categories]
    cells = tuple(
        tuple(cell(v, (r, p) in hidden) for p, v in enumerate(row)) for r, row in enumerate(values)
    )
    row_totals = tuple(
        cell(round(sum(row), 1), (r, None) in hidden) for r, row in enumerate(values)
    )
    column_totals = tuple(
        cell(round(sum(row[p] for row in values), 1), p in HIDDEN_COLUMNS.get(breakdown, set()))
        for p in range(len(PERIODS))
    )
    total = Cell(round(sum(sum(row) for row in values), 1))
    return Table(
        breakdown=breakdown,
        measure=measure,
        rows=tuple(key for key, _label, _s in categories),
        row_labels=tuple(label for _key, label, _s in categories),
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        total=total,
    )


def headline(
    code: str, label: str, values: tuple[float, float, float], hidden: Collection[object] = ()
) -> Headline:
    """A key figure; ``hidden`` holds the hidden periods' indexes and "total" for the total."""
    return Headline(
        code=code,
        label=label,
        per_period=tuple(cell(v, p in hidden) for p, v in enumerate(values)),
        total=cell(round(sum(values), 1), "total" in hidden),
    )


HEADLINES = (
    headline("sessions", "Samtaler", (74, 67, 92)),
    headline("hours", "Timer", (92.7, 84.0, 115.2)),
    headline("persons", "Hjulpne pårørende", (51, 48, 60)),
    headline("new_relatives", "Nye pårørende", (19, 14, 22)),
    headline("anonymous", "Anonyme samtaler", (6, 3, 8), hidden=(1,)),
    headline("group", "Gruppesamtaler", (9, 8, 11)),
    headline("follow_ups_on_time", "Opfølgninger til tiden", (30, 27, 41)),
    headline("check_ins", "Trivselstjek", (21, 25, 19)),
    headline("who5_improved", "WHO-5 forbedret med 10 point eller mere", (7, 6, 9)),
    headline(
        "who5_worsened",
        "WHO-5 forværret med 10 point eller mere",
        (2, 1, 3),
        hidden=(0, 1, 2, "total"),
    ),
)


def make_report(language: str = "da", municipality: str = "Ærø Kommune") -> StatsReport:
    request = StatsRequest(
        start=date(2026, 1, 1), end=date(2026, 3, 31), min_cell=MIN_CELL, language=language
    )
    tables = tuple(make_table(b, m) for b in CATEGORIES for m in measures_of(b))
    return StatsReport(
        request=request,
        periods=PERIODS,
        headlines=HEADLINES,
        tables=tables,
        municipality=municipality,
    )
