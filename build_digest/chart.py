"""Stage 12 (pages): the timeline's chart (stories per week, stacked by topic) and the figures'
chart, drawn at build time as SVG.

No JavaScript and no chart library: the chart is a few rectangles and labels inlined in the
page, coloured by CSS classes that follow the light and dark palettes, with a title, a
description and the same figures as a table for readers who cannot see it.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .models import Dated, TaggedStory
from .render import md_text

SERIES = 4
"""Stacked topics: the most frequent few; every other story counts under "Other"."""
MAX_WEEKS = 104
"""Beyond two years of weeks the bars get too thin to read: the chart counts months instead."""
WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 12, 28
"""Room for the count labels on the left and the date labels below the bars."""


def _bins(dates: Sequence[dt.date]) -> tuple[str, list[dt.date], Callable[[dt.date], dt.date]]:
    first, last = min(dates), max(dates)
    monday = first - dt.timedelta(days=first.weekday())
    weeks = (last - monday).days // 7 + 1
    if weeks <= MAX_WEEKS:
        starts = [monday + dt.timedelta(weeks=n) for n in range(weeks)]
        return "week", starts, lambda d: starts[(d - monday).days // 7]
    starts = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        starts.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return "month", starts, lambda d: dt.date(d.year, d.month, 1)


def weekly_chart(timeline: Sequence[TaggedStory], topic_names: dict[str, str]) -> str:
    """Markdown: the chart (raw SVG in a figure) and, collapsed, the same counts as a table."""
    dated = [(day, t) for t in timeline if isinstance(t.date, Dated) and (day := t.date.day)]
    if len(dated) < 2:
        return ""
    top = [
        slug
        for slug, _ in Counter(t.topics[0].slug for _, t in dated if t.topics).most_common(SERIES)
    ]
    series = [*top, "other"]
    names = {**{slug: topic_names.get(slug, slug) for slug in top}, "other": "Other or no topic"}
    unit, starts, bin_of = _bins([day for day, _ in dated])
    counts: dict[dt.date, Counter[str]] = {start: Counter() for start in starts}
    for day, t in dated:
        best = t.topics[0].slug if t.topics and t.topics[0].slug in top else "other"
        counts[bin_of(day)][best] += 1
    peak = max(sum(c.values()) for c in counts.values())
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bar_w = plot_w / len(starts)
    shapes = []
    for n, start in enumerate(starts):
        y = float(TOP + plot_h)
        for k, slug in enumerate(series):
            value = counts[start][slug]
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            label = f"{_bin_label(start, unit)}: {value} {names[slug]}"
            shapes.append(
                f'<rect class="s{k}" x="{LEFT + n * bar_w + bar_w * 0.1:.1f}" y="{y:.1f}"'
                f' width="{max(bar_w * 0.8, 1):.1f}"'
                f' height="{h:.1f}"><title>{html.escape(label)}</title></rect>'
            )
    ticks = _date_ticks(starts, unit, bar_w)
    total = len(dated)
    skipped = len(timeline) - total
    title = f"Stories per {unit}, {_bin_label(starts[0], unit)} to {_bin_label(starts[-1], unit)}"
    desc = (
        f"{total} stories dated to the day, stacked by their main topic; the busiest {unit} has"
        f" {peak}."
        + (
            f" {skipped} stories dated only to the month or undated are not shown."
            if skipped
            else ""
        )
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        ' aria-labelledby="digest-chart-title digest-chart-desc"><title'
        f' id="digest-chart-title">{html.escape(title)}</title><desc'
        f' id="digest-chart-desc">{html.escape(desc)}</desc><line class="axis" x1="{LEFT}"'
        f' y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}"/><text class="label"'
        f' x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{peak}</text><text class="label"'
        f' x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end">0</text>'
        + "".join(shapes)
        + ticks
        + "</svg>"
    )
    legend = "".join(
        f'<li><span class="digest-swatch s{k}"></span>{html.escape(names[slug])}</li>'
        for k, slug in enumerate(series)
    )
    figure = (
        f'<figure class="digest-chart">{svg}<figcaption>{html.escape(title)}.'
        f' {html.escape(desc)}<ul class="digest-legend">{legend}</ul></figcaption></figure>'
    )
    rows = [
        f"| {md_text(_bin_label(start, unit))} | "
        + " | ".join(str(counts[start][slug]) for slug in series)
        + " |"
        for start in starts
        if counts[start]
    ]
    table = [
        f"| {unit.capitalize()} | " + " | ".join(md_text(names[slug]) for slug in series) + " |",
        "|---|" + "---:|" * len(series),
        *rows,
    ]
    return (
        figure
        + '\n\n??? note "The chart as a table"\n\n'
        + "\n".join(f"    {line}" for line in table)
        + "\n"
    )


def _bin_label(start: dt.date, unit: str) -> str:
    return (
        f"week of {start.day} {start.strftime('%b %Y')}"
        if unit == "week"
        else start.strftime("%B %Y")
    )


def _date_ticks(starts: Sequence[dt.date], unit: str, bar_w: float) -> str:
    """Month names under the bars where a month begins, spaced so they never overlap."""
    out, last_x = [], -100.0
    for n, start in enumerate(starts):
        first_of_month = n == 0 or start.month != starts[n - 1].month
        x = LEFT + n * bar_w
        if first_of_month and x - last_x >= 60:
            text = start.strftime("%b %Y") if n == 0 or start.month == 1 else start.strftime("%b")
            out.append(
                f'<text class="label" x="{x:.1f}" y="{HEIGHT - 10}">{html.escape(text)}</text>'
            )
            last_x = x
    return "".join(out)


FIGURE_HEIGHT = 220
LOG_SCALE_RATIO = 10.0
"""Figures whose largest is at least ten times their smallest are drawn on a logarithmic
scale: on a straight one, "more than 2 million" would flatten 23,000 and 300,000 onto the
axis, and the reader could not see the count grow. Powers of ten are ruled and labelled, so
the scale says what it is."""
LABELLED_POINTS = 12
"""Up to this many points carry their value beside them (the reader reads 23,000, 50,000,
300,000 without hovering); more would overlap, and then only the highest and the lowest do."""
UNDATED_LANE = 70
"""Width of the lane at the right where figures of undated stories stand: on the chart's
scale, apart from the time axis, never placed at a date they do not have."""


@dataclass(frozen=True)
class ChartPoint:
    """One figure on a measure's chart."""

    day: dt.date | None
    """The story's date; None for an undated story (drawn in the undated lane)."""
    value: float
    label: str
    """What the point says on hover: "more than 23,000, 06 November 2023: <headline>"."""
    href: str
    """The served address of its story, relative to the chart's page."""


