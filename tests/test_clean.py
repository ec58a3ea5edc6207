"""Stage 2 on the seeds: chrome gone, body kept, furniture labelled, every removal recorded."""

from __future__ import annotations

import pytest

from build_digest.cleaning import clean_all, clean_document, is_prose
from build_digest.ingest import ingest
from build_digest.models import Role, SourceDocument, SourceKind

from .conftest import ROOT


@pytest.fixture(scope="module")
def cleaned():
    docs = ingest(ROOT / "sources").documents
    return {a.source.path[:3]: a for a in clean_all(docs)}


def roles(article, role):
    return [b.text for b in article.blocks if b.role is role]


def doc(text: str, path: str = "x.txt") -> SourceDocument:
    return SourceDocument(path, path, text, "utf-8", SourceKind.TEXT)


def test_seed_000_loses_its_trailing_site_lists_and_keeps_the_attribution(cleaned):
    a = cleaned["000"]
    assert (
        a.title
        == "Rebel alliance gains ground in northern Myanmar, posing major challenge to Junta"
    )
    assert "Similar Articles" not in a.body_text and "Most Popular" not in a.body_text
    assert roles(a, Role.ATTRIBUTION) == ["With inputs from Reuters."]
    assert a.body_text.startswith("Facing its most significant challenge since the 2021 coup")
    assert "“If not, this will be seen as a sign of historic weakness.”" in a.body_text


def test_seed_002_loses_breadcrumbs_and_repeated_titles_and_labels_photo(cleaned):
    a = cleaned["002"]
    assert a.title == "The Myanmar Junta Is Losing Its Foreign Backers"
    assert "Recent Features" not in a.body_text
    assert "Diplomacy" not in a.body_text
    assert a.body_text.count("Losing Its Foreign Backers") == 0
    assert roles(a, Role.STANDFIRST) == [
        "Increasingly, the junta has no one to lean on except for a distracted Russia."
    ]
    assert roles(a, Role.CREDIT) == ["Credit: The Military True News Information Team via AP"]
    assert roles(a, Role.CAPTION)[0].startswith(
        "In this photo released from Myanmar Military True News Information Team"
    )
    assert roles(a, Role.HEADING) == [
        "The Junta Looks for Support",
        "The 2023 Turning Point",
        "The Rise and Fall of the Junta?",
    ]
    assert a.body_text.endswith(
        "Operation 1027 has created the best opportunity to internationally isolate it into"
        " extinction."
    )
    rules = {r.reason for r in a.removed}
    assert {"site chrome phrase", "breadcrumb or menu", "repeated title"} <= rules


def test_seed_003_loses_the_gtag_fragment_and_labels_dateline_credit_and_caption(cleaned):
    a = cleaned["003"]
    assert (
        a.title
        == "China Urges Myanmar to Cooperate in Maintaining Stability on Border Amid Escalating"
        " Violence"
    )
    assert "gtag" not in a.body_text and "!--" not in a.body_text
    assert roles(a, Role.DATELINE) == ["November 6, 2023"]
    assert roles(a, Role.CREDIT) == ["IMAGE SOURCE: AP"]
    assert roles(a, Role.CAPTION) == ["Assistant Chinese Foreign Minister Nong Rong."]
    assert roles(a, Role.STANDFIRST)[0].startswith(
        "Last week, an alliance of ethnic minority armies"
    )
    assert roles(a, Role.HEADING) == ["Overview", "Latest Conflict", "China Calls for Ceasefire"]
    assert a.body_text.endswith(
        "settle differences peacefully through dialogue and consultation, and avoid escalation.”"
    )
    removed = {r.reason: r.text for r in a.removed}
    assert removed["stray HTML comment fragment"] == "!-- Google tag (gtag.js) -->"
    assert "tab-only line" in removed and "repeated title" in removed


@pytest.mark.parametrize("seed", ["001", "004"])
def test_seeds_without_chrome_keep_every_paragraph(cleaned, seed):
    a = cleaned[seed]
    source_paragraphs = [line.strip() for line in a.source.text.split("\n") if line.strip()]
    assert [b.text for b in a.body_blocks] == source_paragraphs
    assert a.removed == ()


