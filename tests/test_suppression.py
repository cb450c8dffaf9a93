"""Small-cell suppression (diskretionering): no small figure shown, none recoverable.

Besides the line rule, a hidden figure is checked to be safe the way a reader would attack it:
the table's additive measures (sessions, hours) make every row and column an equation
(members add up to the total), and ``recoverable`` solves those equations exactly, by Gaussian
elimination over fractions, independently of the graph reasoning in the module.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from advisor_app.domain.suppression import Grid, Mask, suppress

Position = tuple[int, int]  # (row, column) of the grid with totals: the last row/column hold them


def figures(grid: Grid) -> dict[Position, int]:
    """Persons of every figure, totals included: row len(persons) is the column totals'."""
    n_rows, n_columns = len(grid.persons), len(grid.column_totals)
    persons: dict[Position, int] = {}
    for r, row in enumerate(grid.persons):
        persons.update({(r, c): n for c, n in enumerate(row)})
        persons[r, n_columns] = grid.row_totals[r]
    persons.update({(n_rows, c): n for c, n in enumerate(grid.column_totals)})
    persons[n_rows, n_columns] = grid.total
    return persons


def hidden(mask: Mask) -> set[Position]:
    n_rows, n_columns = len(mask.cells), len(mask.column_totals)
    result = {(r, c) for r, row in enumerate(mask.cells) for c, h in enumerate(row) if h}
    result |= {(r, n_columns) for r, h in enumerate(mask.row_totals) if h}
    result |= {(n_rows, c) for c, h in enumerate(mask.column_totals) if h}
    if mask.total:
        result.add((n_rows, n_columns))
    return result


def lines(grid: Grid) -> list[list[Position]]:
    """Every row and column, totals' row and column too; each ends with its total."""
    n_rows, n_columns = len(grid.persons), len(grid.column_totals)
    rows = [[(r, c) for c in range(n_columns + 1)] for r in range(n_rows + 1)]
    columns = [[(r, c) for r in range(n_rows + 1)] for c in range(n_columns + 1)]
    return rows + columns


def recoverable(grid: Grid, secret: set[Position]) -> set[Position]:
    """The hidden figures that the shown ones determine, if every line adds up.

    A line whose members are all 0 while its total is not does not add up (its total counts
    something no member counts), so it is no equation. A hidden figure is determined exactly
    when its unit vector lies in the row space of the equations' coefficients on the hidden
    figures: in reduced row echelon form, when its pivot row has no other entry.
    """
    persons = figures(grid)
    unknowns = sorted(secret)
    index = {position: i for i, position in enumerate(unknowns)}
    equations: list[list[Fraction]] = []
    for line in lines(grid):
        *members, total = line
        if persons[total] > 0 and not any(persons[m] for m in members):
            continue
        row = [Fraction(0)] * len(unknowns)
        for m in members:
            if m in index:
                row[index[m]] += 1
        if total in index:
            row[index[total]] -= 1
        equations.append(row)
    pivots: list[int] = []
    for column in range(len(unknowns)):
        done = len(pivots)
        found = next((i for i in range(done, len(equations)) if equations[i][column]), None)
        if found is None:
            continue
        equations[done], equations[found] = equations[found], equations[done]
        lead = equations[done][column]
        equations[done] = [x / lead for x in equations[done]]
        for i, other in enumerate(equations):
            if i != done and other[column]:
                factor = other[column]
                equations[i] = [x - factor * y for x, y in zip(other, equations[done], strict=True)]
        pivots.append(column)
    return {
        unknowns[column]
        for i, column in enumerate(pivots)
        if sum(1 for x in equations[i] if x) == 1
    }


def line_rule_broken(grid: Grid, secret: set[Position]) -> list[list[Position]]:
    """The line rule broken: lines whose total is shown with exactly one hidden non-zero
    member."""
    persons = figures(grid)
    broken = []
    for line in lines(grid):
        *members, total = line
        if total not in secret and sum(1 for m in members if m in secret and persons[m]) == 1:
            broken.append(line)
    return broken


def make_grid(
    persons: list[list[int]],
    extras: list[int],
    values: list[list[float]] | None = None,
) -> Grid:
    """Totals at least each member's persons (distinct persons of a union), plus an extra
    each (persons a total counts beyond its members', e.g. sessions without a topic)."""
    n_columns = len(persons[0])
    row_totals = tuple(max(row) + extras[r] for r, row in enumerate(persons))
    column_totals = tuple(
        max(row[c] for row in persons) + extras[len(persons) + c] for c in range(n_columns)
    )
    total = max(*row_totals, *column_totals) + extras[-1]
    return Grid(
        persons=tuple(tuple(row) for row in persons),
        row_totals=row_totals,
        column_totals=column_totals,
        total=total,
        values=None if values is None else tuple(tuple(row) for row in values),
    )


