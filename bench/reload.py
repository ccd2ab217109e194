"""Benchmark: how long answers take while the bot picks up a new article.

    .venv/bin/python -m bench.reload [--articles 10000]

A generated corpus is written to a temporary folder and loaded. Questions are then asked on
the event loop, one every 2 ms, first with nothing else going on (the baseline) and then
while ``Library.reload_async`` picks up one new article. Each answer's latency runs from
when it was due, so time spent waiting for the rebuild to yield counts. Reported: p50/p99
for both and their ratio, and how long the reload took.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench.engine import make_articles, make_questions
from bot.core.answer import EngineSettings
from bot.runtime.library import Library


def write_corpus(folder: Path, count: int) -> list[str]:
    articles = make_articles(count + 1)
    for article in articles[:count]:
        body = "\n\n".join(p.text for p in article.paragraphs)
        (folder / f"{article.id}.txt").write_text(f"{article.title}\n\n{body}\n", "utf-8")
    extra = articles[count]
    body = "\n\n".join(p.text for p in extra.paragraphs)
    (folder / ".pending").write_text(f"{extra.title}\n\n{body}\n", "utf-8")
    return make_questions(articles, 4000)


async def ask_while(
    library: Library, questions: list[str], busy: asyncio.Task[object] | None, count: int
) -> list[float]:
    latencies = []
    for i in range(count):
        due = time.perf_counter()
        await asyncio.sleep(0.002)
        library.engine.ask(questions[i % len(questions)])
        latencies.append((time.perf_counter() - due - 0.002) * 1000)
        if busy is not None and busy.done():
            break
    return sorted(latencies)


def summary(latencies: list[float]) -> tuple[float, float]:
    return (
        round(statistics.median(latencies), 2),
        round(latencies[max(0, int(len(latencies) * 0.99) - 1)], 2),
    )


async def main_async(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        questions = write_corpus(folder, count)
        start = time.perf_counter()
        index = Path(tmp + "-index")
        library = Library(folder, EngineSettings(), 2_000_000, index, settle_seconds=0)
        print(f"loaded {count} articles in {time.perf_counter() - start:.1f}s")
        idle = await ask_while(library, questions, None, 500)
        (folder / ".pending").rename(folder / "zz_new.txt")
        start = time.perf_counter()
        reload = asyncio.create_task(library.reload_async(["zz_new.txt"]))  # as watched
        busy = await ask_while(library, questions, reload, 10**6)
        changes = await reload
        took = time.perf_counter() - start
        assert [a.id for a in changes.added] == ["zz_new"], changes
        p50, p99 = summary(idle)
        b50, b99 = summary(busy)
        print(f"idle: p50 {p50} ms, p99 {p99} ms ({len(idle)} questions)")
        print(
            f"during the reload ({took:.1f}s): p50 {b50} ms, p99 {b99} ms "
            f"({len(busy)} questions); ratio p50 {b50 / p50:.2f}x, p99 {b99 / p99:.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    asyncio.run(main_async(parser.parse_args().articles))


if __name__ == "__main__":
    main()
