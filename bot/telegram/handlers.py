"""Thin handlers: parse the update, ask the core, reply with rendered HTML.

Callback data is short and checked: ``s:ID`` summary, ``p:N:ID`` source paragraph,
``m:TOKEN`` more answers, ``g:TOKEN:I`` a suggestion, ``l:PAGE`` the article list,
``r:TOKEN:PAGE`` search results. Anything else, or a token that has expired, gets a polite
answer and nothing breaks.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot import render
from bot.core.answer import Answer, ArticleHit
from bot.core.corpus import Article, ArticleInfo
from bot.errors import UnknownArticle
from bot.telegram.state import Context

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
HELP = (
    "Ask me anything about the articles I hold, in your own words; typos are fine. "
    "I answer with the sentence that says it and where it comes from, and I say so when the "
    "articles don't hold the answer.\n\n"
    "/ask QUESTION: ask (in groups, or mention me, or reply to me)\n"
    "/search WORDS: find articles\n"
    "/articles: all articles, newest first\n"
    "/summary ARTICLE: a summary, by id or title\n"
    "/latest: the newest article\n"
    "/help: this message\n\n"
    "Follow-ups work: after an answer, ask “who wrote it?” or “summarize it”."
)
EXPIRED = "This button has expired. Ask me again?"
FLOOD_NOTICE = "You're asking faster than I can keep up. Give me a minute, then ask again."
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_ARTICLE_ID = re.compile(r"[\w.\-]{1,60}")


# -- sending --------------------------------------------------------------------------------


async def with_retries(call: Callable[[], Awaitable[Any]], attempts: int = 4) -> Any:
    """Run a Bot API call, retrying network trouble with back-off (RetryAfter is the rate
    limiter's job; a refusal such as Forbidden or BadRequest is final)."""
    delay = 0.5
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as exc:
            if attempt == attempts:
                raise
            await asyncio.sleep(
                float(getattr(exc.retry_after, "total_seconds", lambda: 0)())
                if not isinstance(exc.retry_after, int | float)
                else exc.retry_after
            )
        except (TimedOut, NetworkError) as exc:
            if isinstance(exc, BadRequest | Forbidden) or attempt == attempts:
                raise
            log.warning("Bot API call failed (%s); retry %d in %.1fs", exc, attempt, delay)
            await asyncio.sleep(delay)
            delay *= 2
    return None


async def reply(message: Message, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Reply in the message's chat (and forum topic), split below Telegram's limit; the
    buttons go under the last part."""
    chunks = render.split_html(html)
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await with_retries(
            lambda chunk=chunk, last=last: message.reply_html(  # type: ignore[misc]
                chunk,
                reply_markup=markup if last else None,
                link_preview_options=NO_PREVIEW,
                do_quote=message.chat.type != ChatType.PRIVATE,
            )
        )


# -- keyboards ------------------------------------------------------------------------------


def _article_data(prefix: str, article_id: str, context: Context) -> str:
    data = f"{prefix}:{article_id}"
    if len(data.encode()) <= 64:
        return data
    return f"{prefix}:~{context.bot_data.payloads.put(article_id)}"


def answer_keyboard(answer: Answer, question: str, context: Context) -> InlineKeyboardMarkup:
    state = context.bot_data
    if not answer.answered:
        if not answer.suggestions:
            return InlineKeyboardMarkup([])
        token = state.payloads.put(list(answer.suggestions))
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(s[:60], callback_data=f"g:{token}:{i}")]
                for i, s in enumerate(answer.suggestions[:5])
            ]
        )
    top = answer.citations[0]
    row = [
        InlineKeyboardButton("Summary", callback_data=_article_data("s", top.article, context)),
        InlineKeyboardButton(
            "Source", callback_data=_article_data(f"p:{top.paragraph}", top.article, context)
        ),
    ]
    if len(answer.citations) > 1:
        token = state.payloads.put((question, list(answer.citations[1:])))
        row.append(InlineKeyboardButton("More answers", callback_data=f"m:{token}"))
    return InlineKeyboardMarkup([row])


def _pager(prefix: str, page: int, pages: int) -> list[InlineKeyboardButton]:
    buttons = []
    if page > 0:
        buttons.append(InlineKeyboardButton("‹ Prev", callback_data=f"{prefix}:{page - 1}"))
    if page + 1 < pages:
        buttons.append(InlineKeyboardButton("Next ›", callback_data=f"{prefix}:{page + 1}"))
    return buttons


def articles_page(context: Context, page: int) -> tuple[str, InlineKeyboardMarkup]:
    state = context.bot_data
    articles = state.engine.latest()
    size = state.page_size
    pages = max(1, -(-len(articles) // size))
    page = min(max(page, 0), pages - 1)
    hits = [ArticleHit(a, 0.0, a.teaser) for a in articles[page * size : (page + 1) * size]]
    heading = f"Articles, newest first ({page + 1}/{pages})" if articles else "No articles yet."
    return render.hits_html(hits, heading), InlineKeyboardMarkup([_pager("l", page, pages)])


def search_page(context: Context, query: str, page: int) -> tuple[str, InlineKeyboardMarkup]:
    state = context.bot_data
    hits = state.engine.search(query, limit=50)
    if not hits:
        return f"No article matches “{render.esc(query)}”.", InlineKeyboardMarkup([])
    size = state.page_size
    pages = -(-len(hits) // size)
    page = min(max(page, 0), pages - 1)
    token = state.payloads.put(query)
    heading = f"Articles for “{query}” ({page + 1}/{pages})"
    html = render.hits_html(hits[page * size : (page + 1) * size], heading)
    return html, InlineKeyboardMarkup([_pager(f"r:{token}", page, pages)])


# -- questions ------------------------------------------------------------------------------


def _flood_ok(update: Update, context: Context) -> str:
    user = update.effective_user
    return context.bot_data.flood.check(user.id) if user else "ok"


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Answer a question in the chat it came from, with buttons, remembering its article."""
    message = update.effective_message
    if message is None:
        return
    verdict = _flood_ok(update, context)
    if verdict == "warn":
        await reply(message, FLOOD_NOTICE)
    if verdict != "ok":
        return
    question = question.strip()
    if not question:
        await reply(
            message,
            "Ask me a question about the articles, e.g. <i>who wrote the latest article?</i>",
        )
        return
    question = question[:MAX_QUESTION_CHARS]
    chat_data = context.chat_data if context.chat_data is not None else {}
    # Off the event loop: the semantic stage runs a model, and other chats must not wait.
    engine = context.bot_data.engine
    answer = await asyncio.to_thread(engine.ask, question, chat_data.get("about"))
    if answer.article:
        chat_data["about"] = answer.article
    await reply(message, render.answer_html(answer), answer_keyboard(answer, question, context))


def _addressed_text(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a group message meant for the bot (a mention or a reply to it)."""
    text = message.text or message.caption or ""
    mentioned = False
    for value in message.parse_entities([MessageEntity.MENTION]).values():
        if value.lstrip("@").casefold() == bot_username.casefold():
            mentioned = True
            text = text.replace(value, " ")
    for entity in message.entities:
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            mentioned = True
    replied = message.reply_to_message is not None and (
        message.reply_to_message.from_user is not None
        and message.reply_to_message.from_user.id == bot_id
    )
    return text if mentioned or replied else None


async def on_text(update: Update, context: Context) -> None:
    """A text message: in private every message is a question; in groups only those that
    mention the bot or reply to it."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    if message.chat.type == ChatType.PRIVATE:
        await answer_question(update, context, message.text)
        return
    text = _addressed_text(message, context.bot.username, context.bot.id)
    if text is not None:
        await answer_question(update, context, text)


# -- commands -------------------------------------------------------------------------------


async def cmd_start(update: Update, context: Context) -> None:
    """/start, or /start ARTICLE from a deep link: that article's summary."""
    message = update.effective_message
    if message is None:
        return
    if context.args:
        wanted = context.args[0]
        article = context.bot_data.engine.get(wanted) if _ARTICLE_ID.fullmatch(wanted) else None
        if article is not None:
            await send_summary(message, context, article)
            return
    await reply(message, "Hello! " + render.esc(HELP))


async def cmd_help(update: Update, context: Context) -> None:
    """/help."""
    if update.effective_message:
        await reply(update.effective_message, render.esc(HELP))


async def cmd_ask(update: Update, context: Context) -> None:
    """/ask QUESTION."""
    await answer_question(update, context, " ".join(context.args or []))


async def cmd_search(update: Update, context: Context) -> None:
    """/search WORDS: matching articles with teasers, paged."""
    message = update.effective_message
    if message is None:
        return
    query = " ".join(context.args or []).strip()[:MAX_QUESTION_CHARS]
    if not query:
        await reply(message, "What should I look for? For example: <code>/search logistics</code>")
        return
    await reply(message, *search_page(context, query, 0))


async def cmd_articles(update: Update, context: Context) -> None:
    """/articles: every article, newest first, paged."""
    if update.effective_message:
        await reply(update.effective_message, *articles_page(context, 0))


async def send_summary(message: Message, context: Context, article: Article) -> None:
    engine = context.bot_data.engine
    if context.chat_data is not None:
        context.chat_data["about"] = article.id
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Source", callback_data=_article_data("p:1", article.id, context))]]
    )
    await reply(message, render.summary_html(article, engine.summary(article)), keyboard)


async def cmd_summary(update: Update, context: Context) -> None:
    """/summary ARTICLE (id or title)."""
    message = update.effective_message
    if message is None:
        return
    name = " ".join(context.args or []).strip()[:MAX_QUESTION_CHARS]
    if not name:
        about = (context.chat_data or {}).get("about")
        article = context.bot_data.engine.get(about) if about else None
        if article is None:
            await reply(message, "Which article? Give its title or id; /articles lists them.")
            return
    else:
        try:
            article = context.bot_data.engine.find_article(name)
        except UnknownArticle as exc:
            await reply(message, render.esc(str(exc)))
            return
    await send_summary(message, context, article)


async def cmd_latest(update: Update, context: Context) -> None:
    """/latest: the newest article's summary."""
    message = update.effective_message
    if message is None:
        return
    latest = context.bot_data.engine.latest(1)
    if not latest:
        await reply(message, "There are no articles yet.")
        return
    article = context.bot_data.engine.get(latest[0].id)
    if article is None:
        await reply(message, "There are no articles yet.")
        return
    await send_summary(message, context, article)


# -- buttons --------------------------------------------------------------------------------


def _resolve_article(context: Context, ref: str) -> Article | None:
    article_id = context.bot_data.payloads.get(ref[1:]) if ref.startswith("~") else ref
    return context.bot_data.engine.get(article_id) if isinstance(article_id, str) else None


async def on_button(update: Update, context: Context) -> None:
    """Every inline button; stale or forged data gets a polite answer."""
    query = update.callback_query
    if query is None:
        return
    data = query.data or ""
    message = query.message if isinstance(query.message, Message) else None
    kind, _, rest = data.partition(":")
    state = context.bot_data
    handled = False
    if message is not None:
        if kind == "s":
            article = _resolve_article(context, rest)
            if article is not None:
                await query.answer()
                await send_summary(message, context, article)
                handled = True
        elif kind == "p":
            number, _, ref = rest.partition(":")
            article = _resolve_article(context, ref)
            if (
                article is not None
                and number.isdigit()
                and 1 <= int(number) <= len(article.paragraphs)
            ):
                await query.answer()
                await reply(message, render.paragraph_html(article, int(number)))
                handled = True
        elif kind == "m":
            payload = state.payloads.get(rest)
            if payload is not None:
                await query.answer()
                _, citations = payload
                text = "More answers:\n\n" + "\n\n".join(
                    f"{render.esc(c.quote)}\n{render.citation_html(c)}" for c in citations
                )
                await reply(message, text)
                handled = True
        elif kind == "g":
            token, _, index = rest.partition(":")
            payload = state.payloads.get(token)
            if isinstance(payload, list) and index.isdigit() and int(index) < len(payload):
                await query.answer()
                await answer_question(update, context, payload[int(index)])
                handled = True
        elif kind == "l" and rest.isdigit():
            await query.answer()
            html, markup = articles_page(context, int(rest))
            await _edit(message, html, markup)
            handled = True
        elif kind == "r":
            token, _, page = rest.partition(":")
            search = state.payloads.get(token)
            if isinstance(search, str) and page.isdigit():
                await query.answer()
                await _edit(message, *search_page(context, search, int(page)))
                handled = True
    if not handled:
        await query.answer(EXPIRED, show_alert=False)


async def _edit(message: Message, html: str, markup: InlineKeyboardMarkup) -> None:
    try:
        await with_retries(
            lambda: message.edit_text(
                html,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


# -- inline mode ----------------------------------------------------------------------------

INLINE_PAGE = 10


def _inline_results(context: Context, query: str) -> list[InlineQueryResultArticle]:
    engine = context.bot_data.engine
    results: list[InlineQueryResultArticle] = []
    if query:
        answer = engine.ask(query)
        if answer.answered:
            top = answer.citations[0]
            results.append(
                InlineQueryResultArticle(
                    id=f"answer-{top.article}-{top.paragraph}"[:64],
                    title=answer.text[:100],
                    description=f"{top.title} · paragraph {top.paragraph}"[:200],
                    input_message_content=InputTextMessageContent(
                        f"<b>Q:</b> {render.esc(query)}\n\n{render.answer_html(answer)}",
                        parse_mode=ParseMode.HTML,
                        link_preview_options=NO_PREVIEW,
                    ),
                )
            )
        infos: Sequence[ArticleInfo] = [h.article for h in engine.search(query, limit=50)]
    else:
        infos = engine.latest(50)
    for info in infos:
        article = engine.get(info.id)
        if article is None:
            continue
        summary = engine.summary(article)
        results.append(
            InlineQueryResultArticle(
                id=f"article-{article.id}"[:64],
                title=article.title[:100],
                description=info.teaser,
                input_message_content=InputTextMessageContent(
                    render.split_html(render.summary_html(article, summary))[0],
                    parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                ),
            )
        )
    return results


async def on_inline(update: Update, context: Context) -> None:
    """@Bot question in any chat: the answer and matching articles' summaries, paged; an
    empty query offers the latest articles."""
    inline = update.inline_query
    if inline is None:
        return
    query = inline.query.strip()[:MAX_QUESTION_CHARS]
    start = int(inline.offset) if inline.offset.isdigit() else 0
    results = _inline_results(context, query)
    page = results[start : start + INLINE_PAGE]
    next_offset = str(start + INLINE_PAGE) if start + INLINE_PAGE < len(results) else ""
    await with_retries(
        lambda: inline.answer(page, cache_time=30, is_personal=False, next_offset=next_offset)
    )


# -- errors ---------------------------------------------------------------------------------


async def on_error(update: object, context: Context) -> None:
    """Log the update and traceback; tell the user briefly; keep serving."""
    log.error("error while handling an update: %r", update, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(
                "Sorry, something went wrong on my side. Please try again."
            )
        except Exception:  # the apology is best effort; the error is already logged
            log.warning("could not send the apology for a failed update")
