"""Sources in scripts that do not space their words (Burmese, Thai, Chinese): their paragraphs
stay paragraphs, the line model leaves them alone, and a derived headline ends at a clause."""

from __future__ import annotations

import pytest

from build_digest.cleaning import clean_all
from build_digest.models import Role, TitleSource

from .cleaning.test_linemodel import FOOTER, MENU, doc

BURMESE = [
    "ရှမ်းပြည်နယ်မြောက်ပိုင်း လားရှိုးမြို့အနီးတွင် တိုက်ပွဲများ ပြင်းထန်စွာ ဖြစ်ပွားနေပြီး ဒေသခံ"
    " ပြည်သူ ထောင်ပေါင်းများစွာ အိမ်ရာများမှ ထွက်ပြေးတိမ်းရှောင်နေရကြောင်း ဒေသခံများက ပြောသည်။",
    "စစ်ကောင်စီတပ်က လေကြောင်းတိုက်ခိုက်မှုများ ပြုလုပ်ခဲ့ပြီး ကျေးရွာ အများအပြား မီးလောင်ပျက်စီးခဲ့ကြောင်း"
    " လူသားချင်းစာနာထောက်ထားမှု အဖွဲ့များက ထုတ်ပြန်သည်။",
    "တရုတ်နယ်စပ် ကုန်သွယ်ရေးဂိတ်များ ပိတ်ထားရသဖြင့် ကုန်စည်စီးဆင်းမှု ရပ်တန့်သွားပြီး ဈေးနှုန်းများ"
    " မြင့်တက်လာကြောင်း ကုန်သည်များက ဆိုသည်။",
]
THAI = [  # Thai spaces phrases, not words, and marks no sentence end
    "การสู้รบในรัฐฉานตอนเหนือทำให้ประชาชนหลายพันคนต้องอพยพออกจากบ้านเรือน"
    " ชาวบ้านในพื้นที่กล่าวว่าเสียงปืนใหญ่ดังขึ้นตลอดทั้งคืน และยังไม่มีความช่วยเหลือเข้ามาถึง",
    "ด่านการค้าชายแดนกับจีนถูกปิดมาหลายสัปดาห์ ทำให้สินค้าขาดแคลนและราคาสูงขึ้นอย่างมาก"
    " พ่อค้าในเมืองลาเสี้ยวกล่าวว่าธุรกิจของพวกเขาเกือบหยุดชะงัก",
    "องค์การสหประชาชาติระบุว่ามีผู้พลัดถิ่นมากกว่าห้าแสนคนนับตั้งแต่เริ่มปฏิบัติการเมื่อเดือนตุลาคม"
    " และเรียกร้องให้ทุกฝ่ายเปิดทางให้ความช่วยเหลือด้านมนุษยธรรม",
]
CHINESE = [
    "缅甸北部掸邦的战斗持续升级，数千名居民被迫逃离家园。当地居民表示，炮声整夜不断，援助物资至今仍未送达。",
    "由于与中国接壤的边境贸易口岸已关闭数周，商品短缺，物价大幅上涨。腊戌的商人说，他们的生意几乎陷入停顿。",
    "联合国表示，自十月行动开始以来，已有超过五十万人流离失所，并呼吁各方为人道主义援助开放通道。",
]


@pytest.mark.parametrize("paragraphs", [BURMESE, THAI, CHINESE], ids=["my", "th", "zh"])
@pytest.mark.parametrize("furniture", [True, False], ids=["whole page", "pasted text"])
def test_burmese_thai_and_chinese_articles_keep_every_paragraph_as_a_paragraph(
    paragraphs, furniture
):
    """Scripts that do not space their words count by characters (a Burmese paragraph is
    prose, not a heading), and the model, which never saw them, leaves them to the rules."""
    title = paragraphs[0][:16]  # a Thai headline is often the lead's opening words
    page = [title, *(MENU if furniture else []), *paragraphs, *(FOOTER if furniture else [])]
    article = clean_all([doc("\n\n".join(page))])[0]
    assert article.title == title
    assert [b.text for b in article.blocks if b.role is Role.PARAGRAPH] == paragraphs
    assert article.word_count >= 20 * len(paragraphs)


@pytest.mark.parametrize(
    ("paragraphs", "headline"),
    [
        (BURMESE, "ရှမ်းပြည်နယ်မြောက်ပိုင်း လားရှိုးမြို့အနီးတွင် တိုက်ပွဲများ"),
        (THAI, "การสู้รบในรัฐฉานตอนเหนือทำให้ประชาชนหลายพันคนต้องอพยพออกจากบ้านเรือน"),
        (CHINESE, "缅甸北部掸邦的战斗持续升级，数千名居民被迫逃离家园"),
    ],
    ids=["my", "th", "zh"],
)
def test_a_headline_derived_from_an_unspaced_script_ends_at_a_clause_not_mid_word(
    paragraphs, headline
):
    """No headline in the source: the lead's first clause or phrase, never the whole lead."""
    article = clean_all([doc("\n\n".join(paragraphs))])[0]
    assert article.title_source is TitleSource.DERIVED
    assert article.title == headline


@pytest.mark.parametrize("lead", ["战" * 20000, "ก" * 20000, "a" * 20000 + ", b" * 2000])
def test_a_headline_derived_from_a_lead_of_hostile_length_stays_a_headline(lead):
    """One 20,000-character line, no headline: the derived headline is searched for in the
    lead's first characters only (it took 25 s per source when every end was tried)."""
    article = clean_all([doc(lead)])[0]
    assert article.title_source is TitleSource.DERIVED
    assert 0 < len(article.title) <= 400
