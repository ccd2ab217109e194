"""Benchmark: index build time, peak memory and time per question on generated corpora.

    .venv/bin/python -m bench.engine [--sizes 1000 10000] [--questions 500]

Each size runs in a child process, so its peak memory (max RSS) is its own. Articles have
about 25 sentences of 10 to 25 words drawn from a Zipf-distributed vocabulary of made-up
words plus real function words, the way real text mixes a few very common words with many
rare ones. Questions are built from random sentences (four to six of their words, a
question word, a typo in a third of them), so they exercise the same path real ones do. The
ratio of 10,000-article to 1,000-article latency, measured in one run, shows how flat the
cost per question stays as the corpus grows.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import statistics
import subprocess
import sys
import time

from bot.core.answer import Engine
from bot.core.corpus import Article, Paragraph
from bot.core.evaluate import add_typos

FUNCTION_WORDS = "the of and to in a is that for it as was with by on at from".split()
SYLLABLES = "ka ri to me lo sa vi ne du ra po li an er ul os ti ba go fe mu".split()


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def make_articles(n: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    vocab = vocabulary(rng, 60_000)
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocab))))
    articles = []
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
        articles.append(Article(f"a{a:05d}", title, tuple(paragraphs)))
    return articles


def make_questions(articles: list[Article], count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    questions = []
    for _ in range(count):
        article = rng.choice(articles)
        sentence = rng.choice(rng.choice(article.paragraphs).sentences)
        words = [w for w in sentence.rstrip(".").lower().split() if w not in FUNCTION_WORDS]
        picked = rng.sample(words, min(len(words), rng.randint(4, 6)))
        lead = rng.choice(["what", "who", "when", "how many", "where", "which"])
        questions.append(add_typos(f"{lead} {' '.join(picked)}", rng))
    return questions


def measure(size: int, questions: int) -> dict[str, float]:
    articles = make_articles(size)
    asked = make_questions(articles, questions)
    start = time.perf_counter()
    engine = Engine.from_articles(articles)
    build = time.perf_counter() - start
    for q in asked[:20]:  # warm caches (stemmer, allocator) before timing
        engine.ask(q)
    times = []
    for q in asked:
        t0 = time.perf_counter()
        engine.ask(q)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "articles": size,
        "sentences": engine.index.n,
        "build_s": round(build, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[int(len(times) * 0.99) - 1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.questions)))
        return
    results = []
    for size in args.sizes:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.engine",
                "--child",
                str(size),
                "--questions",
                str(args.questions),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(out.stdout))
        print(json.dumps(results[-1]))
    if len(results) > 1:
        base, top = results[0], results[-1]
        print(
            f"p50 ratio {top['articles']}/{base['articles']} articles: "
            f"{top['p50_ms'] / base['p50_ms']:.2f}x for "
            f"{top['articles'] / base['articles']:.0f}x the corpus"
        )


if __name__ == "__main__":
    main()