def test_stray_html_entities_scripts_and_tags_are_removed_or_decoded():
    a = clean_document(
        doc(
            "Headline here\n\n<script>var x = 1;\nalert('x')</script>\n<!-- a comment"
            " -->\n<p>Fighting spread to Lashio &amp; Hsenwi,&nbsp;residents said on Monday, as"
            " rebels advanced.</p>\n\nAdvertisement\n\nShare on Facebook\n"
        )
    )
    assert (
        a.body_text
        == "Fighting spread to Lashio & Hsenwi, residents said on Monday, as rebels advanced."
    )
    assert {r.reason for r in a.removed} >= {
        "HTML script/style block",
        "HTML comment",
        "site chrome phrase",
    }


def test_a_short_line_recurring_across_unrelated_sources_is_chrome():
    body = (
        "Rebels said on {day} that they had captured another town in the north after heavy fighting"
        " overnight."
    )
    docs = [
        doc(
            f"Story {n}\n\n{body.format(day=day)}\n\nFollow The Example Times\n\nOther {n} text"
            " here",
            f"{n}.txt",
        )
        for n, day in enumerate(["Monday", "Tuesday", "Friday"])
    ]
    for article in clean_all(docs):
        assert "Follow The Example Times" not in article.body_text
        assert any(r.reason.startswith("recurs in 3 sources") for r in article.removed)


def test_subheadings_of_copies_of_one_wire_story_are_not_taken_for_chrome():
    text = (
        "Title\n\nFirst paragraph of the wire story, long enough to read as prose for the"
        " cleaner.\n\nLatest Conflict\n\nSecond paragraph of the wire story, with more detail about"
        " the fighting."
    )
    articles = clean_all([doc(text, f"{n}.txt") for n in range(4)])
    assert all(
        "Latest Conflict" in [b.text for b in a.blocks if b.role is Role.HEADING] for a in articles
    )


def test_a_short_first_paragraph_ending_in_a_quote_is_body_not_title():
    a = clean_document(
        doc(
            "“We will not give up the town,” a rebel commander told reporters in Laukkai on"
            " Sunday.”\n\nFighting went on for a third week, residents said."
        )
    )
    assert a.body_text.startswith("“We will not give up the town,”")


@pytest.mark.parametrize(
    "chrome",
    [
        "Home > News > Asia",
        "Features | Diplomacy | Southeast Asia",
        "Skip to content",
        "Advertisement",
        "Share on Twitter",
        "Sign up for our daily newsletter",
        "We use cookies to improve your experience. Accept all cookies",
        "© 2024 Example Media. All rights reserved.",
        "12 Comments",
        "Related Topics",
        "Temas relacionados",
        "Mehr zum Thema",
        "Post a Comment",
    ],
)
def test_site_chrome_lines_are_removed_and_recorded(chrome):
    body = (
        "Rebels in northern Shan State said on Sunday they had taken the town of Hopang after a"
        " week of fighting with the military."
    )
    a = clean_document(
        doc(
            f"Rebels take Hopang\n\n{chrome}\n\n{body}\n\nResidents said the town was quiet on"
            " Monday, and that shops had begun to reopen."
        )
    )
    assert chrome not in a.body_text
    assert any(r.text == chrome for r in a.removed)
    assert body in a.body_text


def test_a_source_that_is_only_chrome_is_rejected_with_a_reason_and_the_rest_is_cleaned():
    from build_digest.cleaning import clean_sources

    good = doc(
        "Rebels take Hopang\n\nRebels said on Sunday they had taken the town of Hopang after a week"
        " of fighting.",
        "good.txt",
    )
    chrome = doc("Most Popular\n\nAdvertisement\n\nShare on Facebook\n", "chrome.txt")
    articles, rejections = clean_sources([good, chrome])
    assert [a.source.path for a in articles] == ["good.txt"]
    assert [(r.path, r.reason) for r in rejections] == [
        ("chrome.txt", "no article text left after cleaning (only site chrome, markup or metadata)")
    ]


STORY = (
    "Fighting spread to three more townships in northern Shan State on Tuesday, residents"
    " said, as the alliance pressed its offensive along the road to the border.\n\n"
    "The military said it had lost contact with several outposts near the town, and aid"
    " groups said thousands of people had fled towards the Chinese frontier overnight.\n\n"
    "Officials in the state capital said the road had been closed since the weekend, cutting"
    " off the trade that the border towns depend on for food, fuel and medicine.\n\n"
    "Neither side gave figures for the dead or wounded, and the reports could not be checked"
    " independently because telephone and internet lines to the area have been cut.\n\n"
)


