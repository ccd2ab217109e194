"""Benchmark: the console's first answer on a large folder no one has embedded.

    .venv/bin/python -m bench.cli [--articles 10000] [--runs 3] [--keep DIR]

``python -m bot ask QUESTION`` is run as an operator runs it, a process of its own (Python's
start included), on bench.engine's generated articles with no vectors: **cold** (no index
yet: it is built first, each run on a fresh storage folder) and **warm** (the index built by
an earlier run). Each run reports its wall time and the child's peak RSS; medians are
printed, with every run's figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.engine import make_articles, make_cases, write_corpus

ROOT = Path(__file__).resolve().parents[1]


def ask(config: Path, question: str) -> tuple[float, float, str]:
    """One ``python -m bot ask``: (seconds, the child's peak RSS in MB, what it printed)."""
    start = time.perf_counter()
    code = (
        "import resource, runpy, sys\n"
        "sys.argv = ['bot'] + sys.argv[1:]\n"
        "try:\n"
        "    runpy.run_module('bot', run_name='__main__')\n"
        "finally:\n"
        "    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "    print(f'PEAK_RSS_MB {rss:.1f}', file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--config", str(config), "ask", question],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": ""},
        check=False,
    )
    seconds = time.perf_counter() - start
    rss = float(done.stderr.rsplit("PEAK_RSS_MB ", 1)[-1].split()[0])
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return seconds, rss, done.stdout + done.stderr


def config_for(home: Path, corpus: Path, storage: Path) -> Path:
    config = home / f"{storage.name}.yaml"
    config.write_text(
        f"corpus:\n  folder: {corpus}\nstorage:\n  path: {storage / 'bot.sqlite3'}\n",
        encoding="utf-8",
    )
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the generated corpus here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        home = Path(tmp)
        corpus = (args.keep or home) / f"corpus-{args.articles}"
        articles = make_articles(args.articles)
        if not corpus.is_dir():
            write_corpus(corpus, articles)
        questions = [clean for clean, _, _, _ in make_cases(articles, args.runs * 2, seed=5)]
        cold: list[tuple[float, float]] = []
        warm: list[tuple[float, float]] = []
        said = ""
        for run in range(args.runs):
            storage = home / f"storage-{run}"
            shutil.rmtree(storage, ignore_errors=True)
            config = config_for(home, corpus, storage)
            seconds, rss, said = ask(config, questions[2 * run])
            cold.append((seconds, rss))
            seconds, rss, _ = ask(config, questions[2 * run + 1])
            warm.append((seconds, rss))
        print(f"{args.articles:,} articles, no vectors; runs: {args.runs}")
        for name, runs in (("cold", cold), ("warm", warm)):
            print(
                f"{name}: first answer {statistics.median(s for s, _ in runs):.2f} s,"
                f" peak RSS {statistics.median(r for _, r in runs):.0f} MB"
                f"  [{', '.join(f'{s:.2f} s / {r:.0f} MB' for s, r in runs)}]"
            )
        print("what the last cold run printed:\n" + said.strip()[:1500])


if __name__ == "__main__":
    main()
