"""Benchmark: the semantic stage (and the reader) on generated corpora of 1,000 and 10,000
articles.

    .venv/bin/python -m bench.semantic [--sizes 1000 10000] [--questions 500] [--threads 1]
                                       [--reader default|none|FOLDER] [--keep DIR]
                                       [--no-switch] [--cite-read 0]

For each size, in child processes (each peak RSS its own): the corpus is indexed, then every
sentence is embedded as the bot does it in the background (time per 1,000 sentences,
vectors on disk); then a restart measures the time from a cold start (index, vectors and
model loaded) to the first semantic answer, p50/p99 per question with the semantic stage
on, clean and with typos, and peak RSS; with ``--reader`` (the default), the reader reads the
candidates of each question as the bot does, and the passages each of its models reads a
question are counted (``clean_reader_reads``, ``_spans_``, ``_marks_``: they do not depend on
the machine). The questions and corpus are bench.engine's.
Embedding 250,000 sentences takes most of an hour on one thread: ``--keep DIR`` keeps the
corpus, index and vectors there, and a rerun with the same DIR embeds nothing again.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import bot.core.answer as answer_module
from bench.asking import count_reads
from bench.engine import (
    WARM,
    folder_mb,
    make_articles,
    make_cases,
    peak_rss_mb,
    run_child,
    timed,
    write_corpus,
)
from bot.core.answer import EngineSettings
from bot.core.dense import DEFAULT_MODEL
from bot.runtime.library import Library
from bot.runtime.process import embedder as load_embedder
from bot.runtime.process import reader as load_reader

CHILD = "bench.semantic"  # the module a measurement runs in, in its child process


def _library(
    corpus: Path,
    index: Path,
    threads: int,
    reader: str = "none",
    dense: bool = True,
    decides: bool = False,
) -> Library:
    embedder = load_embedder(DEFAULT_MODEL, threads) if dense else None
    return Library(
        corpus,
        EngineSettings(reader_decides=decides),
        2_000_000,
        index,
        embedder=embedder,
        reader=load_reader(reader, threads),
    )


def child_embed(corpus: Path, index: Path, threads: int) -> dict[str, float]:
    library = _library(corpus, index, threads)
    pending = library.pending_sentences()
    start = time.perf_counter()
    library.embed_pending()
    elapsed = time.perf_counter() - start
    assert library.engine.semantic is not None
    library.close()
    vectors = index.with_name(index.name + ".vectors")
    return {
        "sentences": pending,
        "embed_s": round(elapsed, 1),
        "embed_ms_per_1000_sentences": round(elapsed / max(1, pending) * 1e6, 0),
        "vectors_mb": folder_mb(vectors),
        "embed_peak_rss_mb": peak_rss_mb(),
    }


def child_answer(
    corpus: Path,
    index: Path,
    cases_file: Path,
    threads: int,
    reader: str,
    dense: bool,
    decides: bool,
) -> dict[str, float]:
    cases = [tuple(c) for c in json.loads(cases_file.read_text(encoding="utf-8"))]
    start = time.perf_counter()
    library = _library(corpus, index, threads, reader, dense, decides)
    if dense:
        assert library.engine.semantic is not None, "vectors missing: run the embed child first"
    library.engine.ask(cases[0][0])
    cold = time.perf_counter() - start
    out: dict[str, float] = {"cold_start_to_semantic_answer_s": round(cold, 2)}
    counted = count_reads(library.reader)
    asked = len(cases) + min(WARM, len(cases))  # timed() warms up on the first questions
    for typos in (False, True):
        for session in counted.values():
            session.rows = 0
        out.update(timed(library.engine, cases, typos=typos))  # type: ignore[arg-type]
        key = "typos" if typos else "clean"
        for name, session in counted.items():
            out[f"{key}_{name}_reads"] = round(session.rows / asked, 2)
    out["peak_rss_mb"] = peak_rss_mb()
    library.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--reader", default="default", help="default, none or a model folder")
    parser.add_argument("--keep", type=Path, help="keep corpora, indexes and vectors here")
    parser.add_argument(
        "--no-dense",
        dest="dense",
        action="store_false",
        help="lexical first stage only: nothing embedded (the reader still reads)",
    )
    parser.add_argument("--decides", action="store_true", help="the reader picks and refuses too")
    parser.add_argument(
        "--no-switch",
        dest="switch",
        action="store_false",
        help="the reader never overrules the rank's choice (SWITCH_BELOW, SWITCH_DOUBT 0)",
    )
    parser.add_argument(
        "--cite-read",
        type=float,
        help="read other paragraphs for citations down to this share of the best's score "
        "(CITE_READ; 0 reads them all), to compare",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if not args.switch:
            answer_module.SWITCH_BELOW = answer_module.SWITCH_DOUBT = 0.0
        if args.cite_read is not None:
            answer_module.CITE_READ = args.cite_read
        kind, corpus, index, *rest = args.child
        if kind == "embed":
            result = child_embed(Path(corpus), Path(index), args.threads)
        else:
            result = child_answer(
                Path(corpus),
                Path(index),
                Path(rest[0]),
                args.threads,
                args.reader,
                args.dense,
                args.decides,
            )
        print(json.dumps(result))
        return
    threads = ["--threads", str(args.threads)]
    with tempfile.TemporaryDirectory(prefix="bench-semantic-") as tmp:
        home = args.keep or Path(tmp)
        home.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            corpus, index = home / f"corpus-{size}", home / f"index-{size}"
            cases_file = home / f"cases-{size}.json"
            if not cases_file.is_file():
                articles = make_articles(size)
                write_corpus(corpus, articles)
                cases_file.write_text(json.dumps(make_cases(articles, args.questions)))
                del articles
            result: dict[str, object] = {
                "articles": size,
                "threads": args.threads,
                "reader": args.reader,
                "dense": args.dense,
                "decides": args.decides,
                "switch": args.switch,
                "cite_read": answer_module.CITE_READ if args.cite_read is None else args.cite_read,
            }
            if args.dense:
                result.update(run_child("embed", str(corpus), str(index), *threads, module=CHILD))
            result.update(
                run_child(
                    "answer",
                    str(corpus),
                    str(index),
                    str(cases_file),
                    *threads,
                    "--reader",
                    args.reader,
                    *([] if args.dense else ["--no-dense"]),
                    *(["--decides"] if args.decides else []),
                    *([] if args.switch else ["--no-switch"]),
                    *([] if args.cite_read is None else ["--cite-read", str(args.cite_read)]),
                    module=CHILD,
                )
            )
            print(json.dumps(result), flush=True)
            if args.keep is None:
                shutil.rmtree(corpus)


if __name__ == "__main__":
    main()
