"""Classes of loss found on pages no profile describes (blogs, forums, news sites of other
countries): each test is a hand-written page of one class."""

from __future__ import annotations

import json

import pytest

from archiver.extract import extract

POST_URL = "https://blog.example.org/2013/06/14/nothing-to-do/"
SIDEBAR = "".join(
    f"<li><h3><a href='https://blog.example.org/2013/05/{n}/other/'>An older post number {n} "
    f"of this blog</a></h3><p>Its first lines, shown as a teaser of post {n}.</p></li>"
    for n in range(1, 6)
)


def _post(lines: list[str]) -> bytes:
    text = "".join(f"<p>{line}</p>" for line in lines)
    return (
        "<html><head><title>Doing nothing is an option too | A blog</title></head><body>"
        "<div id='header'><a href='/'>A blog</a></div><div id='content'>"
        "<div class='post hentry'><h2 class='posttitle'>"
        f"<a href='{POST_URL}'>Doing nothing is an option too</a></h2>"
        f"<p class='meta'>14 June 2013 at 20:51</p>{text}</div></div>"
        f"<ul class='recent'>{SIDEBAR}</ul></body></html>"
    ).encode()


def test_a_short_post_whose_headline_links_to_itself_is_the_article_not_a_teaser():
    lines = [
        "“I know I am drunk and should perhaps not say this…”",
        "– “Then don’t say it.”",
        "– “OK.”",
    ]
    article = extract(_post(lines), POST_URL)
    assert article.is_article
    assert article.title == "Doing nothing is an option too"
    assert article.paragraphs == lines


QUESTION = (
    "Hello, does anybody know what I could do differently? Since the update to iOS 13 none "
    "of my devices reaches the App Store over mobile data, only over wifi at home."
)
REPLIES = [
    "I found an odd way round it: when I first tap on the 'Today' tab, the store is back and "
    "updates work again. So it should be a bug at Apple's end, not your settings.",
    "Same problem here, and no lasting fix either. Tapping 'retry' a few times works for a "
    "while, then the store is gone again until the next morning, every single day.",
]


def _thread(extra: str = "") -> bytes:
    posts = "".join(
        f"<div class='ForumComment' id='c{n}'><div class='ForumCommentProfile'>"
        f"<span class='ForumCommentAuthor'>user{n}</span> 28.09.19 12:4{n}</div>"
        f"<div class='ForumCommentText'>{text}</div></div>"
        for n, text in enumerate([QUESTION, *REPLIES])
    )
    return (
        "<html><head><title>No App Store over mobile data with iOS 13?</title></head><body>"
        "<nav><a href='/'>Forum</a> &gt; <a href='/iphone'>iPhone</a></nav><main id='content'>"
        f"<h1>No App Store over mobile data with iOS 13?</h1>{extra}{posts}"
        "<p class='login-note'>You must be logged in to take part in a discussion.</p>"
        "</main></body></html>"
    ).encode()


def test_a_forums_posts_named_comments_are_the_text_when_nothing_else_is():
    article = extract(_thread(), "https://forum.example.de/discussion/app-store-ios-13-338679")
    assert article.is_article
    assert article.paragraphs[:3] == [QUESTION, *REPLIES]


def test_the_comments_after_an_articles_own_text_are_still_no_text():
    story = [
        "Apple has confirmed that a bug in iOS 13 keeps some iPhones from reaching the App "
        f"Store over mobile data; a fix is planned for the next update, number {n}."
        for n in range(1, 4)
    ]
    extra = "<div class='story'>" + "".join(f"<p>{p}</p>" for p in story) + "</div>"
    article = extract(_thread(extra), "https://news.example.de/2019/09/28/app-store-bug")
    assert article.paragraphs == story


PRODUCT = [
    "From this year on, our customers get their delivery and return notes by e-mail only: "
    "this saves about forty million sheets of paper a year, and the trees they are made of.",
    "Should you need a printed return note all the same, our customer service sends one with "
    "the parcel on request, free of charge, as before; just tell us when you order.",
]
ASIDES = [
    "Our stores switch to green electricity, from the roof of each store where it can be made.",
    "Fruit and vegetables come without plastic wrapping wherever their shelf life allows it.",
    "Our own brands carry labels that show where the cocoa, coffee and tea were grown.",
    "Unsold food goes to local food banks every evening, some four hundred of them by now.",
    "Our trucks run on biogas on the routes where filling stations offer it, half of them.",
    "Staff get a day off a year to work for a charity of their choice, paid as a work day.",
    "Paper bags at the tills are made of recycled paper, and the cotton bags of organic cotton.",
]


