"""Bar charts as inline SVG, for the PDFs (issue #17, reports as documents).

A printed report needs its charts drawn on the server. Plotly's static export needs kaleido and
a Chrome, which a newcomer's machine and CI need not have; WeasyPrint draws inline SVG itself. So
the PDFs draw their bars here, from the same figures as their tables, with every number written
by `number_text` in the reader's language. The chart is `aria-hidden`: the table beside it is its
text alternative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import floor, log10

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from valnav.core.numbers import number_text

# Colours with at least 3:1 against white and against each other's neighbours (WCAG 1.4.11).
COLOURS = ("#1f5f8b", "#c2571a", "#2e7d32", "#6a3d9a", "#8c6d1f")
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 86, 12, 30, 64


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | int | Decimal | None]  # None: no bar (suppressed or missing)


def _nice_step(top: float, ticks: int = 4) -> float:
    """A step of 1, 2 or 5 × 10ⁿ that divides 0…top into about `ticks` parts."""
    raw = top / ticks
    power = 10 ** floor(log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover  (the loop ends at 10)


def _short(label: str, length: int) -> str:
    return label if len(label) <= length else f"{label[: length - 1]}…"


def bar_chart(
    *, title: str, categories: Sequence[str], series: Sequence[Series], y_title: str = ""
) -> SafeString:
    """Grouped bars: one group per category, one bar per series, with a y axis from 0, its
    title, a legend when there is more than one series. Empty markup when there is nothing to
    draw."""
    values = [float(v) for s in series for v in s.values if v is not None]
    if not categories or not values:
        return mark_safe("")
    top = max(max(values), 0.0)
    step = _nice_step(top) if top > 0 else 1.0
    ceiling = step * max(1, -(-top // step))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    digits = 0 if step >= 1 else 1

    def y(value: float) -> float:
        return TOP + plot_h - max(value, 0.0) / ceiling * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" aria-hidden="true" font-family="DejaVu Sans" '
        'font-size="10">',
        f'<text x="0" y="14" font-size="12" font-weight="bold">{escape(title)}</text>',
    ]
    if y_title:
        parts.append(
            f'<text x="12" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 12 {TOP + plot_h / 2:.1f})">{escape(y_title)}</text>'
        )
    tick = 0.0
    while tick <= ceiling + step / 2:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#ccc" stroke-width="0.6"/>'
            f'<text x="{LEFT - 4}" y="{y(tick) + 3.5:.1f}" text-anchor="end">'
            f"{escape(number_text(tick, digits))}</text>"
        )
        tick += step
    group = plot_w / len(categories)
    bar = group * 0.8 / max(len(series), 1)
    label_length = max(4, int(group / 6))
    for index, category in enumerate(categories):
        x0 = LEFT + index * group + group * 0.1
        for number, one in enumerate(series):
            value = one.values[index] if index < len(one.values) else None
            if value is None:
                continue
            top_y = y(float(value))
            parts.append(
                f'<rect x="{x0 + number * bar:.1f}" y="{top_y:.1f}" width="{bar * 0.92:.1f}" '
                f'height="{TOP + plot_h - top_y:.1f}" fill="{COLOURS[number % len(COLOURS)]}"/>'
            )
        parts.append(
            f'<text x="{LEFT + (index + 0.5) * group:.1f}" y="{TOP + plot_h + 13}" '
            f'text-anchor="middle">{escape(_short(category, label_length))}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        'stroke="#333" stroke-width="0.8"/>'
    )
    if len(series) > 1:
        x = float(LEFT)
        for number, one in enumerate(series):
            parts.append(
                f'<rect x="{x:.1f}" y="{HEIGHT - 22}" width="10" height="10" '
                f'fill="{COLOURS[number % len(COLOURS)]}"/>'
                f'<text x="{x + 14:.1f}" y="{HEIGHT - 13}">{escape(one.name)}</text>'
            )
            x += 24 + 6.2 * len(one.name)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)
