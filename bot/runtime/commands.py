"""The bot's slash commands, in one table: each one's name, what it takes, what it does, and
where it is offered (a private chat, a group, a channel, the console chat).

Both fronts are built from it. Telegram registers a handler for each command it offers
(``bot.telegram.app``), sets its command menu and writes ``/help`` from the table; the
console chat (``bot.console.cli``) takes the commands it offers, lists them in its ``/help`` and
says of the others where they work. A command whose answer is the same plain text in every
front has a ``reply`` here, and is then whole in this file: ``/about`` is one.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.answer import Engine
from bot.core.text import STOP_WORDS, words

PRIVATE, GROUP, CHANNEL, CONSOLE = "private", "group", "channel", "console"
CHATS = frozenset({PRIVATE, GROUP})
EVERYWHERE = frozenset({PRIVATE, GROUP, CONSOLE})
ANNOUNCING = frozenset({PRIVATE, GROUP, CHANNEL})

Reply = Callable[[Engine, str], str]


@dataclass(frozen=True)
class Command:
    """One slash command."""

    name: str
    takes: str  # what may follow the name, as /help shows it: "WORDS", "[DAYS]"
    about: str  # one line: the command menu, and /help in either front
    where: frozenset[str]
    aliases: tuple[str, ...] = ()  # other names the console takes
    reply: Reply | None = None  # a plain-text answer, the same in every front
    elsewhere: str = ""  # for a command the console lacks: how it is used in Telegram

    @property
    def usage(self) -> str:
        return f"/{self.name} {self.takes}".strip()

    @property
    def in_telegram(self) -> bool:
        return bool(self.where & {PRIVATE, GROUP, CHANNEL})


# /about's text for each view of the index (its articles do not change under it).
_ABOUT: weakref.WeakKeyDictionary[object, str] = weakref.WeakKeyDictionary()


def about_the_articles(engine: Engine, _: str) -> str:
    """/about: what the articles are: how many, their span of dates, their authors, the
    newest, and the words their titles use most. Read once per view of the index."""
    found = _ABOUT.get(engine.view)
    if found is None:
        found = _ABOUT[engine.view] = _about(engine)
    return found


def _about(engine: Engine) -> str:
    infos = engine.articles
    if not infos:
        return "There are no articles yet."
    dates = sorted(i.date for i in infos if i.date is not None)
    authors = {i.author for i in infos if i.author}
    lines = [f"{len(infos)} article{'s' if len(infos) != 1 else ''}"]
    if dates:
        first, last = dates[0], dates[-1]
        span = f"{first:%-d %B %Y}" if first == last else f"{first:%-d %B %Y} to {last:%-d %B %Y}"
        lines[0] += f", dated {span}"
    if authors:
        lines[0] += f", by {len(authors)} author{'s' if len(authors) != 1 else ''}"
    lines[0] += "."
    newest = engine.latest(1)[0]
    lines.append(f"The newest: “{newest.title}”.")
    counted = Counter(
        w
        for i in infos
        for w in dict.fromkeys(words(i.title.lower()))
        if w not in STOP_WORDS and len(w) > 2 and not w.isdigit()
    )
    common = [w for w, n in counted.most_common(8) if n > 1]  # shared by titles
    if common:
        lines.append("They are most about: " + ", ".join(common) + ".")
    lines.append("Ask me anything about them, or /articles to list them.")
    return "\n".join(lines)


COMMANDS: tuple[Command, ...] = (
    Command("start", "", "start a conversation", CHATS),
    Command("ask", "QUESTION", "ask a question (in groups; or mention me, or reply)", EVERYWHERE),
    Command("search", "WORDS", "find articles about something", EVERYWHERE),
    Command("articles", "", "all articles, newest first", EVERYWHERE),
    Command("summary", "ARTICLE", "summarise an article, by id or title", EVERYWHERE),
    Command("latest", "", "the newest article", EVERYWHERE),
    Command("digest", "[DAYS]", "the articles of the last week (or DAYS days)", EVERYWHERE),
    Command("about", "", "what the articles are about", EVERYWHERE, reply=about_the_articles),
    Command(
        "subscribe",
        "[daily|weekly] [TOPICS]",
        "announce new articles here (each or a digest; all or those about the topics)",
        ANNOUNCING,
        elsewhere="in a chat with the bot, /subscribe [daily|weekly] [TOPICS] has new articles"
        " announced there",
    ),
    Command(
        "unsubscribe",
        "",
        "stop announcements here",
        ANNOUNCING,
        elsewhere="in a chat with the bot, /unsubscribe stops its announcements there",
    ),
    Command(
        "subscriptions",
        "",
        "this chat's announcements",
        ANNOUNCING,
        elsewhere="in a chat with the bot, /subscriptions shows what is announced there",
    ),
    Command(
        "timezone",
        "AREA/CITY",
        "when this chat's digests come",
        ANNOUNCING,
        elsewhere="in a chat with the bot, /timezone AREA/CITY sets when its digests come",
    ),
    Command(
        "insights",
        "[DAYS]",
        "what readers asked (group administrators)",
        CHATS,
        elsewhere="administrators of a group that gets the announcements send /insights there;"
        " here, `python -m bot insights` writes the full report",
    ),
    Command("help", "", "what I can do", EVERYWHERE, aliases=("start",)),
    Command("quit", "", "leave the chat (so does Ctrl-D)", frozenset({CONSOLE}), ("exit",)),
)
BY_NAME = {c.name: c for c in COMMANDS}


def offered(where: str) -> list[Command]:
    """The commands offered in ``where`` (PRIVATE, GROUP, CHANNEL or CONSOLE)."""
    return [c for c in COMMANDS if where in c.where]