def _product_page() -> bytes:
    asides = "".join(
        f"<div class='fact-{n}'><div class='fact-inner'><span class='icon'></span>"
        f"<div class='fact-text'><p>{text}</p></div></div></div>"
        for n, text in enumerate(ASIDES * 2)  # (two rows of facts, a slider's copies)
    )
    return (
        "<html><head><title>Paperless returns</title></head><body>"
        "<div class='page'><h1>Paperless returns</h1>"
        "<div class='ContentTextAndImage'><div class='ContentTextAndImage__Content'>"
        "<h2>A digital alternative to return notes</h2>"
        + "".join(f"<p>{text}</p>" for text in PRODUCT)
        + f"</div></div><div class='facts'>{asides}</div></div></body></html>"
    ).encode()


def test_a_short_text_among_other_boxes_of_text_on_a_page_without_teasers_is_no_listing():
    article = extract(_product_page(), "https://shop.example.de/sustainability/paperless")
    assert article.is_article
    assert all(text in (article.body or "") for text in PRODUCT)


STORY = [
    f"Paragraph {n}: only radical political action can hope to redress the climate crisis, "
    "the movement argues in its new paper, which it presented to the press on Monday."
    for n in range(1, 5)
]


def _story(between: str) -> bytes:
    text = "".join(f"<p>{p}</p>" for p in STORY[:2]) + between
    text += "".join(f"<p>{p}</p>" for p in STORY[2:])
    return (
        "<html><head><title>A plan for the climate</title></head><body><article>"
        f"<h1>A plan for the climate</h1><div class='article-content'>{text}</div>"
        "</article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "call",
    [
        "<p><i>Do you want to be informed of our actions? <a href='/join'>Sign up here</a></i></p>",
        "<div class='box'><p>While you are here… If you enjoyed reading this post, would you "
        "consider supporting our work? Just <a href='/donate'>click here</a>. Thanks!</p></div>",
        "<p><a href='/newsletter'>Get our newsletter</a>: the week's news every Friday.</p>",
    ],
)
def test_a_short_linked_call_to_the_reader_between_paragraphs_is_not_text(call: str):
    article = extract(_story(call), "https://example.org/2024/05/01/climate-plan")
    assert article.paragraphs == STORY


def test_a_sentence_of_the_text_linking_to_a_newsletter_stays():
    line = (
        "The mayor said the city would keep residents informed through its "
        "<a href='https://city.example.org/news'>weekly newsletter</a> and public meetings in "
        "each district, starting in June."
    )
    article = extract(_story(f"<p>{line}</p>"), "https://example.org/2024/05/01/climate-plan")
    assert len(article.paragraphs) == 5


BRIEF = (
    "HANOI, May 1 (Reuters) - Vietnam's central bank cut its refinancing rate by 50 basis "
    "points to 4.5% on Wednesday, the third cut this year, to support an economy slowed by "
    "weak exports and a property slump, the bank said in a statement."
)
MORE = "".join(
    f"<li><h3><a href='/2024/04/{n}/story-{n}'>Another headline of a story number {n} in the "
    f"news</a></h3><p>A sapo of the story {n}, two lines long to tease it.</p></li>"
    for n in range(12)
)
DATE = "<time datetime='2024-05-01T10:00:00+07:00'>May 1, 2024</time>"


SHORT_BRIEF = (
    "HANOI, May 1 (Reuters) - Vietnam's central bank cut its refinancing rate by 50 basis "
    "points to 4.5% on Wednesday, the third cut this year, the bank said."
)


# (The short one, 150-199 characters, is under what any running-text rule needs on a dated
# page: the early listing decision, archiver.extract.hubs, must leave it to the paragraphs.)
@pytest.mark.parametrize("brief", [BRIEF, SHORT_BRIEF], ids=["brief", "short-brief"])
def test_a_dated_one_paragraph_brief_followed_by_a_dozen_teasers_is_an_article(brief: str):
    page = (
        "<html><head><title>Vietnam's central bank cuts rate again</title></head><body>"
        "<div class='main'><article><h1>Vietnam's central bank cuts rate again</h1>"
        f"{DATE}<div class='story'><p>{brief}</p></div></article>"
        f"<div class='more'><h2>More news</h2><ul>{MORE}</ul></div></div></body></html>"
    )
    article = extract(page.encode(), "https://news.example.com/2024/05/01/rate-cut")
    assert article.is_article
    assert article.body == brief


def test_the_short_brief_is_under_the_running_text_rules():
    assert 150 <= len(SHORT_BRIEF) < 200


def test_a_sections_heading_and_blurb_over_its_teasers_is_still_a_listing():
    page = (
        "<html><head><title>Economy</title></head><body><div class='main'>"
        f"<div class='section'><h1>Economy</h1>{DATE}<div class='blurb'><p>{BRIEF}</p></div>"
        f"<ul>{MORE}</ul></div></div></body></html>"
    )
    article = extract(page.encode(), "https://news.example.com/economy/")
    assert not article.is_article


