"""Sources in any language and script: detected, dated, cleaned, headed, marked (lang, dir),
tagged, linked across languages, and given readable addresses. The fixtures are in
tests/fixtures/multilingual (written for the project; see its README)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import html as lxml_html

from build_digest.dates import ascii_digits, native_date, parse_date_text
from build_digest.language import LanguageSource, detect_language, source_language
from build_digest.segment import WORD_MARK, spaced_words
from build_digest.urls import story_id, title_slug

from .conftest import build_in_process, make_project

FIXTURES = Path(__file__).parent / "fixtures" / "multilingual"

EXPECTED = {
    # file: (language, date, a chrome line the cleaner must remove, a word search must find)
    "zh-kunming-talks.txt": ("zh-Hans", "2024-01-12", "分享到：微信 微博 QQ空间", "停火"),
    "th-myawaddy-falls.txt": ("th", "2024-04-11", "แชร์ Facebook แชร์ X คัดลอกลิงก์", "แม่สอด"),
    "my-lashio-falls.txt": ("my", "2024-08-03", "ဆက်စပ်သတင်းများ", "လားရှိုး"),
    "ja-offensive.txt": ("ja", "2023-11-15", "この記事をシェアする", "制圧"),
    "ar-rakhine.txt": ("ar", "2024-01-12", "شارك هذا المقال", "راخين"),
    "fa-laukkai.txt": ("fa", "2024-01-05", "اخبار مرتبط", "لائوکای"),
    "ru-lashio.txt": ("ru", "2024-08-03", "Читайте также", "повстанцы"),
    "hi-mizoram-refugees.txt": ("hi", "2023-11-15", "ये भी पढ़ें", "शरणार्थी"),
    "en-reuters-myawaddy.txt": ("en", "2024-04-11", None, "Myawaddy"),
}
RIGHT_TO_LEFT = {"ar-rakhine.txt", "fa-laukkai.txt"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The nine fixtures built into a site with the real MkDocs."""
    sources = {p.name: p.read_bytes() for p in FIXTURES.glob("*.txt")}
    project = make_project(tmp_path_factory.mktemp("multilingual"), sources, with_seeds=False)
    exit_code, output, catalog = build_in_process(project, "--strict")
    assert exit_code == 0, output
    return project / "out", catalog


def _article(catalog: dict, source: str) -> dict:
    return next(a for a in catalog["articles"] if source in a["sources"])


def _story_html(out: Path, article: dict):  # type: ignore[no-untyped-def]
    page = out / unquote(article["url"]) / "index.html"
    return lxml_html.fromstring(page.read_bytes())


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_every_fixture_is_published_with_its_language_and_date(site, source):
    _, catalog = site
    language, date, _, _ = EXPECTED[source]
    article = _article(catalog, source)
    assert article["language"] == language
    assert article["date"] == date and article["date_precision"] == "day"
    entry = next(s for s in catalog["sources"] if s["path"] == source)
    assert entry["status"] == "published" and entry["language"] == language


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_story_page_says_its_language_and_direction_and_drops_the_chrome(site, source):
    out, catalog = site
    language, _, chrome, _ = EXPECTED[source]
    article = _article(catalog, source)
    page = _story_html(out, article)
    assert page.get("lang") == language
    headline = page.cssselect("article h1")[0]
    assert headline.text_content().strip().startswith(article["title"][:10])
    story_text = " ".join(p.text_content() for p in page.cssselect("article p"))
    if chrome:
        assert chrome not in story_text
    direction = "rtl" if source in RIGHT_TO_LEFT else None
    if language != "en":
        assert headline.get("lang") == language and headline.get("dir") == direction
        # the site's own words stay in the site's language
        assert page.cssselect("header.md-header")[0].getparent().get("lang") == "en"
    jsonld = json.loads(page.cssselect('script[type="application/ld+json"]')[0].text)
    assert jsonld["inLanguage"] == language


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_every_fixture_is_tagged_and_related_to_coverage_in_another_language(site, source):
    _, catalog = site
    article = _article(catalog, source)
    assert article["entities"] or article["topics"]
    languages = {a["id"]: a["language"] for a in catalog["articles"]}
    assert any(languages[r] != article["language"] for r in article["related"])


def test_the_headline_of_a_thai_report_is_its_headline_not_the_date_under_it(site):
    _, catalog = site
    article = _article(catalog, "th-myawaddy-falls.txt")
    first_line = (FIXTURES / "th-myawaddy-falls.txt").read_text(encoding="utf-8").splitlines()[0]
    assert article["title"] == first_line and article["title_source"] == "first line"