def test_a_comment_thread_longer_than_the_story_is_cut_by_its_shape():
    comments = "".join(
        f"{name} says:\n\nI have followed this for months and the reporting here is the only"
        f" place that explains what is happening on the ground, thank you for it.\n\nReply\n\n"
        for name in ("thelastfan", "joe toronto", "Ti Kim", "Daniel Lemire")
    )
    article = clean_document(doc("34 Comments\n\n" + STORY + "34 Comments\n\n" + comments))
    assert "Fighting spread to three more townships" in article.body_text
    assert "reporting here is the only place" not in article.body_text
    thread = [r for r in article.removed if r.rule.value == "comment-thread"]
    assert thread[0].text == "34 Comments" and thread[1].text == "thelastfan says:"
    assert thread[0].reason == "a readers' comment thread below the story (4 comments)"


def test_comments_dated_in_their_header_or_under_a_comments_heading_are_a_thread():
    dated = "".join(
        f"Reader {n} on September {n}, 2018 at 4:4{n} pm said:\n\nA long reply that reads"
        f" like prose, with a full stop at the end of it, as comments usually do.\n\n"
        for n in range(1, 4)
    )
    timed = "[ 167 comments ]\n\nTop Rated Comments\n\n(View all)\n\n" + "".join(
        f"Woyzeck{n}\n{n} days ago at 07:5{n} am\nIt is good to see this finally reported in"
        f" full, and I hope the coverage continues as the fighting goes on.\nRating: 3{n} Votes\n"
        for n in range(1, 4)
    )
    for thread in (dated, timed):
        article = clean_document(doc(STORY + thread))
        assert "fled towards the Chinese frontier overnight" in article.body_text
        assert "A long reply" not in article.body_text
        assert "good to see this finally" not in article.body_text


def test_quotes_introduced_on_their_own_line_are_not_a_comment_thread():
    quotes = "".join(
        f"The {who} said:\n\n“We will not give up {what}, whatever it costs us, and we ask the"
        f" world to hear what is happening here.”\n\n"
        for who, what in (("commander", "the town"), ("spokesman", "the road"), ("mayor", "hope"))
    )
    article = clean_document(doc(STORY + quotes))
    assert article.body_text.count("We will not give up") == 3


def test_the_story_run_together_again_as_one_line_is_removed_and_its_paragraphs_stay():
    paragraphs = [p for p in STORY.split("\n\n") if p]
    page = STORY + "Share this story\n\n" + " ".join(paragraphs) + "\n"
    article = clean_document(doc(page))
    body = [b.text for b in article.blocks if b.role is Role.PARAGRAPH]
    assert body == paragraphs
    (copy,) = [r for r in article.removed if r.rule.value == "repeated-text"]
    assert copy.text == " ".join(paragraphs)
    assert copy.reason.startswith("a copy of text the page already shows")


def test_a_line_printed_again_by_design_is_kept_every_time():
    question = "What do you cook for yourself on a weekday evening when nobody else is home?"
    answers = [
        "Rice and fish curry, the way my grandmother made it in Mandalay, with plenty of lime.",
        "Usually noodles, because they are quick, and I am tired after the night shift at work.",
        "Whatever is left from lunch, warmed up, and a pot of green tea to finish the evening.",
    ]
    page = STORY + "".join(f"{question}\n\n{answer}\n\n" for answer in answers)
    article = clean_document(doc(page))
    assert article.body_text.count(question) == 3
    assert not [r for r in article.removed if r.rule.value == "repeated-text"]


@pytest.mark.parametrize(
    "caption",
    [
        "Displaced families wait near Lashio, Myanmar, Tuesday, Nov. 14, 2023. (AP Photo/Stringer)",
        "Smoke rises over the town after the attack on Monday. © Reuters / Stringer",
        "Soldiers of the alliance stand guard at a checkpoint near the border. Photo: AFP",
        "A damaged bridge on the road to the border town, seen from a hill (Image: GETTY )",
    ],
)
def test_a_caption_that_ends_with_its_credit_is_a_caption_not_a_paragraph(caption):
    article = clean_document(doc(STORY + caption + "\n\n" + STORY.split("\n\n")[0] + "\n"))
    assert roles(article, Role.CAPTION) == [caption]
    assert caption not in article.body_text


