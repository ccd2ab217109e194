"""Article files → Article objects (paragraphs, sentences, metadata), in both file formats.

Two formats are read:

* the seed format: a date line such as ``Apr 7, 2020|``, the title, an optional ``by NAME``
  line, then paragraphs separated by blank lines; a closing parenthesised paragraph is the
  article's note;
* Markdown with YAML front matter: ``title`` is required; ``date``, ``author``, ``url``,
  ``keywords``/``tags`` and ``summary`` are optional.

A file that cannot be used raises :class:`ArticleError` with the reason; :func:`load_corpus`
turns those into warnings and loads the rest. Metadata past its bounds (a 60,000-character
title, a url longer than any browser takes) is cut, or the url dropped, with a warning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.core.errors import ArticleError, CorpusError
from bot.core.safeyaml import YamlError
from bot.core.safeyaml import load as load_yaml
from bot.core.text import dateline, dateline_place, normalize, split_sentences

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
DEFAULT_MAX_BYTES = 2_000_000
# What an article's metadata may hold: one article must not swell every answer, listing,
# message and inline result that shows it. Text past its bound is cut at a word; a url
# past its bound is dropped (cut, it would lead somewhere else).
MAX_CHARS = {"title": 300, "author": 200, "summary": 2_000}
MAX_URL_CHARS = 2_048
MAX_KEYWORDS = 50
MAX_KEYWORD_CHARS = 100
_DATE_FORMATS = (
    "%b %d, %Y",
    "%B %d, %Y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
)


@dataclass(frozen=True)
class Paragraph:
    """A numbered paragraph (1-based) and its sentences, each an exact slice of its text."""

    number: int
    text: str
    sentences: tuple[str, ...]
    is_note: bool = False


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """An article without its text: what lists, citations and announcements show of it."""

    id: str
    title: str
    author: str | None = None
    date: dt.date | None = None
    url: str | None = None
    keywords: tuple[str, ...] = ()
    summary: str | None = None
    teaser: str = ""
    content_hash: str = ""
    sentences: int = 0


@dataclass(frozen=True)
class Article:
    """One article with its metadata and numbered paragraphs."""

    id: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    author: str | None = None
    date: dt.date | None = None
    url: str | None = None
    keywords: tuple[str, ...] = ()
    summary: str | None = None
    content_hash: str = ""
    path: Path | None = field(default=None, compare=False)

    @property
    def note(self) -> str | None:
        """The closing parenthesised note, if the article has one."""
        last = self.paragraphs[-1] if self.paragraphs else None
        return last.text if last is not None and last.is_note else None

    def paragraph(self, number: int) -> Paragraph:
        """Paragraph ``number`` (1-based)."""
        return self.paragraphs[number - 1]


def parse_date(value: object) -> dt.date | None:
    """A date from a YAML value or one of the usual written forms; None if it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip().rstrip("|").strip()
    if not any(c.isdigit() for c in text):
        return None  # every form below has a number in it
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _paragraphs(blocks: Iterable[str], *, note_allowed: bool) -> tuple[Paragraph, ...]:
    texts = [" ".join(block.split()) for block in blocks]
    texts = [t for t in texts if t]
    out: list[Paragraph] = []
    for number, text in enumerate(texts, start=1):
        is_note = (
            note_allowed and number == len(texts) and text.startswith("(") and text.endswith(")")
        )
        opening = dateline(text) if number == 1 else None
        if opening is not None:  # "HARBOUR TOWN —" a sentence of its own, never an answer
            sentences = (opening, *split_sentences(text[len(opening) :]))
        else:
            sentences = tuple(split_sentences(text)) or (text,)
        out.append(Paragraph(number, text, sentences, is_note))
    return tuple(out)


