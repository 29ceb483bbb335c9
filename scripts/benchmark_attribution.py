#!/usr/bin/env python
"""Attribution on PolNeAR dev: source, cue and content span F1 (exact and
overlap) for the rules alone, the trained tagger alone (its word-level
decoding, and each token's most likely tag for comparison), their span-level
combinations (one system's spans, plus the other's where they overlap none),
and what `stance track` extracts (the rules, plus the tagger's attributions in
sentences where the rules find none and its source resolves to an actor; and
the tagger's first, the rules' where it finds none), in one run, beside the
published figures and the agreement between PolNeAR's own annotators on the
articles several of them read.

    python scripts/benchmark_attribution.py [--tagger stance/models/attribution-minilm] [--parser auto|none]
        [--limit N] [--json out.json]

With a spaCy pipeline installed (requirements/syntax.txt), the tagger rows are
repeated with the parser completing the tagger's source phrases.

Exact: the same offsets after trimming surrounding spaces, punctuation and
quotation marks.  Overlap: at least one shared character, each gold span
matched at most once.  Writes nothing unless --json is given.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from stance.attribution.extract import RULE_CATEGORIES
from stance.attribution.polnear import ROLES, load_versions
from stance.evaluation.attribution import agreement, attribution_spans, combine_spans, span_scores, statement_spans

PUBLISHED = ("PARC 3.0, trained tagger: source exact F1 82.0, whole quote exact F1 56.7; rule-based news quote "
             "extractor: quote F1 83.7 at 0.3 overlap, speaker match 86%")


def rules(docs, tagger=None, first="rules"):
    """Spans of the statements `stance track` extracts: the rules, plus the
    tagger in sentences where the rules find nothing when ``tagger`` is given
    (``first="tagger"``: the other way round).  The tagger reads whole
    documents here, as if every sentence named an issue."""
    from stance.attribution.rules import Attributor
    from stance.registries.actors import ActorRegistry

    attributor = Attributor(ActorRegistry.load(None), tagger, first=first)
    out = {}
    for doc in docs:
        out[doc.doc_id] = statement_spans(attributor.extract(_article(doc)))
    return out


def extract(docs, tagger, tagged, categories=None):
    """Spans of what `stance extract` reports: the tagger's (``tagged``, found already), plus the rules'
    finds in ``categories`` (default: the shipped choice) where the tagger found no content."""
    from stance.attribution.extract import DEFAULT_RULES, Extractor
    from stance.registries.actors import ActorRegistry

    extractor = Extractor(ActorRegistry.load(None), tagger, DEFAULT_RULES if categories is None else categories)
    found = extractor.extract_many([_article(doc) for doc in docs], tagged)
    return {doc.doc_id: attribution_spans(a) for doc, a in zip(docs, found)}


def _article(doc):
    from stance.ingest.clean import clean_paragraphs, split_paragraphs
    from stance.records import Article

    return Article(doc.doc_id, doc.text, paragraphs=tuple(clean_paragraphs(split_paragraphs(doc.text))))


def agreement_rows(root, dev: dict, tagged: dict | None = None) -> dict[str, dict[str, float]]:
    """The ceiling: PolNeAR's annotators scored against each other on the
    articles that several of them read (``dev``, every version of each dev
    article, and the train split under ``root``), and the tagger's spans
    (``tagged``, by doc id, already found) against each annotator on the dev
    ones.  Dev alone holds two such articles, so the pooled row is the steadier one."""
    shared = {"dev": {k: v for k, v in dev.items() if len(v) > 1},
              "train": {k: v for k, v in load_versions(root, "train").items() if len(v) > 1}}
    pooled = {f"{split}/{k}": v for split, group in shared.items() for k, v in group.items()}
    n = {split: len(group) for split, group in shared.items()}
    rows = {f"annotators against each other, dev + train ({n['dev']} + {n['train']} articles)": agreement(pooled)}
    if shared["dev"]:  # none when --limit leaves them out
        rows[f"annotators against each other, dev ({n['dev']} articles)"] = agreement(shared["dev"])
    if tagged is not None and shared["dev"]:
        gold = [replace(version, doc_id=f"{k}#{i}") for k, versions in shared["dev"].items()
                for i, version in enumerate(versions)]
        rows[f"tagger against each annotator, dev ({n['dev']} articles)"] = span_scores(
            gold, {d.doc_id: tagged[d.doc_id.rsplit("#", 1)[0]] for d in gold})
    return rows


def _cells(scores: dict[str, float]) -> str:
    """Exact and overlap F1 per role, as table cells."""
    return " | ".join(f"{100 * scores[f'{role}_exact_f1']:.1f} | {100 * scores[f'{role}_overlap_f1']:.1f}"
                      for role in ROLES)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", default="../shared/data/polnear")
    parser.add_argument("--tagger", default="stance/models/attribution-minilm")
    parser.add_argument("--limit", type=int, default=None, help="the first N dev articles only")
    parser.add_argument("--parser", default="auto", help="spaCy pipeline for the '+ parser' rows (none: skip them)")
    parser.add_argument("--json", help="also write every figure here")
    args = parser.parse_args(argv)

    versions = load_versions(args.polnear, "dev", limit=args.limit)
    docs = [v[0] for v in versions.values()]  # the first annotator's, as load_polnear
    systems, seconds = {}, {}
    started = time.time()
    systems["rules"] = rules(docs)
    seconds["rules"] = time.time() - started
    if Path(args.tagger).is_dir():
        from stance.attribution.tagger import AttributionTagger

        tagger = AttributionTagger.load(args.tagger)
        decoding = tagger.config.decoding
        tagger.config.decoding = "tokens"  # each token's most likely tag: the decoding before word-level Viterbi
        started = time.time()
        systems["tagger, token argmax"] = {d.doc_id: p for d, p in zip(docs, tagger.predict([d.text for d in docs]))}
        seconds["tagger, token argmax"] = time.time() - started
        tagger.config.decoding = decoding
        started = time.time()
        predicted = tagger.predict([d.text for d in docs])
        seconds["tagger"] = time.time() - started
        systems["tagger"] = {d.doc_id: p for d, p in zip(docs, predicted)}
        systems["rules, then tagger"] = {
            d.doc_id: combine_spans(systems["rules"][d.doc_id], systems["tagger"][d.doc_id]) for d in docs}
        systems["tagger, then rules"] = {
            d.doc_id: combine_spans(systems["tagger"][d.doc_id], systems["rules"][d.doc_id]) for d in docs}
        started = time.time()
        systems["stance extract"] = extract(docs, tagger, predicted)
        seconds["stance extract"] = seconds["tagger"] + time.time() - started
        for category in RULE_CATEGORIES:
            systems[f"tagger + rules: {category}"] = extract(docs, tagger, predicted, (category,))
        started = time.time()
        systems["stance track (rules + tagger)"] = rules(docs, tagger)
        seconds["stance track (rules + tagger)"] = time.time() - started
        started = time.time()
        systems["stance track, tagger first"] = rules(docs, tagger, first="tagger")
        seconds["stance track, tagger first"] = time.time() - started
        from stance.attribution.parser import load_parser, refine

        nlp = load_parser(args.parser)
        if nlp is not None:
            started = time.time()
            refined = refine(nlp, [d.text for d in docs], predicted)
            seconds["tagger + parser"] = seconds["tagger"] + time.time() - started
            systems["tagger + parser"] = {d.doc_id: p for d, p in zip(docs, refined)}
            systems["tagger + parser, then rules"] = {
                d.doc_id: combine_spans(systems["tagger + parser"][d.doc_id], systems["rules"][d.doc_id]) for d in docs}
            tagger.parser = nlp
            started = time.time()
            systems["stance track (rules + tagger + parser)"] = rules(docs, tagger)
            seconds["stance track (rules + tagger + parser)"] = time.time() - started
    else:
        print(f"no tagger at {args.tagger}: rules only", file=sys.stderr)
    scores = {name: span_scores(docs, pred) for name, pred in systems.items()}
    n_gold = {role: sum(len(d.spans(role)) for d in docs) for role in ROLES}
    print(f"PolNeAR dev: {len(docs)} articles; gold spans: "
          + ", ".join(f"{role} {n}" for role, n in n_gold.items()) + "\n")
    print("| system | " + " | ".join(f"{role} exact F1 | {role} overlap F1" for role in ROLES) + " | seconds |")
    print("|---|" + "---|---|" * len(ROLES) + "---|")
    for name, s in scores.items():
        print(f"| {name} | {_cells(s)} | {seconds.get(name, 0):.0f} |")
    print("\nPrecision / recall (exact):\n")
    for name, s in scores.items():
        print(f"- {name}: " + "; ".join(f"{role} {100 * s[f'{role}_exact_p']:.0f}/{100 * s[f'{role}_exact_r']:.0f}"
                                         for role in ROLES))
    ceiling = agreement_rows(args.polnear, versions, systems.get("tagger"))
    print("\nAgreement between PolNeAR's own annotators (every ordered pair of versions of an article read by "
          "several, where precision equals recall; and the tagger against each of them):\n")
    print("| who | " + " | ".join(f"{role} exact F1 | {role} overlap F1" for role in ROLES) + " |")
    print("|---|" + "---|---|" * len(ROLES))
    for name, s in ceiling.items():
        print(f"| {name} | {_cells(s)} |")
    scores.update(ceiling)
    print(f"\nPublished: {PUBLISHED}")
    if args.json:
        Path(args.json).write_text(json.dumps(scores, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