@pytest.mark.parametrize(
    "notice",
    [
        "This website uses cookies to improve your experience while you navigate through the"
        " website. Out of these cookies, the cookies that are categorized as necessary are stored"
        " on your browser as they are essential for the working of basic functionalities.",
        "Wir verwenden Cookies, um Inhalte und Anzeigen zu personalisieren und die Zugriffe auf"
        " unsere Website zu analysieren. Mit der weiteren Nutzung stimmen Sie dem zu.",
        "By continuing to use this site you agree to our use of cookies and similar technologies"
        " as described in our privacy policy, which you can change at any time.",
        "Click to share on Facebook (Opens in new window)",
        "We've detected you are on Internet Explorer. For the best experience, please update to a"
        " modern browser.",
        "This copy is for your personal, non-commercial use only. To order presentation-ready"
        " copies for distribution to your colleagues, clients or customers, use the order form.",
        "Advertising disclosure: We may receive compensation for some of the links in our stories.",
        "This material may not be published, broadcast, rewritten or redistributed.",
        "Write to Al Root at allen.root@dowjones.com",
        "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
        "This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service"
        " apply.",
        "This entry was posted on Tuesday, May 6th, 2014 at 11:30 pm and is filed under Linux. You"
        " can follow any responses to this entry through the RSS 2.0 feed.",
    ],
)
def test_cookie_browser_and_licence_notices_of_any_length_and_share_buttons_are_chrome(notice):
    article = clean_document(doc(STORY + notice + "\n"))
    assert notice not in article.body_text
    assert [r.reason for r in article.removed if r.text == notice] == ["site chrome phrase"]


def test_a_line_printed_again_right_below_keeps_only_its_first_copy():
    caption = "Displaced families wait for food at a monastery near Lashio on Tuesday morning."
    paragraphs = [p for p in STORY.split("\n\n") if p]
    page = "\n\n".join([paragraphs[0], caption, caption, "Image 1 of 8", caption, *paragraphs[1:]])
    article = clean_document(doc(page))
    assert article.body_text.count(caption) == 1
    assert [r.rule.value for r in article.removed if r.text == caption] == ["repeated-text"] * 2


def numbered(block: str, count: int) -> str:
    """``block`` (with ``{n}`` in it) written out for n = 1 … count: a list's entries."""
    return "".join(block.format(n=n) for n in range(1, count + 1))


def teasers(count: int) -> str:
    return numbered(
        "Opinion number {n} on a different matter entirely\n\nAuthor Name{n}\n\n"
        "Tuesday November {n}, 2023\n\nA one-sentence summary of another writer's column about"
        " a subject that is not this story, number {n}.\n\n",
        count,
    )


def test_a_list_item_repeated_further_down_by_design_is_kept_every_time():
    # A meal plan or an itinerary names the same item on two days: both copies are the story.
    item = (
        "Breakfast: two soft-boiled eggs, one cup of asparagus and half a cup of sweet potato,"
        " with a glass of water"
    )
    paragraphs = [p for p in STORY.split("\n\n") if p]
    page = "\n\n".join([paragraphs[0], "Day 1", item, *paragraphs[1:3], "Day 2", item])
    article = clean_document(doc(page))
    assert article.body_text.count(item) == 2


def test_teasers_of_other_articles_each_with_headline_and_date_are_cut():
    article = clean_document(doc(STORY + teasers(4)))
    assert "Neither side gave figures for the dead or wounded" in article.body_text
    assert "another writer's column" not in article.body_text
    assert "Opinion number" not in article.body_text
    reasons = {r.reason for r in article.removed if r.rule.value == "other-articles"}
    assert reasons == {"teasers of other articles, each with its headline and date (4 of them)"}


def test_teasers_each_closed_by_a_read_more_link_are_cut():
    blocks = numbered(
        "Another post about a different subject, number {n}\n\nA short summary of that other"
        " post, which is about something else entirely and was written by another reporter"
        " for the same site last month, number {n}.\n\nRead More\n\n",
        4,
    )
    article = clean_document(doc(STORY + "Keep Reading\n\n" + blocks))
    assert "Neither side gave figures for the dead or wounded" in article.body_text
    assert "Another post" not in article.body_text
    assert "short summary of that other" not in article.body_text


def test_a_long_story_expanded_by_read_more_links_keeps_its_paragraphs():
    paragraphs = [p for p in STORY.split("\n\n") if p]
    # Each "Read more" expands six more paragraphs: too far apart for a list of teasers.
    more = ["Read more", *(paragraphs[1:] * 2)]
    page = "\n\n".join([paragraphs[0], *more, *more, "Read more", paragraphs[1]])
    article = clean_document(doc(page))
    assert not [r for r in article.removed if r.rule.value == "other-articles"]


