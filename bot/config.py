"""One frozen settings object, loaded from YAML, checked against a schema, secrets from the
environment.

Every key the file may hold is listed in ``SCHEMA`` with its type, its default and what it
means; an unknown key or a wrong type is a ConfigError that names the key, the value and what
was expected. Secrets never come from the file: the bot token is read from
``TELEGRAM_BOT_TOKEN`` and the webhook secret from ``TELEGRAM_WEBHOOK_SECRET``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError

DEFAULT_PATH = Path("config/bot.yaml")


@dataclass(frozen=True)
class Key:
    kind: str  # "int", "float", "bool", "str", "path", "choice"
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False


SCHEMA: dict[str, dict[str, Key]] = {
    "corpus": {
        "folder": Key("path", "seeds", "folder of article files (.txt, .md)"),
        "max_file_bytes": Key("int", 2_000_000, "larger files are skipped", 1),
        "rescan_seconds": Key("float", 30.0, "periodic rescan, besides file events", 0.5),
    },
    "answers": {
        "min_confidence": Key("float", 0.2, "how much of a question an answer must cover", 0, 1),
        "summary_sentences": Key("int", 3, "sentences in a summary", 1, 20),
        "max_citations": Key("int", 3, "citations kept per answer", 1, 10),
        "embedding_model": Key(
            "str", "minilm", "sentence-embedding model: minilm, none, or a model folder"
        ),
        "embedding_threads": Key("int", 1, "CPU threads the embedding model runs on", 1, 64),
    },
    "telegram": {
        "base_url": Key(
            "str", None, "Bot API server, e.g. http://127.0.0.1:8081/bot", optional=True
        ),
        "mode": Key("choice", "polling", "how updates arrive", choices=("polling", "webhook")),
        "webhook_listen": Key("str", "0.0.0.0", "address the webhook server listens on"),
        "webhook_port": Key("int", 8443, "port the webhook server listens on", 1, 65535),
        "webhook_url": Key(
            "str", None, "public https URL Telegram posts updates to", optional=True
        ),
        "page_size": Key("int", 5, "articles per page in lists", 1, 20),
        "flood_questions": Key("int", 8, "questions a user may ask per flood window", 1),
        "flood_seconds": Key("float", 60.0, "the flood window", 1),
        "connect_retries": Key(
            "int", 0, "attempts to reach the Bot API at start-up; 0 keeps trying", 0
        ),
    },
    "storage": {
        "path": Key("path", "data/bot.sqlite3", "SQLite database file"),
    },
    "announcements": {
        "enabled": Key("bool", True, "announce new articles to subscribers"),
        "reannounce_changed": Key("bool", False, "announce again when an article changes"),
        "global_per_second": Key("float", 30.0, "messages per second, all chats", 0.01),
        "group_per_minute": Key("float", 20.0, "messages per minute to one group", 0.01),
        "chat_per_second": Key("float", 1.0, "messages per second to one chat", 0.01),
        "max_failures": Key("int", 3, "failed deliveries before a chat is dropped", 1),
    },
}


def _check(section: str, name: str, key: Key, value: Any, base: Path) -> Any:
    where = f"config key '{section}.{name}'"
    if value is None:
        if key.optional:
            return None
        raise ConfigError(f"{where} is empty; expected {key.kind} ({key.help})")
    if key.kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where} is {value!r}; expected true or false")
        return value
    if key.kind in ("int", "float"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        ok = ok or (key.kind == "float" and isinstance(value, float))
        if not ok:
            expected = "a whole number" if key.kind == "int" else "a number"
            raise ConfigError(f"{where} is {value!r}; expected {expected} ({key.help})")
        if key.minimum is not None and value < key.minimum:
            raise ConfigError(f"{where} is {value!r}; expected at least {key.minimum}")
        if key.maximum is not None and value > key.maximum:
            raise ConfigError(f"{where} is {value!r}; expected at most {key.maximum}")
        return float(value) if key.kind == "float" else value
    if not isinstance(value, str):
        raise ConfigError(f"{where} is {value!r}; expected text ({key.help})")
    if key.kind == "choice" and value not in key.choices:
        raise ConfigError(f"{where} is {value!r}; expected one of {', '.join(key.choices)}")
    if key.kind == "path":
        path = Path(value).expanduser()
        return path if path.is_absolute() else base / path
    return value


def _values(raw: Mapping[str, Any], base: Path) -> dict[str, dict[str, Any]]:
    unknown = sorted(set(raw) - set(SCHEMA))
    if unknown:
        raise ConfigError(
            f"config section '{unknown[0]}' is not known; expected one of {', '.join(SCHEMA)}"
        )
    out: dict[str, dict[str, Any]] = {}
    for section, keys in SCHEMA.items():
        given = raw.get(section) or {}
        if not isinstance(given, dict):
            raise ConfigError(f"config section '{section}' is {given!r}; expected a mapping")
        extra = sorted(set(given) - set(keys))
        if extra:
            raise ConfigError(
                f"config key '{section}.{extra[0]}' is not known; expected one of "
                f"{', '.join(keys)}"
            )
        out[section] = {
            name: _check(section, name, key, given.get(name, key.default), base)
            for name, key in keys.items()
        }
    return out


@dataclass(frozen=True)
class Settings:
    """Everything the bot is configured with. The token is kept out of ``repr``."""

    sections: Mapping[str, Mapping[str, Any]]
    source: Path | None = None
    token: str | None = field(default=None, repr=False)
    webhook_secret: str | None = field(default=None, repr=False)

    def __getitem__(self, dotted: str) -> Any:
        section, name = dotted.split(".", 1)
        return self.sections[section][name]

    def replace(self, **changes: Any) -> Settings:
        """A copy with some dotted keys changed, e.g. ``replace(**{"corpus.folder": p})``."""
        sections = {s: dict(v) for s, v in self.sections.items()}
        for dotted, value in changes.items():
            section, name = dotted.split(".", 1)
            sections[section][name] = value
        return Settings(sections, self.source, self.token, self.webhook_secret)


def load_settings(
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    base: Path | None = None,
) -> Settings:
    """Read and check the config file (built-in defaults when the default file is missing).

    Relative paths in the file are taken from ``base`` (the current folder by default).
    """
    env = os.environ if environ is None else environ
    base = base or Path.cwd()
    raw: Any = {}
    source = path or DEFAULT_PATH
    if path is not None and not path.is_file():
        raise ConfigError(f"the config file {path} does not exist")
    if source.is_file():
        try:
            raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"the config file {source} cannot be read: {exc}") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"the config file {source} is not valid YAML: {exc}") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"the config file {source} must be a mapping of sections")
    sections = _values(raw, base)
    base_url = env.get("TELEGRAM_BASE_URL", "").strip()
    if base_url:
        sections["telegram"]["base_url"] = base_url
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None
    if token is not None and (":" not in token or any(c.isspace() for c in token)):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (expected digits, a colon and "
            "a secret, as @BotFather gives it)"
        )
    return Settings(sections, source if source.is_file() else None, token, secret)