PERSONS = st.integers(0, 40)


@st.composite
def grids(draw: st.DrawFn, persons: st.SearchStrategy[int] = PERSONS) -> Grid:
    """1..8 x 1..13 cells of 0..40 persons, totals at least each of their members."""
    n_rows, n_columns = draw(st.integers(1, 8)), draw(st.integers(1, 13))
    row = st.lists(persons, min_size=n_columns, max_size=n_columns)
    cells = draw(st.lists(row, min_size=n_rows, max_size=n_rows))
    n_totals = n_rows + n_columns + 1
    extras = draw(st.lists(st.integers(0, 10), min_size=n_totals, max_size=n_totals))
    values = None
    if draw(st.booleans()):
        figure = st.floats(0, 100, allow_nan=False, allow_infinity=False)
        drawn = draw(
            st.lists(
                st.lists(figure, min_size=n_columns, max_size=n_columns),
                min_size=n_rows,
                max_size=n_rows,
            )
        )
        values = [
            [v if n else 0.0 for v, n in zip(vs, ns, strict=True)]
            for vs, ns in zip(drawn, cells, strict=True)
        ]
    return make_grid(cells, extras, values)


@st.composite
def counted_grids(draw: st.DrawFn) -> Grid:
    """A table counted from contacts (category, period, person), the way the service counts:
    every figure is exactly the distinct persons it covers, and sessions are the cost."""
    n_rows, n_columns = draw(st.integers(1, 8)), draw(st.integers(1, 13))
    contacts = draw(
        st.lists(
            st.tuples(
                st.integers(0, n_rows - 1), st.integers(0, n_columns - 1), st.integers(0, 59)
            ),
            max_size=300,
        )
    )

    def count(keep: set[tuple[int, int]]) -> int:
        return len({person for r, c, person in contacts if (r, c) in keep})

    everything = {(r, c) for r in range(n_rows) for c in range(n_columns)}
    return Grid(
        persons=tuple(tuple(count({(r, c)}) for c in range(n_columns)) for r in range(n_rows)),
        row_totals=tuple(count({(r, c) for c in range(n_columns)}) for r in range(n_rows)),
        column_totals=tuple(count({(r, c) for r in range(n_rows)}) for c in range(n_columns)),
        total=count(everything),
        values=tuple(
            tuple(float(sum(1 for x in contacts if x[:2] == (r, c))) for c in range(n_columns))
            for r in range(n_rows)
        ),
    )


MIN_CELLS = st.integers(3, 10)


# -- properties ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(grids(), MIN_CELLS)
def test_no_small_figure_is_shown(grid: Grid, min_cell: int) -> None:
    secret = hidden(suppress(grid, min_cell))
    shown_small = [
        (position, n)
        for position, n in figures(grid).items()
        if 0 < n < min_cell and position not in secret
    ]
    assert shown_small == []


@settings(max_examples=300, deadline=None)
@given(grids(), MIN_CELLS)
def test_no_line_with_a_shown_total_hides_exactly_one_member(grid: Grid, min_cell: int) -> None:
    assert line_rule_broken(grid, hidden(suppress(grid, min_cell))) == []


@settings(max_examples=300, deadline=None)
@given(grids(), MIN_CELLS)
def test_zeros_are_never_hidden(grid: Grid, min_cell: int) -> None:
    persons = figures(grid)
    assert [p for p in hidden(suppress(grid, min_cell)) if persons[p] == 0] == []


@settings(max_examples=200, deadline=None)
@given(grids(persons=st.sampled_from([0, 5, 6, 9, 17, 40])), st.integers(3, 5))
def test_a_table_without_small_figures_hides_nothing(grid: Grid, min_cell: int) -> None:
    assume(not any(0 < n < min_cell for n in figures(grid).values()))  # extras can make some
    assert hidden(suppress(grid, min_cell)) == set()


def groups(secret: set[Position]) -> list[set[Position]]:
    """Hidden figures, grouped by sharing a row or a column (directly or through others)."""
    result: list[set[Position]] = []
    left = set(secret)
    while left:
        group = {left.pop()}
        todo = list(group)
        while todo:
            r, c = todo.pop()
            near = {p for p in left if p[0] == r or p[1] == c}
            left -= near
            group |= near
            todo += near
        result.append(group)
    return result


@settings(max_examples=200, deadline=None)
@given(grids(), MIN_CELLS)
def test_large_figures_are_hidden_only_to_protect_a_small_one(grid: Grid, min_cell: int) -> None:
    """(c): a figure of min_cell persons or more is hidden only as a secondary figure, so each
    group of hidden figures holds one that is hidden on its own account."""
    persons = figures(grid)
    for group in groups(hidden(suppress(grid, min_cell))):
        assert any(persons[p] < min_cell for p in group), group


