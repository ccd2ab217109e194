"""Web pages and feed entries → the text of an article: title, author, date, link, keywords
and paragraphs, ready to be written as a Markdown file.

A page's main text and metadata come from trafilatura, which is made for telling an
article from the menus, footers and comments around it. A feed entry's own HTML (its content,
else its summary) is the fallback when the page cannot be had. What is written is cleaned of
what should not be: a date in the future (a typo, or a site that wants to stay on top) is no
date, an author is a name without an e-mail address, and links carry no credentials.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from bot.core.corpus import parse_date, to_markdown
from bot.core.redact import redact
from bot.core.text import normalize

FUTURE_SLACK = dt.timedelta(days=1)  # time zones, and a post scheduled for tomorrow morning
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr")
_BULLET_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_EMAIL_RE = re.compile(r"(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)*", re.IGNORECASE)


def plausible_date(date: dt.date | None, today: dt.date | None = None) -> dt.date | None:
    """``date``, unless it is more than a day ahead of today (UTC): then None, undated."""
    today = today or dt.datetime.now(dt.UTC).date()
    if date is None or date > today + FUTURE_SLACK:
        return None
    return date


def author_name(text: str | None) -> str | None:
    """The name in an author line, without e-mail addresses: RSS writes
    ``marta@example.org (Marta Lindqvist)``, others ``Marta Lindqvist <marta@…>``."""
    text = _EMAIL_RE.sub(" ", text or "")
    text = re.sub(r"[()<>\[\]]", " ", text)
    return " ".join(text.split()).strip(" ,;:-") or None


@dataclass(frozen=True)
class Page:
    """An article's text, as it will be written to the corpus."""

    title: str
    paragraphs: tuple[str, ...]
    url: str | None = None
    author: str | None = None
    date: dt.date | None = None
    keywords: tuple[str, ...] = ()

    def markdown(self, extra: dict[str, str] | None = None) -> str:
        """The article file's text; its links (``url``, and the ``feed`` in ``extra``) shown
        without credentials."""
        return to_markdown(
            self.title,
            self.paragraphs,
            author=self.author,
            date=self.date,
            url=redact(self.url) if self.url else None,
            keywords=self.keywords,
            extra={k: redact(v) for k, v in (extra or {}).items()},
        )


def _clean(lines: list[str], title: str) -> tuple[str, ...]:
    """Paragraphs without the title repeated as the first line, list bullets, or blanks."""
    out = [" ".join(_BULLET_RE.sub("", normalize(line)).split()) for line in lines]
    out = [p for p in out if p]
    if out and out[0].casefold() == title.casefold():
        out.pop(0)
    return tuple(out)


def from_html(body: bytes | str, url: str) -> Page | None:
    """The article in a web page, or None when the page holds no article text."""
    import trafilatura  # only the feed reader and `bot add` need it: keep it out of start-up

    doc = trafilatura.bare_extraction(
        body,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=False,
        # a date from the page's metadata, the first published one, not one guessed from text
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        return None
    found: dict[str, Any] = doc if isinstance(doc, dict) else doc.as_dict()
    title = " ".join(str(found.get("title") or "").split())
    paragraphs = _clean(str(found.get("text") or "").splitlines(), title)
    if not title or not paragraphs:
        return None
    tags = [*(found.get("tags") or []), *(found.get("categories") or [])]
    return Page(
        title=title,
        paragraphs=paragraphs,
        url=url,
        author=author_name(str(found.get("author") or "")),
        date=plausible_date(parse_date(found.get("date"))),
        keywords=tuple(str(t) for t in tags if str(t).strip()),
    )


def html_paragraphs(fragment: str) -> tuple[str, ...]:
    """The paragraphs of a piece of HTML (or of plain text: blank lines separate them)."""
    import lxml.etree
    import lxml.html

    if not fragment.strip():
        return ()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return _clean(re.split(r"\n\s*\n", fragment), "")
    for junk in root.xpath("//script|//style|//noscript|//iframe|//figure/figcaption"):
        junk.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    for br in root.iter("br"):
        br.tail = "\n\n" + (br.tail or "")
    text = str(root.text_content())
    return _clean(re.split(r"\n\s*\n", text), "")
