#!/usr/bin/env python
"""Peak memory of `stance ingest` against corpus size: streaming ingestion should hold one batch of articles,
never the corpus, so the peak for 4N documents should be within a few per cent of the peak for N.

    python scripts/benchmark_ingest_memory.py [--documents 500] [--factor 4] [--words 600] [--format jsonl|txt]
        [--materialise] [--model default] [--tagger none]

Generates a corpus of invented articles (``--words`` words each: two or three attributed statements on the
shipped issues among filler paragraphs, every article different) as one JSONL file or a folder of .txt files
with a manifest, then runs `stance ingest` on N and on N x ``--factor`` of them, each in its own process into a
fresh SQLite store, and prints each run's peak resident memory (the child's own, from ``wait4``), its time
(the process's start and the model's loading included) and documents per second.  ``--materialise`` adds the
same runs with the corpus read whole into a list first (as `stance ingest` did before it streamed), so one
table shows both.  The rules alone attribute statements (``--tagger none``, the default here) to keep the
runs short.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PEOPLE = ["Foreign Minister Khawaja Asif", "Pentagon Press Secretary John Kirby", "Prime Minister Imran Khan",
          "Defence Minister Khurram Dastgir", "Taliban spokesman Suhail Shaheen", "Ambassador Aizaz Chaudhry"]
CLAIMS = ["Pakistan would never give its bases to the United States", "drone strikes inside Pakistan must stop",
          "the safe havens along the border must be closed down", "intelligence sharing with Washington had ended",
          "no joint operation on Pakistani soil would be allowed", "cooperation with the US would continue"]
WORDS = ["talks", "officials", "week", "market", "harvest", "province", "budget", "council", "report", "river",
         "school", "bridge", "festival", "election", "court", "season", "traffic", "weather", "hospital", "railway",
         "museum", "contract", "committee", "visit", "trade"]


def article_text(rng: random.Random, k: int, words: int) -> str:
    """An invented article of about ``words`` words: two or three statements among filler paragraphs."""
    paragraphs = [f"{rng.choice(PEOPLE)} said on day {k}-{j} that {rng.choice(CLAIMS)}."
                  for j in range(rng.randint(2, 3))]
    count = sum(len(p.split()) for p in paragraphs)
    while count < words:
        sentences = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + f" {rng.randint(0, 10**9)}."
                     for _ in range(rng.randint(3, 5))]
        paragraphs.append(" ".join(sentences))
        count += 13 * len(sentences)
    rng.shuffle(paragraphs)
    return "\n\n".join(paragraphs)


def write_corpus(folder: Path, n: int, words: int, form: str, seed: int = 0) -> Path:
    rng = random.Random(seed)
    rows = ({"id": f"bench-{k}", "date": f"{2015 + k % 7}-{1 + k % 12:02d}-{1 + k % 28:02d}",
             "source": f"Outlet {k % 5}", "text": article_text(rng, k, words)} for k in range(n))
    if form == "jsonl":
        path = folder / f"corpus-{n}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row) + "\n")
        return path
    path = folder / f"corpus-{n}"
    path.mkdir()
    with (path / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for row in rows:
            (path / f"{row['id']}.txt").write_text(row["text"], encoding="utf-8")
            manifest.write(json.dumps({"file": f"{row['id']}.txt", "date": row["date"], "source": row["source"]})
                           + "\n")
    return path


class _Whole:
    """A corpus stream read whole into a list before the first article is handed on: the old behaviour."""

    def __init__(self, stream) -> None:
        self.articles = list(stream)
        self._stream, self._next = stream, iter(self.articles)
        self.count = len(self.articles)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._next)

    def report(self):
        return self._stream.report()


def child(mode: str, corpus: str, db: str, model: str, tagger: str) -> int:
    """One `stance ingest` run (in this process, measured by the parent)."""
    import stance.ingest.corpus as loader
    from stance.cli.main import main

    if mode == "materialised":
        lazy = loader.iter_corpus
        loader.iter_corpus = lambda *args, **options: _Whole(lazy(*args, **options))  # type: ignore[assignment]
    return main(["ingest", corpus, "--db", db, "--model", model, "--tagger", tagger, "--quiet"])


def measure(mode: str, corpus: Path, db: str, model: str, tagger: str) -> tuple[float, float, str]:
    """(peak resident MiB, seconds, the run's summary line) of one run in its own process."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, "--child", mode, str(corpus), db, model, tagger],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    out, err = process.stdout.read(), process.stderr.read()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the {mode} run on {corpus} failed (exit {os.waitstatus_to_exitcode(status)}):\n{err}")
    return usage.ru_maxrss / 1024, seconds, out.strip().splitlines()[-1]


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child(*sys.argv[2:7])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=500, help="N, the smaller corpus (default 500)")
    parser.add_argument("--factor", type=int, default=4, help="the larger corpus is N times this (default 4)")
    parser.add_argument("--words", type=int, default=600, help="words per article (default 600)")
    parser.add_argument("--format", choices=("jsonl", "txt"), default="jsonl")
    parser.add_argument("--materialise", action="store_true",
                        help="also run with the corpus read whole first (the behaviour before streaming)")
    parser.add_argument("--model", default="default")
    parser.add_argument("--tagger", default="none")
    args = parser.parse_args()
    if args.documents < 1 or args.factor < 2 or args.words < 20:
        parser.error("expected --documents 1 or more, --factor 2 or more and --words 20 or more")
    modes = ["streamed", *(["materialised"] if args.materialise else [])]
    print("| mode | documents | corpus MiB | peak RSS MiB | seconds | documents/s |\n|---|---:|---:|---:|---:|---:|")
    peaks: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory(prefix="stance-ingest-memory-") as tmp:
        folder = Path(tmp)
        sizes = (args.documents, args.documents * args.factor)
        corpora = {n: write_corpus(folder, n, args.words, args.format) for n in sizes}
        for mode in modes:
            for n in sizes:
                corpus = corpora[n]
                mib = (corpus.stat().st_size if corpus.is_file()
                       else sum(p.stat().st_size for p in corpus.iterdir())) / 2**20
                db = str(folder / f"db-{mode}-{n}")
                peak, seconds, summary = measure(mode, corpus, db, args.model, args.tagger)
                if not summary.startswith(f"{n} documents added"):
                    raise SystemExit(f"the {mode} run on {n} documents did not add them all: {summary}")
                peaks[(mode, n)] = peak
                print(f"| {mode} | {n:,} | {mib:.1f} | {peak:.0f} | {seconds:.1f} | {n / seconds:.1f} |", flush=True)
    for mode in modes:
        small, large = peaks[(mode, sizes[0])], peaks[(mode, sizes[1])]
        print(f"{mode}: peak RSS for {sizes[1]:,} documents is {100 * (large / small - 1):+.1f}% of that for "
              f"{sizes[0]:,} ({large - small:+.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
