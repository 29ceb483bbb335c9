#!/usr/bin/env python
"""Issue detection against hand-coded issue labels: precision and recall per issue of keywords, meaning
and both, and of each context rule on and off.

    python scripts/benchmark_issues.py [--gold tests/fixtures/us2016_gold.yaml]
        [--issues data/domains/us2016/issues.yaml] [--texts ../shared/data/polnear/train/text]
        [--read sentence|content] [--extracted] [--tagger auto|none] [--sweep] [--seeds ../shared/seeds]

The gold (``articles: {id: {statements: [{start, end, speaker, issue, stance, hard?}]}}``) gives, per
article, statements as character offsets of their content with the issue a reader coded (``null``:
none of the registry's issues); the texts are ``TEXTS/{id}.txt``.

- Detection alone (the default): each gold statement becomes a statement record whose evidence is its
  sentence(s) (``--read content``: the content alone), with the speaker the reader named; the
  detector reads them with the articles, as ``stance track`` reads its statements.  A statement is
  counted once per issue: a true positive when the reader coded that issue.
- ``--extracted`` adds detection after attribution: the Attributor's statements (``--tagger``) read
  with the articles, each matched to the gold statement its content overlaps most.  An issue found
  on a statement that matches no gold statement counts as wrong (the reader coded every statement
  on an issue; those on immigration that concern neither the wall nor deportation were left out,
  so this undercounts precision a little there); a gold statement is found when a statement that
  overlaps it has its issue.
- ``--sweep`` adds precision and recall of meaning alone and of the context rules over thresholds.
- ``--seeds DIR`` adds the whole `stance track` path on the seed articles with the shipped registry,
  scored as tests/test_seeds.py scores it ((document, actor, issue, stance) against
  tests/fixtures/seeds_gold.yaml), per detection set-up.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "us2016_gold.yaml"
ISSUES = ROOT / "data" / "domains" / "us2016" / "issues.yaml"
TEXTS = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"
QUOTES = "\"“”‘’'"
"""A content that opens within two characters of one of these is a direct quote."""


@dataclass(frozen=True)
class GoldStatement:
    doc_id: str
    start: int
    end: int
    speaker: str
    issue: str | None
    hard: bool = False


def load_gold(path: Path) -> dict[str, list[GoldStatement]]:
    """The gold statements per article id."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, list[GoldStatement]] = {}
    for doc_id, article in (data.get("articles") or {}).items():
        out[doc_id] = [GoldStatement(doc_id, int(s["start"]), int(s["end"]), str(s.get("speaker") or ""),
                                     s.get("issue"), bool(s.get("hard")))
                       for s in (article or {}).get("statements") or ()]
    return out


def load_articles(ids: Sequence[str], texts: Path, gold_path: Path) -> list:
    from stance.ingest.corpus import make_article

    dates = {k: str(v.get("date") or "") or None
             for k, v in (yaml.safe_load(gold_path.read_text(encoding="utf-8")).get("articles") or {}).items()}
    return [make_article(i, (texts / f"{i}.txt").read_text(encoding="utf-8"), f"{i}.txt", date=dates.get(i))
            for i in ids]


def gold_records(gold: dict[str, list[GoldStatement]], articles: Sequence, read: str) -> list:
    """A statement record per gold statement: its sentence(s) as the quote, its content as the text
    (and as the scope, with ``read == "content"``), direct when the content opens a quotation."""
    from stance.ingest.sentences import split_sentences
    from stance.records import Span, Statement

    out = []
    for article in articles:
        sentences = split_sentences(article)
        for n, g in enumerate(gold[article.doc_id]):
            inside = [s for s in sentences if s.span.start < g.end and g.start < s.span.end] or [
                min(sentences, key=lambda s: abs(s.span.start - g.start))]
            start, end = min(g.start, inside[0].span.start), max(g.end, inside[-1].span.end)
            text = Span(g.start, g.end, article.text[g.start:g.end])
            quote = Span(start, end, article.text[start:end])
            direct = any(c in QUOTES for c in article.text[max(0, g.start - 2):g.start])
            speaker = g.speaker.lower().replace(" ", "_")
            out.append(Statement(f"{article.doc_id}:{n}", article.doc_id, article.date, speaker, g.speaker,
                                 "person", None, "direct" if direct else "reported", text, quote,
                                 cue=Span(start, start, ""), order=inside[0].index * 10,
                                 scope=text if read == "content" else None))
    return out


