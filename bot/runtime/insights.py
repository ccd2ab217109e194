"""What the readers asked: the operator's report (``python -m bot insights``, ``/insights``).

With ``insights.enabled`` each question put to the bot in Telegram is kept for
``insights.keep_days``: its text, whether it was answered, the article cited and how long the
answer took; never who asked (a chat is a salted hash, the salt kept in the database). From
those records, the subscriptions and the outbox, ``report`` builds what an operator needs to
decide what to write next: questions per day, answered and refused; the refused ones grouped
by meaning, largest group first; the articles cited most; subscribers and deliveries per day;
and the answer time. ``page`` renders it as one self-contained HTML file (its charts drawn by
a script in the page from the figures it carries, nothing fetched), ``text`` as a short
message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from bot.core.answer import Engine
from bot.core.dense import Embedder, FloatArray
from bot.core.records import Asked
from bot.runtime.config import Settings
from bot.runtime.service import Service
from bot.store.storage import Storage

# Refused questions whose embeddings are this close (cosine) to a group's first question join
# that group; without a model, questions whose words overlap this much (rapidfuzz's
# token_set_ratio, 0 to 100).
SAME_MEANING = 0.6
SAME_WORDS = 70.0
EXAMPLES = 3
TOP_GROUPS = 20
TOP_ARTICLES = 10


def chat_key(salt: str, chat_id: int) -> str:
    """A chat as the insights keep it: not its id, a salted hash of it."""
    return hashlib.sha256(f"{salt}:{chat_id}".encode()).hexdigest()[:16]


@dataclass
class Group:
    """Refused questions that ask about the same thing: how many, and a few of them."""

    count: int
    examples: list[str]


@dataclass
class Report:
    """The figures of the report, each daily list one value per day of ``days``."""

    days: list[str]
    answered: list[int]
    refused: list[int]
    groups: list[Group]
    cited: list[tuple[str, str, int]]  # article id, title, times cited
    subscribers: list[int]  # active subscriptions at the end of each day
    deliveries: list[int]  # announcements and digests Telegram accepted, each day
    p50_ms: float | None
    p99_ms: float | None
    chats: int  # chats that asked, in the window
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def questions(self) -> int:
        return sum(self.answered) + sum(self.refused)


def _day(at: float, zone: dt.tzinfo) -> str:
    return dt.datetime.fromtimestamp(at, zone).date().isoformat()


def _percentile(values: Sequence[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def group_refused(
    questions: Sequence[str], embed: Callable[[Sequence[str]], FloatArray] | None = None
) -> list[Group]:
    """The questions grouped by what they ask: the same words (whatever the case and
    spacing) count once per asking; similar ones (by ``embed``'s unit vectors, else by their
    words) join the group of the first one like them. Largest group first."""
    asked = Counter(" ".join(q.split()).casefold() for q in questions if q.strip())
    shown: dict[str, str] = {}
    for q in questions:
        shown.setdefault(" ".join(q.split()).casefold(), " ".join(q.split()))
    texts = [text for text, _ in asked.most_common()]
    if not texts:
        return []
    vectors = embed([shown[t] for t in texts]) if embed is not None else None
    leaders: list[int] = []  # the index of each group's first question
    members: list[list[int]] = []
    for i, text in enumerate(texts):
        home = None
        for g, lead in enumerate(leaders):
            if vectors is not None:
                alike = float(np.dot(vectors[i], vectors[lead])) >= SAME_MEANING
            else:
                alike = fuzz.token_set_ratio(text, texts[lead]) >= SAME_WORDS
            if alike:
                home = g
                break
        if home is None:
            leaders.append(i)
            members.append([i])
        else:
            members[home].append(i)
    groups = [
        Group(sum(asked[texts[i]] for i in ids), [shown[texts[i]] for i in ids[:EXAMPLES]])
        for ids in members
    ]
    groups.sort(key=lambda g: -g.count)
    return groups[:TOP_GROUPS]


def report(
    asked: Iterable[Asked],
    *,
    days: int,
    today: dt.date,
    zone: dt.tzinfo,
    titles: Callable[[str], str | None],
    subscribed: Iterable[tuple[float, bool, float | None]] = (),
    delivered: Iterable[float] = (),
    embed: Callable[[Sequence[str]], FloatArray] | None = None,
) -> Report:
    """The report of the ``days`` days up to ``today`` (in ``zone``). ``subscribed``: each
    subscription's (since, active, ended); ``delivered``: when each message was accepted."""
    span = [(today - dt.timedelta(days=n)).isoformat() for n in range(days - 1, -1, -1)]
    index = {day: n for n, day in enumerate(span)}
    answered, refused = [0] * days, [0] * days
    refused_texts: list[str] = []
    cited: Counter[str] = Counter()
    seconds: list[float] = []
    chats: set[str] = set()
    for q in asked:
        n = index.get(_day(q.at, zone))
        if n is None:
            continue
        chats.add(q.chat)
        seconds.append(q.seconds)
        if q.answered:
            answered[n] += 1
            if q.article:
                cited[q.article] += 1
        else:
            refused[n] += 1
            refused_texts.append(q.question)
    subscribers = [0] * days
    for since, active, ended in subscribed:
        for n, day in enumerate(span):
            end_of_day = _day_end(day, zone)
            if since < end_of_day and (active or (ended is not None and ended >= end_of_day)):
                subscribers[n] += 1
    deliveries = [0] * days
    for at in delivered:
        n = index.get(_day(at, zone))
        if n is not None:
            deliveries[n] += 1
    p50, p99 = _percentile(seconds, 0.5), _percentile(seconds, 0.99)
    return Report(
        days=span,
        answered=answered,
        refused=refused,
        groups=group_refused(refused_texts, embed),
        cited=[(a, titles(a) or a, n) for a, n in cited.most_common(TOP_ARTICLES)],
        subscribers=subscribers,
        deliveries=deliveries,
        p50_ms=None if p50 is None else round(1000 * p50, 1),
        p99_ms=None if p99 is None else round(1000 * p99, 1),
        chats=len(chats),
    )


