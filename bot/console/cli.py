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

from tqdm import tqdm

from bot.core.answer import Engine
from bot.core.dense import model_files
from bot.core.errors import BotError, CorpusError
from bot.core.evaluate import Case, add_typos, evaluate, load_cases
from bot.runtime import insights, operations, render
from bot.runtime.background import Runtime, running_beside
from bot.runtime.commands import BY_NAME, COMMANDS, CONSOLE, offered
from bot.runtime.config import Settings, load_settings
from bot.runtime.library import Library
from bot.runtime.operations import plural
from bot.runtime.process import (
    configure_logging,
    embedder,
    install_redaction,
    library_defaults,
    reader,
    redact,
)
from bot.runtime.service import Service, open_library

log = logging.getLogger("bot")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line and exits with status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


# The console embeds this many sentences before it answers (about 10 to 30 seconds); a
# larger corpus is embedded in the background while answers are lexical.
SYNC_SENTENCES = 4000
# A console command beside another process that owns the index lists the folder for files
# that process has not indexed yet where the index holds at most this many articles: 10,000
# files list in about 0.15 s here (a million would take some 15 s).
LISTED_FILES = 20_000
# MiniLM int8 on one thread here, as `bot index` runs it: about 4,200 tokens a second
# (bench.indexing), some 38 tokens a sentence
SECONDS_PER_SENTENCE = 0.009
DIGEST_DAYS = 7
MAX_DAYS = render.MAX_DIGEST_DAYS


@contextmanager
def opened(settings: Settings, *, semantic: bool = True, whole: bool = False) -> Iterator[Library]:
    """The corpus the settings name, its index up to date; with ``semantic``, its sentences
    embedded now when that takes seconds. A command that ends before more could be embedded
    (``ask``, ``eval``) starts no embedding it cannot finish: it answers lexically and says
    once that ``python -m bot index`` embeds the rest. The index and the vectors stay on
    disk for next time.

    Where another process owns the index (a running bot, another command on the same
    corpus) it is read as that process has it so far, and what it has still to index or
    embed is said once; with ``whole`` (``eval``: figures of part of a corpus mislead) that
    is an error instead."""
    library = open_library(settings, semantic=False)
    try:
        left = _load_models(library, settings) if semantic else 0
        if library.read_only:  # the owner embeds, not this command: say what it lacks
            _say_unfinished(library, whole=whole, unloaded=left)
            left = 0
        else:
            left = left or _embed_small(library)
        if left:
            threads = _cores()  # what `bot index` uses
            minutes = max(1, round(left * SECONDS_PER_SENTENCE / threads / 60))
            print(
                f"note: {left:,} sentences have no vectors yet, so their articles are answered"
                f" by words alone; `python -m bot index` embeds them (about {minutes} min on"
                f" {threads} thread{'s' if threads != 1 else ''}) and keeps them for every"
                " later run",
                file=sys.stderr,
            )
        yield library
    finally:
        library.close()


def _say_unfinished(library: Library, *, whole: bool, unloaded: int = 0) -> None:
    """Say what the process that owns the index has not yet indexed or embedded (nothing
    when it is done): on stderr, or as an error with ``whole``. ``unloaded`` counts the
    sentences of an index none of whose vectors are kept yet (the model was not even
    loaded, ``_load_models``). The folder is listed for
    files not yet indexed only for ``whole`` or where the index holds at most LISTED_FILES
    articles (a bot building its index holds few yet): a question put beside a running bot
    on a large archive does not wait for its folder's listing."""
    listed = whole or library.index.view.article_count <= LISTED_FILES
    files, sentences = library.unfinished(files=listed)
    sentences = max(sentences, unloaded)
    if not files and not sentences:
        return
    parts = []
    if files:
        parts.append(f"index {plural(files, 'file')}")
    if sentences:
        parts.append(f"embed {plural(sentences, 'sentence')}")
    todo = " and ".join(parts)
    what = f"another process keeps the index of {library.folder} and has still to {todo}"
    if whole:
        raise CorpusError(
            f"{what}, so figures now would be of part of the corpus; run this again when it "
            "has finished (or give this command a storage path of its own in its config)"
        )
    print(
        f"note: {what}; until it has, answers come from what it holds so far"
        + (" (those sentences by words alone)" if sentences else ""),
        file=sys.stderr,
    )


def _cores() -> int:
    """Every core this process may use: what ``bot index`` runs the model on by default."""
    return len(os.sched_getaffinity(0))