def setups(rules: Sequence[str]) -> list[tuple[str, object]]:
    """(name, DetectionConfig) of every set-up compared."""
    from stance.issue_detection import MODES, ContextConfig, DetectionConfig

    off, default = ContextConfig.off(), ContextConfig()
    every = ContextConfig(**dict.fromkeys(rules, True))
    rows: list[tuple[str, object]] = [(mode, DetectionConfig(mode=mode, context=off)) for mode in MODES]
    rows += [(f"both + {rule}", DetectionConfig(mode="both", context=replace(off, **{rule: True}))) for rule in rules]
    rows.append((f"both + {' + '.join(default.rules)} (default)", DetectionConfig(mode="both")))
    rows += [(f"default without {rule}", DetectionConfig(mode="both", context=replace(default, **{rule: False})))
             for rule in default.rules]
    rows.append(("both + all five rules", DetectionConfig(mode="both", context=every)))
    rows.append(("keywords + default rules", DetectionConfig(mode="keywords")))
    rows.append(("keywords + all five rules", DetectionConfig(mode="keywords", context=every)))
    rows.append(("meaning + default rules", DetectionConfig(mode="meaning")))
    return rows


def tally(pairs: Sequence[tuple[str | None, set[str]]], issues: Sequence[str]) -> dict[str, list[int]]:
    """Per issue (and ``all``): [true positives, false positives, false negatives] over (gold issue,
    predicted issues) pairs."""
    out: dict[str, list[int]] = {i: [0, 0, 0] for i in (*issues, "all")}
    for gold, predicted in pairs:
        for issue in issues:
            hit, coded = issue in predicted, gold == issue
            k = 0 if hit and coded else 1 if hit else 2 if coded else -1
            if k >= 0:
                out[issue][k] += 1
                out["all"][k] += 1
    return out


def prf(counts: Sequence[int]) -> tuple[float, float, float]:
    tp, fp, fn = counts
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def detect(statements: Sequence, registry, config, articles: Sequence) -> list[set[str]]:
    from stance.issue_detection import IssueDetector, statement_issues

    detector = IssueDetector.load(registry, config)  # type: ignore[arg-type]
    return [{d.issue for d in found} for found in statement_issues(statements, detector, articles)]


def extracted_pairs(statements: Sequence, predicted: Sequence[set[str]], gold: dict[str, list[GoldStatement]]
                    ) -> tuple[list[tuple[str | None, set[str]]], list[tuple[str | None, set[str]]]]:
    """(precision pairs, recall pairs): each tool statement with the issue of the gold statement its content
    overlaps most (None when none); each gold statement with the issues of the tool statements overlapping it."""
    found: dict[tuple[str, int], set[str]] = defaultdict(set)
    precision = []
    for st, issues in zip(statements, predicted, strict=True):
        if st.text.text.rstrip().endswith("?"):  # questions make no pairs (issue_pairs)
            continue
        best, overlap = None, 0
        for n, g in enumerate(gold.get(st.doc_id, ())):
            size = min(st.text.end, g.end) - max(st.text.start, g.start)
            if size > 0:
                found[(st.doc_id, n)] |= issues
                if size > overlap:
                    best, overlap = g, size
        precision.append((best.issue if best else None, issues))
    recall = [(g.issue, found.get((doc, n), set())) for doc, items in gold.items() for n, g in enumerate(items)]
    return precision, recall


Scores = dict[str, tuple[float, float, float]]
"""Per issue (and ``all``): precision, recall, F1."""


def scores(counts: dict[str, list[int]], recall_counts: dict[str, list[int]] | None = None) -> Scores:
    """Precision from ``counts``, recall from ``recall_counts`` (default: the same)."""
    out = {}
    for issue, c in counts.items():
        p = prf(c)[0]
        r = prf((recall_counts or counts)[issue])[1]
        out[issue] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return out


def table(title: str, rows: list[tuple[str, Scores]], issues: Sequence[str]) -> None:
    print(f"\n{title}\n")
    print("| set-up | all: P / R / F1 | " + " | ".join(f"{i}: P / R" for i in issues) + " |")
    print("|---|---|" + "---|" * len(issues))
    for name, score in rows:
        p, r, f = score["all"]
        cells = [f"{100 * score[i][0]:.0f} / {100 * score[i][1]:.0f}" for i in issues]
        print(f"| {name} | {100 * p:.1f} / {100 * r:.1f} / {100 * f:.1f} | " + " | ".join(cells) + " |")


def sweep(statements: Sequence, registry, articles: Sequence, gold_issues: Sequence[str | None]) -> None:
    from stance.issue_detection import ContextConfig, DetectionConfig

    issues = list(registry)
    print("\nMeaning alone over thresholds (context off): threshold, P / R / F1")
    for t in (0.25, 0.28, 0.30, 0.32, 0.34, 0.36, 0.38, 0.40, 0.42, 0.45, 0.50):
        config = DetectionConfig(mode="meaning", threshold=t, context=ContextConfig.off())
        p, r, f = prf(tally(list(zip(gold_issues, detect(statements, registry, config, articles), strict=True)),
                            issues)["all"])
        print(f"  {t:.2f}  {100 * p:.1f} / {100 * r:.1f} / {100 * f:.1f}")
    print("\nBoth with the default context rules over context thresholds: threshold, P / R / F1")
    for t in (0.0, 0.10, 0.14, 0.18, 0.20, 0.22, 0.24, 0.26, 0.30):
        config = DetectionConfig(context=ContextConfig(threshold=t))
        p, r, f = prf(tally(list(zip(gold_issues, detect(statements, registry, config, articles), strict=True)),
                            issues)["all"])
        print(f"  {t:.2f}  {100 * p:.1f} / {100 * r:.1f} / {100 * f:.1f}")


