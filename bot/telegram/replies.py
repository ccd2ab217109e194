"""Replies with content: an answer to a question (off the event loop, remembered for
follow-ups and edits) and an article's summary; and the flood gate that questions and
commands meet before any of it."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update

from bot.core.answer import MAX_QUESTION_CHARS, Answer
from bot.core.corpus import Article
from bot.core.errors import StorageError
from bot.core.records import Asked
from bot.core.summary import LONG, SHORT
from bot.runtime import render
from bot.runtime.insights import chat_key
from bot.telegram.context import Context
from bot.telegram.keyboards import answer_keyboard, summary_keyboard
from bot.telegram.sending import reply

log = logging.getLogger(__name__)

Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


async def flooded(update: Update, context: Context) -> bool:
    """Whether the user has asked more than the flood gate lets through (told so once per
    window): then nothing more is done for this update."""
    user, message = update.effective_user, update.effective_message
    verdict = context.bot_data.flood.check(user.id) if user else "ok"
    if verdict == "warn" and message is not None:
        await reply(message, render.FLOOD_NOTICE)
    return verdict != "ok"


def gated(handler: Handler) -> Handler:
    """The handler behind the flood gate."""

    @functools.wraps(handler)
    async def behind_the_gate(update: Update, context: Context) -> None:
        if not await flooded(update, context):
            await handler(update, context)

    return behind_the_gate


async def ask(context: Context, question: str) -> Answer:
    """The engine's answer, computed in a worker thread: the semantic stage runs a model,
    and other chats must not wait for it."""
    engine = context.engine
    return await asyncio.to_thread(engine.ask, question, context.chat.about)


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Answer a question in the chat it came from, with buttons; remember its article for
    follow-ups and the reply for edits of the question. (The caller let it through the
    flood gate.)"""
    message = update.effective_message
    if message is None:
        return
    question = question.strip()[:MAX_QUESTION_CHARS]
    if not question:
        await reply(message, render.ASK_HINT)
        return
    asked_at, started = time.time(), time.perf_counter()
    answer = await ask(context, question)
    seconds = time.perf_counter() - started
    keep_question(update, context, question, answer, asked_at, seconds)
    if answer.article:
        context.chat.about = answer.article
    sent = await reply(message, render.answer_html(answer), answer_keyboard(answer))
    if update.callback_query is None:  # a typed question, which may be edited later
        context.chat.remember(message.message_id, [m.message_id for m in sent])


def keep_question(
    update: Update, context: Context, question: str, answer: Answer, at: float, seconds: float
) -> None:
    """With ``insights.enabled``, keep the question (not small talk) for the operator's
    report: when it was asked, its text, whether it was answered, the article cited and
    the time the answer took; the chat only as a salted hash. Written in the background:
    no reply waits for it, and a database that does not answer loses the record, not the
    reply."""
    chat = update.effective_chat
    service = context.service
    if chat is None or not service.settings.insights.enabled or answer.kind == "chat":
        return  # a greeting or a thanks is no question
    store = service.store
    cited = answer.article if answer.answered else None

    async def write() -> None:
        try:
            salt = await store.insights_salt()
            asked = Asked(at, chat_key(salt, chat.id), question, answer.answered, cited, seconds)
            await store.record_question(asked)
        except StorageError as exc:
            log.warning("a question was not kept for the insights: %s", exc)

    context.application.create_task(write(), update=update, name="insights")


async def send_summary(
    message: Message, context: Context, article: Article, length: int = SHORT
) -> None:
    """An article's summary (short unless asked), with buttons for its first paragraph and
    a longer summary; follow-ups are about it from now on."""
    context.chat.about = article.id
    summary = context.engine.summary(article, length)
    longer = length < LONG and len(context.engine.summary(article, LONG)) > len(summary)
    html = render.summary_html(article, summary)
    await reply(message, html, summary_keyboard(article.id, longer))