def test_two_dated_sections_are_not_a_list_of_other_articles():
    article = clean_document(doc(STORY + teasers(2)))
    assert "another writer's column" in article.body_text


def test_a_live_blog_whose_entries_carry_a_headline_and_a_time_keeps_them():
    entries = numbered(
        "Update {n}: the alliance reports progress near the town\n\n5 January 2024, 1{n}:30\n\n"
        "Fighters said they had reached the outskirts of the town, entry number {n} of the"
        " live coverage.\n\n",
        4,
    )
    article = clean_document(doc(STORY + entries))
    assert article.body_text.count("live coverage") == 4


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Also on rt.com Journalists threatened with arrest as the purge widens", "chrome-phrase"),
        (
            "Read more: Rebels seize the border town of Laukkai after a week of clashes",
            "chrome-phrase",
        ),
        ("(Leggi anche su: I ribelli conquistano la città di confine)", "chrome-phrase"),
        (
            "Lea más: Los rebeldes toman la ciudad fronteriza tras una semana de combates",
            "chrome-phrase",
        ),
        ("VEA TAMBIÉN: Miles de personas huyen hacia la frontera con China", "chrome-phrase"),
        ("Auch lesen: Rebellen erobern die Grenzstadt nach einer Woche Kämpfe", "chrome-phrase"),
        (
            "Follow The Gleaner on Twitter and Instagram @JamaicaGleaner and on Facebook.",
            "promotion",
        ),
        ("Subscribe now to our e-edition for the full story.", "promotion"),
        ("To view the full story, please subscribe to The Haitian Times.", "promotion"),
        (
            "For the latest stories and breaking news updates download the Nationnews apps for iOS"
            " and Android.",
            "promotion",
        ),
        ("Never miss the latest news by signing up to our newsletter today!", "promotion"),
        ("Get the iOS app", "promotion"),
        ("Folgen Sie uns auf Facebook und Instagram", "promotion"),
        ("¡Suscríbete a nuestro canal de YouTube!", "promotion"),
        ("Join our Newsletter for the latest news right to your inbox", "promotion"),
        (
            "Catch up on the day's headlines with a roundup of essential stories, delivered to your"
            " inbox daily.",
            "promotion",
        ),
        ("¡Mira lo que tiene nuestro canal de YouTube!", "promotion"),
        ("Instant access to the full article PDF.", "promotion"),
        (
            "Help support our journalism and enjoy the site ADS FREE - for as little as $6 a month",
            "promotion",
        ),
    ],
)
def test_a_line_that_sends_the_reader_elsewhere_or_promotes_the_site_is_removed(line, rule):
    # Another story's headline behind "Read more:", the site's newsletter, app or accounts.
    article = clean_document(doc(STORY + line + "\n\n" + STORY.split("\n\n")[1] + "\n"))
    assert line not in article.body_text
    assert [r.rule.value for r in article.removed if r.text == line] == [rule]


@pytest.mark.parametrize(
    "paragraph",
    [
        "He said the photo was taken in Lashio on the morning the town fell to the alliance.",
        "The statement was posted on the army's channel and shared widely (via Telegram).",
        "Rice prices rose by a third since October, the trade ministry said (source: Reuters).",
        "Related to this, the ministry said it would reopen the border crossing next week.",
        "Also on Saturday, a military spokesman said a convoy had been attacked near the town.",
        "Regulators said the site had used cookies to track readers without their consent, and"
        " fined the company 40 million euros on Tuesday.",
        "The ministry urged residents to download the app and register for food aid there.",
        "Officials said they would follow the talks on Twitter, where both sides post updates.",
        "He was a major contributor to the party's campaign, according to its own accounts.",
        "The army's Telegram channel said on Sunday that the town had been retaken.",
        "The warning reached everyone with an email inbox, a phone or a radio in the town.",
    ],
)
def test_a_paragraph_that_only_looks_like_furniture_stays_a_paragraph(paragraph):
    # A photo or a source named in a sentence, an opening like a link out, a story about cookies,
    # an app, another's channel or a contributor.
    article = clean_document(doc(STORY + paragraph + "\n"))
    assert paragraph in article.body_text


TAG_CLOUD = " ".join(
    f"{topic} {place}"
    for topic in ("Health", "Roads", "Schools", "Water", "Markets", "Transport", "Police")
    for place in ("Lashio", "Muse", "Hsenwi", "Kutkai")
)


