"""Shared by the stages: the cleaner's vocabulary of site furniture, whole-line phrases in
named groups.

Every outlet's page carries the same furniture in its own words: lists of other stories,
comment threads, share buttons, account and newsletter prompts, cookie and legal lines,
navigation, advertising labels, counters. Each group below is a list of regular
expressions, matched case-insensitively against a whole line; the cleaner's three
patterns are built from the groups (as trafilatura keeps its XPath vocabulary apart from
its code), so a phrase is spelled once:

* ``CHROME_LINE``: any group; such a line is removed wherever it stands;
* ``TAIL_MARKER``: a heading after which a copied page lists other stories;
* ``END_MARKER``: a line after which nothing belongs to the article any more.

Below them, the words the cleaner's shape rules look for inside a line (a commenter's speech
verb, a writer's job title, a photo agency, a credit's label), in lists too.

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
run of short blocks marks a list of other articles (``cleaning.page_end.cut_read_on_teasers``)."""

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


# --- words the cleaner's shape rules look for ---------------------------------------------
# Not whole lines: parts of the patterns in cleaning/ (a comment's header, a note about the
# writer, a photo's credit) and pages.py (a caption that names itself), spelled once here.

SPEECH_VERBS = (
    "says",
    "writes",
    "sagt",
    "schreibt",
    "dit",
    "écrit",
    "dice",
    "escribe",
    "diz",
    "escreve",
    "zegt",
    "schrijft",
    "scrive",
    "pisze",
)
"""A commenter's verb in the present tense ("joetoronto says:"), in 12 languages."""
SPEECH_VERBS_PAST = (
    "said",
    "wrote",
    "schrieb",
    "a dit",
    "a écrit",
    "dijo",
    "escribió",
    "disse",
    "escreveu",
    "zei",
    "schreef",
    "ha detto",
    "ha scritto",
    "napisał",
)
"""The same in the past tense, which heads a comment only beside its time."""
WRITER_QUALIFIERS = (
    "senior",
    "staff",
    "contributing",
    "freelance",
    "chief",
    "deputy",
    "managing",
    "executive",
    "investigative",
    "political",
    "national",
    "foreign",
    "news",
    "associate",
    "assistant",
    "features?",
    "special",
    "data",
    "general",
    "assignment",
)
"""Words before a writer's job title ("senior staff writer")."""
WRITER_TITLES = (
    "writer",
    "reporter",
    "journalist",
    "editor",
    "correspondent",
    "columnist",
    "contributor",
    "blogger",
    "author",
    "producer",
    "photographer",
    "photojournalist",
    "(?:co-?)?founder",
    "intern",
    "editor-in-chief",
)
"""What a note about the writer says they are ("… is a senior writer for …")."""
PHOTO_AGENCIES = (
    "AP",
    "AFP",
    "Reuters",
    "EPA(?:-EFE)?",
    "Getty(?: Images)?",
    "Xinhua",
    "Bloomberg",
    "Shutterstock",
    "Anadolu",
    "dpa",
    "Sipa",
    "PA",
    "IANS",
    "PTI",
    "ANI",
    "Yonhap",
    "Kyodo",
    "TASS",
    "Sputnik",
    "Alamy",
    "iStock",
    "NurPhoto",
)
"""Agencies whose name closes a photo's credit ("Jaafar ASHTIYEH / AFP")."""
CREDIT_LABELS = (
    "image source",
    "image credit",
    "images?",
    "photo(?:graph)?s?(?: credit)?",
    "picture",
    "pic",
    "credits?",
    "source",
    "illustration",
    "video",
    "file photo",
    "foto",
)
"""Labels that open a photo's credit ("Credit: AP", "IMAGE SOURCE: AP", "Photo: …")."""


def alternatives(words: tuple[str, ...]) -> str:
    """A regular expression group matching any of ``words`` (themselves patterns)."""
    return "(?:" + "|".join(words) + ")"


# --- the same furniture in other languages and scripts ------------------------------------
# Each phrase under the language it belongs to (BCP 47), so a reader of that language can
# check and extend its own list. Matched like the groups above: a whole line, any case.

