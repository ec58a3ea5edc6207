"""The quality gate and the README's table of figures: a fall is caught, the table matches."""

from __future__ import annotations

import json

from benchmarks.gate import BASELINE, README, falls, with_table


def test_a_figure_below_its_floor_is_named_and_one_above_is_not():
    baseline = {"clean_html_text_f1": 0.875, "dedupe_false_same_topic_pairs": 0}
    assert falls({"clean_html_text_f1": 0.876, "dedupe_false_same_topic_pairs": 0}, baseline) == []
    fallen = falls({"clean_html_text_f1": 0.87, "dedupe_false_same_topic_pairs": 2}, baseline)
    assert [line.split(":")[0] for line in fallen] == [
        "clean_html_text_f1",
        "dedupe_false_same_topic_pairs",
    ]


def test_a_figure_not_measured_here_is_not_a_fall():
    assert falls({"topics_precision": 0.94}, {"topics_precision": 0.939, "dates_f1": 0.948}) == []


def test_the_readme_quality_table_is_the_one_the_baseline_gives():
    readme = README.read_text(encoding="utf-8")
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert readme == with_table(readme, baseline), "run: python -m benchmarks.gate --readme"
