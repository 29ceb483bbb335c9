#!/usr/bin/env python
"""`stance track` on a second domain: 25 PolNeAR train articles on five issues
of a user studying the 2016 campaign (data/domains/us2016/), against the
(actor, issue, stance) positions a careful reader coded in them before the
tool was run (tests/fixtures/us2016_gold.yaml), scored as the seeds are.

    python scripts/benchmark_domain.py [--polnear ../shared/data/polnear] [--model DIR] [--tagger DIR|auto|none]
        [--variants keywords,no-keywords,...] [--list]

Rows: the user's registry with keywords; the same registry without keywords;
and the same with each part of issue detection switched off, so that each
part's share shows.  --list prints the missed and extra tuples of the first row.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

from stance.attribution.polnear import load_articles
from stance.evaluation.positions import gold_tuples, predicted_tuples, statement_speakers, tuple_scores

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "us2016_gold.yaml"
DOMAIN = ROOT / "data" / "domains" / "us2016"
VARIANTS = {
    # name: (issues file, detection settings passed to the pipeline's detector, or None for its defaults)
    "keywords": ("issues.yaml", None),
    "no-keywords": ("issues_nokeywords.yaml", None),
}


def detection_variants() -> dict[str, tuple[str, dict | None]]:
    """The registry rows, and one row per switchable part of issue detection when the pipeline has them."""
    variants = dict(VARIANTS)
    try:
        from stance.issue_detection import ABLATIONS  # type: ignore[attr-defined]
    except ImportError:
        return variants
    for name, settings in ABLATIONS.items():
        variants[f"keywords, {name}"] = ("issues.yaml", settings)
    return variants


def _plain(tuples: set) -> set:
    """Names compared with straight apostrophes (the text's O’Malley is the coder's O'Malley)."""
    return {(doc, actor.replace("’", "'"), issue, stance) for doc, actor, issue, stance in tuples}


def run(docs, issues_file: Path, settings: dict | None, model, tagger):
    from stance import Pipeline
    from stance.registries.issues import IssueRegistry

    fields = {"issues": IssueRegistry.load(issues_file), "model": model, "tagger": tagger}
    if settings is not None:
        fields["detection"] = settings
    return Pipeline(**fields).run(docs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", default="../shared/data/polnear")
    parser.add_argument("--model", default=None)
    parser.add_argument("--tagger", default="auto")
    parser.add_argument("--variants", help="comma-separated rows to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list missed and extra tuples of the first row")
    args = parser.parse_args(argv)

    from stance import load_predictor
    from stance.pipeline.local import load_tagger

    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))["articles"]
    positions = {doc: body.get("positions") or [] for doc, body in gold.items()}
    docs = load_articles(args.polnear, "train", list(gold), repair=True)  # as `stance track` reads the files
    model, tagger = load_predictor(args.model), load_tagger(args.tagger)
    variants = detection_variants()
    wanted = args.variants.split(",") if args.variants else list(variants)
    print(f"{len(docs)} PolNeAR train articles, {sum(len(p) for p in positions.values())} gold positions "
          f"({sum(1 for p in positions.values() for r in p if not r.get('hard'))} within a sentence)\n")
    print("| registry / detection | precision | recall | F1 | sentence-level P / R | predicted | seconds |")
    print("|---|---|---|---|---|---|---|")
    first = None
    for name in wanted:
        issues_file, settings = variants[name]
        started = time.time()
        result = run(docs, DOMAIN / issues_file, settings, model, tagger)
        seconds = time.time() - started
        predicted = _plain(predicted_tuples(result.predictions))
        speakers = {(doc, actor.replace("’", "'")) for doc, actor in statement_speakers(result.statements)}
        s = tuple_scores(predicted, gold_tuples(positions), speakers)
        easy = tuple_scores(predicted, gold_tuples(positions, include_hard=False), speakers)
        print(f"| {name} | {100 * s['precision']:.1f} | {100 * s['recall']:.1f} | {100 * s['f1']:.1f} | "
              f"{100 * easy['precision']:.1f} / {100 * easy['recall']:.1f} | {int(s['n_predicted'])} | {seconds:.0f} |")
        first = first or predicted
    if args.list and first is not None:
        everything = gold_tuples(positions)
        print("\nmissed:\n" + "\n".join(f"  {t}" for t in sorted(everything - first)))
        print("extra:\n" + "\n".join(f"  {t}" for t in sorted(first - everything)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
