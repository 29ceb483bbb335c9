"""The actor network of one issue as inline SVG: who leaned the same way (congruence) or opposite ways
(conflict) in the same period, from :func:`stance.positions.network.actor_network`.

Actors sit on a circle in name order (the same network always looks the same); a congruence edge is a
solid blue line, a conflict edge a dashed vermillion one, each as thick as the number of periods it
counts; every edge says so in its tooltip and in the table the page prints beside the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from stance.positions.network import Edge
from stance.report.svg import CHAR, WIDTH, legend
from stance.report.wording import plural

RADIUS = 150
"""Of the circle the actors sit on, in pixels."""
DRAWN = 200
"""Edges drawn at most (the strongest; the drawing's description says how many there are)."""


def strongest(edges: Sequence[Edge], limit: int) -> list[Edge]:
    """The ``limit`` edges that count the most periods (ties by name, then kind)."""
    return sorted(edges, key=lambda ed: (-ed.weight, ed.source, ed.target, ed.kind))[:limit]


def edge_text(e: Edge) -> str:
    """``Ana Li and Cy Diaz: congruence in 2 periods``."""
    return f"{e.source} and {e.target}: {e.kind} in {plural(e.weight, 'period')}"


def layout(names: Sequence[str], centre: tuple[float, float], radius: float) -> dict[str, tuple[float, float]]:
    """Each name's place on a circle, the first at the top, going clockwise.

    >>> layout(["a", "b"], (0, 0), 10)
    {'a': (0.0, -10.0), 'b': (0.0, 10.0)}
    """
    cx, cy = centre
    n = max(len(names), 1)
    return {name: (round(cx + radius * math.sin(2 * math.pi * k / n), 6),
                   round(cy - radius * math.cos(2 * math.pi * k / n), 6)) for k, name in enumerate(names)}


def network_svg(edges: Sequence[Edge], *, title: str, period: str = "month",
                href: Mapping[str, str] | None = None) -> str:
    """The edges as a circle of actors (each linked to ``href[name]`` when given; at most :data:`DRAWN` edges,
    the strongest); empty without edges."""
    if not edges:
        return ""
    shown = strongest(edges, DRAWN)
    names = sorted({n for e in edges for n in (e.source, e.target)}, key=str.casefold)
    longest = max(len(n) for n in names) * CHAR
    radius = max(40.0, min(RADIUS, WIDTH / 2 - longest - 16))
    height = 2 * radius + 90
    centre = (WIDTH / 2, 48 + radius)
    at = layout(names, centre, radius)
    kinds = {e.kind for e in edges}
    n_con = sum(1 for e in edges if e.kind == "congruence")
    desc = (f"{plural(len(names), 'actor')}; {plural(n_con, 'congruence edge')} and "
            f"{plural(len(edges) - n_con, 'conflict edge')}, each weighted by the {period}s it counts"
            + (f"; the {len(shown)} strongest are drawn." if len(shown) < len(edges) else "."))
    key = [(f'<line class="edge {kind}" x1="0" x2="18" y1="0" y2="0" stroke-width="2"/>',
               f"{kind}: {'same' if kind == 'congruence' else 'opposite'} side in one {period}")
              for kind in ("congruence", "conflict") if kind in kinds]
    parts = [f'<svg class="chart network" viewBox="0 0 {WIDTH} {height:.0f}" '
             f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title><desc>{escape(desc)}</desc>',
             *legend([key])]
    for e in shown:
        (x1, y1), (x2, y2) = at[e.source], at[e.target]
        width = 1 + 1.5 * math.log2(e.weight)
        parts.append(f'<line class="edge {e.kind}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'stroke-width="{width:.1f}"><title>{escape(edge_text(e))}</title></line>')
    for name in names:
        x, y = at[name]
        right = x >= centre[0] - 1
        tx = x + (8 if right else -8)
        side = "start" if right else "end"
        label = (f'<circle class="node" cx="{x:.1f}" cy="{y:.1f}" r="4"/>'
                 f'<text x="{tx:.1f}" y="{y + 3:.1f}" text-anchor="{side}">{escape(name)}</text>')
        link = (href or {}).get(name)
        parts.append(f'<a href="{escape(link)}">{label}</a>' if link else label)
    parts.append("</svg>")
    return "".join(parts)