def seeds(folder: Path, tagger: str) -> None:
    """Precision and recall of positions on the seed articles per detection set-up (shipped registry)."""
    from stance import Pipeline, load_corpus, load_predictor
    from stance.evaluation.positions import gold_tuples, predicted_tuples, statement_speakers, tuple_scores
    from stance.issue_detection import RULES, ContextConfig, DetectionConfig
    from stance.pipeline.local import load_tagger

    gold = gold_tuples(yaml.safe_load((ROOT / "tests" / "fixtures" / "seeds_gold.yaml").read_text())["seeds"])
    model, tags, corpus = load_predictor(), load_tagger(tagger), load_corpus(folder)
    off, every = ContextConfig.off(), ContextConfig(**dict.fromkeys(RULES, True))
    rows = [("keywords, no context (before)", DetectionConfig(mode="keywords", context=off)),
            ("keywords + default rules (default)", DetectionConfig()),
            *[(f"keywords + {rule}", DetectionConfig(mode="keywords", context=replace(off, **{rule: True})))
              for rule in RULES],
            ("keywords + all five rules", DetectionConfig(mode="keywords", context=every)),
            ("both, no context", DetectionConfig(mode="both", context=off)),
            ("both, no margin, no context", DetectionConfig(mode="both", margin=None, context=off)),
            ("both at threshold 0.5, no context", DetectionConfig(mode="both", threshold=0.5, context=off)),
            ("both + default rules", DetectionConfig(mode="both"))]
    print("\nSeed articles, shipped registry: positions against tests/fixtures/seeds_gold.yaml\n")
    print("| set-up | precision | recall | scored pairs | extra tuples |")
    print("|---|---|---|---|---|")
    for name, config in rows:
        result = Pipeline(model=model, tagger=tags, detection=config).run(corpus)
        predicted = predicted_tuples(result.predictions)
        s = tuple_scores(predicted, gold, statement_speakers(result.statements))
        print(f"| {name} | {100 * s['precision']:.1f} | {100 * s['recall']:.1f} | {len(result.predictions)} | "
              f"{len(predicted - gold)} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--issues", type=Path, default=ISSUES)
    parser.add_argument("--texts", type=Path, default=TEXTS)
    parser.add_argument("--read", choices=("sentence", "content"), default="sentence",
                        help="what the detector reads of a gold statement: its sentence(s) (as the pipeline) "
                             "or its content alone")
    parser.add_argument("--extracted", action="store_true", help="also after attribution (the Attributor's "
                                                                 "statements matched to the gold by overlap)")
    parser.add_argument("--tagger", default="auto", help="with --extracted: tagger folder, auto or none")
    parser.add_argument("--sweep", action="store_true", help="also sweep the two thresholds")
    parser.add_argument("--seeds", type=Path, default=None, help="also the seed articles (a folder)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    from stance.issue_detection import RULES
    from stance.registries.issues import IssueRegistry

    if not args.gold.is_file():
        print(f"{args.gold}: no gold yet", file=sys.stderr)
        return 1
    registry = IssueRegistry.load(args.issues)
    issues = list(registry)
    gold = load_gold(args.gold)
    articles = load_articles(list(gold), args.texts, args.gold)
    statements = gold_records(gold, articles, args.read)
    gold_issues = [g.issue for doc in gold for g in gold[doc]]
    coded = sum(1 for i in gold_issues if i)
    print(f"{len(articles)} articles, {len(statements)} gold statements ({coded} on an issue, "
          f"{len(statements) - coded} on none); registry {args.issues.name}, threshold of meaning "
          f"{registry.threshold or 'default'}")
    configs = setups(RULES)
    rows = [(name, scores(tally(list(zip(gold_issues, detect(statements, registry, config, articles), strict=True)),
                                issues))) for name, config in configs]
    table(f"Detection alone, on the gold statements (reading their {args.read})", rows, issues)
    if args.extracted:
        from stance.attribution.rules import extract_statements
        from stance.pipeline.local import load_tagger
        from stance.registries.actors import ActorRegistry

        found = extract_statements(articles, ActorRegistry.load(None), tagger=load_tagger(args.tagger))
        extracted = []
        for name, config in configs:
            p_pairs, r_pairs = extracted_pairs(found, detect(found, registry, config, articles), gold)
            extracted.append((name, scores(tally(p_pairs, issues), tally(r_pairs, issues))))
        table(f"Detection after attribution ({len(found)} statements extracted, tagger {args.tagger}): precision "
              "over them, recall over the gold statements", extracted, issues)
    if args.sweep:
        sweep(statements, registry, articles, gold_issues)
    if args.seeds:
        seeds(args.seeds, args.tagger)
    return 0


if __name__ == "__main__":
    sys.exit(main())
