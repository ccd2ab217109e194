"""Thin handlers for messages and commands: parse the update, ask the core, reply."""

from __future__ import annotations

import datetime as dt
import re

from telegram import Message, MessageEntity, Update

from bot.core.answer import MAX_QUESTION_CHARS
from bot.core.errors import UnknownArticle
from bot.runtime import render
from bot.telegram.context import Context
from bot.telegram.keyboards import answer_keyboard, articles_page, search_page
from bot.telegram.replies import answer_question, ask, flooded, send_summary
from bot.telegram.sending import edit, reply

# Article ids and deep-link payloads: letters, digits and a few marks, ASCII only.
ARTICLE_ID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


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
    original = message.reply_to_message
    replied = original is not None and (
        original.from_user is not None and original.from_user.id == bot_id
    )
    return text if mentioned or replied else None


async def on_text(update: Update, context: Context) -> None:
    """A text message: in private every message is a question; in groups only those that
    mention the bot or reply to it."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    if message.chat.type == "private":
        text: str | None = message.text
    else:
        text = _addressed_text(message, context.bot.username, context.bot.id)
    if text is not None and not await flooded(update, context):
        await answer_question(update, context, text)


async def on_edited(update: Update, context: Context) -> None:
    """An edited question: the bot's earlier answer to it is edited to answer the new text."""
    message = update.edited_message
    if message is None or message.text is None:
        return
    earlier = context.chat.replies.get(message.message_id)
    if not earlier:
        return
    if message.chat.type != "private":
        text = _addressed_text(message, context.bot.username, context.bot.id)
        if text is None:
            return
    else:
        text = message.text
    answer = await ask(context, text.strip()[:MAX_QUESTION_CHARS])
    if answer.article:
        context.chat.about = answer.article
    html = render.split_html(render.answer_html(answer))[0]
    markup = answer_keyboard(answer)
    chat_id, first = message.chat_id, earlier[0]
    await edit(
        lambda: context.bot.edit_message_text(
            html, chat_id=chat_id, message_id=first, reply_markup=markup
        )
    )


async def cmd_start(update: Update, context: Context) -> None:
    """/start, or /start ARTICLE from a deep link: that article's summary."""
    message = update.effective_message
    if message is None:
        return
    wanted = context.args[0] if context.args else ""
    article = context.engine.get(wanted) if ARTICLE_ID.fullmatch(wanted) else None
    if article is not None:
        await send_summary(message, context, article)
        return
    await reply(message, render.hello_html(_kept_days(context)))


async def cmd_help(update: Update, context: Context) -> None:
    """/help."""
    if update.effective_message:
        await reply(update.effective_message, render.help_html(_kept_days(context)))


def _kept_days(context: Context) -> int | None:
    """How long questions are kept, if the insights are on."""
    insights = context.service.settings.insights
    return insights.keep_days if insights.enabled else None


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
        await reply(message, render.SEARCH_HINT)
        return
    await reply(message, *search_page(context, query, 0))


async def cmd_articles(update: Update, context: Context) -> None:
    """/articles: every article, newest first, paged."""
    if update.effective_message:
        await reply(update.effective_message, *articles_page(context, 0))


async def cmd_summary(update: Update, context: Context) -> None:
    """/summary ARTICLE (id or title); without one, the article of the last answer, or the
    only article there is."""
    message = update.effective_message
    if message is None:
        return
    name = " ".join(context.args or []).strip()[:MAX_QUESTION_CHARS]
    if not name:
        article = context.engine.article_at_hand(context.chat.about)
        if article is None:
            await reply(message, render.WHICH_ARTICLE)
            return
    else:
        try:
            article = context.engine.find_article(name)
        except UnknownArticle as exc:
            await reply(message, render.esc(str(exc)))
            return
    await send_summary(message, context, article)


async def on_summary_link(update: Update, context: Context) -> None:
    """/summary_ARTICLE, the link under each article in a list."""
    message = update.effective_message
    found = re.match(r"/summary_(\S+)", message.text or "") if message else None
    wanted = found.group(1).split("@", 1)[0] if found else ""
    article = context.engine.get(wanted) if ARTICLE_ID.fullmatch(wanted) else None
    if message is not None:
        if article is None:
            await reply(message, render.WHICH_ARTICLE)
        else:
            await send_summary(message, context, article)


async def cmd_digest(update: Update, context: Context) -> None:
    """/digest [DAYS]: the articles of the last 7 (or DAYS) days in one message, by day."""
    message = update.effective_message
    if message is None:
        return
    wanted = context.args[0] if context.args else "7"
    if not (wanted.isascii() and wanted.isdigit() and 1 <= int(wanted) <= render.MAX_DIGEST_DAYS):
        await reply(message, render.DIGEST_HINT)
        return
    days = int(wanted)
    recent = await context.service.store.run(context.service.recent, days)
    if not recent:
        await reply(message, render.esc(context.service.nothing_recent(days)))
        return
    items = [(info.date or dt.date.today(), info) for info in recent]
    await reply(message, render.digest_html(render.digest_heading(days), items))


async def cmd_latest(update: Update, context: Context) -> None:
    """/latest: the newest article's summary."""
    message = update.effective_message
    if message is None:
        return
    latest = context.engine.latest(1)
    article = context.engine.get(latest[0].id) if latest else None
    if article is None:
        await reply(message, render.NO_ARTICLES)
        return
    await send_summary(message, context, article)
