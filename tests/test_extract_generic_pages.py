"""Classes of loss found on pages no profile describes (blogs, forums, news sites of other
countries): each test is a hand-written page of one class."""

from __future__ import annotations

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