def test_a_tag_cloud_run_into_one_line_does_not_take_the_storys_place():
    # A sidebar's 56 topics copied as one line outweighed a one-paragraph story below it.
    menu = "".join(f"Section {n}\n" for n in range(1, 30))
    story = (
        "The health office in Lashio said on Friday that its mobile clinic had been broken"
        " into overnight, and that medicines and a generator had been taken from the van"
        " parked outside the hospital; the clinic will resume its visits on Monday."
    )
    page = f"Clinic van broken into\n\n{menu}\n{TAG_CLOUD}\n\n{menu}\n{story}\n\nShare\n"
    article = clean_document(doc(page))
    assert story in article.body_text
    assert TAG_CLOUD not in article.body_text


@pytest.mark.parametrize(
    ("line", "prose"),
    [
        (TAG_CLOUD, False),
        # The same words with one comma are a (long) sentence.
        (TAG_CLOUD.replace("Muse ", "Muse, ", 1), True),
        # A Thai paragraph parts its sentences with spaces, not marks.
        (" ".join(["ทหารถอนกำลังออกจากเมือง"] * 45), True),
    ],
)
def test_a_long_line_without_a_sentence_mark_is_not_prose(line, prose):
    assert is_prose(line) is prose


NOTE = "Nang Seng is a senior reporter for Example News, covering Shan State. @nangseng"


def test_a_note_about_the_writer_below_the_story_is_removed_with_its_reason():
    article = clean_document(doc(STORY + NOTE + "\n\nJane Roe writes about aid and refugees.\n"))
    assert "Neither side gave figures" in article.body_text
    assert NOTE not in article.body_text
    assert "Jane Roe" not in article.body_text
    reasons = {r.reason for r in article.removed if r.rule.value == "author-note"}
    assert reasons == {"a note about the writer, below the story"}


BIO = (
    "Before joining Example News, Nang Seng spent ten years at a radio station in Taunggyi,"
    " and she studied law in Yangon."
)


@pytest.mark.parametrize(
    "heading", ["About Nang Seng", "About the author", "Über den Autor", "Sobre el autor"]
)
def test_a_box_about_the_writer_below_the_story_goes_with_its_heading(heading):
    article = clean_document(doc(STORY + f"{heading}\n\n{BIO}\n"))
    assert "Neither side gave figures" in article.body_text
    assert BIO not in article.body_text
    assert heading not in article.body_text
    assert "a note about the writer, below the story" in {r.reason for r in article.removed}


LASHIO = (
    "Lashio is the largest town in northern Shan State, and the army's regional command has"
    " its headquarters there."
)
ROAD = "The road to the border was reopened on Friday after traders paid the fees asked for."


@pytest.mark.parametrize(
    ("page", "paragraph"),
    [
        # A one-word subject heads a section of the story, not a person's box.
        (STORY + f"About Lashio\n\n{LASHIO}\n", LASHIO),
        # The paragraph under a person's name is not about them.
        (STORY + f"About Nang Seng\n\n{ROAD}\n", ROAD),
        # A section about a person in the story's first half.
        (f"About Nang Seng\n\n{BIO}\n\n" + STORY, BIO),
    ],
)
def test_a_heading_that_only_looks_like_a_writer_box_keeps_its_paragraph(page, paragraph):
    assert paragraph in clean_document(doc(page)).body_text


def test_a_sentence_shaped_like_a_note_inside_the_story_stays():
    # The story is about the reporter: the sentence introduces her, above its last paragraph.
    first, *rest = [p for p in STORY.split("\n\n") if p]
    article = clean_document(doc("\n\n".join(["Reporter held in Lashio", first, NOTE, *rest])))
    assert NOTE in article.body_text


def test_a_line_s_state_says_what_later_steps_may_read_of_it():
    from build_digest.cleaning.lines import Line, LineState
    from build_digest.models import RemovalRule, Role

    fresh = Line(1, "Text")
    assert fresh.state is LineState.UNLABELLED and fresh.live and fresh.marks_end
    headline = Line(2, "Headline", role=Role.TITLE)
    assert headline.state is LineState.KEPT and not headline.in_story
    paragraph = Line(3, "Body", role=Role.PARAGRAPH)
    assert paragraph.in_story
    related = Line(4, "Related", removed_by=RemovalRule.CHROME_PHRASE)
    assert related.state is LineState.MARKER and not related.live and related.marks_end
    gone = Line(5, "Menu", removed_by=RemovalRule.LINK_LIST)
    assert gone.state is LineState.REMOVED and not gone.marks_end and not gone.in_story
