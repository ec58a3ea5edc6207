"""Figures over time: each number with its measure, value, qualifier and who gives it, in
any script; the Figures page charts them, each point leading to its story."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from build_digest.chart import ChartPoint, figure_chart
from build_digest.figures import sentence_figures
from build_digest.render import served_rel
from build_digest.taxonomy import load_taxonomy

from .conftest import ROOT

MEASURES = load_taxonomy(ROOT / "taxonomy.yml").measures


def read(sentence: str) -> list[tuple[str, float, bool, str]]:
    return [
        (f.measure, f.value, f.percent, f.qualifier) for f in sentence_figures(sentence, MEASURES)
    ]


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        (
            "More than 90,000 people have been newly displaced since October.",
            [("displaced", 90000, False, "more than")],
        ),
        (
            "The fighting has uprooted about 2.6 million people across the country.",
            [("displaced", 2_600_000, False, "about")],
        ),
        ("缅北累计向我方移交涉诈犯罪嫌疑人3.1万余名。", [("arrested", 31000, False, "more than")]),
        ("ทหารเมียนมากว่า 600 นายยอมจำนนต่อฝ่ายต่อต้าน", [("surrendered", 600, False, "more than")]),
        (
            "ကုန်သွယ်မှုတန်ဖိုး ၈၀ ရာခိုင်နှုန်းကျော် ကျဆင်းခဲ့သည်။",
            [("trade", 80, True, "more than")],
        ),
        (
            "Its fighters have since seized more than a dozen townships.",
            [("captured", 12, False, "more than")],
        ),
        (
            "Aid groups cannot reach more than half a million people displaced by the fighting.",
            [("displaced", 500_000, False, "more than")],
        ),
        ("Two hundred soldiers laid down their arms.", [("surrendered", 200, False, "")]),
        (
            "The army tried to make amends by handing over 31,000 people to China.",
            [("arrested", 31000, False, "")],
        ),
    ],
)
def test_a_figure_is_read_with_its_measure_value_and_qualifier(sentence, figures):
    assert read(sentence) == figures


def test_years_dates_durations_and_money_are_not_counts_of_people_or_towns():
    assert not read("The army seized power in 2021 and captured the town on 5 January.")
    assert not read("Rebels seized the gate, which handled goods worth $1.8 billion.")
    assert not read("Troops captured the hill after 10 days of fighting.")


def test_a_number_that_counts_places_or_a_known_set_is_not_a_figure():
    assert read("More than 90,000 people have been displaced across 12 townships.") == [
        ("displaced", 90000, False, "more than")
    ]
    assert read("Shelling near the border of the two countries killed 29 civilians.") == [
        ("killed", 29, False, "")
    ]
    assert not read("Its units took part in more than 300 battles and captured several towns.")


def test_a_number_the_measure_follows_at_once_counts_it_after_any_preposition():
    assert read("The air strikes resulted in 29 deaths.") == [("killed", 29, False, "")]


def test_a_figure_says_who_gives_it():
    (figure,) = sentence_figures(
        "About 50,000 people have been displaced, according to the United Nations.", MEASURES
    )
    assert figure.source_of_figure == "United Nations" and figure.shown == "about 50,000"


def test_figures_reach_the_catalog_the_story_page_and_the_figures_page(seed_result):
    figures = seed_result.catalog["figures"]
    displaced = [f for f in figures if f["measure"] == "displaced"]
    fifty = next(f for f in displaced if f["value"] == 50000 and f["qualifier"] == "about")
    story = next(a for a in seed_result.catalog["articles"] if a["id"] == fifty["story"])
    page = seed_result.pages[f"stories/{story['id']}.md"]
    assert "## Figures in this story" in page and "People displaced: **about 50,000**" in page
    listing = seed_result.pages["figures.md"]
    assert "## People displaced" in listing and f"stories/{story['id']}.md" in listing
    assert f'href="../stories/{story["id"]}/"' in listing  # its point on the chart
    assert fifty["text"] in " ".join(str(f["text"]) for f in figures)


def _point(day: str | None, value: float, n: int) -> ChartPoint:
    when = dt.date.fromisoformat(day) if day else None
    return ChartPoint(when, value, f"{value:,.0f}", f"../stories/story-{n}/")


def test_figures_an_order_of_magnitude_apart_are_charted_on_a_logarithmic_scale():
    """23,000 and 300,000 beside 2 million: on a straight scale the first two would lie on
    the axis; on powers of ten each stands apart, and each says its value."""
    points = [
        _point("2023-11-06", 23000, 1),
        _point("2024-01-01", 300000, 2),
        _point("2024-01-01", 2000000, 3),
    ]
    svg = figure_chart("displaced", "People displaced", points)
    assert "logarithmic scale" in svg
    for rule in ("10,000", "100,000", "1 million"):
        assert f">{rule}</text>" in svg
    heights = [float(y) for y in re.findall(r'<circle class="s0" cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert heights[0] - heights[1] > 40 and heights[1] - heights[2] > 40  # far apart, in order
    for value in ("23,000", "300,000", "2 million"):
        assert f'text-anchor="middle">{value}</text>' in svg


def test_figures_of_one_scale_keep_a_straight_axis_from_zero():
    svg = figure_chart(
        "displaced",
        "People displaced",
        [_point("2023-11-06", 23000, 1), _point("2024-01-01", 50000, 2)],
    )
    assert "logarithmic" not in svg and ">0</text>" in svg and ">50,000</text>" in svg


def test_an_undated_figure_stands_in_its_own_lane_never_at_a_date():
    points = [
        _point("2023-11-06", 23000, 1),
        _point("2024-01-01", 300000, 2),
        _point(None, 50000, 3),
    ]
    svg = figure_chart("displaced", "People displaced", points)
    xs = [float(x) for x in re.findall(r'<circle class="s0" cx="([\d.]+)"', svg)]
    assert xs[2] > xs[1] > xs[0]  # right of the last date
    assert ">undated</text>" in svg and 'href="../stories/story-3/"' in svg
    assert "stands apart at the right" in svg
    # Undated figures alone draw no chart over time.
    assert (
        figure_chart(
            "displaced", "People displaced", [_point("2024-01-01", 1, 1), _point(None, 2, 2)]
        )
        == ""
    )


def test_a_chart_point_leads_to_its_story_as_the_site_serves_it():
    """A chart's links are raw HTML, which no renderer rewrites: each is written as the
    address the story has, with folder URLs and with file URLs (``--offline``)."""
    assert served_rel("stories/a.md", "figures.md") == "../stories/a/"
    assert served_rel("stories/a.md", "figures.md", directory_urls=False) == "stories/a.html"
    assert served_rel("stories/a.md", "index.md") == "stories/a/"
    assert served_rel("index.md", "events/e.md") == "../../"
    assert served_rel("stories/b.md", "stories/a.md") == "../b/"
    assert served_rel("stories/b.md", "stories/a.md", directory_urls=False) == "b.html"


HOSTILE_HEADLINE = "<script>alert(1)</script> *Flee* [x](javascript:alert(1)) ??? note"


def test_a_headline_reaches_a_chart_point_as_the_characters_a_reader_saw(tmp_path):
    """A point's hover text names its story's headline inside raw HTML: markup and Markdown in
    the headline stay characters there, in a real build."""
    from .conftest import build_in_process, make_project

    report = (
        "---\ntitle: {title}\ndate: {date}\n---\n{title}\n\nMore than {n} people have been"
        " displaced by the fighting, the United Nations said.\n"
    )
    project = make_project(
        tmp_path / "project",
        {
            "a.txt": report.format(title=f"'{HOSTILE_HEADLINE}'", date="2024-01-05", n="23,000"),
            "b.txt": "Title: Camps fill as winter comes\nDate: 2024-02-05\n\nCamps fill as winter"
            " comes\n\nAid workers in Kutkai said on Monday that more than 300,000 people have"
            " been displaced across the north, many without blankets.\n",
        },
        with_seeds=False,
    )
    exit_code, output, _ = build_in_process(project)
    assert exit_code == 0, output
    page = (project / "out" / "figures" / "index.html").read_text(encoding="utf-8")
    (svg,) = re.findall(r'<figure class="digest-chart">(<svg.*?</svg>)', page, flags=re.S)
    titles = " ".join(re.findall(r"<title>(.*?)</title>", svg, flags=re.S))
    assert html.unescape(titles).count(HOSTILE_HEADLINE) == 1
    assert (
        "<script" not in svg
        and "<em>" not in svg
        and "javascript:" not in re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    )
