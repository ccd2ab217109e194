"""The settings: typed, frozen sections loaded from YAML, secrets from the environment.

Each section is a frozen dataclass whose fields carry their default (written once, here or in
the core's own settings) and a line of help; the schema that checks ``config/bot.yaml`` is
derived from those fields and their types, so an unknown key, a wrong type, a number out of
range or not finite, a path with a NUL byte or an unknown ``~user`` is a ConfigError that
names the key, the value and what was expected. Secrets never come from the file: the bot
token is read from ``TELEGRAM_BOT_TOKEN`` and the webhook secret from
``TELEGRAM_WEBHOOK_SECRET``.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import types
import typing
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bot import __version__
from bot.core.answer import EngineSettings
from bot.core.dense import DEFAULT_MODEL
from bot.core.errors import ConfigError
from bot.core.read import DEFAULT_READER
from bot.core.records import Feed
from bot.core.redact import has_credentials, redact
from bot.core.safeyaml import YamlError, load
from bot.sources.web import WebLimits

DEFAULT_PATH = Path("config/bot.yaml")
# The checkout's own config, used when the current folder has none (the bot started from
# elsewhere); its relative paths are taken from its folder all the same.
HOME_CONFIG = Path(__file__).resolve().parents[2] / DEFAULT_PATH
USER_AGENT = f"corpus-bot/{__version__} (a Telegram bot answering questions about articles)"
MAX_CONFIG_BYTES = 1_000_000


def setting(
    default: Any, help: str, *, minimum: float | None = None, maximum: float | None = None
) -> Any:
    """A field of a settings section: its default, what it means, and its range."""
    return field(default=default, metadata={"help": help, "min": minimum, "max": maximum})


@dataclass(frozen=True)
class CorpusSettings:
    folder: Path = setting(
        Path("articles"), "folder of article files (.txt, .md); made with the examples if missing"
    )
    max_file_bytes: int = setting(2_000_000, "larger files are skipped", minimum=1)
    rescan_seconds: float = setting(30.0, "periodic rescan, besides file events", minimum=0.5)
    feeds: tuple[Feed, ...] = setting(
        (), "RSS or Atom feeds: a list of URLs, or of {url: URL, interval: 90 (or 5m, 1h)}"
    )
    feed_interval: float = setting(
        60.0, "seconds between polls of a feed (a conditional request)", minimum=1
    )
    sitemaps: tuple[Feed, ...] = setting(
        (), "sitemaps whose pages become articles: URLs, or {url: URL, interval: 1h}"
    )
    sitemap_interval: float = setting(
        3600.0, "seconds between polls of a sitemap (a conditional request)", minimum=1
    )

    def interval(self, feed: Feed) -> float:
        return feed.interval if feed.interval is not None else self.feed_interval


@dataclass(frozen=True)
class AnswerSettings:
    min_confidence: float = setting(
        EngineSettings.min_confidence,
        "how much of a question an answer must cover without the semantic stage",
        minimum=0,
        maximum=1,
    )
    summary_sentences: int = setting(
        EngineSettings.summary_sentences, "sentences in a summary", minimum=1, maximum=20
    )
    max_citations: int = setting(
        EngineSettings.max_citations, "citations kept per answer", minimum=1, maximum=10
    )
    embedding_model: str = setting(
        DEFAULT_MODEL, "sentence-embedding model: minilm, none, or a model folder"
    )
    embedding_threads: int = setting(
        1, "CPU threads the embedding and reader models run on", minimum=1, maximum=64
    )
    reader_model: str = setting(
        DEFAULT_READER,
        "the reader that marks the answer's words in its sentence: default, none, or a folder",
    )
    span_reader: bool = setting(
        True,
        "also read with the span reader in the reader's folder, where it has one: its verdict "
        "is weighed with the reader's and it (or the marker beside it) marks the answer's "
        "words (better answers and "
        "marked words, for more time per question: docs/answers.md)",
    )
    answer_gate: bool = setting(
        True,
        "check each answer with the gate beside the reader (gate.json), where it has one, and "
        "refuse what it reads as likelier wrong than its gate allows (docs/answers.md, "
        '"The answer gate"); it reads the span reader\'s verdicts, so it is off without them',
    )
    reader_decides: bool = setting(
        False,
        "let the reader also choose the answering sentence and refuse what none answers",
    )

    @property
    def engine(self) -> EngineSettings:
        return EngineSettings(
            self.min_confidence, self.summary_sentences, self.max_citations, self.reader_decides
        )


@dataclass(frozen=True)
class TelegramSettings:
    base_url: str | None = setting(None, "Bot API server, e.g. http://127.0.0.1:8081/bot")
    mode: Literal["polling", "webhook"] = setting("polling", "how updates arrive")
    webhook_listen: str = setting("0.0.0.0", "address the webhook server listens on")
    webhook_port: int = setting(
        8443, "port the webhook server listens on", minimum=1, maximum=65535
    )
    webhook_url: str | None = setting(None, "public https URL Telegram posts updates to")
    page_size: int = setting(5, "articles per page in lists", minimum=1, maximum=20)
    flood_questions: int = setting(8, "questions a user may ask per flood window", minimum=1)
    flood_seconds: float = setting(60.0, "the flood window", minimum=1)
    connect_retries: int = setting(
        0, "attempts to reach the Bot API at start-up; 0 keeps trying", minimum=0
    )


@dataclass(frozen=True)
class StorageSettings:
    path: Path = setting(
        Path("data/bot.sqlite3"), "SQLite database file; its folder holds the indexes"
    )
    url: str | None = setting(
        None, "postgresql://USER@HOST/DB for several bot processes (password: PGPASSWORD)"
    )

    @property
    def folder(self) -> Path:
        """Where the indexes live (on PostgreSQL too: each process keeps its own)."""
        return self.path.parent

    @property
    def database(self) -> Path | str:
        """What ``Storage`` opens: the PostgreSQL URL when set, else the SQLite file."""
        return self.url or self.path


@dataclass(frozen=True)
class AnnouncementSettings:
    enabled: bool = setting(True, "announce new articles to subscribers")
    reannounce_changed: bool = setting(False, "announce again when an article changes")
    global_per_second: float = setting(30.0, "messages per second, all chats", minimum=0.01)
    group_per_minute: float = setting(20.0, "messages per minute to one group", minimum=0.01)
    chat_per_second: float = setting(1.0, "messages per second to one chat", minimum=0.01)
    max_failures: int = setting(3, "failed deliveries before a chat is dropped", minimum=1)
    digest_hour: int = setting(
        8, "hour of the day (in each chat's time zone) digests are sent", minimum=0, maximum=23
    )
    digest_weekday: int = setting(
        0, "day weekly digests are sent: 0 Monday … 6 Sunday", minimum=0, maximum=6
    )


@dataclass(frozen=True)
class InsightsSettings:
    enabled: bool = setting(
        False, "keep each question asked in Telegram (never who asked) for the operator's report"
    )
    keep_days: int = setting(90, "days a question is kept", minimum=1, maximum=3650)


@dataclass(frozen=True)
class WebSettings:
    user_agent: str = setting(USER_AGENT, "how the bot names itself to web sites")
    timeout_seconds: float = setting(20.0, "longest wait for one request", minimum=1)
    max_page_bytes: int = setting(3_000_000, "larger pages are not read", minimum=1000)
    max_feed_bytes: int = setting(5_000_000, "larger feeds are not read", minimum=1000)
    max_redirects: int = setting(5, "redirects followed for one request", minimum=0, maximum=20)
    site_delay_seconds: float = setting(
        1.0, "pause between two requests to one site (or its Crawl-delay)", minimum=0
    )
    max_entries: int = setting(
        200, "new or changed feed entries taken in one poll (the rest at the next)", minimum=1
    )
    allow_private_addresses: bool = setting(
        False,
        "let links and redirects reach loopback, private and link-local addresses of any "
        "host, not only of the configured feed's or page's own",
    )

    @property
    def limits(self) -> WebLimits:
        return WebLimits(
            self.user_agent,
            self.timeout_seconds,
            self.max_page_bytes,
            self.max_feed_bytes,
            self.max_redirects,
            self.site_delay_seconds,
            self.allow_private_addresses,
        )


@dataclass(frozen=True)
class Settings:
    """Everything the bot is configured with. The secrets are kept out of ``repr``."""

    corpus: CorpusSettings = field(default_factory=CorpusSettings)
    answers: AnswerSettings = field(default_factory=AnswerSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    announcements: AnnouncementSettings = field(default_factory=AnnouncementSettings)
    web: WebSettings = field(default_factory=WebSettings)
    insights: InsightsSettings = field(default_factory=InsightsSettings)
    source: Path | None = None
    token: str | None = field(default=None, repr=False)
    webhook_secret: str | None = field(default=None, repr=False)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some keys changed, checked like the file's:
        ``settings.replace(**{"corpus.folder": path})``."""
        sections: dict[str, Any] = {}
        for dotted, value in changes.items():
            section, _, name = dotted.partition(".")
            kind = SECTIONS.get(section)
            known = {f.name: f for f in dataclasses.fields(kind)} if kind else {}
            if name not in known or kind is None:
                raise ConfigError(f"config key '{dotted}' is not known")
            current = sections.get(section, getattr(self, section))
            hints = typing.get_type_hints(kind)
            checked = _check(f"{section}.{name}", hints[name], known[name], value, Path.cwd())
            sections[section] = dataclasses.replace(current, **{name: checked})
        return dataclasses.replace(self, **sections)


