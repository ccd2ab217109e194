"""``python -m bench.explain``: a question's answer, how it was read, and the candidates
with the reader's verdict on each, on the seed articles."""

from __future__ import annotations

import re

import pytest

from bench import explain


def test_it_shows_the_answer_and_what_the_reader_reads_in_each_candidate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert explain.main(["what is the name of the delivery robot", "recommend a pizza place"]) == 0
    out = capsys.readouterr().out
    robot, pizza = out.split("Q: recommend a pizza place")
    assert "answer (fact" in robot and "Da Bai" in robot
    assert "terms delivery=deliveri:1.0" in robot
    rows = [line for line in robot.splitlines() if " | " in line][1:]
    assert len(rows) == 8
    named = next(line for line in rows if line.rstrip().endswith("[Da Bai]"))
    # score, cosine, cover, absent, supported, the reader's verdict
    fields = named.split(" | ")[0].split()
    assert fields[4] == "yes" and 0.0 < float(fields[5]) < 1.0
    assert re.search(r"^refused: .*suggests \['", pizza.strip().splitlines()[0])
    assert "pizza?=" in pizza  # a word no article uses
