"""What a model made in stages of ``train.reader`` needs (``train.spans``, ``train.shipped``):
its command line, and its stages run in order."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from train import reader


def arguments(prog: str, doc: str, work: str, argv: list[str] | None) -> argparse.Namespace:
    """A recipe's command line: the data, its work folder (``work`` by default) and the
    reader's folder it ships into."""
    parser = argparse.ArgumentParser(prog=prog, description=doc.split("\n")[0])
    parser.add_argument("--data", type=Path, default=reader.DATA)
    parser.add_argument("--work", type=Path, default=Path(work))
    parser.add_argument("--out", type=Path, default=reader.OUT, help="the reader's folder")
    parser.add_argument(
        "--precision", choices=reader.PRECISIONS, default="auto", help=reader.PRECISION_HELP
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="every stage's training seed (train.reader's own by default); the held-out "
        "articles stay the same",
    )
    return parser.parse_args(argv)


def passed_on(args: argparse.Namespace) -> list[str]:
    """What a recipe's command line gives each of its stages: the precision, the seed if
    asked."""
    seed = [] if args.seed is None else ["--seed", str(args.seed)]
    return ["--precision", args.precision, *seed]


def stages(
    data: Path, earlier: Sequence[tuple[list[str], tuple[Path, ...]]], last: list[str]
) -> list[list[str]]:
    """A recipe's ``train.reader`` command lines still to run, each reading ``data``: each
    ``earlier`` stage's (its command line, the files it exports) unless every file it exports
    is there already, then always the ``last``."""
    common = ["--data", str(data)]
    todo = [
        [*common, *argv] for argv, exported in earlier if not all(f.is_file() for f in exported)
    ]
    return [*todo, [*common, *last]]


def run(stages: list[list[str]], first_work: Path) -> int:
    """Run ``train.reader`` on each command line of ``stages`` in order, stopping at the
    first that fails (its status returned). Every stage with another work folder than the
    first stage's, ``first_work``, reuses its candidates if its own has none yet: they all
    put the same questions to the bot's first stages, and once is enough."""
    found = first_work / "candidates.jsonl"
    for argv in stages:
        work = Path(argv[argv.index("--work") + 1])
        wanted = work / "candidates.jsonl"
        if work != first_work and found.is_file() and not wanted.is_file():
            wanted.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(found, wanted)
        if (status := reader.main(argv)) != 0:
            return status
    return 0


def main(
    prog: str,
    doc: str,
    work: str,
    argv: list[str] | None,
    first_work: Callable[[Path], Path],
    stages: Callable[[Path, Path], list[list[str]]],
    ship: Callable[[Path, Path], None],
) -> int:
    """A recipe's command: its command line (``arguments``), the stages still to run
    (``stages(data, work)``, each given what ``passed_on`` passes) run in order (``run``, with
    the first stage's work folder as ``first_work(work)`` gives it), then ``ship(work, out)``
    copying what the stages made into the reader's folder."""
    args = arguments(prog, doc, work, argv)
    todo = [[*stage, *passed_on(args)] for stage in stages(args.data, args.work)]
    if (status := run(todo, first_work(args.work))) != 0:
        return status
    args.out.mkdir(parents=True, exist_ok=True)
    ship(args.work, args.out)
    return 0