def _blocks(lines: list[str]) -> list[str]:
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def _parse_seed(article_id: str, text: str) -> dict[str, object]:
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    date = None
    first = lines[0].strip()
    if first.endswith("|") or parse_date(first) is not None:
        date = parse_date(first)
        lines.pop(0)
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ValueError("no title: the file has a date line and nothing after it")
    title = " ".join(lines.pop(0).split())
    while lines and not lines[0].strip():
        lines.pop(0)
    author = None
    if lines:
        byline = re.fullmatch(r"\s*by\s+(.{2,120}?)\s*", lines[0], re.IGNORECASE)
        if byline:
            author = byline.group(1)
            lines.pop(0)
    paragraphs = _paragraphs(_blocks(lines), note_allowed=True)
    return {
        "title": title,
        "date": date,
        "author": author,
        "keywords": _place_keyword(paragraphs),
        "paragraphs": paragraphs,
    }


def _place_keyword(paragraphs: tuple[Paragraph, ...]) -> tuple[str, ...]:
    """The place of the dateline the first paragraph opens with, as a keyword: it is what
    every sentence of the article is about ("who is the mayor of Harbour Town")."""
    place = dateline_place(paragraphs[0].text) if paragraphs else None
    return (place,) if place else ()


_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$\r?\n?", re.S | re.M)
_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


_ESCAPED_RE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation
_PLACEHOLDER = 0xE000  # escaped characters wait in the private-use area while markup goes


def _strip_markdown(block: str) -> str | None:
    """Plain text of a Markdown block; None for blocks that are not prose (headings, code).
    Backslash escapes (``\\#``, ``\\*``) stand for the character itself."""
    if block.lstrip().startswith(("#", "```", "~~~", "<!--", "|")) or re.fullmatch(
        r"\s*([-*_])\s*(\1\s*){2,}", block
    ):
        return None
    block = _ESCAPED_RE.sub(lambda m: chr(_PLACEHOLDER + ord(m.group(1))), block)
    lines = [re.sub(r"^\s*(?:[-*+]|\d+[.)]|>)\s+", "", line) for line in block.splitlines()]
    text = " ".join(lines)
    text = _MD_LINK_RE.sub(r"\1", text)
    text = re.sub(r"(\*\*|__|`)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return re.sub("[\ue000-\ue07f]", lambda m: chr(ord(m.group()) - _PLACEHOLDER), text)


def _escape_markdown(text: str) -> str:
    """One paragraph as a Markdown block that reads back as exactly this text."""
    text = " ".join(text.split())
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    if re.match(r"[#|>+~<-]|\d+[.)](\s|$)", text):
        text = re.sub(r"^(\d*)(.)", r"\1\\\2", text)
    return text


def to_markdown(
    title: str,
    paragraphs: Iterable[str],
    *,
    author: str | None = None,
    date: dt.date | None = None,
    url: str | None = None,
    keywords: Iterable[str] = (),
    extra: dict[str, str] | None = None,
) -> str:
    """An article as a Markdown file with YAML front matter, which :func:`load_article`
    reads back with the same title, metadata and paragraphs."""
    meta: dict[str, object] = {"title": " ".join(title.split())}
    if author:
        meta["author"] = " ".join(author.split())
    if date is not None:
        meta["date"] = date.isoformat()
    if url:
        meta["url"] = url
    words = [" ".join(k.split()) for k in keywords if k.strip()]
    if words:
        meta["keywords"] = list(dict.fromkeys(words))
    meta.update(extra or {})
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000)
    body = "\n\n".join(_escape_markdown(p) for p in paragraphs if p.strip())
    return f"---\n{front}---\n\n{body}\n"