def test_reports_of_one_event_in_two_languages_list_each_other(site):
    _, catalog = site
    thai = _article(catalog, "th-myawaddy-falls.txt")
    english = _article(catalog, "en-reuters-myawaddy.txt")
    assert english["id"] in thai["related"][:2] and thai["id"] in english["related"][:2]
    assert {"myawaddy", "mae-sot", "karen-national-union"} <= set(thai["entities"])


def test_names_in_other_scripts_come_from_the_taxonomy_never_from_english_ner(site):
    _, catalog = site
    chinese = _article(catalog, "zh-kunming-talks.txt")
    assert {"kunming", "laukkai", "shan-state"} <= set(chinese["entities"])
    assert {"ceasefire", "china-myanmar"} <= set(chinese["topics"])
    russian = _article(catalog, "ru-lashio.txt")
    # every name of the Russian report is a curated one (English NER made "Nastuplenie" of it)
    assert set(russian["entities"]) <= {
        "lashio",
        "shan-state",
        "mandalay",
        "myanmar-national-democratic-alliance-army",
    }
    assert "lashio" in russian["entities"]
    burmese = _article(catalog, "my-lashio-falls.txt")
    assert {"lashio", "myanmar-national-democratic-alliance-army"} <= set(burmese["entities"])
    assert "brotherhood-alliance" in burmese["topics"]


def test_story_addresses_are_readable_in_their_script_and_the_old_ones_redirect(site):
    out, catalog = site
    burmese = _article(catalog, "my-lashio-falls.txt")
    assert burmese["id"].startswith("လားရှိုးမြို့ကို")
    assert (out / "stories" / burmese["id"] / "index.html").is_file()
    old = [old for old, new in catalog["redirects"].items() if new == burmese["url"]]
    assert any(o.startswith("stories/laa-") for o in old)  # the ASCII slug of 0.2


def test_feed_entries_in_other_languages_carry_xml_lang(site):
    import feedparser

    out, catalog = site
    feed = feedparser.parse((out / "feeds" / "all.xml").read_bytes())
    languages = {entry.title: entry.title_detail.language for entry in feed.entries}
    thai = _article(catalog, "th-myawaddy-falls.txt")
    assert languages[thai["title"]] == "th"
    english = _article(catalog, "en-reuters-myawaddy.txt")
    assert languages[english["title"]] == "en"  # the feed's own


# --- the parts, alone ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "language", "day"),
    [
        ("2024年01月12日 10:35 来源：边境日报", "zh-Hans", dt.date(2024, 1, 12)),
        ("２０２４年１月５日", "ja", dt.date(2024, 1, 5)),
        ("11 เมษายน 2567 เวลา 14:30 น.", "th", dt.date(2024, 4, 11)),  # Buddhist era
        ("๑๑ เมษายน ๒๕๖๗", "th", dt.date(2024, 4, 11)),  # and Thai digits
        ("၂၀၂၄ ခုနှစ် ဩဂုတ်လ ၃ ရက်", "my", dt.date(2024, 8, 3)),
        ("١٢ يناير ٢٠٢٤", "ar", dt.date(2024, 1, 12)),
        ("۱۵ دی ۱۴۰۲", "fa", dt.date(2024, 1, 5)),  # Solar Hijri
        ("3 августа 2024", "ru", dt.date(2024, 8, 3)),
        ("15 नवंबर 2023", "hi", dt.date(2023, 11, 15)),
        ("12 de enero de 2024", "es", dt.date(2024, 1, 12)),
        ("3. August 2024, 15:20 Uhr", "de", dt.date(2024, 8, 3)),
        ("Ngày 3 tháng 8 năm 2024", "vi", dt.date(2024, 8, 3)),  # the month by its number
        ("2024년 8월 3일 오후 3:20", "ko", dt.date(2024, 8, 3)),
    ],
)
def test_dates_in_other_scripts_and_calendars_become_gregorian_days(written, language, day):
    found = native_date(written, language)
    assert found is not None and found[0] == day


def test_a_stated_date_may_be_written_in_another_script():
    assert parse_date_text("2024年01月12日") == parse_date_text("2024-01-12")
    assert parse_date_text("၂၀၂၄-၀၁-၁၂") == parse_date_text("2024-01-12")


def test_native_digits_become_ascii_one_for_one():
    for text in ("၂၀၂၄", "๒๕๖๗", "٢٠٢٤", "۱۴۰۲", "२०२४", "২০২৪", "２０２４"):
        assert ascii_digits(text) in {"2024", "2567", "1402"} and len(ascii_digits(text)) == 4


