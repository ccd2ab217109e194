"""The answer check: its features of a candidate read with the question, and the fitted
check's choice and refusal."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

from bot.core.answer import UNREAD_COSINE
from bot.core.errors import ConfigError
from bot.core.index import Sentence
from bot.core.query import Query, QueryTerm
from bot.core.rank import Candidate
from bot.core.read import Reading, reader_files
from bot.core.verify import (
    FEATURES,
    GATE_FEATURES,
    LONE,
    REFUSAL_FEATURES,
    Checker,
    Gate,
    Linear,
    features,
    gate_features,
)

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

    def test_the_shipped_reader_has_its_check(self) -> None:
        files = reader_files("default")
        assert files is not None and files.checker is not None
        checker = Checker.load(files.checker)
        assert 0.0 <= checker.gate < 1.0
        assert checker.meta["fitted_on"]


GCOL = {name: i for i, name in enumerate(GATE_FEATURES)}


def _gate(gate: float = 0.5, bias: float = 0.0, cosine: float = 0.5) -> Gate:
    """A gate made by hand that reads the verdict alone."""
    n = len(GATE_FEATURES)
    weights = np.zeros(n)
    weights[GCOL["reader"]] = 1.0
    linear = Linear(np.zeros(n), np.ones(n), weights, bias)
    return Gate(linear, gate, cosine, {"note": "made by hand"})


class TestGateFeatures:
    def test_what_the_gate_reads_of_an_answer(self) -> None:
        """ "When was the bridge built?" answered by a sentence whose marked words are a
        year: the verdict as a logit, a span of the kind asked, the lead over the next."""
        query = _query("When was the bridge built?", ("bridge", "built"))
        s = "The bridge was built in 1932."
        best = _cand(s, 3.0, type=1.0)
        best.cosine, best.absent = 0.7, 0.25
        row = gate_features(query, best, _reading(s, "1932", answers=0.9), s, 1.5, False)
        assert row.shape == (len(GATE_FEATURES),)
        assert row[GCOL["reader"]] == pytest.approx(np.log(9.0))
        assert row[GCOL["span_type"]] == 1.0 and row[GCOL["span_typed_missing"]] == 0.0
        assert row[GCOL["span_new"]] == 1.0  # "1932" is not the question's
        assert row[GCOL["cosine"]] == 0.7 and row[GCOL["absent"]] == 0.25
        assert row[GCOL["typed_missing"]] == 0.0
        assert row[GCOL["lead"]] == pytest.approx(np.log(2.0))
        assert row[GCOL["read_on"]] == 0.0 and row[GCOL["switched"]] == 0.0

    def test_an_answer_read_in_the_next_sentence_with_no_runner_up(self) -> None:
        query = _query("Who built the bridge?", ("built", "bridge"), unknown=("brigde",))
        s, after = "The bridge opened in 1932.", "It was built by Odo."
        row = gate_features(query, _cand(s, 2.0), _reading(after, None, 0.4), after, 0.0, True)
        assert row[GCOL["read_on"]] == 1.0 and row[GCOL["switched"]] == 1.0
        assert row[GCOL["lead"]] == LONE
        assert row[GCOL["span_typed_missing"]] == 1.0  # "who", and nothing marked
        assert row[GCOL["unknown"]] == pytest.approx(1 / 3)


class TestGate:
    def test_the_probability_from_its_weights(self) -> None:
        row = np.zeros(len(GATE_FEATURES))
        row[GCOL["reader"]] = 2.0
        assert _gate(bias=-1.0).answers(row) == pytest.approx(1 / (1 + np.exp(-1.0)))

    def test_it_doubts_below_its_gate_and_never_what_is_close_in_meaning(self) -> None:
        row = np.zeros(len(GATE_FEATURES))
        row[GCOL["reader"]] = -3.0  # the reader reads no answer
        row[GCOL["cosine"]] = 0.3
        assert _gate(0.1).doubts(row)
        row[GCOL["cosine"]] = 0.5  # a paraphrase, as the dense stage reads it
        assert not _gate(0.1).doubts(row)
        row[GCOL["reader"]], row[GCOL["cosine"]] = 0.0, 0.3  # 0.5: above the gate
        assert not _gate(0.1).doubts(row)

    def test_round_trip(self, tmp_path: Path) -> None:
        path = tmp_path / "gate.json"
        path.write_text(_gate(0.2, bias=0.5, cosine=0.45).to_json(), encoding="utf-8")
        loaded = Gate.load(path)
        assert loaded.gate == 0.2 and loaded.cosine == 0.45
        assert loaded.meta == {"note": "made by hand"}
        row = np.random.default_rng(1).normal(size=len(GATE_FEATURES))
        assert loaded.answers(row) == pytest.approx(_gate(bias=0.5).answers(row))

    def test_a_reader_folder_without_one_has_none(self, tmp_path: Path) -> None:
        files = reader_files("default")
        assert files is not None
        for f in files.onnx.parent.iterdir():
            if f.name != "gate.json":
                (tmp_path / f.name).symlink_to(f)
        copied = reader_files(str(tmp_path))
        assert copied is not None and copied.gate is None
        (tmp_path / "gate.json").write_text(_gate(0.3).to_json(), encoding="utf-8")
        again = reader_files(str(tmp_path))
        assert again is not None and again.gate == tmp_path / "gate.json"

    def test_the_shipped_reader_has_its_gate(self) -> None:
        """Fitted to the models beside it, on articles none of them trained on."""
        files = reader_files("default")
        assert files is not None and files.gate is not None
        gate = Gate.load(files.gate)
        assert 0.0 < gate.gate < 0.5 and gate.cosine == UNREAD_COSINE
        fitted = gate.meta["fitted_on"]
        assert isinstance(fitted, dict)
        held = set(
            json.loads((files.onnx.parent / "meta.json").read_text())["data"]["held_out_articles"]
        )
        assert held <= set(fitted["articles"])
        models = gate.meta["models"]
        assert isinstance(models, dict)
        assert set(models) == {"model.onnx", "spans.onnx", "marks.onnx"}
        for name, digest in models.items():  # a model trained anew needs the gate refitted
            data = (files.onnx.parent / name).read_bytes()
            assert hashlib.sha256(data).hexdigest()[:16] == digest, f"refit the gate for {name}"


# A file the answer check or the gate cannot use, as each is changed, and what loads it.
_CHECK_FILE = ("verifier.json", lambda: _checker().to_json(), Checker.load)
_GATE_FILE = ("gate.json", lambda: _gate().to_json(), Gate.load)


@pytest.mark.parametrize(
    ("made", "change"),
    [
        (_CHECK_FILE, lambda raw: raw.update(features=["reader"])),
        (_CHECK_FILE, lambda raw: raw["choose"].update(weights=[1.0])),
        (_CHECK_FILE, lambda raw: raw.pop("gate")),
        (_GATE_FILE, lambda raw: raw.update(features=["reader"])),
        (_GATE_FILE, lambda raw: raw["weigh"].update(weights=[1.0])),
        (_GATE_FILE, lambda raw: raw.pop("gate")),
        (_GATE_FILE, lambda raw: raw.pop("cosine")),
        (_GATE_FILE, lambda raw: raw.update(gate=1.5)),
        (_GATE_FILE, lambda raw: raw.update(gate="high")),
        (_CHECK_FILE, None),  # not JSON at all
        (_GATE_FILE, None),
    ],
)
def test_a_file_that_does_not_fit_is_refused_clearly(tmp_path: Path, made, change) -> None:  # type: ignore[no-untyped-def]
    name, written, load = made
    path = tmp_path / name
    if change is None:
        path.write_text("{", encoding="utf-8")
    else:
        raw = json.loads(written())
        change(raw)
        path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"{re.escape(name)} cannot be used"):
        load(path)
