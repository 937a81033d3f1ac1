"""Charts drawn on the server as SVG: no scripts, no build step, nothing fetched from the
internet. Bars carry their values and series names in text and each series has its own
fill pattern (solid, hatched, dotted), so a chart reads in greyscale or print."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

PATTERNS = ("solid", "hatch", "dots")
FILLS = ("#1f4e79", "#c55a11", "#548235")
LABEL_WIDTH = 220
BAR_AREA = 420
VALUE_WIDTH = 300
BAR_HEIGHT = 16
GROUP_GAP = 12


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    formatter: Callable[[float | None], str] = str


def _defs() -> SafeString:
    return mark_safe(  # noqa: S308 (constant markup)
        "<defs>"
        '<pattern id="lt-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fbe5d6"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#c55a11" stroke-width="3"/></pattern>'
        '<pattern id="lt-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
        '<rect width="5" height="5" fill="#e2f0d9"/>'
        '<circle cx="2.5" cy="2.5" r="1.4" fill="#548235"/></pattern>'
        "</defs>"
    )


def _fill(index: int) -> str:
    pattern = PATTERNS[index % len(PATTERNS)]
    if pattern == "solid":
        return FILLS[0]
    return f"url(#lt-{pattern})"


def bar_chart(*, title: str, categories: Sequence[str], series: Sequence[Series]) -> SafeString:
    """A horizontal grouped bar chart as inline SVG, one group of bars per category."""
    numbers = [value for item in series for value in item.values if value is not None]
    top = max(numbers, default=0) or 1
    legend_height = 24
    group_height = BAR_HEIGHT * len(series) + GROUP_GAP
    height = legend_height + group_height * max(len(categories), 1) + 8
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    parts: list[SafeString] = [_defs()]
    x = 0
    for index, item in enumerate(series):
        parts.append(
            format_html(
                '<rect x="{}" y="4" width="14" height="14" fill="{}" stroke="currentColor"/>'
                '<text x="{}" y="16" class="lt-legend">{}</text>',
                x,
                _fill(index),
                x + 20,
                item.name,
            )
        )
        x += 30 + 8 * len(item.name)
    for row, category in enumerate(categories):
        y = legend_height + row * group_height
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="lt-category">{}</text>',
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT * len(series) / 2 + 4,
                category[:34],
            )
        )
        for index, item in enumerate(series):
            value = item.values[row]
            bar_y = y + index * BAR_HEIGHT
            bar_width = 0 if value is None else max(1, round(BAR_AREA * value / top))
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="currentColor" '
                    'stroke-width="0.5"><title>{}: {}</title></rect>'
                    '<text x="{}" y="{}" class="lt-value">{}: {}</text>',
                    LABEL_WIDTH,
                    bar_y + 1,
                    bar_width,
                    BAR_HEIGHT - 2,
                    _fill(index),
                    item.name,
                    item.formatter(value),
                    LABEL_WIDTH + bar_width + 4,
                    bar_y + BAR_HEIGHT - 4,
                    item.name,
                    item.formatter(value),
                )
            )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="lt-chart" role="img" '
        'aria-label="{}" viewBox="0 0 {} {}" width="100%" style="max-width:{}px">'
        "<title>{}</title><style>text{{font:12px sans-serif;fill:currentColor}}</style>{}</svg>",
        title,
        width,
        height,
        width,
        title,
        format_html_join("", "{}", ((part,) for part in parts)),
    )
