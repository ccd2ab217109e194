"""The project's exceptions.

    BotError                 anything the bot reports to a person instead of a traceback
     ├── ConfigError         the config file or an environment variable is invalid
     ├── CorpusError         the corpus folder cannot be read at all
     ├── ArticleError        one article file cannot be used (the others still load)
     ├── UnknownArticle      an article id or title matches nothing in the corpus
     ├── StorageError        the database cannot be read or written (full disk, deleted file)
     └── FetchError          a feed or web page could not be fetched or used

Every message is a sentence a person can act on: it names the thing, the value and what was
expected.
"""

from __future__ import annotations

from pathlib import Path

from bot.core.redact import redact


class BotError(Exception):
    """Base class: a problem with a message meant for a person."""


class ConfigError(BotError):
    """The configuration is invalid."""


class CorpusError(BotError):
    """The corpus folder cannot be read."""


class ArticleError(BotError):
    """One article file cannot be used."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


class UnknownArticle(BotError):
    """No article matches what was asked for."""


class StorageError(BotError):
    """The database cannot be used right now; what was being done did not happen."""


class FetchError(BotError):
    """A feed or page could not be fetched or used. ``retry_after`` (seconds) is set when the
    server asked us to wait (429, 503); ``lasting`` when trying again soon will not help (404,
    robots.txt, not HTML, too big). Its URL and reason carry no credentials (``redact``): they
    are printed and logged."""

    def __init__(
        self, url: str, reason: str, *, retry_after: float | None = None, lasting: bool = False
    ) -> None:
        url, reason = redact(url), redact(reason)
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.retry_after = retry_after
        self.lasting = lasting