def _load_models(library: Library, settings: Settings) -> int:
    """Load the models the answers can use now. The embedding model only when the vectors
    can be had: the sentences are few enough to embed at once, or some are embedded
    already (``python -m bot index``); else it is not even loaded (a large folder no one
    has embedded answers by words, at a fraction of the memory), and the number of its
    sentences is returned."""
    answers = settings.answers
    files = model_files(answers.embedding_model)
    sentences = library.index.view.sentence_count
    usable = files is not None and (sentences <= SYNC_SENTENCES or library.has_vectors(files.id))
    threads = answers.embedding_threads
    library.use_models(
        embedder(answers.embedding_model, threads) if usable else None,
        reader(answers.reader_model, threads, answers.span_reader, answers.answer_gate),
    )
    return sentences if files is not None and not usable else 0


def _embed_small(library: Library) -> int:
    """Embed the sentences not embedded yet now, when that takes seconds; else leave them,
    and return how many there are."""
    pending = library.pending_sentences()
    if not pending or library.read_only:
        return 0
    if pending <= SYNC_SENTENCES:
        library.embed_pending(progress=_progress(pending))
        return 0
    return pending


def _progress(total: int) -> Callable[[int, int], None]:
    """A progress line on stderr while sentences are embedded (redrawn on a terminal)."""
    tty = sys.stderr.isatty()
    if not tty:
        print(f"embedding {plural(total, 'sentence')} (once; they are kept)", file=sys.stderr)

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


def cmd_chat(args: argparse.Namespace) -> int:
    """The console chat, with the runtime beside it (as the Telegram bot has): new and
    changed files are picked up and the feeds polled while it runs."""
    with Service.open(_settings(args)) as service:
        left = _embed_small(service.library)
        if left:  # the chat's runtime embeds them while it runs
            print(
                f"note: {left:,} sentences are not embedded yet; that goes on in the"
                " background, the newest articles first, and is kept for next time (each"
                " article's answers use meaning once its sentences are done)",
                file=sys.stderr,
            )
        with running_beside(Runtime(service)):
            return Chat(service, sys.stdout).run()


class Chat:
    """The console chat: a line that starts with "/" is a command (bot.runtime.commands), any other
    line a question."""

    def __init__(self, service: Service, out: TextIO) -> None:
        self.service = service
        self.library = service.library
        self.out = out
        self.about: str | None = None  # the article follow-ups are about
        self.done = False

    @property
    def engine(self) -> Engine:
        return self.library.engine  # a semantic one once the background embedding is done

    def run(self) -> int:
        """Take lines from stdin until /quit or its end."""
        self.say(self.welcome())
        while not self.done:
            try:
                line = input("> " if sys.stdin.isatty() else "")
            except (EOFError, KeyboardInterrupt):
                self.say("")
                break
            try:
                self.take(line.strip())
            except BotError as exc:
                self.say(str(exc))
        return 0

    def say(self, text: str) -> None:
        _print(text, self.out)

    def welcome(self) -> str:
        count = plural(self.engine.view.article_count, "article")
        return f"{count} loaded. Ask anything about them in your own words; /help lists commands."

    def take(self, line: str) -> None:
        """Answer one line: run its command, or answer its question."""
        if not line:
            return
        if not line.startswith("/"):
            self.ask(line)
            return
        name, *rest = line.split(maxsplit=1)
        name = name.lower().lstrip("/")
        command = next((c for c in CONSOLE_COMMANDS if name in (c.name, *c.aliases)), None)
        known = BY_NAME.get(name)
        if command is not None:
            if command.reply is not None:
                self.say(command.reply(self.engine, rest[0] if rest else ""))
            else:
                CHAT_HANDLERS[command.name](self, rest[0] if rest else "")
        elif known is not None:
            self.say(f"/{name} works only in Telegram: {known.elsewhere}.")
        else:
            self.say(f"Unknown command /{name}; /help lists the commands.")

    def ask(self, question: str) -> None:
        if not question:
            self.say("What is the question? For example: /ask who wrote the latest article")
            return
        answer = self.engine.ask(question, about=self.about)
        self.about = answer.article or self.about
        self.say(render.answer_text(answer))

    def help(self, _: str) -> None:
        self.say(CHAT_HELP)

    def quit(self, _: str) -> None:
        self.done = True

    def articles(self, _: str) -> None:
        self.say("\n".join(map(render.article_line, self.engine.latest())) or render.NO_ARTICLES)

    def latest(self, _: str) -> None:
        self.say("\n".join(map(render.article_line, self.engine.latest(1))) or render.NO_ARTICLES)

    def search(self, words: str) -> None:
        if not words:
            self.say("What should I look for? For example: /search logistics")
            return
        hits = self.engine.search(words)
        self.say("\n".join(render.hit_text(h) for h in hits) or "No article matches.")

    def summary(self, wanted: str) -> None:
        """/summary ARTICLE (id or title); without one, the last answer's article, or the
        only article there is."""
        if wanted:
            article = self.engine.find_article(wanted)
        elif (found := self.engine.article_at_hand(self.about)) is not None:
            article = found
        else:
            self.say(render.WHICH_ARTICLE)
            return
        self.about = article.id
        self.say(render.summary_text(article, self.engine.summary(article)))

    def digest(self, wanted: str) -> None:
        try:
            days = _count(MAX_DAYS)(wanted or str(DIGEST_DAYS))
        except argparse.ArgumentTypeError as exc:
            self.say(f"{exc}; for example: /digest 30 (1 to {MAX_DAYS} days)")
            return
        self.say(_digest_text(self.service, days))


