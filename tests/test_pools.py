"""bench.pools: the listwise choice it fits over each pool's cues, and what it reports."""

from __future__ import annotations

import numpy as np
import pytest

from bench.pools import CUES, Pool, fit, report


def _pool(answer_at: int, size: int = 4, right: bool = False) -> Pool:
    """A pool whose third cue (the verdict) is high only on the answer, and whose first
    (the rank's) favours the first candidate whatever it holds."""
    cues = np.zeros((size, len(CUES)))
    cues[:, 0] = np.linspace(1.0, 0.6, size)
    cues[answer_at, 2] = 3.0
    holds = np.zeros(size)
    holds[answer_at] = 1.0
    return Pool(cues, holds, right)


def test_the_fitted_choice_learns_the_cue_that_finds_the_answer() -> None:
    train = [_pool(i % 4) for i in range(40)]
    choose = fit(train)
    assert [choose(_pool(i)) for i in range(4)] == [0, 1, 2, 3]


def test_the_report_counts_reach_reader_and_choice(capsys: pytest.CaptureFixture[str]) -> None:
    pools = [_pool(0, right=True), _pool(2), Pool(np.zeros((3, len(CUES))), np.zeros(3), False)]
    report("set", pools, lambda p: 0, 3)
    out = capsys.readouterr().out
    assert "3 questions, bot right 1" in out
    assert "answer among best 1 1, answer among best 2 1, answer among best 3 2" in out
    assert "reader's likeliest of 8 2" in out and "fitted choice (on the other set) 1" in out
