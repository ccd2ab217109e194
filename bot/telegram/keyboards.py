"""Inline keyboards: a typed payload per kind of button, the keyboards that carry them, and
the payloads' JSON form for the bot's database.

A button's payload lives in the bot's database, not in Telegram's 64-byte callback data
(python-telegram-bot's arbitrary callback data), so it survives restarts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.answer import Answer, ArticleHit, Citation, asked_again_of
from bot.core.summary import LONG, SHORT
from bot.runtime import render
from bot.telegram.context import Context


@dataclass(frozen=True)
class ShowSummary:
    article: str
    length: int = SHORT


@dataclass(frozen=True)
class ShowSource:
    article: str
    paragraph: int


@dataclass(frozen=True)
class MoreAnswers:
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class AskThis:
    question: str


@dataclass(frozen=True)
class ArticlesPage:
    page: int


@dataclass(frozen=True)
class SearchPage:
    query: str
    page: int


PAYLOADS: dict[str, type[Any]] = {
    t.__name__: t
    for t in (ShowSummary, ShowSource, MoreAnswers, AskThis, ArticlesPage, SearchPage)
}


def encode_payload(payload: Any) -> dict[str, Any]:
    """A payload as JSON-ready data, tagged with its kind."""
    data = dataclasses.asdict(payload)
    if isinstance(payload, MoreAnswers):
        data["citations"] = [c.to_dict() for c in payload.citations]
    return {"kind": type(payload).__name__, **data}


def decode_payload(data: dict[str, Any]) -> Any:
    """The payload ``encode_payload`` made; KeyError or TypeError if it is not one."""
    fields = dict(data)
    kind = PAYLOADS[fields.pop("kind")]
    if kind is MoreAnswers:
        return MoreAnswers(tuple(_citation(c) for c in fields["citations"]))
    return kind(**fields)


def _citation(data: dict[str, Any]) -> Citation:
    date = dt.date.fromisoformat(data["date"]) if data.get("date") else None
    return Citation(
        data["article"],
        data["title"],
        data.get("author"),
        date,
        data.get("url"),
        int(data["paragraph"]),
        data["quote"],
    )


# -- keyboards ----------------------------------------------------------------------------------


BUTTON_CHARS = 60  # a longer label is cut at a word, with an ellipsis


def _label(text: str) -> str:
    if len(text) <= BUTTON_CHARS:
        return text
    cut = text[: BUTTON_CHARS - 1]
    if text[len(cut)] != " " and " " in cut:  # mid-word: back to the word before
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


def _button(label: str, payload: Any) -> InlineKeyboardButton:
    return InlineKeyboardButton(_label(render.LABELS.get(label, label)), callback_data=payload)


def answer_keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    if not answer.answered:
        if not answer.suggestions:
            return None
        asked = answer.question if answer.kind == "which" else None
        return InlineKeyboardMarkup(
            [
                # an ask-back's titles each ask the question again of their article
                [_button(s, AskThis(s if asked is None else asked_again_of(s, asked)))]
                for s in answer.suggestions[:5]
            ]
        )
    top = answer.citations[0]
    row = [
        _button("summary", ShowSummary(top.article)),
        _button("source", ShowSource(top.article, top.paragraph)),
    ]
    if len(answer.citations) > 1:
        row.append(_button("more", MoreAnswers(answer.citations[1:])))
    return InlineKeyboardMarkup([row])


def summary_keyboard(article_id: str, longer: bool) -> InlineKeyboardMarkup:
    """Under a summary: its article's first paragraph, and a longer summary if there is one."""
    row = [_button("source", ShowSource(article_id, 1))]
    if longer:
        row.append(_button("longer", ShowSummary(article_id, LONG)))
    return InlineKeyboardMarkup([row])


def _pager(make: Any, page: int, pages: int) -> InlineKeyboardMarkup:
    row = []
    if page > 0:
        row.append(_button("prev", make(page - 1)))
    if page + 1 < pages:
        row.append(_button("next", make(page + 1)))
    return InlineKeyboardMarkup([row] if row else [])


def articles_page(context: Context, page: int) -> tuple[str, InlineKeyboardMarkup]:
    engine = context.engine
    size = context.bot_data.page_size
    count = engine.article_count
    pages = max(1, -(-count // size))
    page = min(max(page, 0), pages - 1)
    # the newest up to this page's last, not every article
    articles = engine.latest((page + 1) * size)[page * size :]
    hits = [ArticleHit(a, 0.0, a.teaser) for a in articles]
    heading = render.articles_heading(page, pages, count)
    return render.hits_html(hits, heading), _pager(ArticlesPage, page, pages)


def search_page(context: Context, query: str, page: int) -> tuple[str, InlineKeyboardMarkup]:
    hits = context.engine.search(query, limit=50)
    if not hits:
        return render.no_match_html(query), InlineKeyboardMarkup([])
    size = context.bot_data.page_size
    pages = -(-len(hits) // size)
    page = min(max(page, 0), pages - 1)
    heading = render.search_heading(query, page, pages)
    html = render.hits_html(hits[page * size : (page + 1) * size], heading)
    return html, _pager(lambda p: SearchPage(query, p), page, pages)


_DEEP_LINK = re.compile(r"[A-Za-z0-9_-]{1,64}")


def announcement_keyboard(
    bot_username: str | None, article_id: str
) -> InlineKeyboardMarkup | None:
    """A button that opens a chat with the bot about the article (a deep link)."""
    if not bot_username or not _DEEP_LINK.fullmatch(article_id):
        return None
    url = f"https://t.me/{bot_username}?start={article_id}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(render.LABELS["open"], url=url)]])