ABSTRACT = (
    "Heat pumps are booming: sales grew by 42 per cent in the first nine months of the year, "
    "the industry's association says."
)
BODY = [
    f"Paragraph {n}: despite strained supply chains and a shortage of materials, the heating "
    "industry had a good year, the association reported on Tuesday in Berlin."
    for n in range(1, 4)
]


def test_a_summary_named_after_the_articles_header_is_the_lead_not_chrome():
    page = (
        "<html><head><title>Heat pump market grows by 42 per cent</title></head><body>"
        "<header class='siteHeader'><a href='/'>Energy News</a></header><main><article>"
        "<header class='contentHeader contentHeader--article'><div class='contentHeader__box'>"
        "<div class='contentHeader__inner'><h1 class='contentHeader__title'>Heat pump market "
        "grows by 42 per cent</h1></div><div class='contentHeader__inner'>"
        f"<div class='contentHeader__abstract'>{ABSTRACT}</div>"
        "<div class='contentHeader__share'><a href='/share'>Share</a></div></div></div>"
        "</header><section class='documentContent'>"
        + "".join(f"<p>{p}</p>" for p in BODY)
        + "</section></article></main></body></html>"
    )
    article = extract(page.encode(), "https://energy.example.de/heat/heat-pump-market-grows")
    assert article.lead == ABSTRACT
    assert article.paragraphs == [ABSTRACT, *BODY]


INTRO = (
    "The Commission's draft act to add fossil gas and nuclear power to the EU taxonomy would "
    "keep the taxonomy from being an effective tool of transparency for financial markets, "
    "the Federal Environment Agency says in its statement published on Friday."
)


def _intro_page(description: str) -> bytes:
    return (
        "<html><head><title>Gas and nuclear power do not belong in the taxonomy</title>"
        f'<meta name="description" content="{description}"></head><body><main>'
        "<section class='head-post'><div class='row'><div class='col-md-9'><h1>Gas and "
        "nuclear power do not belong in the taxonomy</h1><div class='post-text'>"
        f"<p>{INTRO}</p></div></div><div class='col-md-3'><img src='/a.jpg' alt=''></div>"
        "</div></section><div class='row post-meta'><span>3 min read</span></div>"
        "<div class='container-fluid'><div class='container topic'><div class='row'>"
        "<div class='col-md-8'>"
        + "".join(f"<p>{p}</p>" for p in BODY)
        + "</div></div></div></div></main></body></html>"
    ).encode()


@pytest.mark.parametrize("description", [INTRO, INTRO[:150] + "…"])
def test_an_intro_in_a_box_of_its_own_above_the_body_saying_what_the_description_says_leads_it(
    description: str,
):
    article = extract(_intro_page(description), "https://agency.example.de/press/taxonomy")
    assert article.paragraphs == [INTRO, *BODY]


def test_a_paragraph_above_the_body_that_the_description_does_not_open_is_no_lead():
    description = "Why the agency rejects the draft: our statement on the EU taxonomy."
    article = extract(_intro_page(description), "https://agency.example.de/press/taxonomy")
    assert INTRO not in (article.paragraphs or [])


def test_a_closing_call_naming_a_newsletter_in_a_compound_word_is_not_text():
    call = "Sie möchten Produktvorstellungen? Schauen Sie mal in unseren Musiknewsletter!"
    page = _story("").replace(b"</div></article>", f"<p>{call}</p></div></article>".encode())
    article = extract(page, "https://example.org/2024/05/01/album")
    assert article.paragraphs == STORY


NOTE = (
    "The football portal <a href='https://table.example.de'>table.example.de</a> looks "
    "closely at disputed decisions; its community decides whether the referee was wrong."
)


@pytest.mark.parametrize(
    ("closing", "kept"),
    [
        (f"<div class='divider'><hr></div><p><em>{NOTE}</em></p>", False),
        (f"<hr><p><i>{NOTE}</i></p>", False),
        (f"<p><em>{NOTE}</em></p>", True),  # no rule: an italic paragraph of the text
        (f"<hr><p>{NOTE}</p>", True),  # not in italics: the text goes on after a break
    ],
)
def test_a_note_in_italics_below_a_rule_closing_the_text_is_not_text(closing: str, kept: bool):
    page = _story("").replace(b"</div></article>", f"{closing}</div></article>".encode())
    article = extract(page, "https://example.org/2024/05/01/table")
    assert len(article.paragraphs) == len(STORY) + kept


SUMMARY = (
    "A blanket of snow on a solar roof does not only cut its yield: its weight strains the "
    "modules and their mounts, and experts warn against clearing it yourself."
)
DECLARED = [
    f"Part {n}: owners of solar roofs ask themselves every winter whether it pays to free the "
    "modules of snow, since the winter sun can already bring good yields on clear days."
    for n in range(1, 6)
]