SECTIONS: dict[str, type[Any]] = {
    f.name: typing.get_type_hints(Settings)[f.name]
    for f in dataclasses.fields(Settings)
    if dataclasses.is_dataclass(typing.get_type_hints(Settings)[f.name])
}


def _describe(kind: Any) -> str:
    if kind is bool:
        return "true or false"
    if kind is int:
        return "a whole number"
    if kind is float:
        return "a number"
    if typing.get_origin(kind) is Literal:
        return "one of " + ", ".join(typing.get_args(kind))
    return "text"


def _check(where: str, kind: Any, spec: dataclasses.Field[Any], value: Any, base: Path) -> Any:
    """The value of one key, checked against its field; ConfigError names what is wrong."""
    label = f"config key '{where}'"
    meta = spec.metadata
    optional = False
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        optional, kind = True, args[0]
    if value is None:
        if optional:
            return None
        raise ConfigError(f"{label} is empty; expected {_describe(kind)} ({meta['help']})")
    if typing.get_origin(kind) is tuple:
        return _feeds(label, value)
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{label} is {value!r}; expected true or false")
        return value
    if kind in (int, float):
        ok = isinstance(value, int) and not isinstance(value, bool)
        ok = ok or (kind is float and isinstance(value, float))
        if not ok or (isinstance(value, float) and not math.isfinite(value)):
            raise ConfigError(f"{label} is {value!r}; expected {_describe(kind)} ({meta['help']})")
        if meta["min"] is not None and value < meta["min"]:
            raise ConfigError(f"{label} is {value!r}; expected at least {meta['min']}")
        if meta["max"] is not None and value > meta["max"]:
            raise ConfigError(f"{label} is {value!r}; expected at most {meta['max']}")
        return float(value) if kind is float else value
    if kind is Path and isinstance(value, Path):
        value = str(value)
    if not isinstance(value, str):
        raise ConfigError(f"{label} is {value!r}; expected text ({meta['help']})")
    if "\x00" in value:
        raise ConfigError(f"{label} holds a NUL character; expected {meta['help']}")
    if typing.get_origin(kind) is Literal and value not in typing.get_args(kind):
        raise ConfigError(f"{label} is {value!r}; expected {_describe(kind)}")
    if kind is Path:
        try:
            path = Path(value).expanduser()
        except RuntimeError:  # "~someone" for a user this machine does not know
            path = Path(value)
        if str(path).startswith("~"):
            raise ConfigError(f"{label} is {value!r}: no such user's home folder")
        return path if path.is_absolute() else Path(os.path.normpath(base / path))
    return value


