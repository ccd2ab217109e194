"""Each question's verdict, one line per question, so that two commits' answers can be
compared with ``diff`` (``--dump FILE`` of ``bench.heldout`` and ``bench.archive``): the
verdict (``right``, ``wrong`` or ``refused``), the question as asked, and the start of the
reply, tab-separated."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from bot.core.answer import Answer

REPLY_CHARS = 120


def verdict(answer: Answer, right: bool) -> str:
    """``right``, ``wrong`` or ``refused``."""
    return "refused" if not answer.answered else "right" if right else "wrong"


def line(answer: Answer, right: bool) -> str:
    """One question's line (without its newline)."""
    reply = " ".join(answer.text.split())[:REPLY_CHARS]
    question = " ".join(answer.question.split())
    return f"{verdict(answer, right)}\t{question}\t{reply}"


@contextmanager
def opened(path: Path | None) -> Iterator[TextIO | None]:
    """The dump file, truncated and closed when done, or None where no dump was asked for."""
    if path is None:
        yield None
        return
    with path.open("w", encoding="utf-8") as out:
        yield out


def write(out: TextIO | None, answer: Answer, right: bool) -> None:
    if out is not None:
        out.write(line(answer, right) + "\n")