def _paywalled(description: str) -> bytes:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Snow strains solar modules",
        "articleBody": "\n\n".join(DECLARED),
    }
    return (
        "<html><head><title>Snow strains solar modules</title>"
        f'<meta name="description" content="{description}">'
        f"<script type='application/ld+json'>{json.dumps(ld)}</script></head><body><main>"
        "<div class='progress-container'><p>Solar power</p><h2>Snow strains solar modules</h2>"
        f"<p class='text-xl'>{SUMMARY}</p><p>by</p><p>Read on with Plus</p><p>All our "
        "expert knowledge on farming, energy and technology for a euro a month.</p></div>"
        "</main></body></html>"
    ).encode()


def test_the_summary_shown_above_a_paywall_opens_the_body_the_json_ld_declares():
    article = extract(_paywalled(SUMMARY), "https://farm.example.de/energy/snow-solar-10558804")
    assert article.paragraphs == [SUMMARY, *DECLARED]


def test_a_shown_line_the_description_does_not_give_stays_out_of_the_declared_body():
    description = "Why the weight of snow matters for solar roofs, and what owners can do."
    article = extract(_paywalled(description), "https://farm.example.de/energy/snow-10558804")
    assert article.paragraphs == DECLARED


BOARD_GAMES = [
    (
        "“Harbour Lights” ($40)",
        "Two to four players race to light the coast before the storm season ends, trading "
        "oil, rope and favours with the harbour master. The rules fit on a single card, yet "
        "every round turns on one hard choice: sail out early for the best lighthouse or wait "
        "for the wind to turn in your favour. It is the game our group asked for every week.",
    ),
    (
        "“Paper Orchard” ($25)",
        "A quiet drafting game about planting trees that bear fruit years later, which makes "
        "it feel unlike anything else on this list. Each turn you pass a hand of seasons to "
        "your neighbour and keep one, and the orchard you build slowly tells you whether your "
        "patience paid off. Children of ten picked it up in minutes and beat their parents.",
    ),
]


def _list_article() -> bytes:
    items = "".join(
        f"<h3><a href='https://shop.example.com/games/{n}'>{name}</a></h3><p>{text}</p>"
        for n, (name, text) in enumerate(BOARD_GAMES)
    )
    more = "".join(
        f"<li><a href='https://news.example.com/games/review-{n}'>Review: another game of "
        f"the season, number {n}, plays it safe</a></li>"
        for n in range(4)
    )
    return (
        "<html><head><title>The best new board games</title></head><body>"
        "<article><h1>The best new board games of the autumn</h1>"
        "<p>Board games had a strong autumn, and there is one for every kind of table. I "
        "played each of this season's releases at least five times before choosing.</p>"
        f"{items}<ul>{more}</ul></article></body></html>"
    ).encode()


def test_linked_headings_of_a_list_article_over_long_paragraphs_are_its_text():
    # A list article links each item's heading to the item (a shop, the film's page); the
    # headings name what the paragraphs review. A list of linked headlines closing the text
    # stays out.
    article = extract(_list_article(), "https://news.example.com/games/best-of-autumn")
    expected = [line for item in BOARD_GAMES for line in item]
    assert article.paragraphs[1:] == expected


def test_linked_headlines_over_short_sapos_after_the_text_stay_out():
    teasers = "".join(
        f"<h3><a href='https://news.example.com/games/story-{n}'>Another games story, "
        f"number {n}</a></h3><p>Its sapo, two sentences long. It ends here, story {n}.</p>"
        for n in range(3)
    )
    page = _list_article().replace(b"<ul>", teasers.encode() + b"<ul>")
    article = extract(page, "https://news.example.com/games/best-of-autumn")
    assert not any("Another games story" in p for p in article.paragraphs)


def _wired_like(kickers: str) -> bytes:
    text = [
        "The checkpoint opened at seven, an hour late, and the queue of workers reached back "
        "past the bakery before the first of them was let through the turnstile.",
        "Residents say the cameras at the gate now know every face in the street, and that a "
        "visit from a cousin has to be announced a day before.",
    ]
    box = (
        f"<div class='box'>{kickers}<div><a href='https://mag.example.com/gear/tools'>"
        "Thirty tools every home needs</a></div><div>Business</div><div>"
        "<a href='https://mag.example.com/business/ai'>A chatbot with few guardrails</a>"
        "</div></div>"
    )
    return (
        "<html><head><title>Life under the cameras</title></head><body><article>"
        f"<h1>Life under the cameras</h1><p>{text[0]}</p>{box}<p>{text[1]}</p>"
        "</article></body></html>"
    ).encode()


def test_kickers_over_the_links_of_a_box_between_paragraphs_are_not_text():
    # A box of popular articles set between paragraphs: its title and the section names
    # over each linked headline go with the links.
    article = extract(_wired_like("<div>Most Popular</div><div>Gear</div>"), "https://m.example/a")
    assert len(article.paragraphs) == 2
    assert not any(word in article.body for word in ("Most Popular", "Gear", "Business"))


