"""The console commands: chat, ask, articles, summary, search, eval, run, announce, subscribers,
digest, add, poll and migrate.

``python -m bot`` with no command is the main job: the Telegram bot when TELEGRAM_BOT_TOKEN
is set, the console chat otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import random
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TextIO

from bot import render
from bot.config import Settings, load_settings
from bot.core.evaluate import Case, add_typos, evaluate, load_cases
from bot.errors import BotError
from bot.feeds import FeedReader, PollResult, add_page
from bot.library import Library
from bot.pages import Page
from bot.process import configure_logging, install_redaction, library_defaults, redact
from bot.service import Service, open_library
from bot.storage import FeedState, Storage
from bot.web import Fetcher

log = logging.getLogger("bot")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line and exits with status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


# The console embeds this many sentences before it answers (about 10 to 30 seconds); a
# larger corpus is embedded in the background while answers are lexical.
SYNC_SENTENCES = 4000


@contextmanager
def opened(settings: Settings, *, semantic: bool = True) -> Iterator[Library]:
    """The corpus the settings name, its index up to date; with ``semantic``, its sentences
    embedded now when that takes seconds, or in the background (with one line on stderr
    saying so) when it takes longer. The index and the vectors stay on disk for next time."""
    library = open_library(settings, semantic=semantic)
    stop = threading.Event()
    worker = None
    try:
        pending = library.pending_sentences()
        if pending and not library.read_only:
            if pending <= SYNC_SENTENCES:
                library.embed_pending(progress=_progress(pending))
            else:
                print(
                    f"note: answers are lexical until {pending:,} sentences are embedded; "
                    "that goes on in the background and is kept for next time",
                    file=sys.stderr,
                )
                worker = threading.Thread(
                    target=library.embed_pending, kwargs={"stop": stop}, daemon=True
                )
                worker.start()
        yield library
    finally:
        stop.set()
        if worker is not None:
            worker.join(timeout=30)
        library.close()


def _progress(total: int) -> Callable[[int, int], None]:
    """A progress line on stderr while sentences are embedded (redrawn on a terminal)."""
    tty = sys.stderr.isatty()
    if not tty:
        print(f"embedding {total:,} sentences (once; they are kept)", file=sys.stderr)

    def show(done: int, total: int) -> None:
        if tty:
            end = "\n" if done >= total else ""
            print(f"\rembedding sentences: {done:,}/{total:,}", end=end, file=sys.stderr)

    return show


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config)
    if getattr(args, "corpus", None) is not None:
        settings = settings.replace(**{"corpus.folder": args.corpus})
    return settings


def _print(text: str, out: TextIO) -> None:
    out.write(text + "\n")
    out.flush()


# -- commands -------------------------------------------------------------------------------


def cmd_ask(args: argparse.Namespace) -> int:
    with opened(_settings(args)) as library:
        questions = [args.question] if args.question else (line for line in sys.stdin)
        for question in questions:
            if not question.strip() and not args.json:
                continue
            # With --json every input line gets exactly one output line, a blank one a
            # refusal, so answers line up with questions.
            answer = library.engine.ask(question.strip())
            if args.json:
                _print(json.dumps(answer.to_dict(), ensure_ascii=False), sys.stdout)
            else:
                tail = "\n" if not args.question else ""
                _print(render.answer_text(answer) + tail, sys.stdout)
    return 0


CHAT_HELP = """Ask anything about the articles, in your own words.
Commands: /articles, /latest, /search WORDS, /summary ARTICLE, /help, /quit"""


def cmd_chat(args: argparse.Namespace) -> int:
    with opened(_settings(args)) as library:
        return _chat(library)


def _chat(library: Library) -> int:
    out = sys.stdout
    _print(f"{len(library.engine.articles)} articles loaded. {CHAT_HELP}", out)
    about: str | None = None
    while True:
        try:
            line = input("> " if sys.stdin.isatty() else "")
        except (EOFError, KeyboardInterrupt):
            _print("", out)
            return 0
        line = line.strip()
        if not line:
            continue
        command, _, rest = line.partition(" ")
        engine = library.engine  # a semantic one once the background embedding is done
        try:
            if command in ("/quit", "/exit"):
                return 0
            if command in ("/help", "/start"):
                _print(CHAT_HELP, out)
            elif command in ("/articles", "/latest"):
                limit = 1 if command == "/latest" else None
                for info in engine.latest(limit):
                    _print(render.article_line(info), out)
            elif command == "/search":
                hits = engine.search(rest)
                _print("\n".join(render.hit_text(h) for h in hits) or "No article matches.", out)
            elif command == "/summary":
                article = engine.find_article(rest)
                about = article.id
                _print(render.summary_text(article, engine.summary(article)), out)
            else:
                answer = engine.ask(line, about=about)
                about = answer.article or about
                _print(render.answer_text(answer), out)
        except BotError as exc:
            _print(str(exc), out)


def cmd_articles(args: argparse.Namespace) -> int:
    with opened(_settings(args), semantic=False) as library:
        for info in library.engine.latest():
            print(render.article_line(info))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    with opened(_settings(args), semantic=False) as library:
        engine = library.engine
        article = engine.find_article(" ".join(args.article))
        print(render.summary_text(article, engine.summary(article, args.sentences)))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with opened(_settings(args), semantic=False) as library:
        hits = library.engine.search(" ".join(args.query), limit=args.limit)
    if not hits:
        print("No article matches.")
        return 1
    for hit in hits:
        print(render.hit_text(hit))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    cases = load_cases(args.file)
    if args.typos:
        rng = random.Random(args.seed)
        cases = [
            Case(add_typos(c.question, rng, args.typos), c.expect, c.article, c.answerable)
            for c in cases
        ]
    settings = _settings(args)
    if args.reader is not None:
        settings = settings.replace(**{"answers.reader_model": args.reader})
    if args.reader_decides:
        settings = settings.replace(**{"answers.reader_decides": True})
    with opened(settings) as library:
        report = evaluate(library.engine, cases)
    for miss in report.misses[: args.show]:
        got = miss.answer.text if miss.answer.answered else "(refused)"
        top = miss.answer.citations[0].article if miss.answer.citations else "-"
        want = " | ".join(miss.case.expect) if miss.case.answerable else "(a refusal)"
        print(
            f"MISS {miss.case.question}\n  want: {want} [{miss.case.article or '-'}]\n"
            f"  got:  {got[:200]} [{top}]"
        )
    print(
        f"questions: {len(cases)}  answerable: {report.answerable}  "
        f"unanswerable: {report.unanswerable}"
    )
    print(f"P@1: {report.precision_at_1:.3f} ({report.correct}/{report.answerable})")
    if report.unanswerable:
        print(f"refusal rate: {report.refusal_rate:.3f} ({report.refused}/{report.unanswerable})")
    if report.marked:
        print(
            f"answer words marked: {report.marked}/{report.correct} of the right answers; "
            f"exact match {report.exact_match:.3f}, token F1 {report.token_f1:.3f}"
        )
    print(f"misses: {len(report.misses)}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if settings.token is None:
        raise BotError("TELEGRAM_BOT_TOKEN is not set; set it to the token @BotFather gave you")
    from bot.telegram.app import run_bot  # the Telegram edge loads only when it runs

    configure_logging(logging.INFO)  # progress of indexing and embedding
    run_bot(settings)
    return 0


def cmd_announce(args: argparse.Namespace) -> int:
    """Queue an article's announcement for every subscribed chat."""
    settings = _settings(args)
    if args.now and settings.token is None:
        raise BotError("TELEGRAM_BOT_TOKEN is not set; it is needed to send with --now")
    with Service.open(settings, semantic=False, owner=args.now) as service:
        article = service.engine.find_article(" ".join(args.article))
        count = service.storage.enqueue(article.id, article.content_hash)
        print(f"queued “{article.title}” ({article.id}) for {count} subscribed chats")
        if not args.now:
            print("the running bot delivers it within a few seconds (--now sends it from here)")
            return 0
        from bot.telegram.app import deliver_outbox  # the Telegram front loads only here

        sent = asyncio.run(deliver_outbox(service))
        print(f"sent {sent} messages; outbox: {service.storage.outbox_counts()}")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    """The articles of the last days, by day."""
    with Service.open(_settings(args), semantic=False) as service:
        items = [(info.date or dt.date.today(), info) for info in service.recent(args.days)]
        print(render.digest_text(render.digest_heading(args.days), items))
    return 0


