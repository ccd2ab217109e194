"""Extractive summaries and one-line teasers."""

from __future__ import annotations

import math
from collections import Counter

from bot.core.corpus import Article
from bot.core.text import terms

TEASER_CHARS = 160


def summarize(article: Article, sentences: int = 3) -> list[str]:
    """The ``sentences`` most central sentences of an article, in reading order.

    A sentence is central when it holds many of the article's frequent terms; sentences early
    in the article get a small bonus, as news writing puts the point first. A summary written
    in the front matter is used as it is.
    """
    if article.summary:
        return [article.summary]
    body = [
        (p.number, i, s)
        for p in article.paragraphs
        if not p.is_note
        for i, s in enumerate(p.sentences)
    ]
    if not body:
        return []
    counts: Counter[str] = Counter()
    sentence_terms = [terms(s) for _, _, s in body]
    for ts in sentence_terms:
        counts.update(set(ts))
    scored: list[tuple[float, int]] = []
    for pos, ((_, _, text), ts) in enumerate(zip(body, sentence_terms, strict=True)):
        if len(ts) < 4 or len(text) < 40:
            continue  # captions and fragments make poor summaries
        weight = sum(math.log1p(counts[t]) for t in set(ts)) / math.sqrt(len(ts))
        position = 1.0 + 0.5 / (1 + pos)
        scored.append((weight * position, pos))
    if not scored:
        return [body[0][2]]
    chosen = sorted(pos for _, pos in sorted(scored, reverse=True)[:sentences])
    return [body[pos][2] for pos in chosen]


def teaser(article: Article, limit: int = TEASER_CHARS) -> str:
    """One line that says what an article is about, at most ``limit`` characters."""
    line = article.summary or next(
        (s for p in article.paragraphs if not p.is_note for s in p.sentences if len(s) >= 40),
        article.paragraphs[0].sentences[0] if article.paragraphs else "",
    )
    line = " ".join(line.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–—-")
    return cut + "…"
