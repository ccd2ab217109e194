"""Inline mode (@Bot question in any chat): the answer and the matching articles' summaries,
paged; an empty query offers the latest articles. Results are cached per query until the
corpus changes, so typing does not recompute them on every keystroke."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update

from bot.core.answer import MAX_QUESTION_CHARS, Engine
from bot.runtime import render
from bot.telegram.context import Context, LruCache

PAGE = 10
MAX_RESULTS = 50
MAX_ID_BYTES = 64  # Telegram's limit on a result's id


def result_id(kind: str, key: str, index: int) -> str:
    """A result's id, unique among a query's results and within Telegram's 64 bytes:
    ``kind-key`` when it fits, else a hash of the whole key after the result's place (ids
    cut short would collide)."""
    readable = f"{kind}-{key}"
    if len(readable.encode()) <= MAX_ID_BYTES:
        return readable
    return f"{kind}-{index}-{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def _results(engine: Engine, query: str) -> list[InlineQueryResultArticle]:
    results: list[InlineQueryResultArticle] = []
    if query:
        answer = engine.ask(query)
        if answer.answered:
            top = answer.citations[0]
            title, description = render.inline_answer_title(answer)
            results.append(
                InlineQueryResultArticle(
                    id=result_id("answer", f"{top.article}-{top.paragraph}", 0),
                    title=title,
                    description=description,
                    input_message_content=InputTextMessageContent(
                        render.split_html(render.inline_answer_html(query, answer))[0]
                    ),
                )
            )
        infos = [h.article for h in engine.search(query, limit=MAX_RESULTS)]
    else:
        infos = engine.latest(MAX_RESULTS)
    for info in infos:
        article = engine.get(info.id)
        if article is None:
            continue
        results.append(
            InlineQueryResultArticle(
                id=result_id("article", article.id, len(results)),
                title=article.title[:100],
                description=info.teaser,
                input_message_content=InputTextMessageContent(
                    render.split_html(render.summary_html(article, engine.summary(article)))[0]
                ),
            )
        )
    return results


async def cached_results(cache: LruCache, engine: Engine, query: str) -> list[Any]:
    """The results for a query, computed once per corpus version (in a worker thread)."""
    found = cache.get(query)
    if found is not None and found[0] is engine:
        return list(found[1])
    results = await asyncio.to_thread(_results, engine, query)
    cache.put(query, (engine, results))
    return results


async def on_inline(update: Update, context: Context) -> None:
    """@Bot question: one page of results, with the offset of the next."""
    inline = update.inline_query
    if inline is None:
        return
    query = " ".join(inline.query.split())[:MAX_QUESTION_CHARS]
    offset = inline.offset
    start = int(offset) if offset.isascii() and offset.isdigit() and len(offset) < 6 else 0
    results = await cached_results(context.bot_data.inline, context.engine, query)
    page = results[start : start + PAGE]
    more = start + PAGE < len(results)
    await inline.answer(
        page, cache_time=30, is_personal=False, next_offset=str(start + PAGE) if more else None
    )