IN_OTHER_LANGUAGES: dict[str, dict[str, tuple[str, ...]]] = {
    "other stories": {
        "zh": (
            r"相关(?:新闻|阅读|文章|报道|推荐)",
            r"推荐阅读",
            r"延伸阅读",
            r"热门(?:新闻|文章|推荐)",
            r"猜你喜欢",
            r"更多(?:新闻|精彩)",
            r"相關(?:新聞|閱讀|文章|報導)",
            r"延伸閱讀",
            r"熱門新聞",
        ),
        "ja": (
            r"関連(?:記事|ニュース)",
            r"おすすめ(?:記事|ニュース)",
            r"人気(?:記事|ニュース)",
            r"あわせて読みたい",
            r"こちらもおすすめ",
            r"注目(?:記事|ニュース)",
        ),
        "ko": (r"관련 ?(?:기사|뉴스)", r"많이 본 (?:기사|뉴스)", r"추천 ?기사", r"인기 ?기사"),
        "th": (
            r"ข่าวที่เกี่ยวข้อง",
            r"บทความที่เกี่ยวข้อง",
            r"ข่าวแนะนำ",
            r"ข่าวยอดนิยม",
            r"ข่าวล่าสุด",
            r"เรื่องที่เกี่ยวข้อง",
        ),
        "my": (
            r"ဆက်စပ်(?:သတင်း(?:များ)?|ဆောင်းပါး(?:များ)?)",
            r"နောက်ဆုံးရ ?သတင်း(?:များ)?",
            r"လူကြိုက်များသော ?သတင်း(?:များ)?",
            r"အခြား ?သတင်း(?:များ)?",
        ),
        "ar": (
            r"(?:أخبار|مقالات|مواضيع) ذات صلة",
            r"الأكثر (?:قراءة|مشاهدة|تداولا)",
            r"اخترنا لك",
            r"آخر الأخبار",
        ),
        "fa": (r"(?:اخبار|مطالب) (?:مرتبط|مشابه)", r"پربازدیدترین(?: ?ها)?", r"آخرین اخبار"),
        "ru": (
            r"(?:похожие|другие|последние) (?:новости|материалы|статьи)",
            r"по теме",
            r"самое (?:читаемое|популярное)",
            r"популярное",
            r"материалы по теме",
        ),
        "pt": (
            r"mais lidas?",
            r"(?:leia|veja) (?:também|mais)",
            r"matérias relacionadas",
            r"últimas notícias",
        ),
        "fr": (r"les plus (?:lus|partagés)", r"dernières (?:infos|actualités)"),
        "es": (r"noticias relacionadas", r"últimas noticias", r"te puede interesar"),
        "de": (r"das könnte sie auch interessieren", r"neueste artikel"),
        "hi": (
            r"(?:ये|यह) भी पढ़ें",
            r"संबंधित (?:खबरें|ख़बरें|समाचार|लेख)",
            r"लोकप्रिय (?:खबरें|ख़बरें)",
            r"ताज़ा (?:खबरें|ख़बरें)",
        ),
        "id": (
            r"baca juga:?",
            r"berita terkait",
            r"artikel terkait",
            r"terpopuler",
            r"berita lainnya",
        ),
    },
    "read more": {
        "zh": (r"阅读(?:全文|更多)", r"查看(?:全文|更多)", r"閱讀全文"),
        "ja": (r"続きを読む", r"もっと見る"),
        "ko": (r"더 ?보기", r"기사 ?더보기"),
        "th": (r"อ่านต่อ", r"อ่านเพิ่มเติม", r"อ่านข่าวต่อ"),
        "my": (r"ဆက်လက်ဖတ်ရှုရန်", r"ဆက်ဖတ်ရန်", r"ပိုမိုဖတ်ရှုရန်"),
        "ar": (r"اقرأ (?:أيضا|أيضاً|المزيد)", r"المزيد"),
        "fa": (r"(?:بیشتر|همچنین) بخوانید", r"ادامه مطلب"),
        "ru": (r"читайте (?:также|ещё|еще)", r"читать (?:далее|полностью)", r"подробнее"),
        "hi": (r"और पढ़ें", r"आगे पढ़ें", r"पूरी खबर पढ़ें"),
        "id": (r"selengkapnya", r"baca selengkapnya"),
    },
    "sharing": {
        "zh": (
            r"分享(?:到|至)?",
            r"转发",
            r"微信",
            r"微博",
            r"QQ(?:空间)?",
            r"朋友圈",
            r"复制链接",
            r"(?:扫一扫|扫码)(?:分享)?",
            r"打印",
            r"分享到微信朋友圈",
            r"分享給朋友",
            r"複製連結",
        ),
        "ja": (
            r"(?:この記事を)?シェア(?:する)?",
            r"ツイート",
            r"LINEで送る",
            r"はてなブックマーク",
            r"リンクをコピー",
            r"印刷(?:する)?",
            r"ブックマーク",
        ),
        "ko": (
            r"공유(?:하기)?",
            r"카카오톡",
            r"카카오스토리",
            r"페이스북",
            r"트위터",
            r"링크 ?복사",
            r"인쇄",
        ),
        "th": (r"แชร์", r"แบ่งปัน", r"คัดลอกลิงก์", r"พิมพ์", r"ไลน์"),
        "my": (r"မျှဝေ(?:ရန်|မည်|ပါ)", r"လင့်ခ် ?ကူးယူရန်"),
        "ar": (
            r"(?:شارك|مشاركة)(?: (?:هذا المقال|الخبر|المقال|على))?",
            r"(?:انسخ|نسخ) الرابط",
            r"طباعة",
            r"تويتر",
            r"فيسبوك",
            r"واتساب",
        ),
        "fa": (r"(?:اشتراک|به اشتراک) ?(?:گذاری|بگذارید)", r"کپی لینک", r"چاپ", r"تلگرام"),
        "ru": (
            r"поделиться",
            r"(?:скопировать|копировать) ссылку",
            r"распечатать",
            r"вконтакте",
            r"одноклассники",
            r"телеграм",
        ),
        "es": (r"compartir(?: en)?", r"copiar enlace", r"imprimir"),
        "pt": (r"compartilh(?:e|ar)(?: no)?", r"partilhar", r"copiar link", r"imprimir"),
        "fr": (r"partager(?: sur)?", r"copier le lien", r"imprimer"),
        "de": (r"teilen", r"link kopieren", r"drucken"),
        "hi": (r"(?:शेयर|साझा) करें", r"लिंक कॉपी करें"),
        "id": (r"bagikan", r"salin tautan", r"cetak"),
    },
    "credits and pitches": {
        "zh": (
            r"(?:责任|責任)?(?:编辑|編輯)[：:]\s*\S{1,20}",
            r"来源[：:]\s*\S{1,30}",
            r"下载(?:客户端|APP|app)",
            r"关注我们",
            r"本网站使用cookies?.*",
        ),
        "ja": (r"アプリ(?:を)?ダウンロード", r"当サイトでは(?:クッキー|Cookie).*"),
        "th": (r"ดาวน์โหลดแอป.*", r"ติดตาม(?:เรา)?ได้ที่.*", r"เว็บไซต์นี้ใช้คุกกี้.*"),
        "my": (r"ကျွန်ုပ်တို့၏ ?(?:ဖေ့စ်ဘွတ်|Facebook)ကို ?(?:Like|Follow) ?လုပ်ပါ",),
        "ar": (
            r"تابعونا على .{1,40}",
            r"حمّ?ل التطبيق",
            r"يستخدم هذا الموقع ملفات تعريف الارتباط.*",
        ),
        "fa": (r"ما را در .{1,30} دنبال کنید", r"این (?:وب ?سایت|سایت) از کوکی.*"),
        "ru": (
            r"подписывайтесь на .{1,60}",
            r"(?:мы используем|этот сайт использует) (?:файлы )?cookie.*",
        ),
        "pt": (r"(?:este site|nós) (?:utiliza|usa|utilizamos|usamos) cookies.*",),
        "hi": (r"(?:हमें|हमसे) .{1,40} पर (?:फॉलो|फ़ॉलो) करें", r"ऐप डाउनलोड करें"),
        "id": (r"ikuti kami di .{1,40}", r"situs ini menggunakan cookie.*"),
    },
}
"""Furniture phrases by group, then by language: "related news", "read on", the share bar's
words, editor and source credits, app pitches and cookie notices."""