def test_a_sentence_or_a_credit_above_a_link_stays():
    article = extract(_wired_like("<div>Powered by Example.com</div>"), "https://m.example/a")
    assert "Powered by Example.com" in article.body


def test_a_one_paragraph_brief_whose_paragraph_is_also_its_sapo_keeps_it():
    # The sapo above the text and the brief's only paragraph are the same words: the body
    # is that paragraph, once, not nothing.
    brief = (
        "Frankfurt (dpa) - The novelist was given the country's best-known book prize on "
        "Monday evening for a long novel about the old republic, the jury said in its speech."
    )
    page = (
        "<html><head><title>Prize for a novel</title></head><body><article>"
        f"<h1>Prize for a novel</h1><p class='lead'>{brief}</p><div class='text'>"
        "<section>Breaking</section><div><a href='https://news.example.de/other'>Another "
        f"story that broke today, elsewhere</a></div><p>{brief}</p></div></article></body></html>"
    ).encode()
    article = extract(page, "https://news.example.de/culture/prize")
    assert article.body == brief


def _films_table(rows: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<tr><th><i><a href='/wiki/{title.replace(' ', '_')}'>{title}</a></i></th>"
        f"<td>{year}</td><td>{remark}</td></tr>"
        for title, year, remark in rows
    )
    intro = (
        "Films in which a character lives the same stretch of time again and again, "
        "listed by the year of their release, with a line on each."
    )
    return (
        "<html><head><title>Films with time loops</title></head><body><div id='content'>"
        f"<h1>Films with time loops</h1><p>{intro}</p><table class='wikitable'>"
        f"<tr><th>Title</th><th>Year</th><th>Notes</th></tr>{body}</table></div></body></html>"
    ).encode()


def test_a_table_row_of_short_cells_with_a_linked_title_and_note_is_data_not_a_menu():
    rows = [
        (
            "Second Morning",
            "1947",
            "A clerk wakes to the same winter morning each day until he returns a borrowed coat.",
        ),
        ("The Return Trip", "1967", "<a href='/wiki/Second_Morning'>Remake of Second Morning</a>"),
    ]
    article = extract(_films_table(rows), "https://wiki.example.org/wiki/Films_with_time_loops")
    assert "The Return Trip" in article.body
    assert "Remake of Second Morning" in article.body


def _blog_post(footer: str) -> bytes:
    lines = [
        "We tasted six drams from the distilleries of the north last night, with a full room "
        "and a long queue at the door before the first glass was poured.",
        "The sherry casks won the evening, although the peated one found its friends too.",
    ]
    text = "".join(f"<p>{line}</p>" for line in lines)
    return (
        "<html><head><title>Tasting night | A whisky blog</title></head><body><div id='main'>"
        "<div class='post'><h1>Tasting night</h1><p class='date'>27 November 2019</p>"
        f"<div class='entry'>{text}</div><p class='postmetadata'>{footer}</p></div>"
        "</div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "footer",
    [
        "This entry was posted in Tastings and tagged sherry, peat. Bookmark the permalink.",
        "Der Beitrag wurde am Mittwoch, den 27. November 2019 um 15:21 Uhr veröffentlicht und "
        "wurde unter Allgemein, Tastings abgelegt. Du kannst die Kommentare zu diesen Eintrag "
        "durch den RSS 2.0 Feed verfolgen.",
        "Erstellt am Dienstag 6. Mai 2014 um 23:30 und abgelegt unter Tastings, Events.",
    ],
)
def test_the_line_a_blog_theme_prints_under_a_post_is_not_text(footer: str):
    article = extract(_blog_post(footer), "https://whisky.example/2019/11/tasting-night/")
    assert [p[:20] for p in article.paragraphs] == ["We tasted six drams ", "The sherry casks won"]


def test_a_footer_naming_the_writer_is_left_as_a_closing_byline():
    footer = "This was written by Ann Roe. Filed under Tastings. Bookmark the permalink."
    article = extract(_blog_post(footer), "https://whisky.example/2019/11/tasting-night/")
    assert "Ann Roe" in (article.body or "") or article.author == "Ann Roe"


@pytest.mark.parametrize("label", ["- Anzeige -", "Werbung", "Reklama", "Publicité"])
def test_an_ad_slots_label_in_another_language_is_not_text(label: str):
    lines = [
        "Das ehemalige Presswerk im Westviertel wird zum Wohnquartier, das erste Haus soll im "
        "kommenden Frühjahr bezogen werden, die Halle bleibt als Markthalle stehen.",
        "Die Stadt rechnet mit sechshundert neuen Wohnungen bis zum Ende des Jahrzehnts.",
    ]
    page = (
        "<html><head><title>Presswerk wird Wohnquartier</title></head><body><article>"
        f"<h1>Presswerk wird Wohnquartier</h1><p>{lines[0]}</p><div class='ad-slot'>"
        f"<span>{label}</span></div><p>{lines[1]}</p></article></body></html>"
    ).encode()
    article = extract(page, "https://stadt.example.de/westviertel-presswerk")
    assert article.paragraphs == lines


