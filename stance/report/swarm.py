"""Where a chart draws each statement's mark so that none hides another: a deterministic beeswarm.

A mark keeps its x (its date) and is pushed away from its lane's line (``+1`` favor, ``0`` neutral,
``-1`` against) by the least distance that clears every mark already placed, in a fixed order
(by x, then by input order), so the same statements always give the same picture; only when its
day has no room left does it step aside in x (:data:`SIDESTEPS`).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

GAP = 0.6
"""Pixels kept between two marks."""
GOLDEN = (math.sqrt(5) - 1) / 2
"""Spreads the marks that find no free room over the lane, each at its own offset."""


@dataclass(frozen=True)
class Mark:
    """A mark to place: centre ``x``, its lane's line ``y``, radius ``r`` and the way it may move off the line:
    ``+1`` down (pixel y grows), ``-1`` up, ``0`` either way."""

    x: float
    y: float
    r: float
    side: int = 0


@dataclass(frozen=True)
class Placed:
    """Where the marks went (centres, in input order) and how many found no free room (drawn over others)."""

    centres: tuple[tuple[float, float], ...]
    crowded: int


def _up(blocked: list[tuple[float, float]]) -> float:
    """The least offset at or above 0 inside no blocked stretch (open intervals: an edge is free)."""
    h = 0.0
    for lo, hi in sorted(blocked):
        if lo >= h:  # every later stretch starts at or past h too: h is free
            break
        if h < hi:
            h = hi
    return h


def nearest_free(blocked: list[tuple[float, float]], side: int) -> float:
    """The offset nearest 0 inside no blocked stretch, on ``side``: ``+1`` at or above 0, ``-1`` at or below,
    ``0`` either (the upper one on a tie).

    >>> nearest_free([(-2.0, 3.0), (2.5, 5.0)], 1), nearest_free([(-2.0, 3.0)], 0), nearest_free([], -1)
    (5.0, -2.0, 0.0)
    """
    up = _up(blocked) if side >= 0 else None
    down = 0.0 - _up([(-hi, -lo) for lo, hi in blocked]) if side <= 0 else None
    if up is None:
        return down if down is not None else 0.0
    if down is None or up <= -down:
        return up
    return down


SIDESTEPS = 3
"""How many mark-widths a mark may step aside in x when its day has no room left in its lane."""


def place(marks: Sequence[Mark], limit: float) -> Placed:
    """Centres for ``marks`` (in input order): each at most ``limit`` pixels off its lane's line.

    Two marks of radius 3 on one day in the favor lane (``side=+1``): the first stays on the line, the
    second moves down by 3 + 3 + 0.6 = 6.6 pixels:

    >>> place([Mark(10, 0, 3, 1), Mark(10, 0, 3, 1)], limit=20).centres
    ((10, 0.0), (10, 6.6))

    A mark whose day is full steps aside in x by its own width, right then left, up to :data:`SIDESTEPS`
    times (a crowd of statements on one day widens into a small heap); one that finds no room even then
    stays on its day at its own offset in the lane (golden-ratio steps, so no two share a centre) and counts
    as ``crowded``: it overlaps others.
    """
    order = sorted(range(len(marks)), key=lambda i: (marks[i].y, marks[i].x, i))
    lanes: dict[float, tuple[list[float], list[tuple[float, float, float]]]] = defaultdict(lambda: ([], []))
    reach = 2 * max((m.r for m in marks), default=0.0) + GAP
    centres: list[tuple[float, float]] = [(0.0, 0.0)] * len(marks)
    crowded = 0

    def room(m: Mark, x: float, xs: list[float], placed: list[tuple[float, float, float]]) -> float | None:
        lo, hi = bisect_left(xs, x - reach), bisect_right(xs, x + reach)
        if lo == hi:  # no mark near: the line itself is free
            return 0.0
        blocked = []
        for px, po, pr in placed[lo:hi]:
            need, dx = m.r + pr + GAP, abs(x - px)
            if dx < need:
                half = math.sqrt(need * need - dx * dx)
                blocked.append((po - half, po + half))
        offset = nearest_free(blocked, m.side) if blocked else 0.0
        return offset if abs(offset) <= limit else None

    for i in order:
        m = marks[i]
        xs, placed = lanes[m.y]
        spot = None
        offset = room(m, m.x, xs, placed)
        if offset is not None:
            spot = (m.x, offset)
        else:  # the day is full: step aside, right then left
            step = 2 * m.r + GAP
            for x in (m.x + sign * k * step for k in range(1, SIDESTEPS + 1) for sign in (1, -1)):
                offset = room(m, x, xs, placed)
                if offset is not None:
                    spot = (x, offset)
                    break
        if spot is None:
            crowded += 1
            shift = limit * ((crowded * GOLDEN) % 1.0)
            spot = (m.x, shift if m.side > 0 else -shift if m.side < 0 else (shift if crowded % 2 else -shift))
        x, offset = spot
        centres[i] = (round(x, 2), round(m.y + offset, 2))
        k = bisect_left(xs, x)
        xs.insert(k, x)
        placed.insert(k, (x, offset, m.r))
    return Placed(tuple(centres), crowded)
