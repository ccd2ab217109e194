"""Extractive summaries that read well, and one-line teasers.

A summary is sentences of the article in their order. Sentences are scored by centrality
(how much of the article's vocabulary they hold) and, for news, by how early they come (the
lead); long reference articles lean on centrality. A sentence that leans on the one before
it (it opens with "She", "This", "However", "Additionally") is taken only together with
that one, or not at all, so no summary opens a thought it cannot finish. Captions, bylines,
link lines and the closing note are never taken. A summary written in the front matter
wins.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from bot.core.corpus import Article
from bot.core.text import dangles, terms

TEASER_CHARS = 160
SHORT = 3
LONG = 7
# An article of at most this many sentences, or one with a date, reads as news: its lead
# carries the story.
NEWS_SENTENCES = 40
# How many sentences back a leaning sentence may reach for what it leans on.
MAX_CHAIN = 3

_NOT_PROSE = re.compile(
    r"^\s*(by\s+[A-Z]|photo|image|picture|credit|source\s*:|read more|click|follow us|"
    r"subscribe|share this|advertisement|related\s*:|see also|tags?\s*:)"
    r"|https?://|www\.",
    re.IGNORECASE,
)


def prose(sentence: str) -> bool:
    """Whether a sentence is a sentence of the text, not a caption, byline or link line."""
    if len(sentence) < 25 or len(sentence.split()) < 4:
        return False
    if _NOT_PROSE.search(sentence):
        return False
    letters = [c for c in sentence if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.6 * len(letters):
        return False  # SHOUTED LABELS
    return sentence.rstrip()[-1:] in ".!?”\")'’…" or len(sentence) >= 80


def summarize(article: Article, sentences: int = SHORT) -> list[str]:
    """At most ``sentences`` sentences of the article that say what it is about, in
    article order, none of them dangling."""
    if article.summary:
        return [article.summary]
    body = [s for p in article.paragraphs if not p.is_note for s in p.sentences]
    if not body:
        return []
    usable = [prose(s) for s in body]
    scores = _scores(article, body, usable)
    chosen: set[int] = set()
    for pos in sorted(range(len(body)), key=lambda i: -scores[i]):
        if len(chosen) >= sentences or scores[pos] <= 0:
            break
        chain = _chain(body, usable, pos)
        if chain is None:
            continue
        new = [i for i in chain if i not in chosen]
        if len(chosen) + len(new) <= sentences:
            chosen.update(new)
    if not chosen:  # nothing usable: the opening sentence, if it stands alone
        first = next((i for i, s in enumerate(body) if usable[i] and not dangles(s)), None)
        return [body[first]] if first is not None else [body[0]]
    return [body[i] for i in sorted(chosen)]


def _scores(article: Article, body: list[str], usable: list[bool]) -> list[float]:
    news = article.date is not None or len(body) <= NEWS_SENTENCES
    lead = 1.5 if news else 0.3
    per_sentence = [terms(s) for s in body]
    counts: Counter[str] = Counter()
    for ts in per_sentence:
        counts.update(set(ts))
    out = []
    for pos, (ts, ok) in enumerate(zip(per_sentence, usable, strict=True)):
        if not ok or len(ts) < 3:
            out.append(0.0)
            continue
        centrality = sum(math.log1p(counts[t]) for t in set(ts)) / math.sqrt(len(ts))
        out.append(centrality * (1.0 + lead / (1 + pos)))
    return out


def _chain(body: list[str], usable: list[bool], pos: int) -> list[int] | None:
    """The sentence and those before it that it leans on, or None if it leans on something
    that cannot be shown (nothing, or a caption)."""
    chain = [pos]
    while dangles(body[chain[0]]):
        before = chain[0] - 1
        if before < 0 or not usable[before] or len(chain) >= MAX_CHAIN:
            return None
        chain.insert(0, before)
    return chain


def teaser(article: Article, limit: int = TEASER_CHARS) -> str:
    """One line that says what an article is about, at most ``limit`` characters."""
    line = article.summary or next(
        (
            s
            for p in article.paragraphs
            if not p.is_note
            for s in p.sentences
            if prose(s) and not dangles(s)
        ),
        article.paragraphs[0].sentences[0] if article.paragraphs else "",
    )
    line = " ".join(line.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–—-")
    return cut + "…"