NEWS = [
    "The city council voted on Tuesday to close the old ferry terminal by the end of the "
    "year, ending a service that has carried commuters across the harbour since 1932.",
    "Councillors said the cost of repairing the wharf had tripled since the last survey, "
    "and that a new bus route would take the ferry's passengers from next spring.",
    "Residents' groups have asked for a public meeting before the terminal closes.",
]


def _news_page(above: str = "", below: str = "") -> bytes:
    text = "".join(f"<p>{line}</p>" for line in NEWS)
    return (
        "<html><head><title>Council votes to close ferry terminal</title></head><body>"
        "<div class='story'><h1>Council votes to close ferry terminal</h1>"
        f"<div id='article-body' class='article-body'>{above}<article>{text}</article>"
        f"{below}</div></div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "shown", ["March 18 at 12:22 PM", "Jan. 5 at 9:03 a.m.", "Dec 2, 7:15 PM ET"]
)
def test_a_signature_line_giving_the_day_without_its_year_and_a_follow_button_is_not_text(
    shown: str,
):
    # The Washington Post's line above the text, under the lead picture: the writer's name
    # (read as the byline), the day and time shown without the year, a mail icon and a
    # "Follow @handle" button.
    sig = (
        "<div class='inline-photo'><img src='/ferry.jpg'><br> <span class='pb-caption'>The "
        "terminal on Monday. (Ann Lee/Example News)</span></div><div class='pb-sig-line'>"
        "<span class='pb-byline'>By <a href='/people/jane-roe'>Jane Roe</a></span>"
        f" <span class='pb-timestamp'>{shown}</span> <span class='pb-tool "
        "email'><a href='mailto:roej@example.com'><span class='fa fa-envelope'></span></a>"
        "</span> <span class='tweet-authors'><a href='https://twitter.com/@janeroe' "
        "class='twitter-follow-button'>Follow @janeroe</a></span></div>"
    )
    article = extract(_news_page(above=sig), "https://news.example.com/local/ferry-vote/")
    assert article.paragraphs == NEWS


@pytest.mark.parametrize(
    "call",
    [
        "When news happens: send photos, videos &amp; tip-offs to 0424 SMS NEWS (+61 424 767 "
        "764), or <a href='mailto:news@example.com'>email</a> us.",
        "When you see news happening: SMS/MMS: 0406 THE CITY (0406 843 243), or "
        "<a href='mailto:news@example.com'>email</a> us. <a href='/more'>More</a>",
        "Got a news tip? Send it to us at tips@example.com.",
    ],
)
def test_a_closing_call_for_the_readers_news_tips_is_not_text(call: str):
    # A newspaper's standing line under every article, asking readers for tips and pictures.
    page = _news_page(below=f"<p class='tip-off'>{call}</p>")
    article = extract(page, "https://news.example.com/local/ferry-vote/")
    assert article.paragraphs == NEWS
    # A sentence of the text reporting on tips stays.
    line = "The paper said it had received more than 200 news tips from readers that week."
    page = _news_page(below=f"<p>{line}</p><p class='tip-off'>{call}</p>")
    assert extract(page, "https://news.example.com/local/ferry-vote/").paragraphs == [*NEWS, line]


def test_a_blog_posts_long_line_of_categories_and_tags_is_not_text():
    # A tech blog's line over each post: the writer, the time, the categories and a dozen
    # tags (longer than one list of labels may be).
    tags = ", ".join(f"Harbour Topic {n}" for n in range(1, 21))
    meta = (
        "<p class='meta'>Posted by Jane Roe @ 5:56 am Categories: General, Transport, Local "
        f"Government Tags: {tags}, Jane Roe</p>"
    )
    assert len(meta) > 400
    article = extract(_news_page(above=meta), "https://news.example.com/local/ferry-vote/")
    assert article.paragraphs == NEWS


def test_a_comment_sections_head_naming_the_comments_talkbacks_is_not_text():
    # A tech blog of 2008: the writer's profile line closing the post (kept: the gold of such
    # pages disagrees), then the head of the comments, which it calls talkbacks.
    head = (
        "<p class='profile'>Jane Roe is the city editor of Example News. See her <a "
        "href='/bio'>full profile</a>.</p><a name='comments'></a><h2><span class='talkbackHd'>"
        "Talkback - Add your opinion</span></h2><p class='talkbackCount'>Most Recent of 4 "
        "Talkback(s)</p>"
    )
    article = extract(_news_page(below=head), "https://news.example.com/local/ferry-vote/")
    assert article.paragraphs[: len(NEWS)] == NEWS
    assert "Talkback" not in (article.body or "")