def figure_chart(slug: str, name: str, points: Sequence[ChartPoint]) -> str:
    """A measure's figures over time as SVG points, each linked to its story; undated figures
    stand in a lane of their own at the right. Empty unless figures stand on two dates or more
    (one date is a list, not a line over time)."""
    undated = [p for p in points if p.day is None]
    days = [p.day for p in points if p.day is not None]
    if len(set(days)) < 2:
        return ""
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    left = LEFT + 56  # room for values such as "1,000,000"
    lane = UNDATED_LANE if undated else 0
    plot_w = WIDTH - RIGHT - left - lane - 16
    plot_h = FIGURE_HEIGHT - TOP - BOTTOM - 14  # room above the highest point's value
    top = TOP + 14
    scale = _ValueScale([p.value for p in points])
    labelled = _labelled(points)
    shapes = []
    for p in points:
        x = left + plot_w * (p.day - first).days / span if p.day else WIDTH - RIGHT - lane / 2
        y = top + plot_h * (1 - scale.share(p.value))
        value = ""
        if id(p) in labelled:
            value = (
                f'<text class="value" x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle">'
                f"{html.escape(compact_number(p.value))}</text>"
            )
        shapes.append(
            f'<a href="{html.escape(p.href, quote=True)}"><circle class="s0" cx="{x:.1f}"'
            f' cy="{y:.1f}" r="5"><title>{html.escape(p.label)}</title></circle>{value}</a>'
        )
    rules = "".join(
        f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
        f'<text class="label" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
        f"{html.escape(text)}</text>"
        for value, text in scale.ticks()
        for y in [top + plot_h * (1 - scale.share(value))]
    )
    baseline = top + plot_h
    lane_marks = (
        f'<line class="axis" x1="{WIDTH - RIGHT - lane}" y1="{top}"'
        f' x2="{WIDTH - RIGHT - lane}" y2="{baseline}"/><text class="label"'
        f' x="{WIDTH - RIGHT - lane / 2:.1f}" y="{FIGURE_HEIGHT - 10}"'
        ' text-anchor="middle">undated</text>'
        if undated
        else ""
    )
    title = f"{name}: {len(points)} figures, {first:%d %b %Y} to {last:%d %b %Y}"
    desc = (
        "Each point is a figure a story gives, at the story's date"
        + (
            ", on a logarithmic scale (each ruled line ten times the one below)"
            if scale.log
            else ""
        )
        + f"; the highest is {scale.peak:,.0f}."
        + (
            (
                " The figure of an undated story stands apart at the right."
                if len(undated) == 1
                else f" {len(undated)} figures of undated stories stand apart at the right."
            )
            if undated
            else ""
        )
        + " The table below lists every figure with its story."
    )
    ids = f"digest-figures-{html.escape(slug, quote=True)}"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {FIGURE_HEIGHT}"'
        f' role="img" aria-labelledby="{ids}-title {ids}-desc"><title id="{ids}-title">'
        f'{html.escape(title)}</title><desc id="{ids}-desc">{html.escape(desc)}</desc>'
        + rules
        + f'<line class="axis" x1="{left}" y1="{baseline}" x2="{WIDTH - RIGHT}"'
        f' y2="{baseline}"/><text class="label" x="{left}"'
        f' y="{FIGURE_HEIGHT - 10}">{first:%b %Y}</text><text class="label"'
        f' x="{WIDTH - RIGHT - lane - 16}" y="{FIGURE_HEIGHT - 10}" text-anchor="end">'
        f"{last:%b %Y}</text>" + lane_marks + "".join(shapes) + "</svg>"
    )
    return (
        f'<figure class="digest-chart">{svg}<figcaption>{html.escape(title)}.'
        f" {html.escape(desc)}</figcaption></figure>\n"
    )


