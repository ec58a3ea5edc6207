"""The cleaner's vocabulary of site furniture: whole-line phrases, in named groups.

Every outlet's page carries the same furniture in its own words: lists of other stories,
comment threads, share buttons, account and newsletter prompts, cookie and legal lines,
navigation, advertising labels, counters. Each group below is a list of regular
expressions, matched case-insensitively against a whole line; the cleaner's three
patterns are built from the groups (as trafilatura keeps its XPath vocabulary apart from
its code), so a phrase is spelled once:

* ``CHROME_LINE``: any group; such a line is removed wherever it stands;
* ``TAIL_MARKER``: a heading after which a copied page lists other stories;
* ``END_MARKER``: a line after which nothing belongs to the article any more.

Add a phrase to the group it belongs to; ``python -m benchmarks.gate`` says whether it
helped.
"""

from __future__ import annotations

import re

OTHER_STORIES = (
    r"similar articles?",
    r"most (?:popular|read|viewed|shared|commented)(?: (?:articles?|stories|news|videos))?",
    r"recent (?:features|posts|articles|stories|news)",
    r"related(?: (?:articles?|stories|posts|topics|content|coverage|news|reading|links|videos?))?:?",  # noqa: E501
    r"(?:you|we think you) (?:may|might) (?:also )?(?:like|be interested in|enjoy).*",
    r"recommended(?: for you| stories| articles)?",
    r"read next(?: stories| articles)?:?",
    r"more (?:stories|articles|news)(?: from .{1,40})?",
    r"more from .{1,40}",
    r"trending(?: now| stories)?",
    r"latest (?:news|stories|articles|videos)",
    r"top (?:stories|news)",
    r"editor'?s picks?",
    r"explore further",
    # the same headings in the languages the subset's sites use
    r"(?:temas|art[ií]culos) relacionados|not[ií]cias relacionadas|m[aá]s noticias",
    r"lo m[aá]s (?:le[ií]do|visto)",
    r"mehr (?:themen|zum thema|artikel|nachrichten)|weitere (?:artikel|beiträge|themen)",
    r"das könnte (?:sie|dich) auch interessieren|ähnliche (?:artikel|beiträge)",
    r"(?:die )?meistgelesene[n]?(?: artikel)?|meistgelesen",
    r"à lire aussi|articles similaires|sur le même sujet|les plus lus|dans la même rubrique",
    r"articoli correlati|potrebbe interessarti|i più letti",
    r"powiązane artykuły|najczęściej czytane|gerelateerde artikelen|meest gelezen",
)
"""Headings of lists of other stories."""

EXPANDERS = (
    r"weiterlesen|mehr lesen|lire la suite|leer más|leia mais|lees meer|czytaj (?:dalej|więcej)",
    r"keep reading",
)
""""Read on" in other languages: a link to the rest of this story or of another."""

READ_MORE = (
    r"read (?:more|also|this next)(?: stories| articles)?:?",
    r"also read:?",
    r"see also:?",
    *EXPANDERS,
    r"(?:lesen sie|lies) auch|siehe auch|voir aussi|leggi anche|lees ook|czytaj (?:też|także)",
    r"zobacz (?:też|także)|vea también|ver también|lea también|lee también",
)
"""Links out of the article. Not an end marker: "Read more" also expands a story in place."""

READ_ON = (
    r"read (?:more|on|post|the (?:full|rest of the) (?:story|article|post))",
    r"continue reading|view post|full story|seguir leyendo|continua a leggere",
    *EXPANDERS,
)
"""The link that closes a teaser of another article ("… Read more"); one closing each of a
run of short blocks marks a list of other articles (``clean._cut_read_on_teasers``)."""

COMMENTS = (
    r"comments?(?: \(\d+\)| \d+)?",
    r"\d+ (?:comments?|responses?|replies)",
    r"(?:leave|post) a (?:comment|reply)",
    r"add yours\.?",
    r"add (?:a )?comment",
    r"(?:view|show|load|read) (?:all |more )?comments?",
    r"comments are closed",
    r"join the (?:discussion|conversation)",
    r"view the discussion thread\.?",
    r"(?:top|best|most|all) (?:rated |recent |popular |reader )?comments",
    r"""(?:\d+|one) (?:comments?|responses?|replies|thoughts?) (?:to|on) [“"'‘«„].{1,200}""",
)

