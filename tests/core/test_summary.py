"""Summaries: coherent (no sentence leans on one that is not there), in article order, of
the length asked for; teasers in one line."""

from __future__ import annotations

import random

import pytest

from bench.engine import make_articles
from bot.core.corpus import Article, Paragraph, load_corpus
from bot.core.summary import LONG, SHORT, prose, summarize, teaser
from bot.core.text import dangles
from tests.support.paths import SEEDS, SQUAD

OPENERS = ["She", "He", "They", "This", "However,", "Additionally,", "It", "But", "Those"]


def _with_openers(article: Article, rng: random.Random) -> Article:
    """The article with a pronoun or connective opening about a third of its sentences."""
    paragraphs = []
    for p in article.paragraphs:
        sentences = tuple(
            f"{rng.choice(OPENERS)} {s[0].lower()}{s[1:]}" if rng.random() < 0.35 else s
            for s in p.sentences
        )
        paragraphs.append(Paragraph(p.number, " ".join(sentences), sentences))
    return Article(article.id, article.title, tuple(paragraphs))


def _corpus() -> list[Article]:
    rng = random.Random(5)
    generated = [_with_openers(a, rng) for a in make_articles(1000, seed=3)]
    return [*load_corpus(SEEDS).articles, *load_corpus(SQUAD / "articles").articles, *generated]


ARTICLES = _corpus()


def assert_coherent(article: Article, summary: list[str]) -> None:
    body = [s for p in article.paragraphs if not p.is_note for s in p.sentences]
    positions = [body.index(s) for s in summary]
    assert positions == sorted(positions), "not in article order"
    for i, (sentence, pos) in enumerate(zip(summary, positions, strict=True)):
        if dangles(sentence):
            assert i > 0 and positions[i - 1] == pos - 1, f"dangling: {sentence!r}"


@pytest.mark.parametrize("length", [SHORT, LONG])
def test_every_summary_is_coherent_ordered_and_short_enough(length: int) -> None:
    """Seed, SQuAD and 1,000 generated articles (a third of their sentences opening with a
    pronoun or a connective): no summary leaves a sentence hanging."""
    for article in ARTICLES:
        summary = summarize(article, length)
        assert 1 <= len(summary) <= length, article.id
        assert_coherent(article, summary)


def test_the_complaint_of_the_issue_is_gone() -> None:
    """The HP and SAP article's summary once opened 'She explained' about nobody."""
    article = next(a for a in ARTICLES if "HP and SAP" in a.title)
    summary = summarize(article, SHORT)
    assert not any(s.startswith("She") for s in summary[:1])
    assert_coherent(article, summary)


def test_captions_bylines_links_and_notes_are_never_taken() -> None:
    paragraphs = (
        Paragraph(1, "", ("Photo: a bridge at dawn.", "By Ann Lee.")),
        Paragraph(
            2,
            "",
            (
                "The old bridge over the river opened to traffic again this spring.",
                "Engineers rebuilt both of its piers after the flood of last year.",
                "Read more at https://example.org/bridges today.",
            ),
        ),
        Paragraph(3, "", ("(The author covers transport.)",), is_note=True),
    )
    summary = summarize(Article("b", "Bridges", paragraphs), LONG)
    assert summary == [
        "The old bridge over the river opened to traffic again this spring.",
        "Engineers rebuilt both of its piers after the flood of last year.",
    ]
    assert not prose("Photo: a bridge at dawn.") and not prose("By Ann Lee.")


def test_a_summary_in_the_front_matter_wins() -> None:
    article = Article(
        "a",
        "T",
        (Paragraph(1, "x", ("A sentence of the body text here.",)),),
        summary="Written by the editor.",
    )
    assert summarize(article) == ["Written by the editor."]


def test_teaser_is_one_line_within_its_limit() -> None:
    for article in ARTICLES[:50]:
        line = teaser(article)
        assert len(line) <= 160 and "\n" not in line and not dangles(line)