class _ValueScale:
    """Where a value stands on a chart's height, 0 at the axis and 1 at the top: from zero
    to the peak, or logarithmic between the powers of ten around the values
    (``LOG_SCALE_RATIO``)."""

    def __init__(self, values: Sequence[float]) -> None:
        positive = [v for v in values if v > 0]
        self.peak = max(positive, default=1.0)
        low = min(positive, default=1.0)
        self.log = self.peak / low >= LOG_SCALE_RATIO
        self.low_exp = math.floor(math.log10(low)) if self.log else 0
        self.high_exp = max(math.ceil(math.log10(self.peak)), self.low_exp + 1) if self.log else 0

    def share(self, value: float) -> float:
        if not self.log:
            return value / self.peak
        if value <= 0:
            return 0.0
        return (math.log10(value) - self.low_exp) / (self.high_exp - self.low_exp)

    def ticks(self) -> list[tuple[float, str]]:
        """The ruled values and their labels: each power of ten, or zero and the peak."""
        if not self.log:
            return [(0.0, "0"), (self.peak, f"{self.peak:,.0f}")]
        return [(10.0**e, compact_number(10.0**e)) for e in range(self.low_exp, self.high_exp + 1)]


def _labelled(points: Sequence[ChartPoint]) -> set[int]:
    """The points that show their value: all of a few, else the highest and the lowest."""
    if len(points) <= LABELLED_POINTS:
        return {id(p) for p in points}
    return {id(max(points, key=lambda p: p.value)), id(min(points, key=lambda p: p.value))}


def compact_number(value: float) -> str:
    """A chart's short form of a value: "23,000", "300,000", "2 million", "1.5 billion"."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{value / size:,.1f}".removesuffix(".0") + f" {word}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"