def content_digest(text: str) -> str:
    """The content hash an article file with this text gets (see :func:`load_article`)."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()[:16]


def _keyword_list(value: object, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
    elif isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        items = [str(v).strip() for v in value]
    else:
        raise ValueError(f"front matter '{key}' must be a list of words or a comma-separated text")
    return tuple(i for i in items if i)


def _optional_text(meta: dict[str, object], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise ValueError(f"front matter '{key}' must be text, not {type(value).__name__}")
    return str(value).strip() or None


def _parse_markdown(article_id: str, text: str) -> dict[str, object]:
    match = _FRONT_MATTER_RE.match(text)
    meta: dict[str, object] = {}
    body = text
    if match:
        try:
            loaded = load_yaml(match.group(1), first_line=2)
        except YamlError as exc:
            raise ValueError(f"broken front matter: {exc}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ValueError("front matter must be a mapping of keys to values")
        meta = {str(k).lower(): v for k, v in (loaded or {}).items()}
        body = text[match.end() :]
    elif text.startswith("---"):
        raise ValueError("broken front matter: the opening '---' has no closing '---'")
    blocks = _blocks(body.splitlines())
    title = _optional_text(meta, "title")
    if title is None and not match and blocks and blocks[0].startswith("# "):
        title = blocks.pop(0)[2:].strip()
    if not title:
        raise ValueError("no title: the front matter needs a 'title' key")
    date = None
    if meta.get("date") is not None:
        date = parse_date(meta["date"])
        if date is None:
            log.warning(
                "%s: front matter date %s is not a date; keeping the article undated",
                article_id,
                repr(meta["date"])[:60],
            )
    keywords = _keyword_list(meta.get("keywords"), "keywords") + _keyword_list(
        meta.get("tags"), "tags"
    )
    prose = [p for p in (_strip_markdown(b) for b in blocks) if p]
    paragraphs = _paragraphs(prose, note_allowed=False)
    return {
        "title": " ".join(title.split()),
        "date": date,
        "author": _optional_text(meta, "author"),
        "url": _optional_text(meta, "url"),
        "summary": _optional_text(meta, "summary"),
        "keywords": tuple(dict.fromkeys((*keywords, *_place_keyword(paragraphs)))),
        "paragraphs": paragraphs,
    }


def _bounded(article_id: str, fields: dict[str, object]) -> dict[str, object]:
    """The parsed fields with the metadata within its bounds, a warning for each cut."""
    out = dict(fields)
    for key, limit in MAX_CHARS.items():
        value = out.get(key)
        if isinstance(value, str) and len(value) > limit:
            log.warning(
                "%s: the %s is %s characters long; keeping the first %s",
                article_id,
                key,
                f"{len(value):,}",
                limit,
            )
            out[key] = _clip(value, limit)
    url = out.get("url")
    if isinstance(url, str) and len(url) > MAX_URL_CHARS:
        log.warning(
            "%s: the url is %s characters long (at most %s); keeping the article without it",
            article_id,
            f"{len(url):,}",
            f"{MAX_URL_CHARS:,}",
        )
        out["url"] = None
    keywords = out.get("keywords")
    if isinstance(keywords, tuple):
        out["keywords"] = _bounded_keywords(article_id, keywords)
    return out


def _bounded_keywords(article_id: str, keywords: tuple[str, ...]) -> tuple[str, ...]:
    kept = tuple(k for k in keywords if len(k) <= MAX_KEYWORD_CHARS)[:MAX_KEYWORDS]
    if len(kept) < len(keywords):
        log.warning(
            "%s: keeping %d of its %d keywords (at most %d, of at most %d characters each)",
            article_id,
            len(kept),
            len(keywords),
            MAX_KEYWORDS,
            MAX_KEYWORD_CHARS,
        )
    return kept


def _clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a space when there is one in its second
    half, with an ellipsis."""
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def read_text(path: Path, max_bytes: int) -> str:
    """The file's text, normalised, or ArticleError if it is not a regular file, too big,
    binary, empty or not UTF-8. Opened without blocking, so a FIFO put in its place is
    refused rather than waited on."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ArticleError(path, "is not a regular file")
            if info.st_size > max_bytes:
                limit = f"{info.st_size:,} bytes; the limit is {max_bytes:,}"
                raise ArticleError(path, f"too big ({limit})")
            raw = f.read(max_bytes + 1)
    except OSError as exc:
        raise ArticleError(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise ArticleError(path, f"too big (more than {max_bytes:,} bytes)")
    if b"\x00" in raw[:8192]:
        raise ArticleError(path, "looks like a binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            path, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None
    text = normalize(text)
    if not text.strip():
        raise ArticleError(path, "is empty")
    return text


def load_article(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Parse one article file; ArticleError says why it cannot be used."""
    text = read_text(path, max_bytes)
    try:
        if path.suffix.lower() in {".md", ".markdown"}:
            fields = _parse_markdown(path.stem, text)
        else:
            fields = _parse_seed(path.stem, text)
    except ValueError as exc:
        raise ArticleError(path, str(exc)) from None
    if not fields["paragraphs"]:
        raise ArticleError(path, "has a title but no text")
    fields = _bounded(path.stem, fields)
    return Article(id=path.stem, content_hash=content_digest(text), path=path, **fields)  # type: ignore[arg-type]


