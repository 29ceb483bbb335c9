"""Time sentence splitting on one long paragraph, and check that windowed splitting gives pysbd's sentences.

    python scripts/bench_sentences.py                       # 4,000 and 100,000 sentences in one paragraph
    python scripts/bench_sentences.py --sentences 1000 4000 --agreement 40000

For each size it prints the paragraph's length, the sentences found and the seconds
:func:`stance.ingest.sentences.split_sentences` took (one paragraph, as a one-paragraph POST to the API
or a .txt file without blank lines gives).  ``--agreement CHARS`` also joins the paragraphs of the
seeds (``../shared/seeds``) and ``data/examples`` into one paragraph of about CHARS characters and
compares the sentence ends the windowed splitter finds, and those pysbd finds on the whole paragraph at
once (quadratic: keep CHARS under about 100,000), with the ends found when each joined paragraph is
split alone.  Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from stance.ingest import sentences
from stance.ingest.corpus import load_corpus
from stance.records import Article, Span

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = (
    "Mr. Khan told reporters on day {i} that the talks would go on.",
    "The U.S. envoy said drone strikes were \"a matter for both governments\" and left.",
    "Officials in Islamabad declined to comment on report no. {i}.",
    "Dr. Faisal disagreed; the ministry, he said, had not been consulted!",
    "Would the army allow foreign bases, asked the committee?",
)
"""Sentences with abbreviations, quotes and other marks, so that the segmenter has work to do."""


def paragraph(n: int) -> str:
    """``n`` sentences in one paragraph (no line breaks)."""
    return " ".join(t.format(i=i) for i, t in zip(range(n), itertools.cycle(TEMPLATES)))


def time_split(n: int) -> None:
    text = paragraph(n)
    article = Article("bench", text, paragraphs=(Span(0, len(text), text),))  # no document-size cap here
    started, cpu = time.perf_counter(), time.process_time()
    found = sentences.split_sentences(article)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{n:>8,} sentences, {len(text):>10,} characters: {len(found):>8,} sentences found in {seconds:8.2f} s "
          f"({cpu:.2f} s of CPU)")


def seed_paragraphs(chars: int) -> list[str]:
    """Kept paragraphs of the seeds and the demo corpus, in turn, until they hold ``chars`` characters."""
    parts: list[str] = []
    folders = [p for p in (ROOT.parent / "shared" / "seeds", ROOT / "data" / "examples") if p.is_dir()]
    for folder in folders:
        for article in load_corpus(folder):
            parts += [p.text for p in article.paragraphs]
    out: list[str] = []
    for part in itertools.cycle(parts):
        if sum(len(p) + 1 for p in out) >= chars:
            return out
        out.append(part)
    return out


def ends(pieces, offset: int = 0) -> set[int]:
    return {offset + p.start + len(p.sent.rstrip()) for p in pieces}


def agreement(chars: int) -> None:
    """Sentence ends on one long paragraph: windowed, pysbd on the whole, and pysbd on each joined paragraph
    alone (the reference: every paragraph is under the cap, and a paragraph's end ends a sentence)."""
    parts = seed_paragraphs(chars)
    text = " ".join(parts)
    reference: set[int] = set()
    offset = 0
    for part in parts:
        reference |= ends(sentences._pieces(part), offset)
        offset += len(part) + 1
    windowed = ends(sentences._pieces(text))
    started = time.perf_counter()
    whole = ends(sentences._segmenter().segment(text))
    seconds = time.perf_counter() - started
    print(f"one paragraph of {len(text):,} characters joined from {len(parts):,} paragraphs; "
          f"{len(reference):,} sentence ends when each paragraph is split alone")
    for name, found in (("windowed", windowed), (f"pysbd on the whole ({seconds:.1f} s)", whole)):
        shared = len(found & reference)
        print(f"  {name}: {len(found):,} ends, {shared:,} of them the reference's "
              f"({100 * shared / max(1, len(reference)):.2f}% of the reference, "
              f"{len(found) - shared} not in it)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sentences", type=int, nargs="*", default=[4_000, 100_000])
    parser.add_argument("--agreement", type=int, default=0, help="characters of seed text in one paragraph")
    args = parser.parse_args()
    for n in args.sentences:
        time_split(n)
    if args.agreement:
        agreement(args.agreement)


if __name__ == "__main__":
    main()
