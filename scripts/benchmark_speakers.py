#!/usr/bin/env python
"""Speaker resolution on a second domain: the hand-coded speakers of 16
PolNeAR dev articles (tests/fixtures/polnear_speakers.yaml, coded before the
tool was run on them) against what `stance extract` and `stance track` credit.

    python scripts/benchmark_speakers.py [--polnear ../shared/data/polnear] [--tagger DIR|none] [--junk]

Columns: gold statements with a named speaker that a reported attribution
overlaps (found), and of those the share credited to the same speaker
(resolution); of gold statements with no named speaker, the share credited to
nobody or to anonymous sources; the share of distinct reported actors that are
no coded speaker of their article (junk; an upper bound, as a speaker the
coder missed counts too); the share of the reporter's own sentences credited
to an actor (narration).  --junk lists the junk actors.  The second pair of
rows leaves out the statements the gold credits to a news outlet, which the
tool never credits outside editorials (by design: an outlet reports, it does
not take positions).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from stance.attribution.names import is_outlet
from stance.attribution.polnear import load_articles
from stance.evaluation.speakers import Credited, junk_actors, load_gold, misses, speaker_scores

GOLD = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "polnear_speakers.yaml"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", default="../shared/data/polnear")
    parser.add_argument("--tagger", default="stance/models/attribution-minilm")
    parser.add_argument("--gold", default=str(GOLD),
                        help="a speaker gold in the fixture's format (default: %(default)s)")
    parser.add_argument("--junk", action="store_true", help="list the junk actors")
    parser.add_argument("--misses", action="store_true",
                        help="list the found statements credited to another speaker, with their text")
    args = parser.parse_args(argv)

    from stance.attribution.extract import Extractor
    from stance.attribution.rules import Attributor
    from stance.registries.actors import ActorRegistry

    gold = load_gold(args.gold)
    docs = load_articles(args.polnear, "dev", [g.doc_id for g in gold])
    tagger = None
    if args.tagger != "none":
        from stance.attribution.tagger import AttributionTagger

        tagger = AttributionTagger.load(args.tagger)
    systems = {}
    started = time.time()
    found = Extractor(ActorRegistry.load(None), tagger).extract_many(docs)
    systems["stance extract"] = {
        d.doc_id: [Credited(a.content.start, a.content.end, a.actor, a.actor_type) for a in f if a.content]
        for d, f in zip(docs, found)}
    seconds = {"stance extract": time.time() - started}
    started = time.time()
    statements = Attributor(ActorRegistry.load(None), tagger).extract_many(docs)
    systems["stance track"] = {
        d.doc_id: [Credited(s.text.start, s.text.end, s.actor, s.actor_type) for s in f]
        for d, f in zip(docs, statements)}
    seconds["stance track"] = time.time() - started
    n = {"named": sum(1 for g in gold for s in g.statements if s.speaker),
         "unnamed": sum(1 for g in gold for s in g.statements if not s.speaker),
         "narration": sum(len(g.narration) for g in gold)}
    print(f"{len(gold)} PolNeAR dev articles ({Path(args.gold).name}): {n['named']} statements with a named "
          f"speaker, {n['unnamed']} with none, {n['narration']} narration sentences\n")
    print("| system | named found | resolution | unnamed right | reported actors | junk share | narration credited "
          "| seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for leave_out, label in ((None, ""), (is_outlet, ", outlets' statements left out")):
        for name, credited in systems.items():
            s = speaker_scores(gold, credited, leave_out)
            print(f"| {name}{label} | {100 * s['named_found']:.1f} | {100 * s['resolution']:.1f} | "
                  f"{100 * s['unnamed_right']:.1f} | {s['actors']:.0f} | {100 * s['junk_share']:.1f} | "
                  f"{100 * s['narration_credited']:.1f} | {seconds[name]:.0f} |")
    if args.junk:
        for name, credited in systems.items():
            print(f"\njunk actors, {name}:")
            for doc_id, actor in junk_actors(gold, credited):
                print(f"- {doc_id}: {actor}")
    if args.misses:
        texts = {d.doc_id: d.text for d in docs}
        for name, credited in systems.items():
            print(f"\nmisses, {name}:")
            for m in misses(gold, credited):
                snippet = " ".join(texts[m.doc_id][m.start:m.end].split())[:90]
                print(f"- {m.doc_id[:40]} {m.start}: {m.gold!r} credited to {m.found!r}: {snippet}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
