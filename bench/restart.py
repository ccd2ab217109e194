"""Benchmark: a large archive (100,000 to 1,000,000 articles): the first build, a restart to
the first answer, and the time per question.

    .venv/bin/python -m bench.restart [--articles 100000] [--runs 3] [--questions 1000]
                                      [--keep DIR] [--answer-first] [--skip-build]

bench.engine's generated articles are streamed to a folder (a million never sit in memory)
with a sample of questions about them; both are kept in ``--keep DIR`` so that a rerun, or a
run cut short, reuses what is there. Then, each in a process of its own (its peak memory is
its own):

* ``build``: the first index of the folder (read, parse, index, commit, the typo lexicon),
  resumed where it stopped if it was cut short; its time, peak RSS and the index's disk;
* ``restart`` (``--runs`` times): import the bot, open the library (index, catalog, typo
  lexicon, the folder reconciled) and answer one question, as a console command does; with
  ``--answer-first``, as the bot does (``Service.open(..., answer_first=True)``: the folder is
  looked at by the watcher's first rescan, after the first answer);
* ``questions``: p50/p99 per question, clean and with typos (bench.engine's questions), and
  how often the question's source sentence is cited first; peak RSS;
* ``browse``: an /articles page, a /digest, a title with a typo (``child_browse``).

Medians are printed with every run's figures; ``--log FILE`` also appends them as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_archive(home: Path, articles: int, questions: int) -> None:
    """The corpus and its questions, streamed; files already written are kept (resumable)."""
    from bench.engine import article_text, iter_articles, make_cases

    done = home / "corpus.done"
    if done.exists():
        return
    corpus = home / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    picked = set(random.Random(13).sample(range(articles), min(articles, questions)))
    sample = []
    started = time.perf_counter()
    for n, article in enumerate(iter_articles(articles)):
        path = corpus / f"{article.id}.txt"
        if not path.exists():
            tmp = path.with_suffix(".part")
            tmp.write_text(article_text(article), "utf-8")
            tmp.rename(path)
        if n in picked:
            sample.append(article)
        if n % 50_000 == 0:
            print(f"  corpus: {n:,} articles, {time.perf_counter() - started:.0f}s", flush=True)
    (home / "cases.json").write_text(json.dumps(make_cases(sample, questions)), "utf-8")
    done.write_text(f"{articles}\n", "utf-8")


def _library(home: Path, reconcile: bool):  # type: ignore[no-untyped-def]
    from bot.core.answer import EngineSettings
    from bot.runtime.library import Library

    corpus, index = home / "corpus", home / "index"
    return Library(corpus, EngineSettings(), 2_000_000, index, reconcile=reconcile)


def child_build(home: Path) -> dict[str, float]:
    from bench.engine import folder_mb, peak_rss_mb

    started = time.perf_counter()
    library = _library(home, reconcile=True)
    built = time.perf_counter() - started
    articles = library.engine.view.article_count
    library.close()
    return {
        "articles": articles,
        "build_s": round(built, 1),
        "build_peak_rss_mb": peak_rss_mb(),
        "index_disk_mb": folder_mb(home / "index"),
        "lexicon_disk_mb": folder_mb(home / "index.lexicon"),
    }


def child_restart(home: Path, answer_first: bool) -> dict[str, float]:
    started = time.perf_counter()
    from bench.engine import peak_rss_mb

    imported = time.perf_counter()
    library = _library(home, reconcile=not answer_first)
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


def child_questions(home: Path) -> dict[str, float]:
    from bench.engine import peak_rss_mb, timed

    cases = [tuple(c) for c in json.loads((home / "cases.json").read_text("utf-8"))]
    library = _library(home, reconcile=False)
    out: dict[str, float] = {"questions": len(cases)}
    out.update(timed(library.engine, cases, typos=False))  # type: ignore[arg-type]
    out.update(timed(library.engine, cases, typos=True))  # type: ignore[arg-type]
    out["questions_peak_rss_mb"] = peak_rss_mb()
    library.close()
    return out


def child_browse(home: Path) -> dict[str, float]:
    """What browsing costs: an /articles page (the first, the fiftieth), a /digest of seven
    days, and an article asked for by its title with a typo; medians of five. Beside them,
    in the same process, the whole-catalog reads they replaced (every article newest first,
    every title), once each."""
    from bench.engine import peak_rss_mb

    library = _library(home, reconcile=False)
    engine = library.engine
    every = engine.view.entries

    def median_ms(work: Callable[[], object], runs: int = 5) -> float:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
        return round(statistics.median(times) * 1000, 2)

    title = engine.latest(1)[0].title
    typo = title[:3] + title[4:]
    found = engine.find_article(typo).title == title
    newest = next((a.date for a in engine.latest(1) if a.date), dt.date.today())
    out: dict[str, float] = {
        "articles_page_1_ms": median_ms(lambda: engine.latest(10)),
        "articles_page_50_ms": median_ms(lambda: engine.latest(500)[490:]),
        "digest_7_days_ms": median_ms(lambda: engine.dated_since(newest - dt.timedelta(days=6))),
        "title_with_typo_ms": median_ms(lambda: engine.find_article(typo)),
        "title_with_typo_found": float(found),
        "browse_peak_rss_mb": peak_rss_mb(),
        "every_article_newest_first_ms": median_ms(engine.latest, runs=1),
        "every_title_ms": median_ms(lambda: [e.info.title for e in every.values()], 1),
    }
    library.close()
    return out


def run_child(home: Path, kind: str, *extra: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.restart", "--child", kind, str(home), *extra],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--keep", type=Path, default=ROOT / "data" / "bench-archive")
    parser.add_argument("--answer-first", action="store_true", help="as the bot restarts")
    parser.add_argument("--skip-build", action="store_true", help="the index is built")
    parser.add_argument("--log", type=Path, help="append the results here as JSON")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, home = args.child[0], Path(args.child[1])
        if kind == "build":
            print(json.dumps(child_build(home)))
        elif kind == "questions":
            print(json.dumps(child_questions(home)))
        elif kind == "browse":
            print(json.dumps(child_browse(home)))
        else:
            print(json.dumps(child_restart(home, kind == "restart-answer-first")))
        return
    home = args.keep / f"restart-{args.articles}"
    write_archive(home, args.articles, args.questions)
    result: dict[str, object] = {"articles": args.articles}
    if not args.skip_build:
        build = run_child(home, "build")
        print(f"the build: {build}", flush=True)
        result.update(build)
    kind = "restart-answer-first" if args.answer_first else "restart"
    runs = [run_child(home, kind) for _ in range(args.runs)]
    for key in runs[0]:
        values = [r[key] for r in runs]
        result[key] = statistics.median(values)
        print(f"{key}: {statistics.median(values)}  {values}", flush=True)
    questions = run_child(home, "questions")
    print(f"questions: {questions}", flush=True)
    result.update(questions)
    browse = run_child(home, "browse")
    print(f"browsing: {browse}", flush=True)
    result.update(browse)
    if args.log:
        with args.log.open("a", encoding="utf-8") as f:
            f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