def _day_end(day: str, zone: dt.tzinfo) -> float:
    date = dt.date.fromisoformat(day) + dt.timedelta(days=1)
    return dt.datetime.combine(date, dt.time(), zone).timestamp()


@dataclass(frozen=True)
class Records:
    """What the report is made from, read from the storage in one go."""

    asked: list[Asked]
    subscribed: list[tuple[float, bool, float | None]]
    delivered: list[float]


def window(days: int, now: float, zone: dt.tzinfo) -> tuple[dt.date, float]:
    """The last day of a report of ``days`` days made at ``now``, and when its first began."""
    today = dt.datetime.fromtimestamp(now, zone).date()
    first = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time(), zone)
    return today, first.timestamp()


def records(storage: Storage, since: float) -> Records:
    """The records of the report that begins at ``since``."""
    return Records(
        storage.questions_since(since),
        storage.subscription_spans(),
        storage.deliveries_since(since),
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def text(r: Report) -> str:
    """The short version, for ``/insights`` in a chat (plain text)."""
    total = r.questions
    if not total:
        return f"No questions were asked in the last {_count(len(r.days), 'day')}."
    answered = sum(r.answered)
    lines = [
        f"Last {_count(len(r.days), 'day')}: {_count(total, 'question')} from"
        f" {_count(r.chats, 'chat')}, {answered} answered ({100 * answered // total}%),"
        f" {total - answered} not.",
    ]
    if r.p50_ms is not None:
        lines.append(f"Answer time: {r.p50_ms:.0f} ms median, {r.p99_ms:.0f} ms p99.")
    if r.groups:
        lines.append("Asked most and not answered:")
        lines += [f"  {g.count}× {g.examples[0]}" for g in r.groups[:5]]
    if r.cited:
        lines.append("Cited most:")
        lines += [f"  {n}× {title}" for _, title, n in r.cited[:5]]
    lines.append(
        f"Subscribers: {r.subscribers[-1]}; deliveries in the period: {sum(r.deliveries)}."
    )
    return "\n".join(lines)


def page(r: Report, generated: str) -> str:
    """The report as one self-contained HTML page."""
    data = asdict(r)
    figures = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    total = r.questions
    answered = sum(r.answered)
    share = f"{100 * answered / total:.0f}%" if total else "–"
    groups = (
        "".join(
            f"<tr><td class=n>{g.count}</td><td>{'<br>'.join(html.escape(e) for e in g.examples)}"
            "</td></tr>"
            for g in r.groups
        )
        or "<tr><td colspan=2>No question went unanswered.</td></tr>"
    )
    cited = (
        "".join(
            f"<tr><td class=n>{n}</td><td>{html.escape(title)}</td><td><code>"
            f"{html.escape(article)}</code></td></tr>"
            for article, title, n in r.cited
        )
        or "<tr><td colspan=3>No article was cited.</td></tr>"
    )
    timing = (
        f"{r.p50_ms:.0f} ms median, {r.p99_ms:.0f} ms p99"
        if r.p50_ms is not None and r.p99_ms is not None
        else "–"
    )
    return PAGE.format(
        generated=html.escape(generated),
        days=len(r.days),
        total=total,
        answered=answered,
        share=share,
        chats=r.chats,
        timing=timing,
        groups=groups,
        cited=cited,
        figures=figures,
    )


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>What the readers asked</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
  padding: 0 1rem; color: #1d2430; }}
h1 {{ font-size: 1.6rem; margin-bottom: .2rem; }}
h2 {{ font-size: 1.15rem; margin-top: 2rem; }}
.sub {{ color: #5b6472; }}
.cards {{ display: flex; gap: 1rem; flex-wrap: wrap; }}
.card {{ border: 1px solid #d8dde5; border-radius: 8px; padding: .6rem 1rem; min-width: 9rem; }}
.card b {{ display: block; font-size: 1.4rem; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #e6e9ee; padding: .35rem .5rem; text-align: left;
  vertical-align: top; }}
td.n {{ text-align: right; width: 4rem; font-variant-numeric: tabular-nums; }}
svg text {{ font: 11px system-ui, sans-serif; fill: #5b6472; }}
.legend span {{ display: inline-block; width: .8rem; height: .8rem; margin: 0 .3rem 0 1rem;
  vertical-align: -1px; }}
</style>
</head>
<body>
<h1>What the readers asked</h1>
<p class="sub">The last {days} days, made {generated}. Who asked is not kept.</p>
<div class="cards">
<div class="card">Questions<b id="total">{total}</b></div>
<div class="card">Answered<b id="answered">{answered}</b>{share}</div>
<div class="card">Chats that asked<b id="chats">{chats}</b></div>
<div class="card">Answer time<b id="timing" style="font-size:1rem">{timing}</b></div>
</div>
<h2>Questions per day</h2>
<p class="legend"><span style="background:#2f7d4f"></span>answered
<span style="background:#c2553a"></span>not answered</p>
<svg id="questions" width="100%" height="220" role="img"
 aria-label="Questions per day, answered and not answered"></svg>
<h2>Not answered, grouped by what they ask</h2>
<p class="sub">What to write next: the largest groups first.</p>
<table id="groups"><tr><th class=n>Asked</th><th>Examples</th></tr>{groups}</table>
<h2>Articles cited most</h2>
<table id="cited"><tr><th class=n>Cited</th><th>Title</th><th>Id</th></tr>{cited}</table>
<h2>Subscribers and deliveries per day</h2>
<p class="legend"><span style="background:#3b62a8"></span>active subscribers
<span style="background:#9aa4b2"></span>messages delivered</p>
<svg id="audience" width="100%" height="220" role="img"
 aria-label="Subscribers and deliveries per day"></svg>
<script id="figures" type="application/json">{figures}</script>
<script>
"use strict";
const F = JSON.parse(document.getElementById("figures").textContent);
const NS = "http://www.w3.org/2000/svg";
function el(parent, name, attrs, text) {{
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  parent.appendChild(node);
  return node;
}}
// Bars per day: each series a bar beside (or stacked on) the others; every bar carries its
// day and value, so what is drawn can be read back.
function bars(svg, series, stacked) {{
  const width = svg.clientWidth || 800, height = 220, left = 36, bottom = 24, top = 8;
  const days = F.days.length, slot = (width - left) / Math.max(days, 1);
  const totals = F.days.map((_, i) => stacked
    ? series.reduce((s, x) => s + x.values[i], 0)
    : Math.max(...series.map(x => x.values[i])));
  const most = Math.max(1, ...totals);
  const scale = (height - bottom - top) / most;
  el(svg, "text", {{x: 0, y: top + 10}}, String(most));
  el(svg, "text", {{x: 0, y: height - bottom}}, "0");
  F.days.forEach((day, i) => {{
    let base = height - bottom;
    series.forEach((s, k) => {{
      const v = s.values[i], h = v * scale;
      const w = stacked ? slot * 0.7 : slot * 0.7 / series.length;
      const x = left + i * slot + (stacked ? 0 : k * w);
      const y = stacked ? base - h : height - bottom - h;
      const bar = el(svg, "rect", {{x: x, y: y, width: Math.max(w - 1, 1), height: h,
        fill: s.color, "data-series": s.name, "data-day": day, "data-value": v}});
      el(bar, "title", {{}}, day + ": " + v + " " + s.name);
      if (stacked) base -= h;
    }});
    if (days <= 14 || i % Math.ceil(days / 14) === 0)
      el(svg, "text", {{x: left + i * slot, y: height - 6}}, day.slice(5));
  }});
}}
bars(document.getElementById("questions"), [
  {{name: "answered", values: F.answered, color: "#2f7d4f"}},
  {{name: "refused", values: F.refused, color: "#c2553a"}}], true);
bars(document.getElementById("audience"), [
  {{name: "subscribers", values: F.subscribers, color: "#3b62a8"}},
  {{name: "deliveries", values: F.deliveries, color: "#9aa4b2"}}], false);
document.body.dataset.drawn = "yes";
</script>
</body>
</html>
"""


def from_records(
    kept: Records,
    days: int,
    today: dt.date,
    zone: dt.tzinfo,
    engine: Engine,
    embedder: Embedder | None,
) -> Report:
    """The report from what was read, the articles' titles from ``engine``, the refused
    questions grouped by ``embedder`` when there is one."""

    def title(article_id: str) -> str | None:
        article = engine.get(article_id)
        return article.title if article is not None else None

    return report(
        kept.asked,
        days=days,
        today=today,
        zone=zone,
        titles=title,
        subscribed=kept.subscribed,
        delivered=kept.delivered,
        embed=embedder.embed if embedder is not None else None,
    )


def write_report(settings: Settings, days: int, output: Path) -> str:
    """``python -m bot insights``: the report of the last ``days`` days (in this machine's
    time zone) written to ``output``; returns its short text."""
    zone = dt.datetime.now().astimezone().tzinfo or dt.UTC
    now = time.time()
    today, since = window(days, now, zone)
    with Service.open(settings) as service:
        kept = records(service.storage, since)
        engine = service.engine

        made = from_records(kept, days, today, zone, engine, service.library.embedder)
    stamp = dt.datetime.fromtimestamp(now, zone).strftime("%d %B %Y, %H:%M")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page(made, stamp), encoding="utf-8")
    return text(made)
