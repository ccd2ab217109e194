"""Benchmark: the index at 1,000 to 100,000 articles, and the engine it replaced.

    .venv/bin/python -m bench.engine [--sizes 1000 10000 100000] [--questions 1000]
                                     [--baseline db1bb28]

For each size a generated corpus is written to a temporary folder as article files, then
child processes (so each peak RSS is its own) measure:

* ``build``: the first index of the folder (read, parse, index, commit), and the same from
  articles already in memory (what the old engine's build time measured);
* ``restart``: opening the built index to the first answer, then p50/p99 per question, clean
  and with typos, and how often the question's source sentence is cited first;
* ``add``: one new article file, from the reload the watcher starts for it to an answer
  that cites it.

Articles have about 25 sentences of 10 to 25 words drawn from a Zipf-distributed vocabulary
of made-up words plus real function words, the way real text mixes a few very common words
with many rare ones. Questions take four to six words of a random sentence and a question
word; the typo variant edits about a third of the longer words. With ``--baseline REV`` the
engine of that commit (the in-memory numpy index) runs on the same articles and questions
in the same run, from a git worktree, for the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.core.answer import Engine, EngineSettings
from bot.core.corpus import Article, Paragraph
from bot.core.evaluate import add_typos
from bot.core.index import CorpusIndex, Stamp
from bot.runtime.library import Library

FUNCTION_WORDS = "the of and to in a is that for it as was with by on at from".split()
SYLLABLES = "ka ri to me lo sa vi ne du ra po li an er ul os ti ba go fe mu".split()
ROOT = Path(__file__).resolve().parents[1]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def iter_articles(n: int, seed: int = 7) -> Iterator[Article]:
    """The generated articles one at a time (a million never sit in memory at once)."""
    rng = random.Random(seed)
    vocab = vocabulary(rng, 60_000)
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocab))))
    for a in range(n):
        paragraphs = []
        for p in range(5):
            sentences = []
            for _ in range(5):
                k = rng.randint(10, 25)
                picked = rng.choices(vocab, cum_weights=cumulative, k=k)
                mixed = [w if rng.random() > 0.3 else rng.choice(FUNCTION_WORDS) for w in picked]
                sentences.append(" ".join(mixed).capitalize() + ".")
            paragraphs.append(Paragraph(p + 1, " ".join(sentences), tuple(sentences)))
        title = " ".join(rng.choices(vocab[:5000], k=4)).title()
        yield Article(f"a{a:05d}", title, tuple(paragraphs))


def make_articles(n: int, seed: int = 7) -> list[Article]:
    return list(iter_articles(n, seed))


def make_cases(
    articles: list[Article], count: int, seed: int = 11
) -> list[tuple[str, str, str, str]]:
    """(clean question, question with typos, source article id, source sentence)."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        article = rng.choice(articles)
        sentence = rng.choice(rng.choice(article.paragraphs).sentences)
        words = [w for w in sentence.rstrip(".").lower().split() if w not in FUNCTION_WORDS]
        picked = rng.sample(words, min(len(words), rng.randint(4, 6)))
        lead = rng.choice(["what", "who", "when", "how many", "where", "which"])
        clean = f"{lead} {' '.join(picked)}"
        cases.append((clean, add_typos(clean, rng), article.id, sentence))
    return cases


def make_questions(articles: list[Article], count: int, seed: int = 11) -> list[str]:
    """Questions with typos, as the old benchmark asked them (the same random draws)."""
    return [typo for _, typo, _, _ in make_cases(articles, count, seed)]


def article_text(article: Article) -> str:
    body = "\n\n".join(p.text for p in article.paragraphs)
    return f"{article.title}\n\n{body}\n"


def write_corpus(folder: Path, articles: Iterable[Article]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for article in articles:
        (folder / f"{article.id}.txt").write_text(article_text(article), "utf-8")


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 2)


WARM = 20  # questions asked before timing, to warm caches


def timed(engine: Engine, cases: list[tuple[str, str, str, str]], typos: bool) -> dict[str, float]:
    for case in cases[:WARM]:
        engine.ask(case[1 if typos else 0])
    times, first = [], 0
    for clean, typo, article_id, sentence in cases:
        t0 = time.perf_counter()
        answer = engine.ask(typo if typos else clean)
        times.append((time.perf_counter() - t0) * 1000)
        top = answer.citations[0] if answer.citations else None
        first += top is not None and top.article == article_id and sentence in top.quote
    key = "typos" if typos else "clean"
    return {
        f"{key}_p50_ms": round(statistics.median(times), 2),
        f"{key}_p99_ms": percentile(times, 0.99),
        f"{key}_source_first": round(first / len(cases), 3),
    }


# -- children ---------------------------------------------------------------------------------