@settings(max_examples=200, deadline=None)
@given(grids(), MIN_CELLS)
def test_the_same_table_gives_the_same_mask(grid: Grid, min_cell: int) -> None:
    copy = Grid(
        persons=tuple(tuple(list(row)) for row in grid.persons),
        row_totals=tuple(list(grid.row_totals)),
        column_totals=tuple(list(grid.column_totals)),
        total=grid.total,
        values=grid.values,
    )
    assert suppress(grid, min_cell) == suppress(copy, min_cell) == suppress(grid, min_cell)


@settings(max_examples=150, deadline=None)
@given(counted_grids(), MIN_CELLS)
def test_no_hidden_figure_of_a_counted_table_can_be_worked_out(grid: Grid, min_cell: int) -> None:
    every_nonzero = {p for p, n in figures(grid).items() if n}
    assert recoverable(grid, every_nonzero) == set()  # the premise: hiding everything is safe
    mask = suppress(grid, min_cell)
    assert recoverable(grid, hidden(mask)) == set()
    assert line_rule_broken(grid, hidden(mask)) == []


@settings(max_examples=150, deadline=None)
@given(grids(), MIN_CELLS)
def test_nothing_is_worked_out_that_hiding_everything_would_not_give_away(
    grid: Grid, min_cell: int
) -> None:
    """With totals that count more than their members add up to, some equations cannot hold;
    a figure they "determine" even when every non-zero figure is hidden is left as it is."""
    every_nonzero = {p for p, n in figures(grid).items() if n}
    secret = hidden(suppress(grid, min_cell))
    assert recoverable(grid, secret) <= recoverable(grid, every_nonzero)


# -- examples -------------------------------------------------------------------------------


def test_one_small_cell_hides_one_more_in_its_row_and_its_column() -> None:
    grid = Grid(
        persons=((20, 20, 20), (20, 2, 20), (20, 20, 20)),
        row_totals=(50, 42, 50),
        column_totals=(50, 42, 50),
        total=130,
    )
    mask = suppress(grid, 5)
    # Every partner costs the same. Row 1 takes its first, (1, 0); column 0 then its first,
    # (0, 0); column 1 takes (0, 1), which closes row 0 as well, rather than (2, 1), which
    # would open row 2. The four corners of a rectangle, the totals all shown.
    assert mask == Mask(
        cells=((True, True, False), (True, True, False), (False, False, False)),
        row_totals=(False, False, False),
        column_totals=(False, False, False),
        total=False,
    )
    assert sum(mask.cells[1]) == 2
    assert sum(row[1] for row in mask.cells) == 2


def test_values_choose_the_secondary_cells() -> None:
    persons = ((20, 21, 22), (23, 2, 24), (25, 26, 27))
    by_persons = Grid(persons, (60, 45, 75), (65, 45, 70), 170)
    sessions = ((50.0, 50.0, 50.0), (50.0, 3.0, 1.0), (50.0, 1.0, 1.0))
    by_sessions = Grid(persons, (60, 45, 75), (65, 45, 70), 170, values=sessions)
    assert hidden(suppress(by_persons, 5)) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    # The cheap sessions are in the lower right: that is where the rectangle goes.
    assert hidden(suppress(by_sessions, 5)) == {(1, 1), (1, 2), (2, 1), (2, 2)}


def test_a_one_column_table_hides_the_row_total_with_the_cell() -> None:
    grid = Grid(
        persons=((2,), (10,), (12,)),
        row_totals=(2, 10, 12),
        column_totals=(24,),
        total=24,
    )
    mask = suppress(grid, 5)
    assert mask.cells == ((True,), (True,), (False,))
    assert mask.row_totals == (True, True, False)
    assert mask.column_totals == (False,)
    assert mask.total is False


def test_a_one_cell_table_hides_everything_with_a_small_cell() -> None:
    mask = suppress(Grid(persons=((3,),), row_totals=(3,), column_totals=(3,), total=3), 5)
    assert mask == Mask(cells=((True,),), row_totals=(True,), column_totals=(True,), total=True)


RECTANGLE = {(0, 0), (0, 1), (1, 0), (1, 1)}


@pytest.mark.parametrize(
    ("min_cell", "expected"),
    [
        (3, set()),  # 3 and 4 persons may be shown
        (4, RECTANGLE),  # the 3 is hidden; the 4, the cheapest partner in its column, with it
        (5, RECTANGLE),  # both hidden on their own account; two cells of column 0 close it
    ],
)
def test_min_cell_3_against_5(min_cell: int, expected: set[Position]) -> None:
    grid = Grid(
        persons=((20, 3, 40), (25, 4, 35), (50, 60, 70)),
        row_totals=(60, 60, 170),
        column_totals=(90, 65, 140),
        total=250,
    )
    secret = hidden(suppress(grid, min_cell))
    assert secret == expected
    assert recoverable(grid, secret) == set()