def _feeds(label: str, value: Any) -> tuple[Feed, ...]:
    """``corpus.feeds``, ``corpus.sitemaps``: URLs, or mappings with ``url`` and ``interval``
    (or ``every``)."""
    if isinstance(value, str | Mapping):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"{label} is {value!r}; expected a list of URLs")
    feeds: dict[str, Feed] = {}
    for number, item in enumerate(value, start=1):
        where = f"{label}, item {number},"
        interval = None
        if isinstance(item, Mapping):
            extra = sorted(str(k) for k in set(item) - {"url", *_INTERVAL_KEYS})
            if extra:
                raise ConfigError(f"{where} has the key '{extra[0]}'; expected url and interval")
            given = [item[k] for k in _INTERVAL_KEYS if k in item]
            if given:
                interval = _duration(f"{where} interval", given[0])
            item = item.get("url")
        if not isinstance(item, str) or not _web_address(item.strip()):
            shown = redact(item) if isinstance(item, str) else item
            raise ConfigError(f"{where} is {shown!r}; expected an http or https URL")
        url = item.strip()
        shown = redact(url)
        if shown in feeds:
            raise ConfigError(f"{where} {shown} is listed twice")
        feeds[shown] = Feed(shown, interval, url if shown != url else None)
    return tuple(feeds.values())


_INTERVAL_KEYS = ("interval", "every")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(label: str, value: Any) -> float:
    """Seconds, from a number of seconds or a text such as ``90s``, ``5m`` or ``1h``."""
    seconds: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", value.lower())
        if match:
            seconds = float(match.group(1)) * _UNITS[match.group(2) or "s"]
    if seconds is None or not math.isfinite(seconds) or seconds < 1:
        raise ConfigError(
            f"{label} is {value!r}; expected seconds (at least 1) or a text like 90s, 5m, 1h"
        )
    return seconds