def test_an_english_story_quoting_burmese_stays_english():
    text = (
        "The junta's spokesman told reporters in Naypyidaw that the army would hold the town,"
        " and the crowd chanted ‘လားရှိုး’ as the convoy left on Saturday morning for Mandalay."
    )
    assert detect_language(text).code == "en"


def test_a_stated_language_wins_and_a_page_declaration_is_only_evidence():
    spanish = "Las fuerzas rebeldes tomaron la ciudad de Laukkai el martes, según los vecinos."
    assert source_language(spanish, stated="Burmese").code == "my"
    stated = source_language(spanish, stated="zh_TW")
    assert (stated.code, stated.source) == ("zh-TW", LanguageSource.STATED)
    # a template's lang="en" over Spanish text is overruled; lang="es" is kept
    assert source_language(spanish, declared="en").code == "es"
    assert source_language(spanish, declared="es-AR").code == "es-AR"


def test_texts_detected_together_get_the_languages_they_get_one_at_a_time():
    """A cold build hands its sources to the detector in one parallel call: the answers must
    be those of one text at a time, whatever the script or length."""
    from build_digest.language import DETECT_TOGETHER_FROM, detected_together

    fixtures = Path(__file__).parent / "fixtures"
    texts = [p.read_text(encoding="utf-8") for p in sorted(fixtures.glob("*/sources/*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    texts += [text.split("\n", 1)[0] for text in texts]  # headlines: short texts too
    texts += ["", "12 345", "Hi.", "Las fuerzas rebeldes tomaron Laukkai el martes."]
    alone = [detect_language(text) for text in texts]
    assert sum(tag.source is LanguageSource.DETECTED for tag in alone) >= DETECT_TOGETHER_FROM
    with detected_together(texts):
        together = [detect_language(text) for text in texts]
    assert together == alone
    assert len({tag.code for tag in alone}) >= 8


def test_words_of_unspaced_scripts_are_cut_as_the_browser_cuts_them():
    assert spaced_words("掸邦停火谈判在昆明举行") == "掸 邦 停火 谈判 在 昆明 举行"
    # the source's own space inside Thai is kept, and marked as the source's
    assert spaced_words("ชายแดน ที่แม่สอด") == f"ชายแดน{WORD_MARK} ที่ แม่สอด"
    assert spaced_words("Laukkai fell on 5 January.") == "Laukkai fell on 5 January."


def test_the_quick_check_for_unspaced_scripts_misses_no_character_of_them():
    """``spaced_words`` first looks for any character at U+0E00 or after outside General
    Punctuation: every character the script classes take must be one of those."""
    from build_digest.segment import _MAYBE_UNSPACED, _UNSPACED_RUN

    taken = (chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert not [c for c in taken if _UNSPACED_RUN.match(c) and not _MAYBE_UNSPACED.match(c)]
    assert not _MAYBE_UNSPACED.search("“Curly” quotes — and dashes… in English")


def test_titles_in_other_scripts_keep_their_letters_in_the_slug():
    assert (
        title_slug("缅北冲突各方在昆明举行和谈 同意立即停火")
        == "缅北冲突各方在昆明举行和谈-同意立即停火"
    )
    assert title_slug("म्यांमार से हजारों शरणार्थी") == "म्यांमार-से-हजारों-शरणार्थी"
    assert title_slug("Мьянманские повстанцы") == "mianmanskie-povstantsy"  # as Russian sites do
    assert title_slug("Rebels take Laukkai") == "rebels-take-laukkai"
    thai = title_slug("กองกำลังกะเหรี่ยงยึดค่ายทหารเมียนมาแห่งสุดท้ายใกล้เมียวดี")
    assert len(thai) <= 24 and thai == "กองกำลังกะเหรี่ยงยึดค่าย"  # ends at a word's end


def test_the_fixture_folder_holds_each_language_once():
    assert sorted(p.name for p in FIXTURES.glob("*.txt")) == sorted(EXPECTED)


ENGLISH_REPORT = """---
title: Karen rebels take last army base near Myawaddy
date: 2024-04-11
---
The Karen National Union said on Thursday its fighters had taken the last army base near Myawaddy, and about 200 soldiers retreated towards the Friendship Bridge.

Officials in Mae Sot said 3,000 people had crossed the border since Monday and 45 of them were treated for wounds; trade worth 1,500 million baht a year was halted.
"""
THAI_TRANSLATION = """---
title: กะเหรี่ยงยึดฐานทัพสุดท้ายใกล้เมียวดี
date: 2024-04-12
---
สหภาพแห่งชาติกะเหรี่ยงระบุเมื่อวันพฤหัสบดีว่านักรบของตนยึดฐานทัพแห่งสุดท้ายใกล้เมียวดีได้แล้ว และทหารประมาณ 200 นายถอยไปทางสะพานมิตรภาพ

เจ้าหน้าที่ในแม่สอดระบุว่ามีผู้คน 3,000 คนข้ามชายแดนมาตั้งแต่วันจันทร์ และ 45 คนในจำนวนนี้ได้รับการรักษาบาดแผล การค้ามูลค่า 1,500 ล้านบาทต่อปีหยุดชะงัก
"""
THAI_INDEPENDENT = """---
title: การค้าชายแดนแม่สอดหยุดชะงัก
date: 2024-04-11
---
ผู้ค้าในแม่สอดระบุว่าการค้ามูลค่า 1,500 ล้านบาทหยุดชะงัก หลังการสู้รบใกล้เมียวดี ระหว่างกองทัพกับสหภาพแห่งชาติกะเหรี่ยง ซึ่งทำให้ผู้คนราว 3,000 คนหนีข้ามชายแดน
"""


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("300,000 people fled; 12 towns fell on 5 January 2024.", ["300000", "12", "2024"]),
        ("42 at the start, ๔๒ in Thai digits, ၁၂ in Burmese", ["42", "42", "12"]),
        ("No figure in T72, v1.25 or a lone 7; 1,5 stays as written", ["1,5"]),
        ("Version .45 and x99 are not figures, (99) is", ["99"]),
    ],
)
def test_a_translations_figures_are_its_numbers_in_any_digits_not_inside_words(text, figures):
    from build_digest.translations import figure_sequence

    assert figure_sequence(text) == figures


def test_stories_sharing_a_figure_are_compared_as_translations_only_across_languages():
    from itertools import combinations

    from build_digest.translations import _across_languages

    languages = ["en", "my", "en", "th", "my", "en", "zh"]
    holders = [0, 1, 2, 4, 5, 6]
    expected = [(i, j) for i, j in combinations(holders, 2) if languages[i] != languages[j]]
    assert sorted(_across_languages(holders, languages)) == expected
    assert _across_languages([0, 2, 5], languages) == []


def test_a_translation_is_folded_on_its_figures_and_names_in_order(tmp_path):
    from .conftest import pipeline_for

    project = make_project(
        tmp_path / "p", {"en.txt": ENGLISH_REPORT, "th.txt": THAI_TRANSLATION}, with_seeds=False
    )
    result = pipeline_for(project)
    [story] = result.stories
    assert story.story.main.source.path == "en.txt"  # the site's language is shown
    [folded] = story.story.others
    assert folded.kind.value == "translated version"
    assert "Thai and English" in folded.reason and "in the same order" in folded.reason
    # the Thai version's own address leads to the story
    thai_address = f"stories/{story_id(folded.version.article)}/"
    assert result.catalog["redirects"][thai_address] == f"stories/{story.story.id}/"


def test_an_independent_report_with_a_few_of_the_same_figures_stays_a_story(tmp_path):
    from .conftest import pipeline_for

    project = make_project(
        tmp_path / "p", {"en.txt": ENGLISH_REPORT, "th.txt": THAI_INDEPENDENT}, with_seeds=False
    )
    result = pipeline_for(project)
    assert len(result.stories) == 2
    ids = {t.story.main.source.path: t.story.id for t in result.stories}
    assert ids["th.txt"] in result.related[ids["en.txt"]]


def test_a_wire_dateline_in_another_language_gives_its_day_and_agency(tmp_path):
    from .conftest import pipeline_for

    efe = (
        "Rebeldes de Myanmar toman Lashio\n\nYANGON, 3 ago (EFE).- El Ejército de la Alianza"
        " Democrática Nacional de Myanmar anunció este sábado que ha tomado por completo el"
        " cuartel del Mando Nordeste en Lashio, en el estado Shan, y miles de vecinos huyeron.\n"
    )
    sources = {"efe.txt": efe, "ru.txt": (FIXTURES / "ru-lashio.txt").read_bytes()}
    result = pipeline_for(make_project(tmp_path / "p", sources, with_seeds=False))
    story = next(t for t in result.stories if t.story.main.source.path == "efe.txt")
    assert story.story.main.outlet == "EFE" and story.story.language.code == "es"
    assert story.date.value == dt.date(2024, 8, 3)  # the year from the Russian report of that day
    assert story.story.main.body_text.startswith("El Ejército")
