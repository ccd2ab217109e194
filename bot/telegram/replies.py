"""Replies with content: an answer to a question (through the flood gate, off the event
loop, remembered for follow-ups and edits) and an article's summary."""

from __future__ import annotations

import asyncio

from telegram import Message, Update

from bot import render
from bot.core.answer import MAX_QUESTION_CHARS, Answer
from bot.core.corpus import Article
from bot.core.summary import LONG, SHORT
from bot.telegram.context import Context
from bot.telegram.keyboards import answer_keyboard, summary_keyboard
from bot.telegram.sending import reply


def _flood(update: Update, context: Context) -> str:
    user = update.effective_user
    return context.bot_data.flood.check(user.id) if user else "ok"


async def ask(context: Context, question: str) -> Answer:
    """The engine's answer, computed in a worker thread: the semantic stage runs a model,
    and other chats must not wait for it."""
    engine = context.engine
    return await asyncio.to_thread(engine.ask, question, context.chat.about)


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Answer a question in the chat it came from, with buttons; remember its article for
    follow-ups and the reply for edits of the question."""
    message = update.effective_message
    if message is None:
        return
    verdict = _flood(update, context)
    if verdict == "warn":
        await reply(message, render.FLOOD_NOTICE)
    if verdict != "ok":
        return
    question = question.strip()[:MAX_QUESTION_CHARS]
    if not question:
        await reply(message, render.ASK_HINT)
        return
    answer = await ask(context, question)
    if answer.article:
        context.chat.about = answer.article
    sent = await reply(message, render.answer_html(answer), answer_keyboard(answer))
    if update.callback_query is None:  # a typed question, which may be edited later
        context.chat.remember(message.message_id, [m.message_id for m in sent])


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
