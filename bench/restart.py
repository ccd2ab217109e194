"""Benchmark: a restart on a large archive, phase by phase.

    .venv/bin/python -m bench.restart [--articles 100000] [--runs 3] [--keep DIR]
                                      [--answer-first]

bench.engine's generated articles are written and indexed once (kept in ``--keep DIR``, so a
rerun reuses them); then each run is a process of its own that imports the bot, opens the
library (index, catalog, typo lexicon, the folder reconciled) and answers one question, as
a console command does; with ``--answer-first``, as the bot does (``Service.open(...,
answer_first=True)``: the folder is looked at by the watcher's first rescan, after the first
answer). Medians are printed with every run's figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(home: Path, answer_first: bool) -> dict[str, float]:
    started = time.perf_counter()
    from bench.engine import peak_rss_mb
    from bot.core.answer import EngineSettings
    from bot.runtime.library import Library

    imported = time.perf_counter()
    library = Library(
        home / "corpus",
        EngineSettings(),
        2_000_000,
        home / "index",
        reconcile=not answer_first,
    )
    opened = time.perf_counter()
    library.engine.ask("what gonerika anfemuto")
    answered = time.perf_counter()
    library.close()
    return {
        "imports_s": round(imported - started, 2),
        "open_s": round(opened - imported, 2),
        "first_answer_s": round(answered - opened, 3),
        "restart_to_first_answer_s": round(answered - started, 2),
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the corpus and its index here")
    parser.add_argument("--answer-first", action="store_true", help="as the bot restarts")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.answer_first)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-restart-") as tmp:
        home = (args.keep or Path(tmp)) / f"restart-{args.articles}"
        if not (home / "corpus").is_dir():
            from bench.engine import make_articles, write_corpus

            write_corpus(home / "corpus", make_articles(args.articles))
        built = subprocess.run(  # the first build (or nothing, when kept)
            [sys.executable, "-m", "bench.restart", "--child", str(home)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        print(f"{args.articles:,} articles; the build: {built.stdout.strip()}")
        mode = ["--answer-first"] if args.answer_first else []
        runs = []
        for _ in range(args.runs):
            done = subprocess.run(
                [sys.executable, "-m", "bench.restart", "--child", str(home), *mode],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        for key in runs[0]:
            values = [r[key] for r in runs]
            print(f"{key}: {statistics.median(values)}  {values}")


if __name__ == "__main__":
    main()