SHARE_PROMPTS = (
    r"share this(?: article| story)?:?",
    r"sharing is caring!?",
)
"""Closing invitations to share: the article has ended."""

SHARING = (
    r"share(?: this)?(?: (?:article|story|post|page))?(?: on .{1,30})?:?",
    r"(?:share|post|tweet) (?:on|to|via) \w+",
    r"(?:facebook|twitter|x|whatsapp|linkedin|telegram|reddit|pinterest|email|e-mail|print"
    r"|copy link|copy url|copied!?|flipboard|instagram|youtube|rss|messenger)",
    r"follow us(?: on .{1,40})?",
    r"click to (?:share|email|print|tweet|pin)\b.{0,60}",  # WordPress: "… (Opens in new window)"
)

ARTICLE_END = (
    r"about the author",
    r"tags?:?",
    r"topics:?",
    r"sponsored (?:links|content|stories)",
)
"""What follows an article's last paragraph on most sites."""

ACCOUNT = (
    r"sign up(?: for| to)? .{0,60}newsletters?.{0,40}",
    r"(?:subscribe|sign up|register|log ?in|sign in|log ?out)(?: now| here| today)?",
    r"(?:get|receive) (?:our|the) .{0,40}newsletter.{0,60}",
    r"newsletters?",
    r"download (?:the )?(?:app|our app).*",
)

COOKIES_AND_LEGAL = (
    r"(?:this|our) (?:site|website) uses cookies.*",
    r"we use cookies.*",
    r"cookie (?:policy|settings|preferences|notice)",
    r"accept(?: all)?(?: cookies)?",
    r"(?:manage|reject) (?:all )?cookies",
    r"privacy policy",
    r"terms (?:of (?:use|service)|and conditions)",
    r"contact us",
    r"about us",
    r"(?:©|\(c\)|copyright)\s*.{0,120}",
    r".{0,100}all rights reserved\.?",
    r"(?:report|send) (?:an )?(?:error|correction|feedback)",
)

NAVIGATION = (
    r"skip to (?:main )?(?:content|navigation|search)",
    r"jump to (?:content|navigation)",
    r"back to top",
    r"(?:main )?menu",
    r"search",
    r"home",
    r"loading\.*",
    r"close",
    r"next(?: article| story| post)?",
    r"previous(?: article| story| post)?",
    r"(?:click|tap) here.{0,60}",
)

ADVERTISING = (
    r"advertisement",
    r"advertising",
    r"sponsored(?: content)?",
    r"ad",
    r"scroll (?:down )?to continue(?: reading)?",
    r"story continues below(?: advertisement)?",
    r"continue reading(?: below)?",
)

PAGE_LABELS = (
    r"\d+ (?:shares?|views?|min(?:ute)?s? read)",
    r"(?:listen|watch)(?: to)?(?: this)?(?: article| story| video)?",
    r"breaking news",
    r"live updates?",
)
"""Counters and labels a page prints around a story."""


CONSENT_NOTICE = re.compile(
    r"^(?:(?:this|our) (?:web ?)?site (?:uses|is using) cookies"
    r"|we(?: and our (?:partners|vendors))? use cookies"
    r"|by (?:continuing|using|clicking)\b.{0,60}\b(?:cookies|site|website)\b"
    r"|(?:strictly )?(?:necessary|functional|analytics?|performance|marketing|advertising"
    r"|third-party) cookies (?:are|help|allow|collect|may|is)\b"
    r"|any cookies that"
    r"|diese (?:web)?seite (?:verwendet|nutzt) cookies|wir (?:verwenden|nutzen) cookies"
    r"|ce site utilise des cookies|nous utilisons des cookies"
    r"|(?:este (?:sitio|sitio web|portal)|esta web) utiliza cookies|utilizamos cookies"
    r"|questo sito (?:utilizza|usa) (?:i )?cookie|utilizziamo (?:i )?cookie"
    # consent to a newsletter's e-mails, under its form
    r"|i (?:agree|consent) to receiv|ich willige in den erhalt|ich bin damit einverstanden,"
    r" (?:personalisierte |regelmäßig )?(?:e-mails|newsletter)|j'accepte de recevoir)",
    re.I,
)
"""The opening of a cookie or consent notice, which runs to any length: the whole line goes."""

