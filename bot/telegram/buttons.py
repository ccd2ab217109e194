"""The inline buttons' handlers: one short handler per payload type, routed by type; a
button whose payload is gone or was never ours (forged) gets a polite "expired"."""

from __future__ import annotations

import contextlib
from typing import Any, TypeVar

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, InvalidCallbackData

from bot.runtime import render
from bot.telegram.context import Context
from bot.telegram.keyboards import (
    ArticlesPage,
    AskThis,
    MoreAnswers,
    SearchPage,
    ShowSource,
    ShowSummary,
    articles_page,
    search_page,
)
from bot.telegram.persistence import StoragePersistence
from bot.telegram.replies import answer_question, flooded, send_summary
from bot.telegram.sending import edit, reply

T = TypeVar("T")


def _pressed(update: Update, kind: type[T]) -> tuple[T, Message] | None:
    """The button's payload and the message it sits under, if it is a ``kind`` button."""
    query = update.callback_query
    if query is None or not isinstance(query.data, kind):
        return None
    if not isinstance(query.message, Message):
        return None
    return query.data, query.message


async def _answer(update: Update, text: str | None = None) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text)


async def on_summary(update: Update, context: Context) -> None:
    """The Summary button: the article's summary."""
    pressed = _pressed(update, ShowSummary)
    article = context.engine.get(pressed[0].article) if pressed else None
    if pressed is None or article is None:
        await _answer(update, render.EXPIRED)
        return
    await _answer(update)
    await send_summary(pressed[1], context, article, pressed[0].length)


async def on_source(update: Update, context: Context) -> None:
    """The Source button: the whole paragraph the answer quotes."""
    pressed = _pressed(update, ShowSource)
    article = context.engine.get(pressed[0].article) if pressed else None
    if (
        pressed is None
        or article is None
        or not 1 <= pressed[0].paragraph <= len(article.paragraphs)
    ):
        await _answer(update, render.EXPIRED)
        return
    await _answer(update)
    await reply(pressed[1], render.paragraph_html(article, pressed[0].paragraph))


async def on_more(update: Update, context: Context) -> None:
    """The More answers button: the other citations, each with its quote."""
    pressed = _pressed(update, MoreAnswers)
    if pressed is None:
        await _answer(update, render.EXPIRED)
        return
    await _answer(update)
    await reply(pressed[1], render.more_answers_html(list(pressed[0].citations)))


async def on_ask_this(update: Update, context: Context) -> None:
    """A suggestion button: ask it."""
    pressed = _pressed(update, AskThis)
    if pressed is None:
        await _answer(update, render.EXPIRED)
        return
    await _answer(update)
    if not await flooded(update, context):
        await answer_question(update, context, pressed[0].question)


async def on_articles_page(update: Update, context: Context) -> None:
    """The article list's pager: the list is edited in place."""
    pressed = _pressed(update, ArticlesPage)
    await _answer(update, None if pressed else render.EXPIRED)
    if pressed is not None:
        html, markup = articles_page(context, pressed[0].page)
        await edit(lambda: pressed[1].edit_text(html, reply_markup=markup))


async def on_search_page(update: Update, context: Context) -> None:
    """The search results' pager: the results are edited in place."""
    pressed = _pressed(update, SearchPage)
    await _answer(update, None if pressed else render.EXPIRED)
    if pressed is not None:
        html, markup = search_page(context, pressed[0].query, pressed[0].page)
        await edit(lambda: pressed[1].edit_text(html, reply_markup=markup))


async def on_expired(update: Update, context: Context) -> None:
    """A button whose data is gone (or was never ours): a polite answer, nothing else. On
    a shared database the button may be another process's: it is looked up there, and the
    update handled again if it is found."""
    query = update.callback_query
    cache = context.bot.callback_data_cache
    persistence = context.application.persistence
    if (
        query is not None
        and isinstance(query.data, InvalidCallbackData)
        and isinstance(query.data.callback_data, str)
        and cache is not None
        and isinstance(persistence, StoragePersistence)
        and persistence.store.shared
    ):
        original = query.data.callback_data
        with contextlib.suppress(IndexError, ValueError):
            keyboard, _ = cache.extract_uuids(original)
            found = await persistence.keyboard(keyboard)
            if found is not None:
                cache.load_persistence_data(found)
                with query._unfrozen():  # as the cache itself sets it
                    query.data = original
                cache.process_callback_query(query)
                if not isinstance(query.data, InvalidCallbackData):
                    await context.application.process_update(update)
                    return
    await _answer(update, render.EXPIRED)


def handlers() -> list[CallbackQueryHandler[Context, None]]:
    """One handler per payload type; anything else is expired."""
    routes: list[tuple[Any, Any]] = [
        (ShowSummary, on_summary),
        (ShowSource, on_source),
        (MoreAnswers, on_more),
        (AskThis, on_ask_this),
        (ArticlesPage, on_articles_page),
        (SearchPage, on_search_page),
        (InvalidCallbackData, on_expired),
    ]
    out = [CallbackQueryHandler(callback, pattern=kind) for kind, callback in routes]
    out.append(CallbackQueryHandler(on_expired))  # plain strings: not from our buttons
    return out
