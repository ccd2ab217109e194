"""Answers and articles → text for a person: plain console text, or Telegram HTML.

Every piece of user or article text that goes into HTML is escaped here, and long HTML is
split below Telegram's limit at paragraph or sentence boundaries, never inside a tag or an
entity.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable

from bot.core.answer import Answer, ArticleHit, Citation
from bot.core.corpus import Article, ArticleInfo
from bot.runtime.commands import COMMANDS as COMMAND_TABLE
from bot.runtime.commands import GROUP, PRIVATE

TELEGRAM_LIMIT = 4096
NOT_FOUND = "I couldn't find that in the articles I have, so I won't guess."


def format_date(date: dt.date | None) -> str | None:
    return f"{date.day} {date:%B %Y}" if date else None


def _byline(
    title_part: str,
    author: str | None,
    date: dt.date | None,
    paragraph: int | None,
) -> str:
    parts = [title_part]
    if author:
        parts.append(f"by {author}")
    when = format_date(date)
    if when:
        parts.append(when)
    if paragraph:
        parts.append(f"paragraph {paragraph}")
    return ", ".join(parts)


# -- console ------------------------------------------------------------------------------


def citation_text(c: Citation) -> str:
    line = _byline(f"“{c.title}”", c.author, c.date, c.paragraph)
    return line + (f"\n  {c.url}" if c.url else "")


def answer_text(answer: Answer) -> str:
    """An answer as plain text for the console."""
    if not answer.answered:
        lines = [answer.text or NOT_FOUND]
        if answer.citations:
            lines.append("— " + citation_text(answer.citations[0]))
        if answer.kind == "which":
            lines.extend(f"  · {title}" for title in answer.suggestions)
        elif answer.suggestions:
            lines.append("Did you mean: " + "; ".join(answer.suggestions) + "?")
        return "\n".join(lines)
    lines = [_marked(answer, "**", "**", str), "", "— " + citation_text(answer.citations[0])]
    for more in answer.citations[1:]:
        lines.append("  also: " + _byline(f"“{more.title}”", None, None, more.paragraph))
    return "\n".join(lines)


def article_line(article: ArticleInfo) -> str:
    when = format_date(article.date) or "undated"
    return f"{article.id}  {when}  {article.title}" + (
        f" — {article.author}" if article.author else ""
    )


def hit_text(hit: ArticleHit) -> str:
    return f"{hit.article.title} ({hit.article.id})\n  {hit.teaser}"


def summary_text(article: Article, sentences: list[str]) -> str:
    head = _byline(f"“{article.title}”", article.author, article.date, None)
    return head + "\n\n" + " ".join(sentences) + (f"\n{article.url}" if article.url else "")


# -- Telegram HTML ------------------------------------------------------------------------


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def title_html(title: str, url: str | None) -> str:
    if url and re.match(r"https?://", url):
        return f'<a href="{html.escape(url, quote=True)}">{esc(title)}</a>'
    return f"<b>{esc(title)}</b>"


def citation_html(c: Citation) -> str:
    return "— " + esc_byline(title_html(c.title, c.url), c.author, c.date, c.paragraph)


def esc_byline(
    title_part: str, author: str | None, date: dt.date | None, paragraph: int | None
) -> str:
    return _byline(title_part, esc(author) if author else None, date, paragraph)


def answer_html(answer: Answer) -> str:
    """An answer as Telegram HTML: the answer, then its citation."""
    if not answer.answered:
        text = esc(answer.text or NOT_FOUND)
        if answer.citations:
            text += "\n" + citation_html(answer.citations[0])
        if answer.suggestions and answer.kind != "which":  # an ask-back's buttons are titles
            text += "\n\nPerhaps one of these?"
        return text
    return f"{_marked(answer, '<b>', '</b>', esc)}\n\n{citation_html(answer.citations[0])}"


def _marked(answer: Answer, opening: str, closing: str, escape: Callable[[str], str]) -> str:
    """The answer's text with its own words (the span the reader marked) set in bold."""
    text = answer.text
    if answer.span is None:
        return escape(text)
    lo, hi = answer.span
    return escape(text[:lo]) + opening + escape(text[lo:hi]) + closing + escape(text[hi:])


