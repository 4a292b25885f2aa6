"""Statistical disclosure control for published counts of people: whole periods and
complementary suppression, one rule for every table that publishes such counts.

A count of one to four is published as "<5" (primary suppression). Counts add up: a total
equals the sum of its parts (municipalities to their county, women and men to everyone, years
to all time). A reader who sees a total and all but one of its parts can subtract the missing
one back out, and by comparing tables, pages or periods can chain such subtractions. So every
published table is described as cells and the sums between them (`Relation`), and
`Suppressor` hides further counts (shown as "..", secondary suppression) until no count of one
to four can be worked out from what is shown, over all the relations at once.

A reader knows more than the shown numbers: "<5" is one to four, and ".." (a held-back count
that is not small) is 0 or at least five. `Suppressor` reasons with these ranges too, so that a
total of 6 over a "<5" and a ".." (which must be 1 and 5) counts as a leak.

Periods are whole calendar years or all time (`parse_period`); a free date range would let two
requests one day apart differ by the people who started that day.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

# Counts below this are not published (a common threshold in Swedish official statistics).
SUPPRESS_BELOW = 5
SMALL = "<5"  # a count of one to four
HIDDEN = ".."  # a count held back so that a small one cannot be subtracted out
ALL_TIME = ""  # the period key of all time
_NO_END = 10**12  # "no upper bound" in the ranges a reader can infer

type Published = int | str


def is_small(value: int) -> bool:
    return 0 < value < SUPPRESS_BELOW


# --- Periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """All time (`year` None) or one whole calendar year, the only periods published."""

    year: int | None = None

    @property
    def key(self) -> str:
        return ALL_TIME if self.year is None else str(self.year)

    @property
    def since(self) -> date | None:
        return None if self.year is None else date(self.year, 1, 1)

    @property
    def until(self) -> date | None:
        return None if self.year is None else date(self.year, 12, 31)


PERIOD_PATTERN = r"^((19|20|21)[0-9]{2})?$"  # the years PERIOD_MIN_YEAR to PERIOD_MAX_YEAR
PERIOD_MIN_YEAR = 1900
PERIOD_MAX_YEAR = 2199


def parse_period(text: str | None) -> Period:
    """The period `text` names: "" (or None) for all time, or a year such as "2026". Raises
    ValueError for anything else, a date range or a part of a year included."""
    value = (text or "").strip()
    match = re.fullmatch(PERIOD_PATTERN, value)
    if match is None:
        raise ValueError(value)
    if not value:
        return Period()
    year = int(value)
    if not PERIOD_MIN_YEAR <= year <= PERIOD_MAX_YEAR:
        raise ValueError(value)
    return Period(year)


# --- Complementary suppression ------------------------------------------------------------------


@dataclass(frozen=True)
class Relation[C: Hashable]:
    """`total` = the sum of `parts`, a sum a reader can use."""

    total: C
    parts: tuple[C, ...]


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return a[0] + b[0], min(a[1] + b[1], _NO_END)


class Suppressor[C: Hashable]:
    """Decides which cells are shown, "<5" or held back (".."), so that no count of one to
    four can be worked out from the shown counts through `relations`.

    What a reader knows of a cell is a range: a shown count exactly; "<5" one to four; ".."
    or a count never published (`unpublished`) anything from 0 up. A count of one to four is
    leaked when a sum leaves its range a single value. `visible(cell)` says whether a reader
    would see a cell's exact value were it not held back (default: every cell), `hideable`
    whether holding it back hides something published (default: every cell). The suppression
    works on the aggregated cells only."""

    def __init__(
        self,
        counts: Mapping[C, int],
        relations: Iterable[Relation[C]],
        *,
        visible: Callable[[C], bool] | None = None,
        hideable: Callable[[C], bool] | None = None,
        unpublished: Callable[[C], bool] | None = None,
    ) -> None:
        self.counts = counts
        self.relations = list(relations)
        self.hidden: set[C] = set()
        self._visible = visible or (lambda cell: True)
        self._hideable = hideable or (lambda cell: True)
        self._unpublished = unpublished or (lambda cell: False)
        self._of: dict[C, list[int]] = defaultdict(list)
        self._cells = [(relation.total, *relation.parts) for relation in self.relations]
        for index, cells in enumerate(self._cells):
            for cell in cells:
                self._of[cell].append(index)
        self.passes = 0
        self._via: dict[C, int] = {}  # a cell worked out → the sum it was worked out from

    def value(self, cell: C) -> int:
        return self.counts.get(cell, 0)

    def shown(self, cell: C) -> bool:
        """Whether a reader sees `cell`'s exact value."""
        return cell not in self.hidden and not is_small(self.value(cell)) and self._visible(cell)

    def marked_small(self, cell: C) -> bool:
        """Whether `cell` is published as "<5"."""
        return (
            is_small(self.value(cell)) and cell not in self.hidden and not self._unpublished(cell)
        )

    def published(self, cell: C) -> Published:
        if self.marked_small(cell):
            return SMALL
        return self.value(cell) if self.shown(cell) else HIDDEN

    def run(self) -> Suppressor[C]:
        while True:
            known = self._known()
            leaks = [relation for relation in self.relations if self._pins(relation, known)]
            if not leaks:
                return self
            self.passes += 1
            fixed = False
            for relation in leaks:
                # An earlier fix in this pass may have closed this leak too.
                if self._pins(relation, known, recheck=True):
                    hidden = self._hide_one_more(relation)
                    for cell in hidden:
                        known.pop(cell, None)
                    fixed = fixed or bool(hidden)
            if not fixed:
                raise RuntimeError("a small count can be worked out and nothing is left to hide")

    def _known(self) -> dict[C, int]:
        """Every cell a reader knows exactly: the shown ones and those worked out from them,
        propagated through the sums with one unknown figure (each sum counts its unknowns)."""
        counts = self.counts
        known = {cell: counts.get(cell, 0) for cell in self._of if self.shown(cell)}
        self._via = {}
        unknown_in = [sum(1 for cell in cells if cell not in known) for cells in self._cells]
        queue = [index for index, n in enumerate(unknown_in) if n == 1]
        while queue:
            index = queue.pop()
            if unknown_in[index] != 1:
                continue
            cell = next(cell for cell in self._cells[index] if cell not in known)
            if is_small(counts.get(cell, 0)):
                continue
            known[cell] = counts.get(cell, 0)
            self._via[cell] = index
            for other in self._of[cell]:
                unknown_in[other] -= 1
                if unknown_in[other] == 1:
                    queue.append(other)
        return known

    def _range(self, cell: C, known: dict[C, int]) -> tuple[int, int]:
        if cell in known:
            return known[cell], known[cell]
        if self.marked_small(cell):
            return 1, SUPPRESS_BELOW - 1
        return 0, _NO_END

    def _pins(self, relation: Relation[C], known: dict[C, int], *, recheck: bool = False) -> bool:
        """Whether the sum leaves a count of one to four that is not shown a single value.
        `recheck`: `known` predates some hiding, so a figure it has as shown must still be."""
        cells = (relation.total, *relation.parts)
        if recheck:
            known = {
                cell: known[cell]
                for cell in cells
                if cell in known and (cell in self._via or self.shown(cell))
            }
        targets = [cell for cell in cells if cell not in known and is_small(self.value(cell))]
        if not targets:
            return False
        ranges = {cell: self._range(cell, known) for cell in cells}
        parts = (0, 0)
        for cell in relation.parts:
            parts = _add(parts, ranges[cell])
        total = ranges[relation.total]
        for target in targets:
            low, high = ranges[target]
            if target == relation.total:
                low, high = max(low, parts[0]), min(high, parts[1])
            else:
                others = (0, 0)
                for cell in relation.parts:
                    if cell != target:
                        others = _add(others, ranges[cell])
                high_bound = total[1] - others[0] if total[1] < _NO_END else _NO_END
                low_bound = total[0] - others[1] if others[1] < _NO_END else -_NO_END
                low, high = max(low, low_bound), min(high, high_bound)
            if low == high:
                return True
        return False

    def _hide_one_more(self, relation: Relation[C]) -> set[C]:
        """Hold back one more figure for the leak in `relation`; the figures held back."""
        candidates = self._hide_candidates(relation)
        if not candidates:
            return set()
        return self._hide(candidates[0])

    def _hide(self, cell: C) -> set[C]:
        """Hide `cell`, and in every sum where it would be the only figure not shown (and so
        be worked out at once: the same count in another table, a year that is all time) one
        more, and so on for those."""
        pending = [cell]
        added: set[C] = set()
        while pending:
            hiding = pending.pop()
            if hiding in self.hidden:
                continue
            self.hidden.add(hiding)
            added.add(hiding)
            if not self._shown_unless_hidden(hiding):
                continue
            for index in self._of[hiding]:
                relation = self.relations[index]
                others = [other for other in (relation.total, *relation.parts) if other != hiding]
                if all(self.shown(other) for other in others):
                    partners = [other for other in others if self._can_hide(other)]
                    if partners:
                        pending.append(min(partners, key=self._cost))
        return added

    def _shown_unless_hidden(self, cell: C) -> bool:
        return not is_small(self.value(cell)) and self._visible(cell)

    def _can_hide(self, cell: C) -> bool:
        return self.shown(cell) and self._hideable(cell)

    def _cost(self, cell: C) -> tuple[bool, int, str]:
        # The smallest count of five or more costs least; a zero hides least. Ties by the
        # cell, so that the same data always hides the same figures.
        return self.value(cell) == 0, self.value(cell), repr(cell)

    def _derivation_candidates(self, cells: Iterable[C]) -> list[C]:
        """The figures shown nearest in the sums that `cells`, worked out, came from."""
        seen: set[C] = set()
        level = [cell for cell in cells if cell in self._via]
        while level:
            found: list[C] = []
            following: list[C] = []
            for cell in level:
                if cell in seen:
                    continue
                seen.add(cell)
                relation = self.relations[self._via[cell]]
                for other in (relation.total, *relation.parts):
                    if other == cell:
                        continue
                    if self._can_hide(other):
                        found.append(other)
                    elif other in self._via:
                        following.append(other)
            if found:
                return found
            level = following
        return []

    def _hide_candidates(self, relation: Relation[C]) -> list[C]:
        cells = (relation.total, *relation.parts)
        choices: tuple[Callable[[], list[C]], ...] = (
            lambda: [c for c in relation.parts if self._can_hide(c) and self.value(c)],
            lambda: [c for c in (relation.total,) if self._can_hide(c) and self.value(c)],
            # A "<5" that becomes "..": nothing shown is left here to hold back.
            lambda: [c for c in cells if self.marked_small(c) and self._hideable(c)],
            lambda: [c for c in cells if self._can_hide(c)],
            # Everything the reader knows here was worked out through other sums: hide a
            # figure shown in the sums it was worked out from.
            lambda: self._derivation_candidates(cells),
        )
        for choose in choices:
            candidates = choose()
            if candidates:
                return sorted(set(candidates), key=self._cost)
        return []