def test_min_cell_below_3_is_refused() -> None:
    grid = Grid(persons=((1,),), row_totals=(1,), column_totals=(1,), total=1)
    with pytest.raises(ValueError, match="at least 3"):
        suppress(grid, 2)
    assert suppress(grid, 3).total is True


def test_zeros_are_shown_and_protect_nothing() -> None:
    # Row 0 has one non-zero cell: the zeros beside it cannot hide it, so its row total goes.
    grid = Grid(
        persons=((0, 3, 0), (10, 12, 14)),
        row_totals=(3, 30),
        column_totals=(10, 15, 14),
        total=33,
    )
    mask = suppress(grid, 5)
    assert mask.cells[0] == (False, True, False)
    assert mask.row_totals[0] is True  # 3 persons: hidden on its own account
    assert hidden(mask) >= {(0, 1), (0, 3)}
    assert recoverable(grid, hidden(mask)) == set()


def test_an_empty_table_hides_nothing() -> None:
    grid = Grid(persons=((0, 0), (0, 0)), row_totals=(0, 0), column_totals=(0, 0), total=0)
    assert hidden(suppress(grid, 5)) == set()


def test_a_small_total_is_hidden_with_its_small_cells() -> None:
    # March had 4 relatives in all; each cell of March is small, and so is its total.
    grid = Grid(
        persons=((10, 2, 10), (10, 2, 10), (20, 0, 20)),
        row_totals=(20, 20, 40),
        column_totals=(40, 4, 40),
        total=80,
    )
    mask = suppress(grid, 5)
    assert mask.column_totals[1] is True
    assert (mask.cells[0][1], mask.cells[1][1], mask.cells[2][1]) == (True, True, False)
    assert line_rule_broken(grid, hidden(mask)) == []
    assert recoverable(grid, hidden(mask)) == set()


def test_a_hidden_total_counts_in_its_own_line() -> None:
    """The line rule alone, a hidden total not counting in its own line, hides row 1's total
    as the second hidden row total; but row 1's cells are all shown, so that total is their
    sum, and row 0's total (3 persons) is the grand total minus it."""
    grid = Grid(persons=((1, 3), (5, 0)), row_totals=(3, 5), column_totals=(5, 3), total=5)
    line_rule_only = {(0, 0), (0, 1), (0, 2), (2, 1), (1, 2), (2, 0)}
    assert line_rule_broken(grid, line_rule_only) == []
    assert recoverable(grid, line_rule_only) == {(0, 2), (1, 2)}  # the audit sees the leak
    secret = hidden(suppress(grid, 5))
    assert secret >= {(0, 0), (0, 1), (0, 2), (2, 1)}
    assert recoverable(grid, secret) == set()


def test_two_protected_groups_joined_by_one_hidden_figure_are_not_enough() -> None:
    """Every line hides 0 or at least 2 figures here already (row 0's two small cells with
    their column totals; column 0's two small cells with their row totals), yet column 0's
    total is the grand total minus row 0's two cells, which row 0's shown total gives."""
    grid = Grid(
        persons=((0, 4, 1), (2, 0, 0), (2, 0, 0)),
        row_totals=(5, 2, 2),
        column_totals=(3, 4, 1),
        total=6,
    )
    primary = {(p, n) for p, n in figures(grid).items() if 0 < n < 5}
    small = {p for p, _ in primary}
    assert line_rule_broken(grid, small) == []
    assert recoverable(grid, small) == {(3, 0)}
    secret = hidden(suppress(grid, 5))
    assert secret > small
    assert recoverable(grid, secret) == set()


@pytest.mark.parametrize(
    "grid",
    [
        Grid(persons=((1, 2),), row_totals=(1,), column_totals=(1, 2), total=2),  # row total
        Grid(persons=((1, 2),), row_totals=(3,), column_totals=(1, 1), total=3),  # column total
        Grid(persons=((1,),), row_totals=(1,), column_totals=(1,), total=0),  # grand total
        Grid(persons=((1,),), row_totals=(1,), column_totals=(1,), total=-1),
        Grid(persons=((1, 2),), row_totals=(2, 2), column_totals=(1, 2), total=2),
        Grid(persons=((1, 2),), row_totals=(2,), column_totals=(1,), total=2),
        Grid(persons=((1, 2),), row_totals=(2,), column_totals=(1, 2), total=2, values=((1.0,),)),
        Grid(
            persons=((1, 2),),
            row_totals=(2,),
            column_totals=(1, 2),
            total=2,
            values=((1.0, float("nan")),),
        ),
    ],
)
def test_inconsistent_tables_are_refused(grid: Grid) -> None:
    with pytest.raises(ValueError):
        suppress(grid, 5)