@pytest.mark.parametrize(
    "notice",
    [
        # An embedded post's placeholder until the reader agrees to load it.
        "Wir respektieren deine Privatsphäre und stellen deshalb ohne dein Einverständnis "
        "keine Verbindung zu Twitter her. Hier kannst du deine Einstellungen verwalten.",
        "Please accept YouTube cookies to play this video. By accepting you will be accessing "
        "content from YouTube, a service provided by an external third party.",
        # A cookie banner printed inside the text's element.
        "Wir verwenden Cookies, um Inhalte und Anzeigen zu personalisieren und die Zugriffe "
        "auf unsere Website zu analysieren.",
        "We use cookies to give you the best experience on our website.",
        "Durch die Nutzung unserer Dienste stimmen Sie der Verwendung von Cookies zu.",
        # A sign-up form's consent line.
        "Ich bin mit der Verarbeitung meiner Daten nach Datenschutzerklärung einverstanden.",
        "Mit der Registrierung akzeptiere ich die Nutzungsbedingungen. Die "
        "Datenschutzerklärung habe ich zur Kenntnis genommen.",
    ],
)
def test_a_cookie_banner_or_consent_notice_inside_the_text_is_not_text(notice: str):
    lines = [
        "Die Bundesregierung will den Export von Waffensystemen strenger regeln, das neue "
        "Gesetz soll noch vor der Sommerpause in den Bundestag eingebracht werden.",
        "Menschenrechtsorganisationen begrüßen den Entwurf, fordern aber mehr Kontrolle.",
        "Mit einer Entscheidung wird im Herbst gerechnet.",
    ]
    page = (
        "<html><head><title>Strengere Regeln für Waffenexporte</title></head><body><article>"
        f"<h1>Strengere Regeln für Waffenexporte</h1><p>{lines[0]}</p><div class='embed'>"
        f"<p>{notice}</p><button>Inhalt laden</button></div><p>{lines[1]}</p>"
        f"<p>{lines[2]}</p></article></body></html>"
    ).encode()
    article = extract(page, "https://verband.example.de/waffenexporte")
    assert article.paragraphs == lines
    # A sentence of the text reporting on cookies stays.
    said = (
        "Das Gericht stellte fest, dass die Firma ohne Einwilligung Cookies gesetzt hatte, und "
        "verhängte ein Bußgeld von 50.000 Euro."
    )
    page = page.replace(lines[2].encode(), said.encode())
    assert extract(page, "https://verband.example.de/waffenexporte").paragraphs[-1] == said


ELEMENTOR_URL = "https://magazin.example.de/ear-candy/"
ELEMENTOR_PARAGRAPHS = [
    "Der Sommer ist da, die kurzen Kleider werden wieder herausgeholt und die Haare vermehrt "
    "hochgesteckt. Die perfekte Zeit, um seine Ohrringe zur Schau zu stellen.",
    "Lui Lu hat ein ganz tolles Konzept entworfen, mit dem ihr jeden Ohrring individualisieren "
    "könnt. Es gibt ab jetzt kleine Charms, wie diesen Blitz, zu kaufen, beliebig kombinierbar.",
    "Wer kein Ohrloch hat und trotzdem nicht auf Ohrringe verzichten möchte, dem empfehlen wir "
    "einen markanten Ear Cuff. Dieser hier ist von Zoeca und ein echter Hingucker im Sommer.",
]


def _elementor_widget(kind: str, inner: str) -> str:
    return (
        f"<div class='elementor-element elementor-widget elementor-widget-{kind}' "
        f"data-element_type='widget'><div class='elementor-widget-container'>{inner}</div></div>"
    )


def _elementor_page(share: str = "") -> bytes:
    """A post set with a page builder (Elementor): every block, the text's too, a "widget"."""
    # (A text block and a picture's block by turns, as the post was built.)
    blocks = "".join(
        _elementor_widget("text-editor", f"<div class='elementor-text-editor'><p>{p}</p></div>")
        + _elementor_widget("image", f"<img src='/p{n}.jpg' alt=''>")
        for n, p in enumerate(ELEMENTOR_PARAGRAPHS)
    )
    sections = (
        "<section class='elementor-section elementor-top-section'>"
        "<div class='elementor-container'><div class='elementor-column'>"
        f"<div class='elementor-widget-wrap'>{blocks}</div></div></div></section>"
    )
    return (
        "<html><head><title>Ear Candy! | Magazin</title></head><body>"
        "<nav class='menu'><a href='/'>Magazin</a> <a href='/fashion/'>Fashion</a></nav>"
        "<div class='elementor elementor-42'><div class='elementor-section-wrap'>"
        + _elementor_widget("heading", "<h1 class='elementor-heading-title'>Ear Candy!</h1>")
        + "<div id='meta'>Freitag | 14. Juni 2019 | 15:49 von Sina Giebel in Fashion</div>"
        + sections
        + share
        + "</div></div>"
        f"<ul class='recent'>{SIDEBAR}</ul></body></html>"
    ).encode()


