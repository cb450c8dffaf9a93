"""Small-cell suppression (diskretionering) for statistics for management.

A manager may see how many relatives a topic or an advisor had in a month, but no figure that
counts so few distinct persons that they could be recognised: such a figure is hidden (primary
suppression, shown as "<N"). Hiding it is not enough while its row and column totals are shown,
since it would be the total minus the shown cells, so more figures are hidden (secondary
suppression) until no hidden figure can be worked out from the shown ones. The table's other
measures (sessions, hours) are hidden at the same positions, and they do add up: the
subtraction is done on them, which is why the rule looks at lines and totals at all.

The table is read as one grid: the inner cells, the row totals as one more column, the column
totals as one more row and the grand total in the corner. Each row and each column of that grid
is a *line*, whose members add up to its last position, the line's total. A line is an equation
between its figures, and the hidden figures are edges of a graph between lines (position (r, c)
joins row line r and column line c). A hidden figure can be worked out from the shown ones
exactly when its edge is a bridge of that graph: the equations' free solutions are its cycles.

Decisions beyond the usual rule (a line whose total is shown must not hide exactly one of its
members), and why:

* A cell of 0 persons is a true zero: it names no one and is always shown. It is never chosen
  as a secondary cell either, because a hidden zero cannot be counted on to protect anything:
  many zeros are known from outside (an advisor who started in March has nothing in February).
* A hidden total counts in its line like a hidden member. The usual rule only looks at lines
  whose total is shown; but a total hidden as a secondary figure of the total row, in a column
  with every cell shown, is just the sum of that column, and from it the figure it was meant
  to protect follows (tests/test_suppression.py has such a table).
* A line where every member is 0 but the total is not (a month's total can count sessions with
  no topic, which no topic row counts) is no equation: its members do not add up to its total.
  It needs no protection and gives none.
* Every line holding 0 or at least 2 hidden figures is necessary but not enough: two protected
  groups of cells joined through a single hidden figure leave that figure recoverable. After
  the line rule, the remaining bridges are closed by the cheapest path of further
  figures. Only a figure that would be recoverable even with every non-zero figure hidden is
  left as it is; with figures that add up there is none (the equations would contradict them).

What it does not do: a hidden figure can still be narrowed to a range (it is at most its shown
total minus the other shown members); only exact recovery is prevented.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

from advisor_app.domain.statistics import MIN_CELL_FLOOR


@dataclass(frozen=True, slots=True)
class Grid:
    """A table's distinct persons per cell and total, and what a secondary cell costs.

    ``values`` is an additive figure of the inner cells (sessions, hours) by which secondary
    cells are chosen, smallest first; a total costs the sum of its members. Without it the
    persons are the cost.
    """

    persons: tuple[tuple[int, ...], ...]  # [row][column], the inner cells
    row_totals: tuple[int, ...]
    column_totals: tuple[int, ...]
    total: int
    values: tuple[tuple[float, ...], ...] | None = None


@dataclass(frozen=True, slots=True)
class Mask:
    """Which figures of a :class:`Grid` are hidden (True), in the same shape."""

    cells: tuple[tuple[bool, ...], ...]
    row_totals: tuple[bool, ...]
    column_totals: tuple[bool, ...]
    total: bool


def suppress(grid: Grid, min_cell: int) -> Mask:
    """Hide every figure counting 1 to ``min_cell`` - 1 persons, and enough others that none
    of them can be worked out from the shown figures by adding and subtracting."""
    if min_cell < MIN_CELL_FLOOR:
        raise ValueError(f"min_cell must be at least {MIN_CELL_FLOOR}, not {min_cell}")
    table = _Table(grid)
    for position, persons in enumerate(table.persons):
        if 0 < persons < min_cell:
            table.hide(position)
    table.close_lines()
    table.break_bridges()
    return table.mask()


def _check(grid: Grid) -> None:
    n_columns = len(grid.column_totals)
    if len(grid.row_totals) != len(grid.persons):
        raise ValueError("one row total per row")
    if any(len(row) != n_columns for row in grid.persons):
        raise ValueError("every row has one cell per column total")
    everything = [*(n for row in grid.persons for n in row), *grid.row_totals]
    everything += [*grid.column_totals, grid.total]
    if any(n < 0 for n in everything):
        raise ValueError("persons cannot be negative")
    # Distinct persons of a union: a total counts at least the persons of each member.
    for row, row_total in zip(grid.persons, grid.row_totals, strict=True):
        if any(n > row_total for n in row):
            raise ValueError("a row total counts fewer persons than one of its cells")
    for c, column_total in enumerate(grid.column_totals):
        if any(row[c] > column_total for row in grid.persons):
            raise ValueError("a column total counts fewer persons than one of its cells")
    if any(n > grid.total for n in (*grid.row_totals, *grid.column_totals)):
        raise ValueError("the grand total counts fewer persons than one of the totals")
    if grid.values is not None:
        if len(grid.values) != len(grid.persons) or any(
            len(row) != n_columns for row in grid.values
        ):
            raise ValueError("values must have the shape of persons")
        if any(not math.isfinite(v) or v < 0 for row in grid.values for v in row):
            raise ValueError("values must be finite and not negative")


class _Table:
    """The grid as one (rows + 1) x (columns + 1) table, flat: position = r * width + c.

    Line ids: row line r is r (the total row is ``n_rows``); column line c is
    ``n_rows + 1 + c`` (the total column is the last). A line's positions end with its total.
    """

    def __init__(self, grid: Grid) -> None:
        _check(grid)
        n_rows, n_columns = len(grid.persons), len(grid.column_totals)
        width = n_columns + 1
        self.persons: list[int] = []
        for row, row_total in zip(grid.persons, grid.row_totals, strict=True):
            self.persons += [*row, row_total]
        self.persons += [*grid.column_totals, grid.total]
        if grid.values is None:
            self.costs = [float(n) for n in self.persons]
        else:
            self.costs = []
            for row_values in grid.values:
                self.costs += [*row_values, math.fsum(row_values)]
            column_sums = [
                math.fsum(self.costs[r * width + c] for r in range(n_rows)) for c in range(width)
            ]
            self.costs += column_sums
        size = len(self.persons)
        self.n_lines = n_rows + n_columns + 2
        self.lines: list[list[int]] = [
            [r * width + c for c in range(width)] for r in range(n_rows + 1)
        ] + [[r * width + c for r in range(n_rows + 1)] for c in range(width)]
        self.line_of: list[tuple[int, int]] = [
            (p // width, n_rows + 1 + p % width) for p in range(size)
        ]
        # No equation: every member 0 but the total not (see the module docstring).
        self.free = [
            self.persons[line[-1]] > 0 and not any(self.persons[p] for p in line[:-1])
            for line in self.lines
        ]
        self.hidden = [False] * size
        self.count = [0] * self.n_lines  # hidden positions per line
        # The graph's nodes: lines, with every free line merged into one node (the last id),
        # which no equation constrains.
        ground = self.n_lines
        self.node = [ground if free else line for line, free in enumerate(self.free)]
        self.ends = [(self.node[a], self.node[b]) for a, b in self.line_of]
        self.n_nodes = self.n_lines + 1
        self.shape = (n_rows, n_columns)

    def hide(self, position: int) -> None:
        self.hidden[position] = True
        row_line, column_line = self.line_of[position]
        self.count[row_line] += 1
        self.count[column_line] += 1

    def close_lines(self) -> None:
        """The line rule: no line (that is an equation) with exactly one hidden figure."""
        changed = True
        while changed:
            changed = False
            for line in range(self.n_lines):
                if self.count[line] == 1 and not self.free[line]:
                    self.hide(self._secondary(line))
                    changed = True

    def _secondary(self, line: int) -> int:
        """The member with the smallest cost; on a tie, one that closes its other line too,
        then the first. The total only when no member is left."""
        *members, total = self.lines[line]
        best, best_key = -1, (0.0, False)
        for p in members:
            if self.hidden[p] or self.persons[p] == 0:
                continue
            a, b = self.line_of[p]
            other = b if a == line else a
            key = (self.costs[p], self.count[other] == 0 and not self.free[other])
            if best < 0 or key < best_key:
                best, best_key = p, key
        if best >= 0:
            return best
        # The one hidden figure is a member, and the total counts at least its persons.
        assert not self.hidden[total]
        return total

    def break_bridges(self) -> None:
        nonzero = [p for p, n in enumerate(self.persons) if n > 0]
        adjacency = self._adjacency(nonzero)
        beyond_help = self._bridges(adjacency)
        while True:
            hidden = [p for p in nonzero if self.hidden[p]]
            bridges = self._bridges(self._adjacency(hidden)) - beyond_help
            if not bridges:
                return
            for p in self._cheapest_cycle(min(bridges), adjacency):
                self.hide(p)

    def _adjacency(self, positions: list[int]) -> list[list[tuple[int, int]]]:
        adjacency: list[list[tuple[int, int]]] = [[] for _ in range(self.n_nodes)]
        for p in positions:
            a, b = self.ends[p]
            if a != b:  # both lines free: in no equation, never a bridge
                adjacency[a].append((b, p))
                adjacency[b].append((a, p))
        return adjacency

    def _bridges(self, adjacency: list[list[tuple[int, int]]]) -> set[int]:
        """Tarjan's bridges, without recursion; parallel edges are told apart by position."""
        order = [-1] * self.n_nodes
        low = [0] * self.n_nodes
        bridges: set[int] = set()
        counter = 0
        for root in range(self.n_nodes):
            if order[root] >= 0 or not adjacency[root]:
                continue
            order[root] = low[root] = counter
            counter += 1
            stack = [(root, -1, iter(adjacency[root]))]
            while stack:
                node, via, edges = stack[-1]
                for neighbour, p in edges:
                    if p == via:
                        continue
                    if order[neighbour] < 0:
                        order[neighbour] = low[neighbour] = counter
                        counter += 1
                        stack.append((neighbour, p, iter(adjacency[neighbour])))
                        break
                    low[node] = min(low[node], order[neighbour])
                else:
                    stack.pop()
                    if stack:
                        parent = stack[-1][0]
                        low[parent] = min(low[parent], low[node])
                        if low[node] > order[parent]:
                            bridges.add(via)
        return bridges

    def _cheapest_cycle(self, bridge: int, adjacency: list[list[tuple[int, int]]]) -> list[int]:
        """The shown positions of the cheapest path between the bridge's ends that avoids it
        (hidden positions on the way are free): hiding them puts the bridge on a cycle."""
        start, goal = self.ends[bridge]
        best: dict[int, tuple[float, int]] = {start: (0.0, 0)}
        came_by: dict[int, int] = {}
        done = [False] * self.n_nodes
        queue = [(0.0, 0, start)]
        while queue:
            cost, steps, node = heapq.heappop(queue)
            if done[node]:
                continue
            done[node] = True
            if node == goal:
                break
            for neighbour, p in adjacency[node]:
                if p == bridge or done[neighbour]:
                    continue
                step = (0.0, 0) if self.hidden[p] else (self.costs[p], 1)
                candidate = (cost + step[0], steps + step[1])
                if neighbour not in best or candidate < best[neighbour]:
                    best[neighbour] = candidate
                    came_by[neighbour] = p
                    heapq.heappush(queue, (*candidate, neighbour))
        path: list[int] = []
        node = goal
        while node != start:
            p = came_by[node]
            if not self.hidden[p]:
                path.append(p)
            a, b = self.ends[p]
            node = a if b == node else b
        return path

    def mask(self) -> Mask:
        n_rows, n_columns = self.shape
        width = n_columns + 1
        rows = [tuple(self.hidden[r * width : (r + 1) * width]) for r in range(n_rows + 1)]
        return Mask(
            cells=tuple(row[:n_columns] for row in rows[:n_rows]),
            row_totals=tuple(row[n_columns] for row in rows[:n_rows]),
            column_totals=rows[n_rows][:n_columns],
            total=rows[n_rows][n_columns],
        )