# The console's own handler of each command bot.runtime.commands offers it without a
# plain-text reply.
CHAT_HANDLERS: dict[str, Callable[[Chat, str], None]] = {
    "ask": Chat.ask,
    "search": Chat.search,
    "articles": Chat.articles,
    "latest": Chat.latest,
    "summary": Chat.summary,
    "digest": Chat.digest,
    "help": Chat.help,
    "quit": Chat.quit,
}
CONSOLE_COMMANDS = offered(CONSOLE)
_WIDTH = max(len(c.usage) for c in CONSOLE_COMMANDS) + 2
CHAT_HELP = "\n".join(
    [
        "Ask anything about the articles in your own words; follow-ups such as “who wrote it?”"
        " or “tell me more” work too.",
        "Commands:",
        *(f"  {c.usage:<{_WIDTH}}{c.about}" for c in CONSOLE_COMMANDS),
        "Only in Telegram: "
        + ", ".join(f"/{c.name}" for c in COMMANDS if c.elsewhere and CONSOLE not in c.where)
        + ".",
    ]
)


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
    with opened(settings, whole=True) as library:
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
    print(
        f"citations beside the answers: {report.further}, {report.further_holding} of them "
        "holding an expected answer beside a right one"
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
        print(f"queued “{article.title}” ({article.id}) for {plural(count, 'subscribed chat')}")
        if not args.now:
            print("the running bot delivers it within a few seconds (--now sends it from here)")
            return 0
        from bot.telegram.app import deliver_outbox  # the Telegram front loads only here

        sent = asyncio.run(deliver_outbox(service))
        print(f"sent {plural(sent, 'message')}; outbox: {service.storage.outbox_counts()}")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    """The articles of the last days, by day."""
    with Service.open(_settings(args), semantic=False) as service:
        print(_digest_text(service, args.days))
    return 0


def _digest_text(service: Service, days: int) -> str:
    """The articles of the last ``days`` days, by day; or, when there are none, a sentence
    saying so and how old the newest article is."""
    recent = service.recent(days)
    if not recent:
        return service.nothing_recent(days)
    items = [(info.date or dt.date.today(), info) for info in recent]
    return render.digest_text(render.digest_heading(days), items)


def cmd_subscribers(args: argparse.Namespace) -> int:
    """List the subscriptions."""
    with operations.storage_of(_settings(args)) as storage:
        rows = storage.subscriptions()
    for sub in rows:
        state = "active" if sub.active else f"inactive ({sub.failures} failures)"
        topic = f" topic {sub.thread_id}" if sub.thread_id else ""
        how = sub.mode + (f" about {' '.join(sub.filters)}" if sub.filters else "")
        print(f"{sub.chat_id}{topic}\t{sub.kind}\t{state}\t{how}\t{sub.title or ''}")
    print(f"{sum(s.active for s in rows)} active of {len(rows)}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Fetch a web page and add its article to the corpus folder."""
    added = operations.add(_settings(args), args.url)
    what = f"“{added.title}” ({plural(added.paragraphs, 'paragraph')})"
    if added.outcome == "added":
        print(f"added {what} as {added.path}")
    elif added.outcome == "unchanged":
        print(f"unchanged: {added.path} already holds {what}")
    else:
        print(f"updated {what} in {added.path}")
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    """Poll every configured feed and sitemap once; write what is new into the folder."""
    polled = operations.poll_once(_settings(args))
    for url, outcome, _ in polled:
        print(f"{url}: {outcome}")
    return 0 if all(ok for _, _, ok in polled) else 2


def cmd_insights(args: argparse.Namespace) -> int:
    """What the readers asked: the report written, its short text printed."""
    settings = _settings(args)
    summary = insights.write_report(settings, args.days, args.output)
    print(summary)
    print(f"The report: {args.output}")
    if not settings.insights.enabled:
        print("(insights.enabled is false: no question is being kept)")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Bring the database's schema up to date, and exit."""
    configure_logging(logging.INFO)  # one line per migration applied
    with operations.storage_of(_settings(args)) as storage:
        print(f"the database {storage.where} is at schema version {storage.schema_version}")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    """Bring the index and every sentence's vector up to date, ahead of time: a progress bar
    (sentences a second, the time left) on stderr; Ctrl-C stops it with what is done kept,
    and the next run carries on from there."""
    settings = _settings(args)
    threads = args.threads or _cores()
    settings = settings.replace(**{"answers.embedding_threads": threads})
    library = open_library(settings, semantic=True)
    stop = threading.Event()
    try:
        pending = library.pending_sentences()
        indexed = plural(library.engine.view.article_count, "article")
        if library.embedder is None:
            print(f"{indexed} indexed (no embedding model)")
            return 0
        if library.read_only:
            raise BotError("another process keeps this index (a running bot embeds it itself)")
        with tqdm(total=pending, unit=" sentences", disable=not pending) as bar:

            def progress(done: int, _: int) -> None:
                bar.update(done - bar.n)

            try:
                finished = library.embed_pending(progress=progress, stop=stop, save_every=30.0)
            except KeyboardInterrupt:
                stop.set()
                finished = False
    finally:
        library.close()
    if not finished:
        print("stopped; what was embedded is kept, and the next run carries on", file=sys.stderr)
        return 130
    print(f"{indexed} indexed, every sentence embedded")
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
    sub = parser.add_subparsers(
        dest="command",
        parser_class=_Parser,
        metavar="COMMAND",
        help="what to do (default: the Telegram bot when TELEGRAM_BOT_TOKEN is set, else chat)",
    )

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common()], help=help_text, description=help_text)

    add("chat", "talk to the bot in the console").set_defaults(func=cmd_chat)
    p = add("index", "build the index and embed every sentence now, with a progress bar")
    p.add_argument(
        "--threads",
        type=_count(64),
        default=None,
        help="threads the model runs on: 1 to 64 (default: every core)",
    )
    p.set_defaults(func=cmd_index)
    p = add("ask", "answer a question, or one question per line from stdin")
    p.add_argument("question", nargs="?", help="the question (default: read stdin)")
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    p.set_defaults(func=cmd_ask)
    add("articles", "list the articles, newest first").set_defaults(func=cmd_articles)
    p = add("summary", "summarise an article (by id or title)")
    p.add_argument("article", nargs="+", help="the article's id, or words of its title")
    p.add_argument(
        "--sentences",
        type=_count(20),
        default=None,
        help="how long the summary is: 1 to 20 sentences (default: answers.summary_sentences)",
    )
    p.set_defaults(func=cmd_summary)
    p = add("search", "articles ranked for a query, with teasers")
    p.add_argument("query", nargs="+", help="the words to look for")
    p.add_argument(
        "--limit",
        type=_count(1000),
        default=10,
        help="the most articles shown: 1 to 1000 (default 10)",
    )
    p.set_defaults(func=cmd_search)
    p = add("eval", "P@1 and refusal rate on a question set")
    p.add_argument(
        "file",
        type=Path,
        help="the question set: a YAML list of {q, expect, article} or {q, answered: false}",
    )
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
    p.add_argument(
        "--days",
        type=_count(MAX_DAYS),
        default=DIGEST_DAYS,
        help=f"how many days back, today included: 1 to {MAX_DAYS} (default {DIGEST_DAYS})",
    )
    p.set_defaults(func=cmd_digest)
    p = add("add", "fetch a web page and add its article to the corpus folder")
    p.add_argument("url", help="the page's http or https address")
    p.set_defaults(func=cmd_add)
    add("poll", "poll every feed and sitemap (corpus.feeds, corpus.sitemaps) once").set_defaults(
        func=cmd_poll
    )
    add("migrate", "bring the database's schema up to date and exit").set_defaults(
        func=cmd_migrate
    )
    p = add("insights", "what the readers asked: an HTML report, and its short text")
    p.add_argument(
        "--days", type=_count(3650), default=30, help="how many days back: 1 to 3650 (default 30)"
    )
    p.add_argument(
        "--output",
        type=Path,
        default=Path("insights.html"),
        help="the HTML file to write (default: insights.html in the current folder)",
    )
    p.set_defaults(func=cmd_insights)
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
