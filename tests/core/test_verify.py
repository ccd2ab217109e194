"""The answer check: its features of a candidate read with the question, and the fitted
check's choice and refusal."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.core.errors import ConfigError
from bot.core.index import Sentence
from bot.core.query import Query, QueryTerm
from bot.core.rank import Candidate
from bot.core.read import Reading, reader_files
from bot.core.verify import FEATURES, REFUSAL_FEATURES, Checker, Linear, features

COL = {name: i for i, name in enumerate(FEATURES)}


def _query(text: str, known: tuple[str, ...], unknown: tuple[str, ...] = ()) -> Query:
    terms = tuple(QueryTerm(w, ((w, 1.0),)) for w in known)
    terms += tuple(QueryTerm(w, ()) for w in unknown)
    folded = text.lower().rstrip("?")
    return Query(text, terms, folded, folded)


def _cand(text: str, score: float, **parts: float) -> Candidate:
    cand = Candidate(Sentence(0, 0, 1, text, None, None), score=score)
    cand.parts = dict(parts)
    return cand


def _reading(sentence: str, words: str | None, answers: float = 0.5) -> Reading:
    if words is None:
        return Reading(answers, None, 0.0)
    at = sentence.index(words)
    return Reading(answers, (at, at + len(words)), 0.8)


class TestFeatures:
    def test_a_who_question_whose_answer_words_name_nobody(self) -> None:
        """ "Who invented quicksort?" read against a sentence that names no one: the reader's
        answer words hold no name, which the check sees."""
        query = _query("Who invented quicksort?", ("invented", "quicksort"))
        named = "Quicksort was invented by Tony Hoare in 1959."
        nameless = "Consider the deterministic sorting algorithm quicksort."
        pool = [_cand(nameless, 2.0), _cand(named, 1.5)]
        rows = features(
            query,
            pool,
            [_reading(nameless, "sorting algorithm quicksort"), _reading(named, "Tony Hoare")],
        )
        assert rows.shape == (2, len(FEATURES))
        assert rows[0, COL["span_typed_missing"]] == 1.0
        assert rows[1, COL["span_typed_missing"]] == 0.0
        assert rows[1, COL["span_type"]] == 1.0
        # "quicksort" is the question's own word: a third of the first span is new to it.
        assert rows[0, COL["span_new"]] == pytest.approx(2 / 3)
        assert rows[1, COL["span_new"]] == 1.0

    def test_gaps_are_to_the_pool_best(self) -> None:
        query = _query("When was the bridge built?", ("bridge", "built"))
        a, b = "The bridge was built in 1932.", "The bridge is long."
        rows = features(
            query,
            [_cand(a, 3.0), _cand(b, 2.0)],
            [_reading(a, "1932", answers=0.9), _reading(b, None, answers=0.1)],
        )
        assert rows[0, COL["score_gap"]] == 0.0 and rows[1, COL["score_gap"]] == -1.0
        assert rows[0, COL["reader_gap"]] == 0.0 and rows[1, COL["reader_gap"]] < -4
        assert rows[0, COL["span_type"]] == 1.0  # a year for "when"
        assert rows[1, COL["span_typed_missing"]] == 1.0  # no words marked at all
        assert rows[0, COL["position"]] == 0.0 < rows[1, COL["position"]]

    def test_words_the_corpus_lacks_count(self) -> None:
        query = _query("How deep is the Rhine?", ("deep", "rhine"), unknown=("fathoms",))
        s = "The Rhine is long."
        rows = features(query, [_cand(s, 1.0)], [_reading(s, "long")])
        assert rows[0, COL["unknown"]] == pytest.approx(1 / 3)


def _checker(gate: float = 0.5) -> Checker:
    n, m = len(FEATURES), len(REFUSAL_FEATURES)
    choose = np.zeros(n)
    choose[COL["reader"]] = 1.0
    refuse = np.zeros(m)
    refuse[REFUSAL_FEATURES.index("choice")] = 1.0
    return Checker(
        Linear(np.zeros(n), np.ones(n), choose),
        Linear(np.zeros(m), np.ones(m), refuse, bias=-1.0),
        gate,
        {"note": "made by hand"},
    )


class TestChecker:
    def test_chooses_the_best_scored_row_and_gives_a_probability(self) -> None:
        rows = np.zeros((3, len(FEATURES)))
        rows[:, COL["reader"]] = [0.5, 3.0, -2.0]
        best, sure, scores = _checker().decide(rows)
        assert best == 1
        assert list(scores) == [0.5, 3.0, -2.0]
        assert sure == pytest.approx(1 / (1 + np.exp(-2.0)))  # choice 3.0, bias -1

    def test_a_pool_of_one(self) -> None:
        rows = np.zeros((1, len(FEATURES)))
        best, sure, _ = _checker().decide(rows)
        assert best == 0 and 0 < sure < 0.5

    def test_round_trip(self, tmp_path: Path) -> None:
        path = tmp_path / "verifier.json"
        path.write_text(_checker(0.3).to_json(), encoding="utf-8")
        loaded = Checker.load(path)
        assert loaded.gate == 0.3 and loaded.meta == {"note": "made by hand"}
        rows = np.random.default_rng(1).normal(size=(4, len(FEATURES)))
        assert loaded.decide(rows)[:2] == _checker().decide(rows)[:2]

    @pytest.mark.parametrize(
        "change",
        [
            lambda raw: raw.update(features=["reader"]),
            lambda raw: raw["choose"].update(weights=[1.0]),
            lambda raw: raw.pop("gate"),
        ],
    )
    def test_a_file_that_does_not_fit_is_refused_clearly(self, tmp_path: Path, change) -> None:  # type: ignore[no-untyped-def]
        raw = json.loads(_checker().to_json())
        change(raw)
        path = tmp_path / "verifier.json"
        path.write_text(json.dumps(raw), encoding="utf-8")
        with pytest.raises(ConfigError, match=r"verifier\.json cannot be used"):
            Checker.load(path)

    def test_broken_json_is_refused_clearly(self, tmp_path: Path) -> None:
        path = tmp_path / "verifier.json"
        path.write_text("{", encoding="utf-8")
        with pytest.raises(ConfigError, match="cannot be used"):
            Checker.load(path)

    def test_the_shipped_reader_has_its_check(self) -> None:
        files = reader_files("default")
        assert files is not None and files.checker is not None
        checker = Checker.load(files.checker)
        assert 0.0 <= checker.gate < 1.0
        assert checker.meta["fitted_on"]