SITE_NOTICE = re.compile(
    r"^(?:this copy is for your personal,? non-commercial use only"
    r"|we(?:'ve|’ve| have) detected (?:that )?you(?:'re|’re| are) (?:on|using)"
    r"|you are using an? (?:outdated|unsupported|older) browser"
    r"|your browser (?:is out of date|is not supported|does not support)"
    r"|please (?:enable|turn on) javascript|javascript is (?:disabled|required)"
    r"|thank you for visiting [\w.-]+\. you are using a browser"
    # a blog theme's line under each post
    r"|this (?:entry|post) was posted (?:on|in)\b|you can follow any responses to this entry"
    r"|(?:posted|erstellt|veröffentlicht) (?:on|am) .{0,80}\b(?:and (?:is )?filed under"
    r"|und abgelegt unter)"
    # the site's advertising and affiliate terms
    r"|(?:note: )?(?:(?:advertising|affiliate) (?:disclosure|disclaimer)"
    r"|the advertising disclaimer)"
    r"|we may (?:earn|receive) (?:a )?(?:small )?(?:commission|compensation)"
    r"|this (?:post|article|page) (?:may )?contains? affiliate links|as an amazon associate"
    # wire copy's terms and a market page's data notice
    r"|this material may not be published, broadcast, rewritten,? or redistributed"
    r"|quotes (?:are )?delayed (?:by )?(?:at least )?\d+ minutes"
    r"|this site is protected by recaptcha"
    # WordPress's spam filter under the comment form
    r"|this site uses akismet to reduce spam|diese website verwendet akismet"
    r"|ce site utilise akismet|este sitio usa akismet)",
    re.I,
)
"""The opening of a notice about the reader's browser, the page's licence, the blog post's
filing or the site's advertising terms, of any length."""

LINK_OUT = re.compile(
    r"^[(\[]?(?:(?:read also|see also|also read|leggi (?:anche|pure)(?: su)?|lesen sie auch"
    r"|lies auch|auch lesen|siehe auch|mehr zum thema|lire (?:aussi|également)|à lire aussi"
    r"|voir aussi|lea (?:también|más|además)|lee (?:también|más|además)|vea también"
    r"|ver también|mira también|(?:también )?(?:te|le) puede interesar|veja também"
    r"|leia (?:também|mais)|zobacz (?:też|także)|czytaj (?:też|także|więcej)"
    r"|przeczytaj (?:też|także)|lees (?:ook|meer))\b\s*[:\-–—»|]?"
    r"|also on (?:\S+\.[a-z]{2,}\b|[^,:]{1,30}:)"
    r"|(?:related|recommended|read more|more on this|more)\s*[:\-–—»|])\s*\S",
    re.I,
)
"""A line that sends the reader to another story ("Read also: …", "Also on rt.com …"): the
words that open it, then the other story's headline. "Related" and "Read more" only with a
colon or dash, and "Also on" only with a site or a colon: "Related to this, …" and "Also on
Saturday, …" open sentences."""
LINK_OUT_MAX_WORDS = 40

