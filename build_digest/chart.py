"""Stage 12 (pages): the timeline's chart (stories per week, stacked by topic) and the figures'
chart, drawn at build time as SVG.

No JavaScript and no chart library: the chart is a few rectangles and labels inlined in the
page, coloured by CSS classes that follow the light and dark palettes, with a title, a
description and the same figures as a table for readers who cannot see it.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Callable, Sequence

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


FIGURE_HEIGHT = 200


def figure_chart(slug: str, name: str, points: Sequence[tuple[dt.date, float, str, str]]) -> str:
    """A measure's figures over time as SVG points: (date, value, label, anchor of its table
    row). Each point links to its row, whose link leads to the story; empty unless figures
    stand on two dates or more (one date is a list, not a line over time)."""
    if len({p[0] for p in points}) < 2:
        return ""
    first, last = min(p[0] for p in points), max(p[0] for p in points)
    span = max((last - first).days, 1)
    peak = max(p[1] for p in points) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT - 40, FIGURE_HEIGHT - TOP - BOTTOM
    left = LEFT + 40  # room for values such as "300,000"
    dots = []
    for day, value, label, anchor in points:
        x = left + plot_w * (day - first).days / span
        y = TOP + plot_h * (1 - value / peak)
        dots.append(
            f'<a href="#{html.escape(anchor, quote=True)}"><circle class="s0" cx="{x:.1f}"'
            f' cy="{y:.1f}" r="5"><title>{html.escape(label)}</title></circle></a>'
        )
    title = f"{name}: {len(points)} figures, {first:%d %b %Y} to {last:%d %b %Y}"
    desc = (
        f"Each point is a figure a story gives, at the story's date; the highest is {peak:,.0f}."
        " The table below lists every figure with its story."
    )
    ids = f"digest-figures-{html.escape(slug, quote=True)}"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {FIGURE_HEIGHT}"'
        f' role="img" aria-labelledby="{ids}-title {ids}-desc"><title id="{ids}-title">'
        f'{html.escape(title)}</title><desc id="{ids}-desc">{html.escape(desc)}</desc>'
        f'<line class="axis" x1="{left}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}"'
        f' y2="{TOP + plot_h}"/><text class="label" x="{left - 6}" y="{TOP + 4}"'
        f' text-anchor="end">{peak:,.0f}</text><text class="label" x="{left - 6}"'
        f' y="{TOP + plot_h}" text-anchor="end">0</text><text class="label" x="{left}"'
        f' y="{FIGURE_HEIGHT - 10}">{first:%b %Y}</text><text class="label"'
        f' x="{WIDTH - RIGHT}" y="{FIGURE_HEIGHT - 10}" text-anchor="end">{last:%b %Y}</text>'
        + "".join(dots)
        + "</svg>"
    )
    return (
        f'<figure class="digest-chart">{svg}<figcaption>{html.escape(title)}.'
        f" {html.escape(desc)}</figcaption></figure>\n"
    )
