"""The one home for process-wide state: logging and the token's redaction, environment
defaults for libraries, and caches that live as long as the process.

Nothing here runs on import; the entry points (``bot.console.cli.main``, tests) call what
they need.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import re
import sys

from bot.core.dense import Embedder, model_files
from bot.core.read import Reader, reader_files

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


def configure_logging(level: int = logging.WARNING) -> None:
    """Log lines on stderr; third-party request logs (which carry the token in their URLs)
    kept quiet."""
    logging.basicConfig(level=level, format=LOG_FORMAT, stream=sys.stderr)
    logging.getLogger().setLevel(level)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, OneLine) for f in handler.filters):
            handler.addFilter(OneLine())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def library_defaults() -> None:
    """Environment defaults for libraries, set before they are imported: python-telegram-bot's
    coming behaviour (durations as timedelta) now, rather than a deprecation warning on every
    RetryAfter."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` replaced, whatever its case (an error page
    may echo the URL lower-cased, or percent-encode its colon)."""
    if not secret:
        return text
    variants = {secret, secret.replace(":", "%3A"), secret.replace(":", "%3a")}
    for variant in sorted(variants, key=len, reverse=True):
        text = re.sub(re.escape(variant), "[token]", text, flags=re.IGNORECASE)
    return text


class RedactToken(logging.Filter):
    """Replaces the bot token wherever it would appear in a log line (messages, arguments,
    exceptions and their tracebacks)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message, self.token)
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if redact(text, self.token) != text:
                record.exc_info, record.exc_text = None, None
                clean = f"{clean}\n{redact(text, self.token)}"
        if clean != message:
            record.msg, record.args = clean, None
        return True


class OneLine(logging.Filter):
    """Other libraries' errors in one line (the exception's type and message) instead of a
    traceback, unless the log is at DEBUG: what failed, without pages of frames."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("bot") or logging.getLogger().isEnabledFor(logging.DEBUG):
            return True
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(exc).__name__}: {exc})"
            record.args, record.exc_info, record.exc_text = None, None, None
        return True


def install_redaction(token: str) -> None:
    """Attach the redacting filter to every handler of the root logger, last: it sees the
    line as it will be written, whatever the filters before it made of it."""
    flt = RedactToken(token)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactToken) for f in handler.filters):
            handler.addFilter(flt)


@functools.cache
def embedder(name: str, threads: int) -> Embedder | None:
    """The embedding model ``answers.embedding_model`` names, loaded once per process (an
    onnxruntime session is thread-safe); None for ``none``."""
    files = model_files(name)
    return Embedder(files, threads) if files is not None else None


@functools.cache
def reader(name: str, threads: int, spans: bool = True, gate: bool = True) -> Reader | None:
    """The reader model ``answers.reader_model`` names, loaded once per process; None for
    ``none``. Without ``spans`` (``answers.span_reader: false``), the span reader and the
    marker beside it are not loaded: the reader marks the answer's words alone, and the
    answer gate, fitted to the verdicts the span reader weighs in, is not used either.
    Without ``gate`` (``answers.answer_gate: false``), no answer is checked by it."""
    files = reader_files(name)
    if files is not None and not spans:
        files = dataclasses.replace(files, spans=None, marks=None, gate=None)
    if files is not None and not gate:
        files = dataclasses.replace(files, gate=None)
    return Reader(files, threads) if files is not None else None