_CHANNEL = (
    r"(?:twitter|facebook|instagram|telegram|whatsapp|tiktok|youtube|linkedin|threads|bluesky"
    r"|mastodon|x|google news|flipboard|snapchat)"
)
PROMOTION = re.compile(
    r"^(?:[¿¡]\s*)?(?:"
    r"(?:please )?(?:subscribe|sign up|register)(?: now| today| here)?\b.{0,80}?\b(?:newsletters?"
    r"|inbox|(?:full|whole|entire) (?:story|article)|e-?(?:paper|edition)|email (?:updates|alerts)"
    r"|news alerts|breaking news|unlimited|digital access)\b"
    r"|to (?:view|read|continue reading|access|see) (?:the |this )?(?:full |whole |entire "
    r"|rest of (?:the |this )?)?(?:story|article|content).{0,60}\b(?:subscribe|subscription"
    r"|subscriber|log ?in|sign ?in|register)"
    r"|(?:please )?(?:follow|like) (?:us|[\w.&'’@ -]{1,40}?) on " + _CHANNEL + r"\b"
    r"|(?:instant|immediate|unlimited|full) (?:online |digital )?access to (?:the |all )?(?:full "
    r")?(?:article|issues|stories|content|archive)"
    r"|(?:for|get) (?:the |all the |our )?(?:latest|breaking|top) (?:news|stories|headlines"
    r"|updates).{0,80}\b(?:download|follow|subscribe|sign up|apps?|newsletter|inbox|"
    + _CHANNEL
    + r")\b"
    r"|(?:download|get|install) (?:the |our )?(?:free )?[\w.&'’ -]{0,30}?\bapps?\b"
    r"(?: (?:for|on|from|in) .{0,40})?[.!]?$"
    r"|never miss (?:a|an|the|another|our)\b"
    r"|(?:únete|suscríbete|síguenos|descarga)\b"
    r"|(?:abonnieren sie|folgen sie uns|folge uns|laden sie (?:jetzt )?(?:unsere|die) .{0,30}app)\b"
    r"|(?:abonnez-vous|suivez-nous|téléchargez (?:notre|l'application|l’application))\b"
    r")",
    re.I,
)
"""The site's promotion of itself: its newsletter, app, social accounts or subscription
("Follow The Gleaner on Twitter …", "Subscribe now to our e-edition for the full story").
Each opening is an imperative aimed at the reader, so a story's sentence about an app or a
newsletter ("The ministry urged people to download the app") does not match."""
NEWSLETTER = re.compile(r"\b(?:newsletters?|e-?mail updates)\b", re.I)
NEWSLETTER_PITCH = re.compile(
    r"\b(?:our|sign up|subscribe|join|receive|enter your e-?mail|get|abonnieren|anmelden"
    r"|bestellen|abonnez|inscrivez|suscr[ií]b\w*|reg[ií]strate)\b",
    re.I,
)
INBOX_PITCH = re.compile(
    r"\b(?:delivered|sent|straight|direct(?:ly)?|right|free)\b.{0,20}\b(?:to|in(?:to)?) your"
    r" (?:e-?mail )?inbox",
    re.I,
)
"""A newsletter offered ("Receive our monthly newsletter …"), or the reader's inbox promised
something ("… delivered to your inbox daily"). A newsletter or an inbox merely mentioned
("an email inbox, a webinar, a podcast") is prose."""
APPEAL = re.compile(
    r"\b(?:(?:our|nuestro|tenemos|notre|unseren?) (?:canal de |chaîne )?(?:youtube|telegram"
    r"|whatsapp|tiktok)(?: channel| kanal)?"
    r"|support (?:us|our (?:work|journalism|reporting|newsroom)|independent journalism"
    r"|quality journalism)|unterstützen sie (?:uns|unsere arbeit|diese form des journalismus"
    r"|unabhängigen journalismus)|wenn ihnen (?:unser|dieser) (?:artikel|beitrag) gefallen hat"
    r"|soutenez (?:-nous|notre|le journalisme)|apoya (?:nuestro|el periodismo))\b",
    re.I,
)
"""An appeal for the site's money or custom ("Help support our journalism …"), or to its
own channel ("¡Mira lo que tiene nuestro canal de YouTube!"); another's channel ("the army's
Telegram channel") is news."""
CONTACT_LINE = re.compile(
    r"^(?:write to|contact|e-?mail|reach)\b.{0,80}?\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\.?$", re.I
)
"""How to reach the writer ("Write to Al Root at allen.root@dowjones.com")."""
CONTACT_LINE_MAX_WORDS = 20
PROMOTION_MAX_WORDS = 60
"""A pitch runs to three sentences at most; a longer line is prose that may mention one."""


def is_promotion(text: str) -> bool:
    """Whether a line (at most PROMOTION_MAX_WORDS words) is the site promoting itself."""
    return bool(
        PROMOTION.match(text)
        or (NEWSLETTER.search(text) and NEWSLETTER_PITCH.search(text))
        or INBOX_PITCH.search(text)
        or APPEAL.search(text)
    )


def whole_line(*groups: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive pattern matching a line that is exactly one of the phrases."""
    return re.compile(r"^(?:" + "|".join(p for group in groups for p in group) + r")$", re.I)


CHROME_LINE = whole_line(
    OTHER_STORIES,
    READ_MORE,
    COMMENTS,
    SHARE_PROMPTS,
    SHARING,
    ARTICLE_END,
    ACCOUNT,
    COOKIES_AND_LEGAL,
    NAVIGATION,
    ADVERTISING,
    PAGE_LABELS,
)
TAIL_MARKER = whole_line(OTHER_STORIES, READ_MORE)
END_MARKER = whole_line(OTHER_STORIES, COMMENTS, ARTICLE_END, SHARE_PROMPTS)
COMMENTS_HEADING = whole_line(COMMENTS)
READ_ON_LINK = re.compile(r"^(?:" + "|".join(READ_ON) + r")[\s.…»›>→:]*$", re.I)
