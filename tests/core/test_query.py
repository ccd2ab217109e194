"""Query analysis: what the lexical engine and the embedding model each read of a typed
question."""

from __future__ import annotations

from bot.core.query import Lexicon, Query, parse
from bot.core.text import stem

CORPUS = ["resource", "type", "normandy", "measure", "time", "space", "rhine"]


class Terms:
    """The vocabulary of a small corpus, as the index gives it: stemmed terms."""

    def __init__(self, words: list[str]) -> None:
        self.terms = {stem(w) for w in words}

    def known(self, term: str) -> bool:
        return term in self.terms

    def doc_freq(self, term: str) -> int:
        return 3 if term in self.terms else 0

    def family(self, term: str) -> list[str]:
        return [term] if term in self.terms else []


def _parse(question: str) -> Query:
    terms = Terms(CORPUS)
    return parse(question, Lexicon(sorted(terms.terms)), terms)


def test_a_typo_corrected_to_a_stem_reaches_the_model_as_a_word() -> None:
    query = _parse("what type of resourcf")
    assert stem("resource") in query.corrected.split()  # the index reads the stem
    assert query.for_model.split()[-1] == "resource"  # the model reads the word


def test_a_typo_matched_only_by_a_shorter_stem_is_spelt_out_for_the_model() -> None:
    query = _parse("how is time measugrement done")
    assert "measurement" in query.for_model.split()
    assert "measugrement" not in query.for_model


def test_words_the_corpus_has_reach_the_model_unchanged() -> None:
    query = _parse("where does the rhine meet space")
    assert query.for_model == "where does the rhine meet space"


def test_a_name_only_the_corpus_knows_is_corrected_from_the_corpus() -> None:
    assert "normandy" in _parse("where is nfrmandy").for_model.split()