def test_a_post_set_with_a_page_builder_whose_every_block_is_a_widget_keeps_its_text():
    article = extract(_elementor_page(), ELEMENTOR_URL)
    assert article.is_article
    assert article.paragraphs == ELEMENTOR_PARAGRAPHS


def test_a_page_builders_share_bar_beside_the_text_stays_chrome():
    share = _elementor_widget(
        "share-buttons",
        "<div class='elementor-share-btn'>Teile diesen Beitrag mit deinen Freundinnen und "
        "Freunden auf Facebook, Pinterest und per E-Mail, damit auch sie es lesen.</div>",
    )
    article = extract(_elementor_page(share), ELEMENTOR_URL)
    assert article.paragraphs == ELEMENTOR_PARAGRAPHS


def _post_with(closing: str) -> bytes:
    """A post whose plugins set their boxes in the post's own element, after its text."""
    text = "".join(f"<p>{line}</p>" for line in NEWS)
    return (
        "<html><head><title>Council votes to close ferry terminal</title></head><body>"
        "<div class='story'><h1>Council votes to close ferry terminal</h1>"
        f"<p class='byline'>By Ann Lee</p><div class='entry'>{text}{closing}</div></div>"
        "</body></html>"
    ).encode()


@pytest.mark.parametrize(
    "closing",
    [
        # An author box's tab of the writer's posts (its list of links is dropped as links),
        # then a share bar's label.
        "<div class='abh_name'>Latest posts by Jane Roe <span>(<a href='/author/jane-roe/'>"
        "see all</a>)</span></div><ul><li><a href='/a/'>Ferry fares to rise again in spring"
        "</a></li><li><a href='/b/'>Harbour master steps down</a></li></ul>",
        "<p>Spread the news:</p>",
        # A rating widget: its name, then the post's title and its stars.
        "<p>GD Star Rating</p><p>Council votes to close ferry terminal, 4.5 out of 5 based on "
        "12 ratings</p>",
        "<p>(95 Stimmen: 4,73 von 5)</p>",
        "<p>(Noch keine Bewertungen)</p>",
    ],
)
def test_what_a_blogs_plugins_leave_of_their_boxes_under_the_post_is_not_text(closing: str):
    url = "https://news.example.com/local/ferry-vote/"
    assert extract(_post_with(closing), url).paragraphs == NEWS
    # A sentence of the text saying as much stays.
    line = "Spread the word about the vote, the mayor said, before the terminal closes in May."
    assert extract(_post_with(f"<p>{line}</p>"), url).paragraphs == [*NEWS, line]


@pytest.mark.parametrize(
    ("link", "credit"),
    [
        (
            "View this post on Instagram",
            "A post shared by Jane Roe (@janeroe) on Apr 21, 2019 at 4:40am PDT",
        ),
        (
            "Sieh dir diesen Beitrag auf Instagram an",
            "Ein Beitrag geteilt von Jane Roe (@jane.roe) am 23. Okt 2017 um 0:31 Uhr",
        ),
    ],
)
def test_an_embedded_instagram_posts_link_and_credit_are_not_text(link: str, credit: str):
    # What Instagram's embed shows before its script runs, set between two paragraphs.
    embed = (
        "<blockquote class='instagram-media' data-instgrm-permalink='https://www.instagram.com/"
        f"p/B1/'><div><a href='https://www.instagram.com/p/B1/'>{link}</a></div>"
        f"<p>{credit}</p></blockquote>"
    )
    first = f"<p>{NEWS[0]}</p>".encode()
    page = _post_with("").replace(first, first + embed.encode())
    url = "https://news.example.com/local/ferry-vote/"
    assert extract(page, url).paragraphs == NEWS
    # A sentence of the text about such a post stays.
    line = "A post shared by the mayor (@mayor) on Friday drew thousands of replies from voters."
    assert extract(_post_with(f"<p>{line}</p>"), url).paragraphs == [*NEWS, line]


def test_a_run_of_closing_calls_and_widgets_under_the_post_is_not_text():
    # Three of the page's closing lines in a row: each taken out lets the one above be read.
    url = "https://news.example.com/local/ferry-vote/"
    closing = (
        "<p>Möchten Sie den Artikel teilen?</p><p>Folgen Sie uns auf Twitter</p>"
        "<p>War der Artikel hilfreich?</p><p>(95 Stimmen: 4,73 von 5)</p>"
    )
    assert extract(_post_with(closing), url).paragraphs == NEWS