def cmd_subscribers(args: argparse.Namespace) -> int:
    """List the subscriptions."""
    storage = Storage(_settings(args).storage.database)
    rows = storage.subscriptions()
    for sub in rows:
        state = "active" if sub.active else f"inactive ({sub.failures} failures)"
        topic = f" topic {sub.thread_id}" if sub.thread_id else ""
        how = sub.mode + (f" about {' '.join(sub.filters)}" if sub.filters else "")
        print(f"{sub.chat_id}{topic}\t{sub.kind}\t{state}\t{how}\t{sub.title or ''}")
    print(f"{sum(s.active for s in rows)} active of {len(rows)}")
    storage.close()
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Fetch a web page and add its article to the corpus folder."""
    settings = _settings(args)
    folder = settings.corpus.folder
    if not folder.is_dir():
        raise BotError(f"the corpus folder {folder} does not exist or is not a folder")

    async def fetch() -> tuple[Path, Page, bool]:
        async with Fetcher(settings.web.limits) as fetcher:
            return await add_page(args.url, folder, fetcher)

    path, page, new = asyncio.run(fetch())
    done = "added" if new else "updated"
    print(f"{done} “{page.title}” ({len(page.paragraphs)} paragraphs) as {path}")
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    """Poll every configured feed once and write what is new into the corpus folder."""
    settings = _settings(args)
    if not settings.corpus.feeds:
        raise BotError("no feeds are configured: list their URLs under corpus.feeds")
    storage = Storage(settings.storage.database)

    async def poll() -> list[PollResult | None]:
        async with Fetcher(settings.web.limits) as fetcher:
            reader = FeedReader(settings, storage, fetcher)
            return list(
                await asyncio.gather(*(reader.poll_logged(f) for f in settings.corpus.feeds))
            )

    try:
        results = asyncio.run(poll())
        for feed, result in zip(settings.corpus.feeds, results, strict=True):
            print(f"{feed.url}: {_polled(result, storage.feed_state(feed.url))}")
    finally:
        storage.close()
    return 0 if all(results) else 2


def _polled(result: PollResult | None, state: FeedState | None) -> str:
    if result is None:
        return f"failed: {state.error if state else 'see the log'}"
    if result.unchanged:
        return "unchanged since the last poll"
    kind = " (its back catalogue: not announced)" if result.catalogue else ""
    return f"{len(result.written)} new or changed articles written{kind}"


def cmd_migrate(args: argparse.Namespace) -> int:
    """Bring the database's schema up to date, and exit."""
    configure_logging(logging.INFO)  # one line per migration applied
    storage = Storage(_settings(args).storage.database)
    try:
        print(f"the database {storage.where} is at schema version {storage.schema_version}")
    finally:
        storage.close()
    return 0


