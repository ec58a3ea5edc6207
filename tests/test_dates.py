"""Stage 3 and stage 8 (``dates.py``): dates with their provenance and precision, and the
year or day an undated story takes from its related coverage."""

from __future__ import annotations

import datetime as dt

from build_digest.models import Undated

from .conftest import make_project, pipeline_for, story_of


def test_seed_003_is_dated_from_its_dateline(seed_result):
    date = story_of(seed_result, "003_cc3d00d2144fce69.txt").date
    assert (date.value, date.precision) == (dt.date(2023, 11, 6), "day")
    assert date.source == "dateline 'November 6, 2023'"


def test_seed_004_partial_date_gets_its_year_from_related_coverage_at_month_precision(seed_result):
    date = story_of(seed_result, "004_ab6189689cb6cc35.txt").date
    assert (date.value, date.precision) == (dt.date(2024, 1, 1), "month")
    assert "January 10-11" in date.source


def test_seed_002_is_honestly_undated_with_a_lower_bound(seed_result):
    date = story_of(seed_result, "002_70b53750419f7713.txt").date
    assert date == Undated(not_before=dt.date(2023, 11, 27))


def test_front_matter_date_wins_over_the_dateline(tmp_path):
    text = (
        "---\ndate: 2023-11-07\n---\nBorder town falls\n\nNovember 6, 2023\n\nRebels captured the"
        " border town of Chinshwehaw on Friday, cutting a key trade route to China.\n"
    )
    project = make_project(tmp_path, {"fm.md": text}, with_seeds=False)
    date = story_of(pipeline_for(project), "fm.md").date
    assert (date.value, date.source) == (dt.date(2023, 11, 7), "front matter (2023-11-07)")


def test_wire_dateline_gives_the_day_and_related_coverage_the_year(tmp_path):
    text = (
        "Ceasefire talks resume\n\nKUNMING, China, Jan 12 (Reuters) - Myanmar's junta and the Three"
        " Brotherhood Alliance agreed to a ceasefire at talks in Kunming, China's foreign ministry"
        " said, after the fall of Laukkai on the Chinese border.\n"
    )
    project = make_project(tmp_path, {"wire.txt": text})
    date = story_of(pipeline_for(project), "wire.txt").date
    assert (date.value, date.precision) == (dt.date(2024, 1, 12), "day")
    assert date.source.startswith(
        "wire dateline 'KUNMING, China, Jan 12 (Reuters)', year from related coverage"
    )


def test_a_month_and_day_written_in_chinese_burmese_or_thai_take_their_year_from_related_coverage(
    tmp_path,
):
    """An undated report that says "8月3日", "ဩဂုတ်လ ၃ ရက်" or "3 สิงหาคม" is dated to that month,
    in the year of its related coverage, as an English "August 3" is; a full date is no partial."""
    sources = {
        "dated.txt": (
            "Rebels say they control Lashio\n\nAugust 3, 2024\n\nThe Myanmar National Democratic"
            " Alliance Army said it had taken Lashio, the capital of northern Shan State.\n"
        ),
        "zh.txt": (
            "缅甸同盟军宣布控制腊戍\n\n缅甸民族民主同盟军8月3日发表声明，"
            "宣布已完全控制掸邦北部重镇腊戍。\n"
        ),
        "my.txt": (
            "လားရှိုးမြို့ကို MNDAA သိမ်းပိုက်\n\nမြန်မာအမျိုးသားဒီမိုကရက်တစ်မဟာမိတ်တပ်မတော်က ဩဂုတ်လ ၃ ရက်"
            "နေ့တွင် လားရှိုးမြို့ကို သိမ်းပိုက်ကြောင်း ကြေညာခဲ့သည်။\n"
        ),
        "th.txt": (
            "กองกำลังเมียนมาอ้างยึดล่าเสี้ยว\n\nกองทัพพันธมิตรประชาธิปไตยแห่งชาติเมียนมาประกาศเมื่อวันที่"
            " 3 สิงหาคม ว่ายึดเมืองล่าเสี้ยวได้ทั้งหมดแล้ว\n"
        ),
    }
    result = pipeline_for(make_project(tmp_path, sources))
    for path, written in (("zh.txt", "8月3日"), ("my.txt", "ဩဂုတ်လ ၃ ရက်"), ("th.txt", "3 สิงหาคม")):
        date = story_of(result, path).date
        assert (date.value, date.precision) == (dt.date(2024, 8, 1), "month"), path
        assert f"partial date '{written}'" in date.source


def test_a_full_date_in_another_script_is_not_read_as_a_partial_one():
    from build_digest.dates import NATIVE_PARTIAL, ascii_digits

    for full in ("2024年8月3日", "၂၀၂၄ ခုနှစ် ဩဂုတ်လ ၃ ရက်", "11 เมษายน 2567"):
        assert not NATIVE_PARTIAL.search(ascii_digits(full)), full
    assert not NATIVE_PARTIAL.search("ทหาร 200 นาย ถอนกำลัง")  # a count, not a date