def summary_html(article: Article, sentences: list[str]) -> str:
    head = esc_byline(title_html(article.title, article.url), article.author, article.date, None)
    return f"{head}\n\n{esc(' '.join(sentences))}"


def paragraph_html(article: Article, number: int) -> str:
    para = article.paragraph(number)
    head = esc_byline(title_html(article.title, article.url), article.author, article.date, number)
    return f"{head}\n\n{esc(para.text)}"


def hits_html(hits: list[ArticleHit], heading: str) -> str:
    lines = [f"<b>{esc(heading)}</b>"]
    for hit in hits:
        a = hit.article
        when = format_date(a.date)
        lines.append(f"\n• {title_html(a.title, a.url)}" + (f" ({when})" if when else ""))
        lines.append(
            f"  {esc(hit.teaser)}  /summary_{a.id}"
            if _COMMAND_SAFE.fullmatch(a.id)
            else f"  {esc(hit.teaser)}"
        )
    return "\n".join(lines)


_COMMAND_SAFE = re.compile(r"[A-Za-z0-9_]{1,60}")


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split HTML into chunks of at most ``limit`` characters, at paragraph breaks, then line
    breaks, then sentence ends, then spaces, and never inside a tag or an entity. A tag that
    is open at a cut is closed before it and opened again after it; a tag too long for that
    (over a quarter of ``limit``: a link to an enormous address) is left out with its closing
    tag, and the text it held is kept."""
    chunks: list[str] = []
    rest = _without_long_tags(text, limit // 4) if len(text) > limit else text
    floor = 0  # the tags opened again at the head of ``rest``: a cut must get past them
    while len(rest) > limit:
        cut = _cut_point(rest, limit - 64, floor)  # room to close the open tags
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        opened = _open_tags(head)
        head += "".join(f"</{name}>" for name, _ in reversed(opened))
        reopened = "".join(tag for _, tag in opened)
        rest, floor = reopened + rest, len(reopened)
        chunks.append(head)
    if rest.strip():
        chunks.append(rest)
    return chunks


def _without_long_tags(text: str, longest: int) -> str:
    """``text`` without the tags (with attributes) longer than ``longest`` and their closing
    tags; what they enclosed stays."""

    def keep(m: re.Match[str]) -> str:
        return m.group(0) if len(m.group(1)) <= longest else m.group(3)

    return re.sub(r"(<([a-zA-Z-]+)\s[^>]*>)(.*?)</\2>", keep, text, flags=re.S)


def _cut_point(text: str, limit: int, floor: int = 0) -> int:
    window = text[:limit]
    safe = _safe_positions(text, limit)
    for pattern in (r"\n\n", r"\n", r"(?<=[.!?…])\s", r"\s"):
        points = [m.end() for m in re.finditer(pattern, window) if m.end() in safe]
        if points and points[-1] > max(limit // 4, floor):
            return points[-1]
    return max((p for p in safe if p > floor), default=limit)


_PIECE = re.compile(r"<[^>]*>|&[#\w]+;")  # what a cut must not fall inside


def _safe_positions(text: str, limit: int) -> set[int]:
    """The offsets up to ``limit`` at which the text may be cut: outside tags and entities,
    including one that starts before ``limit`` and ends after it."""
    unsafe: set[int] = set()
    for m in _PIECE.finditer(text):
        if m.start() >= limit:
            break
        unsafe.update(range(m.start() + 1, m.end()))
    return set(range(min(limit, len(text)) + 1)) - unsafe


def _open_tags(text: str) -> list[tuple[str, str]]:
    stack: list[tuple[str, str]] = []
    for m in re.finditer(r"<(/?)([a-zA-Z-]+)[^>]*>", text):
        closing, name = m.group(1), m.group(2).lower()
        if closing:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    del stack[i]
                    break
        else:
            stack.append((name, m.group(0)))
    return stack


# -- what the Telegram front says --------------------------------------------------------------

HELP_INTRO = (
    "Ask me anything about the articles I hold, in your own words; typos are fine. "
    "I answer with the sentence that says it and where it comes from, and I say so when the "
    "articles don't hold the answer."
)
HELP = "\n\n".join(
    [
        HELP_INTRO,
        "\n".join(
            f"{c.usage}: {c.about}"
            for c in COMMAND_TABLE
            if c.where & {PRIVATE, GROUP} and c.name != "start"
        ),
        "Follow-ups work: after an answer, ask “who wrote it?”, “summarize it” or “tell me more”.",
    ]
)
DESCRIPTION = (
    "I answer questions about a collection of articles, quoting the sentence that answers "
    "and citing where it comes from. I never guess: if the articles don't say, I tell you."
)
# Telegram's command menu
COMMANDS = [
    (c.name, c.about)
    for c in COMMAND_TABLE
    if c.where & {PRIVATE, GROUP} and c.name not in ("start",)
]
EXPIRED = "This button has expired. Ask me again?"
FLOOD_NOTICE = "You're asking faster than I can keep up. Give me a minute, then ask again."
APOLOGY = "Sorry, something went wrong on my side. Please try again."
ASK_HINT = "Ask me a question about the articles, e.g. <i>who wrote the latest article?</i>"
SEARCH_HINT = "What should I look for? For example: <code>/search logistics</code>"
WHICH_ARTICLE = "Which article? Give its title or id; /articles lists them."
NO_ARTICLES = "There are no articles yet."
ADMIN_ONLY = "Only this chat's administrators can change its announcements."
INSIGHTS_OFF = "Insights are off on this bot: its operator has not turned them on."
ADMINS_ONLY_INSIGHTS = "Only this group's administrators can see what readers asked."
INSIGHTS_WHERE = (
    "Ask /insights in a group that gets my announcements, as one of its administrators."
)
NOT_SUBSCRIBED = "This chat gets no announcements. /subscribe to get them."
TIMEZONE_HINT = (
    "Which time zone? For example: <code>/timezone Europe/Oslo</code> (digests come at the "
    "configured hour of that zone)."
)
DIGEST_HINT = "How many days? For example: <code>/digest 30</code> (1 to 36500)."
UNSUBSCRIBED = "Unsubscribed: no more announcements here."
WAS_NOT_SUBSCRIBED = "This chat was not subscribed."
LABELS = {
    "summary": "Summary",
    "source": "Source",
    "more": "More answers",
    "prev": "‹ Prev",
    "next": "Next ›",
    "open": "Ask me about it",
    "longer": "Longer summary",
}


def kept_note(keep_days: int | None) -> str:
    """What /help says when the insights are on (``keep_days``); nothing when off."""
    if keep_days is None:
        return ""
    return (
        f"\n\nThe questions asked here are kept for {keep_days} days, with whether I could "
        "answer them, so that whoever runs me sees what readers want to know; who asked is "
        "not kept. Administrators of a group that gets my announcements: /insights shows "
        "what readers asked."
    )


def hello_html(keep_days: int | None = None) -> str:
    return "Hello! " + esc(HELP + kept_note(keep_days))


def help_html(keep_days: int | None = None) -> str:
    return esc(HELP + kept_note(keep_days))


def timezone_html(name: str, known: bool) -> str:
    if not known:
        return f"“{esc(name)}” is not a time zone I know; try one like Europe/Oslo or UTC."
    return f"Digests here now follow {esc(name)} time."


def more_answers_html(citations: list[Citation]) -> str:
    return "More answers:\n\n" + "\n\n".join(
        f"{esc(c.quote)}\n{citation_html(c)}" for c in citations
    )


def no_match_html(query: str) -> str:
    return f"No article matches “{esc(query)}”."


def articles_heading(page: int, pages: int, count: int) -> str:
    return f"Articles, newest first ({page + 1}/{pages})" if count else "No articles yet."


def search_heading(query: str, page: int, pages: int) -> str:
    return f"Articles for “{query}” ({page + 1}/{pages})"


def announcement_html(article: Article, summary: list[str]) -> str:
    """A new article's announcement: title (a link when it has a url), date, author and
    summary, within one message."""
    head = esc_byline(title_html(article.title, article.url), article.author, article.date, None)
    return split_html(f"📰 New article\n{head}\n\n{esc(' '.join(summary))}")[0]


def inline_answer_html(question: str, answer: Answer) -> str:
    return f"<b>Q:</b> {esc(question)}\n\n{answer_html(answer)}"


def inline_answer_title(answer: Answer) -> tuple[str, str]:
    """The title and description of an answer offered in inline mode."""
    top = answer.citations[0]
    return answer.text[:100], f"{top.title} · paragraph {top.paragraph}"[:200]


# -- digests ------------------------------------------------------------------------------------


def _by_day(items: list[tuple[dt.date, ArticleInfo]]) -> list[tuple[dt.date, list[ArticleInfo]]]:
    days: dict[dt.date, list[ArticleInfo]] = {}
    for day, info in sorted(items, key=lambda di: di[0], reverse=True):
        days.setdefault(day, []).append(info)
    return list(days.items())


MAX_DIGEST_DAYS = 36_500  # a digest may go back a century: any corpus's span


def nothing_recent(days: int, newest: ArticleInfo | None, count: int) -> str:
    """What a digest of ``days`` days with nothing in it says (plain text): how old the
    newest of the ``count`` articles is (``newest``: the latest, dated if any is)."""
    span = "today" if days == 1 else f"in the last {days:,} days"
    if newest is None or count == 0:
        return f"No articles {span}; there are no articles yet."
    if newest.date is None:
        many = "the article" if count == 1 else f"the {count:,} articles"
        return f"No articles {span}; none of {many} has a date."
    return f"No articles {span}; the newest is from {format_date(newest.date)}."


def digest_html(heading: str, items: list[tuple[dt.date, ArticleInfo]]) -> str:
    """A digest: titles as links with a one-line teaser, grouped by day, newest first."""
    if not items:
        return f"<b>{esc(heading)}</b>\n\nNo new articles."
    lines = [f"<b>{esc(heading)}</b>"]
    for day, infos in _by_day(items):
        lines.append(f"\n<b>{day:%A} {day.day} {day:%B}</b>")
        for info in infos:
            lines.append(f"• {title_html(info.title, info.url)} — {esc(info.teaser)}")
    return "\n".join(lines)


def digest_text(heading: str, items: list[tuple[dt.date, ArticleInfo]]) -> str:
    """A digest for the console: grouped by day, newest first, a day of another year than
    this one with its year (the console's digest may go back any number of years)."""
    if not items:
        return f"{heading}\n\nNo new articles."
    lines = [heading]
    this_year = dt.date.today().year
    for day, infos in _by_day(items):
        year = f" {day.year}" if day.year != this_year else ""
        lines.append(f"\n{day:%A} {day.day} {day:%B}{year}")
        lines += [f"• {info.title} ({info.id}) — {info.teaser}" for info in infos]
    return "\n".join(lines)


def digest_heading(days: int) -> str:
    return "New articles today" if days == 1 else f"New articles of the last {days} days"


def period_heading(mode: str) -> str:
    return {"daily": "Your daily digest", "weekly": "Your weekly digest"}.get(mode, "Digest")


def subscribed_html(
    state: str, topic: bool, mode: str = "each", topics: tuple[str, ...] = ()
) -> str:
    """What /subscribe says (``state``: added, changed or same): how, and about what."""
    where = "this topic" if topic else "this chat"
    how = {
        "each": "new articles will be announced",
        "daily": "a daily digest of new articles will be sent",
        "weekly": "a weekly digest of new articles will be sent",
    }[mode]
    about = f" about {', '.join(topics)}" if topics else ""
    if state == "same":
        return esc(f"{where.capitalize()} is already subscribed: {how} here{about}.")
    lead = "Subscribed" if state == "added" else "Changed"
    return esc(f"{lead}: {how} in {where}{about}.")


def subscriptions_state_html(rows: list[tuple[int, str, tuple[str, ...]]], timezone: str) -> str:
    """A chat's subscriptions: per forum topic (0 for the chat), how and about what."""
    lines = ["New articles are announced here:"]
    for thread, mode, topics in rows:
        where = f"topic {thread}" if thread else "this chat"
        how = {"each": "each new article", "daily": "a daily digest", "weekly": "a weekly digest"}
        about = f" about {', '.join(topics)}" if topics else " (all articles)"
        lines.append(f"• {where}: {how.get(mode, mode)}{about}")
    lines.append(f"Time zone for digests: {timezone}")
    return esc("\n".join(lines))