def _field(kind: type[Any], name: str) -> dataclasses.Field[Any]:
    return next(f for f in dataclasses.fields(kind) if f.name == name)


def _database_url(url: str, from_environment: bool) -> str:
    """``storage.url`` (or BOT_DATABASE_URL): a PostgreSQL URL, or ``sqlite:///PATH``. A
    password belongs in the environment (PGPASSWORD, or the whole URL in BOT_DATABASE_URL),
    never in the config file."""
    where = "BOT_DATABASE_URL" if from_environment else "config key 'storage.url'"
    scheme = url.partition(":")[0].lower() if re.match(r"[a-zA-Z][\w+.-]*:", url) else ""
    if scheme == "sqlite":
        if not url.startswith("sqlite:///") or len(url) <= 10:
            raise ConfigError(f"{where} is {redact(url)!r}; expected sqlite:///PATH")
        return url
    if scheme not in ("postgresql", "postgres"):
        start = f"starts with {scheme!r}" if scheme else "has no scheme"
        raise ConfigError(
            f"{where} is not a postgresql:// URL (it {start}); "
            "leave it empty to use the SQLite file storage.path"
        )
    if has_credentials(url) and not from_environment:
        raise ConfigError(
            "config key 'storage.url' holds a password; put it in PGPASSWORD (or the whole URL "
            "in BOT_DATABASE_URL) instead, never in the config file"
        )
    return url


def _web_address(text: str) -> bool:
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:  # brackets that hold no IPv6 address
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and text.isprintable()
        and " " not in text
    )


def _section(name: str, kind: type[Any], given: Any, base: Path) -> Any:
    if not isinstance(given, Mapping):
        raise ConfigError(f"config section '{name}' is {given!r}; expected a mapping")
    fields = {f.name: f for f in dataclasses.fields(kind)}
    extra = sorted(str(k) for k in set(given) - set(fields))
    if extra:
        raise ConfigError(
            f"config key '{name}.{extra[0]}' is not known; expected one of {', '.join(fields)}"
        )
    hints = typing.get_type_hints(kind)
    values = {
        key: _check(f"{name}.{key}", hints[key], spec, given[key], base)
        for key, spec in fields.items()
        if key in given
    }
    defaults = kind()
    for key, spec in fields.items():  # defaults that are relative paths follow ``base`` too
        if key not in values and hints[key] is Path:
            values[key] = _check(f"{name}.{key}", Path, spec, getattr(defaults, key), base)
    return kind(**values)


def _read(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(f"the config file {path} is too big ({size:,} bytes)")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"the config file {path} cannot be read: {exc}") from None
    try:
        raw = load(text.replace("\r\n", "\n")) or {}
    except YamlError as exc:
        raise ConfigError(f"the config file {path} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"the config file {path} must be a mapping of sections")
    return raw


def load_settings(
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    base: Path | None = None,
) -> Settings:
    """Read and check the config file (built-in defaults when the default file is missing).

    Relative paths are taken from ``base``: by default the config file's folder, or the
    current folder when no file is read.
    """
    env = os.environ if environ is None else environ
    source = path or (DEFAULT_PATH if DEFAULT_PATH.is_file() else HOME_CONFIG)
    if base is None:
        base = source.resolve().parent if source.is_file() else Path.cwd()
    if path is not None and not path.is_file():
        raise ConfigError(f"the config file {path} does not exist")
    raw = _read(source) if source.is_file() else {}
    unknown = sorted(str(k) for k in set(raw) - set(SECTIONS))
    if unknown:
        raise ConfigError(
            f"config section '{unknown[0]}' is not known; expected one of {', '.join(SECTIONS)}"
        )
    sections = {
        name: _section(name, kind, raw.get(name) or {}, base) for name, kind in SECTIONS.items()
    }
    storage = sections["storage"]
    database = env.get("BOT_DATABASE_URL", "").strip()
    if database or storage.url is not None:
        url = _database_url(database or str(storage.url), bool(database))
        if url.startswith("sqlite:"):
            path = _check("storage.path", Path, _field(StorageSettings, "path"), url[10:], base)
            sections["storage"] = dataclasses.replace(storage, url=None, path=path)
        else:
            sections["storage"] = dataclasses.replace(storage, url=url)
    base_url = env.get("TELEGRAM_BASE_URL", "").strip()
    if base_url:
        sections["telegram"] = dataclasses.replace(sections["telegram"], base_url=base_url)
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None
    if token is not None and (":" not in token or any(c.isspace() for c in token)):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (expected digits, a colon and "
            "a secret, as @BotFather gives it)"
        )
    return Settings(
        **sections, source=source if source.is_file() else None, token=token, webhook_secret=secret
    )
