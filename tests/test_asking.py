"""``python -m bench.asking``: time per question on a real question set, and how many passages
the reader and the span reader read a question, with the shipped reader or another."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bench import asking
from bot.runtime.process import reader_files

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "eval" / "seed-questions.yaml"


def _passages(out: str) -> tuple[float, float]:
    found = re.search(r"passages a question: reader ([\d.]+), span reader ([\d.]+)", out)
    assert found is not None, out
    return float(found[1]), float(found[2])


def test_another_readers_folder_is_timed_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy of the shipped reader, named by its folder, reads the same passages as the
    shipped one (what it reads depends on the model, not on the clock); a copy without the
    span model reads none with it."""
    files = reader_files("default")
    assert files is not None
    argv = ["--questions", str(SEEDS), "--corpus", str(ROOT / "seeds")]
    assert asking.main(argv) == 0
    shipped = capsys.readouterr().out
    assert "reader default" in shipped
    assert re.search(r"settings as shipped: p50 [\d.]+ ms, p90 [\d.]+, p99 [\d.]+", shipped)
    reads, span_reads = _passages(shipped)
    assert reads > 0 and span_reads > 0
    copy = tmp_path / "reader"
    shutil.copytree(files.onnx.parent, copy)
    assert asking.main([*argv, "--reader", str(copy)]) == 0
    assert _passages(capsys.readouterr().out) == (reads, span_reads)
    alone = tmp_path / "alone"  # another folder: a process loads each named reader once
    shutil.copytree(copy, alone, ignore=shutil.ignore_patterns("spans.*"))
    assert asking.main([*argv, "--reader", str(alone)]) == 0
    other = capsys.readouterr().out
    assert f"reader {alone}" in other
    assert _passages(other) == (pytest.approx(reads, abs=1.0), 0.0)


def test_no_reader_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        asking.main(
            ["--questions", str(SEEDS), "--corpus", str(ROOT / "seeds"), "--reader", "none"]
        )
    assert stopped.value.code == 2
    assert "--reader none has no reader to time" in capsys.readouterr().err
