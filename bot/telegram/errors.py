"""The one error handler: what failed is logged (update and chat ids, the exception; what
people wrote only at DEBUG), the person gets a short apology, and the bot keeps serving."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.runtime import render
from bot.telegram.context import Context

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    """Log the failure and apologise where there is a message to answer."""
    if not isinstance(update, Update):
        log.error("error outside an update", exc_info=context.error)
        return
    chat = update.effective_chat
    log.error(
        "error while handling update %s (chat %s)",
        update.update_id,
        chat.id if chat else "-",
        exc_info=context.error,
    )
    log.debug("the update was: %r", update.to_dict())
    if update.effective_message is None:
        return
    try:
        await update.effective_message.reply_text(render.APOLOGY)
    except TelegramError:  # the apology is best effort; the error is already logged
        log.warning("could not send the apology for update %s", update.update_id)
