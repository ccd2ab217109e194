"""The project's exceptions.

    BotError                 anything the bot reports to a person instead of a traceback
     ├── ConfigError         the config file or an environment variable is invalid
     ├── CorpusError         the corpus folder cannot be read at all
     ├── ArticleError        one article file cannot be used (the others still load)
     ├── UnknownArticle      an article id or title matches nothing in the corpus
     └── StorageError        the database cannot be read or written (full disk, deleted file)

Every message is a sentence a person can act on: it names the thing, the value and what was
expected.
"""

from __future__ import annotations

from pathlib import Path


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