def child_build(corpus: Path, index: Path, size: int) -> dict[str, float]:
    start = time.perf_counter()
    library = Library(corpus, EngineSettings(), 2_000_000, index)
    from_files = time.perf_counter() - start
    build_rss = peak_rss_mb()
    library.close()
    articles = make_articles(size)
    scratch = index.with_name(index.name + "-scratch")
    start = time.perf_counter()
    CorpusIndex(scratch).apply([(a, Stamp()) for a in articles]).sentence_count  # noqa: B018
    from_memory = time.perf_counter() - start
    shutil.rmtree(scratch, ignore_errors=True)
    return {
        "build_from_files_s": round(from_files, 2),
        "build_peak_rss_mb": build_rss,
        "build_from_articles_s": round(from_memory, 2),
        "index_mb": folder_mb(index),
    }


def child_restart(corpus: Path, index: Path, cases_file: Path) -> dict[str, float]:
    cases = [tuple(c) for c in json.loads(cases_file.read_text(encoding="utf-8"))]
    start = time.perf_counter()
    library = Library(corpus, EngineSettings(), 2_000_000, index)
    library.engine.ask(cases[0][0])
    first_answer = time.perf_counter() - start
    out: dict[str, float] = {"restart_to_first_answer_s": round(first_answer, 3)}
    out.update(timed(library.engine, cases, typos=False))
    out.update(timed(library.engine, cases, typos=True))
    out["peak_rss_mb"] = peak_rss_mb()
    library.close()
    return out


def child_add(corpus: Path, index: Path, size: int) -> dict[str, float]:
    library = Library(corpus, EngineSettings(), 2_000_000, index, settle_seconds=0.0)
    extra = make_articles(1, seed=99)[0]
    sentence = extra.paragraphs[2].sentences[3]
    path = corpus / "zz-new.txt"
    times = []
    for attempt in range(5):
        path.write_text(article_text(extra).replace(sentence, sentence + f" Round{attempt}."))
        start = time.perf_counter()
        asyncio.run(library.reload_async([path.name]))  # as the watcher reports it
        answer = library.engine.ask(sentence.rstrip("."))
        times.append(time.perf_counter() - start)
        assert answer.citations and answer.citations[0].article == "zz-new", answer
    path.unlink()
    asyncio.run(library.reload_async())
    library.close()
    return {"add_one_article_ms": round(statistics.median(times) * 1000, 1)}


def child_baseline(size: int, questions: int, worktree: Path) -> dict[str, float]:
    """The old engine (its own module, from the worktree) on the same articles."""
    sys.path.insert(0, str(worktree))
    for name in [m for m in sys.modules if m == "bot" or m.startswith("bot.")]:
        del sys.modules[name]
    from bot.core.answer import Engine as OldEngine  # the worktree's

    articles = make_articles(size)
    cases = make_cases(articles, questions)
    start = time.perf_counter()
    engine = OldEngine.from_articles(articles)
    build = time.perf_counter() - start
    out: dict[str, float] = {"build_from_articles_s": round(build, 2)}
    out.update(timed(engine, cases, typos=False))  # type: ignore[arg-type]
    out.update(timed(engine, cases, typos=True))  # type: ignore[arg-type]
    out["peak_rss_mb"] = peak_rss_mb()
    return out


# -- parent -----------------------------------------------------------------------------------


def run_child(*args: str, module: str = "bench.engine") -> dict[str, float]:
    """Run one measurement in a child process of its own (so that its peak memory is its
    own); returns the JSON object it prints last."""
    done = subprocess.run(
        [sys.executable, "-m", module, "--child", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--baseline", help="git revision of an engine to compare against")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "baseline":
            print(json.dumps(child_baseline(int(rest[0]), int(rest[1]), Path(rest[2]))))
            return
        corpus, index, size = Path(rest[0]), Path(rest[1]), int(rest[2])
        if kind == "build":
            result = child_build(corpus, index, size)
        elif kind == "restart":
            result = child_restart(corpus, index, Path(rest[3]))
        else:
            result = child_add(corpus, index, size)
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        worktree = Path(tmp) / "baseline"
        if args.baseline:
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(worktree), args.baseline],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        try:
            for size in args.sizes:
                corpus, index = Path(tmp) / f"corpus-{size}", Path(tmp) / f"index-{size}"
                cases_file = Path(tmp) / f"cases-{size}.json"
                articles = make_articles(size)
                write_corpus(corpus, articles)
                cases_file.write_text(json.dumps(make_cases(articles, args.questions)))
                del articles
                result: dict[str, object] = {"articles": size}
                result.update(run_child("build", str(corpus), str(index), str(size)))
                result.update(
                    run_child("restart", str(corpus), str(index), str(size), str(cases_file))
                )
                result.update(run_child("add", str(corpus), str(index), str(size)))
                print(json.dumps(result), flush=True)
                if args.baseline:
                    old = run_child("baseline", str(size), str(args.questions), str(worktree))
                    print(json.dumps({"articles": size, "baseline": args.baseline, **old}))
                    for key in ("clean_p50_ms", "typos_p50_ms", "peak_rss_mb"):
                        print(f"  {key}: baseline/new = {old[key] / float(result[key]):.2f}x")  # type: ignore[arg-type]
                shutil.rmtree(corpus)
                shutil.rmtree(index, ignore_errors=True)
        finally:
            if args.baseline:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(worktree)],
                    cwd=ROOT,
                    check=False,
                    capture_output=True,
                )


if __name__ == "__main__":
    main()