def cmd_default(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if settings.token is None:
        print(
            "No TELEGRAM_BOT_TOKEN is set, so the bot runs here as a console chat.",
            file=sys.stderr,
        )
        return cmd_chat(args)
    return cmd_run(args)


# -- wiring ---------------------------------------------------------------------------------


def _count(most: int, least: int = 1) -> Callable[[str], int]:
    """An argparse type: a whole number from ``least`` to ``most``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not least <= value <= most:
            raise argparse.ArgumentTypeError(f"{value} is not between {least} and {most}")
        return value

    return parse


def _share(text: str) -> float:
    """An argparse type: a share from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:  # also false for nan
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    def common() -> _Parser:
        # A fresh copy for each parser (parents share their action objects), defaulting to
        # SUPPRESS so that an option given before the command survives the command's parser.
        options = _Parser(add_help=False)
        options.add_argument(
            "--config",
            type=Path,
            default=argparse.SUPPRESS,
            help="config file (default: config/bot.yaml)",
        )
        options.add_argument(
            "--corpus",
            type=Path,
            default=argparse.SUPPRESS,
            help="corpus folder (default: corpus.folder in the config)",
        )
        return options

    parser = _Parser(
        prog="python -m bot",
        parents=[common()],
        description="Answers questions about a folder of articles.",
    )
    parser.set_defaults(config=None, corpus=None)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common()], help=help_text, description=help_text)

    add("chat", "talk to the bot in the console").set_defaults(func=cmd_chat)
    p = add("ask", "answer a question, or one question per line from stdin")
    p.add_argument("question", nargs="?", help="the question (default: read stdin)")
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    p.set_defaults(func=cmd_ask)
    add("articles", "list the articles, newest first").set_defaults(func=cmd_articles)
    p = add("summary", "summarise an article (by id or title)")
    p.add_argument("article", nargs="+")
    p.add_argument("--sentences", type=_count(20), default=None, help="1 to 20")
    p.set_defaults(func=cmd_summary)
    p = add("search", "articles ranked for a query, with teasers")
    p.add_argument("query", nargs="+")
    p.add_argument("--limit", type=_count(1000), default=10, help="1 to 1000")
    p.set_defaults(func=cmd_search)
    p = add("eval", "P@1 and refusal rate on a question set")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--typos",
        type=_share,
        default=0.0,
        help="add one random edit to this share of words of 4+ letters",
    )
    p.add_argument("--seed", type=int, default=1, help="random seed for --typos")
    p.add_argument("--show", type=_count(100_000, 0), default=20, help="misses to print")
    p.add_argument(
        "--reader",
        default=None,
        help="the reader model for this run: default, none or a folder (default: the config's)",
    )
    p.add_argument(
        "--reader-decides",
        action="store_true",
        help="let the reader choose the sentence and refuse (answers.reader_decides)",
    )
    p.set_defaults(func=cmd_eval)
    add("run", "run the Telegram bot (needs TELEGRAM_BOT_TOKEN)").set_defaults(func=cmd_run)
    p = add("announce", "announce an article to every subscribed chat")
    p.add_argument("article", nargs="+", help="article id or title")
    p.add_argument(
        "--now",
        action="store_true",
        help="send from here instead of leaving it to the running bot",
    )
    p.set_defaults(func=cmd_announce)
    add("subscribers", "list the chats subscribed to announcements").set_defaults(
        func=cmd_subscribers
    )
    p = add("digest", "the articles of the last days, by day")
    p.add_argument("--days", type=_count(366), default=7, help="1 to 366 (default 7)")
    p.set_defaults(func=cmd_digest)
    p = add("add", "fetch a web page and add its article to the corpus folder")
    p.add_argument("url", help="the page's http or https address")
    p.set_defaults(func=cmd_add)
    add("poll", "poll every feed in corpus.feeds once").set_defaults(func=cmd_poll)
    add("migrate", "bring the database's schema up to date and exit").set_defaults(
        func=cmd_migrate
    )
    parser.set_defaults(func=cmd_default)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    library_defaults()
    configure_logging()
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    if token:  # before anything can log it
        install_redaction(token)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BotError as exc:
        print(redact(f"error: {exc}", token), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:  # a bug: its traceback helps, the token in it would not
        print(redact(traceback.format_exc(), token), file=sys.stderr)
        return 1
