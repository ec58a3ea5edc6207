"""Steps 2 and 3 (``cleaning/chrome.py``): site chrome by fixed rules and by corpus evidence."""

from __future__ import annotations

import pytest

from build_digest.cleaning import clean_all, clean_document
from build_digest.models import RemovalRule, Role

from .common import STORY, doc


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


@pytest.mark.parametrize(
    ("date_line", "language"),
    [("19 March 2024", "en"), ("2024年3月19日", "zh"), ("19 มีนาคม 2567", "th")],
)
def test_a_date_line_shared_by_the_reports_of_one_day_stays_their_date(date_line, language):
    """Three reports of one day each give the same date line, each followed by its own
    story: recurrence makes a menu chrome, never the stories' own date."""
    from build_digest.dates import article_date

    docs = [
        doc(f"Story {n} of the day\n\n{date_line}\n\nReport {n}: {STORY}", f"{n}.txt")
        for n in range(3)
    ]
    for article in clean_all(docs):
        assert not article.removed, article.removed
        assert article_date(article, language=language).value.isoformat() == "2024-03-19"


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


def test_a_table_row_is_the_story_not_a_menu():
    """Trafilatura writes a page's table as "| 1 | Kyle Busch | 5040 |": short cells between
    bars, as a menu has, but the standings are what the page is about."""
    rows = "".join(f"| {n} | Driver Name{n} | {5000 - n} | {n % 3} |\n" for n in range(1, 9))
    a = clean_document(doc(STORY + "Final standings after 36 races:\n\n" + rows))
    assert not [r for r in a.removed if r.rule is RemovalRule.BREADCRUMB]
