"""What a model made in stages of ``train.reader`` needs (``train.spans``, ``train.shipped``):
its command line, and its stages run in order."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
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
    data: Path, first: list[str], exported: tuple[Path, ...], last: list[str]
) -> list[list[str]]:
    """A two-stage recipe's ``train.reader`` command lines still to run, each reading
    ``data``: the ``first`` stage's unless every file it exports (``exported``) is there
    already, then always the ``last``."""
    common = ["--data", str(data)]
    todo = [] if all(f.is_file() for f in exported) else [[*common, *first]]
    return [*todo, [*common, *last]]


def run(stages: list[list[str]], first_work: Path, last_work: Path) -> int:
    """Run ``train.reader`` on each command line of ``stages`` in order, stopping at the
    first that fails (its status returned). The last stage reuses the candidates of the
    first stage's work folder, ``first_work``, if its own, ``last_work``, has none yet:
    both put the same questions to the bot's first stages, and once is enough."""
    *before, last = stages
    for argv in before:
        if (status := reader.main(argv)) != 0:
            return status
    found, wanted = first_work / "candidates.jsonl", last_work / "candidates.jsonl"
    if found.is_file() and not wanted.is_file():
        wanted.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(found, wanted)
    return reader.main(last)


def main(
    prog: str,
    doc: str,
    work: str,
    argv: list[str] | None,
    folders: Callable[[Path], tuple[Path, Path, Path, Path]],
    stages: Callable[[Path, Path], list[list[str]]],
    ship: Callable[[Path, Path], None],
) -> int:
    """A two-stage recipe's command: its command line (``arguments``), the stages still to
    run (``stages(data, work)``, each given what ``passed_on`` passes) run in order (``run``,
    with the first and last stages' work folders as ``folders(work)`` gives them beside their
    models), then ``ship(made, out)`` copying what the last stage made into the reader's
    folder."""
    args = arguments(prog, doc, work, argv)
    first_work, _, last_work, made = folders(args.work)
    todo = [[*stage, *passed_on(args)] for stage in stages(args.data, args.work)]
    if (status := run(todo, first_work, last_work)) != 0:
        return status
    args.out.mkdir(parents=True, exist_ok=True)
    ship(made, args.out)
    return 0