def is_article_file(path: Path) -> bool:
    """Whether a path in the corpus folder should be read as an article."""
    return _article_name(path.name)


def _article_name(name: str) -> bool:
    if name.startswith((".", "~", "#")) or name.endswith(("~", ".tmp", ".part", ".swp")):
        return False
    stem, dot, suffix = name.rpartition(".")
    return bool(stem) and f"{dot}{suffix}".lower() in ARTICLE_SUFFIXES


@dataclass(frozen=True)
class Listing:
    """The article files of a folder, one per id (its id, its path, its ``stat``), and a
    warning per file left out. Paths are text: a folder of a million files is listed at
    every start, and a ``Path`` each would cost more than the listing."""

    files: tuple[tuple[str, str, os.stat_result], ...]
    warnings: tuple[str, ...]


def list_articles(folder: Path, names: Iterable[str] | None = None) -> Listing:
    """The article files in ``folder`` (or only those of ``names`` in it) with their
    ``stat``; when two files have the same id (``a.txt`` and ``a.md``), the first by name is
    kept and the other is a warning."""
    if not folder.is_dir():
        raise CorpusError(f"the corpus folder {folder} does not exist or is not a folder")
    found: list[tuple[str, os.DirEntry[str] | Path]]
    if names is not None:
        found = sorted((n, folder / n) for n in set(names) if _article_name(n))
    else:
        try:
            with os.scandir(folder) as entries:
                found = sorted((e.name, e) for e in entries if _article_name(e.name))
        except OSError as exc:
            raise CorpusError(
                f"the corpus folder {folder} cannot be read ({exc.strerror})"
            ) from None
    files: list[tuple[str, str, os.stat_result]] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    home = folder.resolve()
    base = os.path.join(folder, "")
    for name, entry in found:
        try:
            info = entry.stat()
            linked = entry.is_symlink()
        except OSError:
            if (folder / name).is_symlink():
                warnings.append(f"skipped {name}: a link to something that does not exist")
            continue  # or removed while we looked
        if linked and not _inside(folder / name, home):
            warnings.append(f"skipped {name}: a link to a file outside the corpus folder")
            continue
        if not stat.S_ISREG(info.st_mode):
            warnings.append(f"skipped {name}: not a regular file (a folder, device or pipe)")
            continue
        article_id = name.rpartition(".")[0]
        if article_id in seen:
            warnings.append(f"skipped {name}: same id as {seen[article_id]}")
            continue
        seen[article_id] = name
        files.append((article_id, base + name, info))
    return Listing(tuple(files), tuple(warnings))


def _inside(path: Path, home: Path) -> bool:
    try:
        return path.resolve().is_relative_to(home)
    except (OSError, RuntimeError):  # a loop of links
        return False


@dataclass(frozen=True)
class LoadResult:
    """The articles that loaded and one warning per file that did not."""

    articles: tuple[Article, ...]
    warnings: tuple[str, ...]


def load_corpus(folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadResult:
    """Every article in ``folder``; unusable files become warnings, never exceptions."""
    listing = list_articles(folder)
    articles: list[Article] = []
    warnings = list(listing.warnings)
    for _, path, _ in listing.files:
        try:
            articles.append(load_article(Path(path), max_bytes))
        except ArticleError as exc:
            warnings.append(f"skipped {exc}")
    for warning in warnings:
        log.warning("%s", warning)
    return LoadResult(tuple(articles), tuple(warnings))