def in_other_languages(group: str) -> tuple[str, ...]:
    """Every language's phrases of one group, in one tuple (the groups above take them)."""
    return tuple(p for phrases in IN_OTHER_LANGUAGES[group].values() for p in phrases)


_NETWORK = (
    r"(?:facebook|twitter|x|whatsapp|line|telegram|linkedin|reddit|pinterest|email|e-mail|weibo"
    r"|wechat|kakaotalk|vk|viber|messenger|qzone)"
)
_SHARE_TOKEN = "(?:" + "|".join((*in_other_languages("sharing"), _NETWORK)) + ")"
SHARE_BAR = (rf"{_SHARE_TOKEN}(?:[\s|·•:：,，、/]+{_SHARE_TOKEN})+[\s|·•:：]*",)
"""A share bar copied as one line: share words and networks' names only, two or more
("分享到：微信 微博 QQ空间", "แชร์ Facebook แชร์ X คัดลอกลิงก์", "Share Facebook Twitter")."""


def whole_line(*groups: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive pattern matching a line that is exactly one of the phrases."""
    return re.compile(r"^(?:" + "|".join(p for group in groups for p in group) + r")$", re.I)


CHROME_LINE = whole_line(
    OTHER_STORIES,
    READ_MORE,
    COMMENTS,
    SHARE_PROMPTS,
    SHARING,
    SHARE_BAR,
    in_other_languages("other stories"),
    in_other_languages("read more"),
    in_other_languages("sharing"),
    in_other_languages("credits and pitches"),
    ARTICLE_END,
    ACCOUNT,
    COOKIES_AND_LEGAL,
    NAVIGATION,
    ADVERTISING,
    PAGE_LABELS,
)
TAIL_MARKER = whole_line(
    OTHER_STORIES,
    READ_MORE,
    in_other_languages("other stories"),
    in_other_languages("read more"),
)
END_MARKER = whole_line(
    OTHER_STORIES, COMMENTS, ARTICLE_END, SHARE_PROMPTS, in_other_languages("other stories")
)
COMMENTS_HEADING = whole_line(COMMENTS)
READ_ON_LINK = re.compile(r"^(?:" + "|".join(READ_ON) + r")[\s.…»›>→:]*$", re.I)
