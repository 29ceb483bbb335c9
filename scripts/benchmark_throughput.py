#!/usr/bin/env python
"""Throughput on this machine: statements per second and peak memory for the
whole `stance track` path and for the stance model alone, on a generated corpus,
against a baseline measured in the same run: the plain `transformers`
text-classification pipeline over the same pairs, one pair at a time.

    python scripts/benchmark_throughput.py [--articles 2000] [--model stance/models/stance-minilm] [--onnx DIR]
        [--pairs 3000] [--threads 2] [--ray 1,2] [--extraction rules,rules+tagger,rules+tagger+parser]
        [--corpus varied|repeated] [--detection default,keywords,both,keywordless]

Each measurement runs in its own process, so peak memory is that stage's own.
ONNX: give an exported folder (`stance export --model ... --out DIR`), or
--onnx auto to export to a temporary folder; its agreement with the torch model
is measured on the project's dev split.  ``--ray 1,2`` adds the whole path on
the Ray engine (a local Ray, one CPU per worker) with 1 and 2 workers; Ray's
start and the workers' model loading are inside the time, peak memory is the
driver's alone.  The `stance track` rows run the rules alone, the rules with
the attribution tagger (the default: the tagger reads only the paragraphs
where the rules find nothing and an issue is named), and both with spaCy's
parser (``--parser auto``); the Ray rows the default.  ``--corpus repeated``
generates the earlier figures' corpus (see :func:`corpus`).  ``--detection``
repeats each track row per issue-detection set-up (see :data:`DETECTION`):
``keywords`` is detection as it was before issues were read by meaning and
in context.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = ["Foreign Minister Khawaja Asif", "Pentagon Press Secretary John Kirby", "Prime Minister Imran Khan",
          "Defence Minister Khurram Dastgir", "Taliban spokesman Suhail Shaheen", "Ambassador Aizaz Chaudhry"]
CLAIMS = ["Pakistan would never give its bases to the United States for operations in Afghanistan",
          "drone strikes inside Pakistan were a violation of sovereignty and must stop",
          "the safe havens along the border must be closed down without delay",
          "intelligence sharing with Washington had been suspended until further notice",
          "no joint operation on Pakistani soil involving foreign forces would be allowed",
          "intelligence cooperation with the US would continue at the working level"]
FILLER = ["The talks are expected to continue next week in Islamabad.",
          "Officials from both sides met on the sidelines of the conference.",
          "Analysts said the relationship had been strained for months."]
CUES = ["{who} said on Monday that {claim}", "{who} told reporters in Islamabad that {claim}",
        "{who} said in a television interview that {claim}", "“{Claim},” {who} said.",
        "According to {who}, {claim}"]
TAILS = ["as long as the talks in Doha remain stalled", "whatever pressure comes from Washington this year",
         "after a cabinet meeting chaired by the prime minister", "in a policy that parliament endorsed last month",
         "despite repeated requests from American officials", "because public opinion would not accept anything else",
         "until the two governments agree on a new framework", "and the army leadership was fully on board",
         "in line with the resolution passed by the national assembly", "following a review of the security situation"]
BACKGROUND = ["Drone strikes in the tribal areas have killed hundreds of people since 2004.",
              "The United States used the Shamsi airbase until 2011, when it was asked to leave.",
              "Intelligence cooperation between the two countries dates back to the 1980s.",
              "Safe havens along the border have been a source of friction for two decades.",
              "A joint operation in 2008 led to a diplomatic row over sovereignty."]


def corpus(n: int, seed: int = 0, kind: str = "varied") -> list[dict]:
    """``n`` news-like articles of 5-10 paragraphs, 3-5 of them attributed statements.

    ``varied`` (the default): dates spread over seven years, each claim with one of
    ten tails and one of five attribution forms (reported, direct quote, ``according
    to``), and half the articles with a background paragraph that names an issue and
    nobody's position (which the tagger reads).  ``repeated``: the corpus of the
    earlier figures, six claims on 84 distinct dates, so that about two in three
    statements repeat an earlier one and are merged (2,000 articles: 2,829 statements)."""
    rng = random.Random(seed)
    docs = []
    first = dt.date(2015, 1, 1).toordinal()
    for k in range(n):
        if kind == "repeated":
            paras = [f"{rng.choice(PEOPLE)} said on Monday that {rng.choice(CLAIMS)} ({k}.{j})."
                     for j in range(rng.randint(3, 5))]
            date = f"20{15 + k % 7}-{1 + k % 12:02d}-{1 + k % 28:02d}"
        else:
            paras = []
            for _ in range(rng.randint(3, 5)):
                claim = f"{rng.choice(CLAIMS)} {rng.choice(TAILS)}"
                text = rng.choice(CUES).format(who=rng.choice(PEOPLE), claim=claim, Claim=claim[0].upper() + claim[1:])
                paras.append(text if text.endswith(".") else text + ".")
            if rng.random() < 0.5:
                paras.append(rng.choice(BACKGROUND))
            date = dt.date.fromordinal(first + rng.randrange(7 * 365)).isoformat()
        paras += rng.sample(FILLER, rng.randint(2, 3))
        rng.shuffle(paras)
        docs.append({"id": f"t{k}", "date": date, "text": "\n\n".join(paras)})
    return docs


def _peak_mb() -> float:
    """This process's own peak resident memory (VmHWM; ru_maxrss would include the parent's at fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


EXTRACTION = {"rules": ("none", "none"), "rules+tagger": ("auto", "none"), "rules+tagger+parser": ("auto", "auto")}
"""Extraction set-ups of the track rows: (--tagger, --parser).  `stance track`'s default is the second."""


def _articles(n: int, kind: str) -> list:
    from stance.ingest.corpus import make_article

    return [make_article(d["id"], d["text"], "bench", date=d["date"]) for d in corpus(n, kind=kind)]


DETECTION = ("default", "keywords", "both", "keywordless")
"""Issue-detection set-ups of the track rows: ``default`` (the registry's mode, keywords for the shipped
one, with the default context rules), ``keywords`` (keywords alone, no context: no sentence encoder),
``both`` (keywords or meaning, with the context rules) and ``keywordless`` (the shipped issues without
their keywords, by meaning: the tagger then reads whole documents)."""


def _pipeline_detection(name: str) -> dict:
    """The Pipeline arguments of a :data:`DETECTION` set-up."""
    from dataclasses import replace

    from stance.issue_detection import ContextConfig, DetectionConfig
    from stance.registries.issues import IssueRegistry

    if name == "keywords":
        return {"detection": DetectionConfig(mode="keywords", context=ContextConfig.off())}
    if name == "both":
        return {"detection": DetectionConfig(mode="both")}
    if name == "keywordless":
        bare = IssueRegistry([replace(i, keywords=()) for i in IssueRegistry.load().values()], mode="both")
        return {"issues": bare}
    return {}


def _track(model: str, n: int, threads: int, extraction: str, kind: str, detection: str, queue) -> None:
    import torch

    torch.set_num_threads(threads)
    from stance.pipeline.local import Pipeline, load_predictor, load_tagger

    articles = _articles(n, kind)
    tagger, parser = EXTRACTION[extraction]
    pipeline = Pipeline(model=load_predictor(model), tagger=load_tagger(tagger, parser),
                        **_pipeline_detection(detection))
    started = time.perf_counter()
    result = pipeline.run(articles)
    seconds = time.perf_counter() - started
    suffix = "" if detection == "default" else f":{detection}"
    queue.put({"stage": f"track:{Path(model).name}:{extraction}{suffix}", "statements": len(result.statements),
               "articles": n, "pairs": len(result.predictions), "seconds": seconds, "peak_mb": _peak_mb()})


def _track_ray(model: str, n: int, workers: int, kind: str, queue) -> None:
    from stance.pipeline.ray_engine import RayPipeline, RaySettings, start

    articles = _articles(n, kind)
    settings = RaySettings(workers=workers, cpus_per_worker=1, articles_per_batch=64, pairs_per_batch=256)
    start(settings)
    started = time.perf_counter()
    result = RayPipeline(model_dir=model, tagger_dir="auto", settings=settings).run(articles)
    seconds = time.perf_counter() - started
    queue.put({"stage": f"track:ray x{workers}:{Path(model).name}", "statements": len(result.statements),
               "articles": n, "pairs": len(result.predictions), "seconds": seconds, "peak_mb": _peak_mb()})


def _pairs(n: int) -> tuple[list[str], list[str]]:
    from stance.registries.issues import IssueRegistry

    issues = list(IssueRegistry.load().values())
    rng = random.Random(1)
    texts, targets = [], []
    for _ in range(n):
        texts.append(f"{rng.choice(PEOPLE)} said that {rng.choice(CLAIMS)}.")
        targets.append(rng.choice(issues).target)
    return texts, targets


def _model(model: str, n: int, threads: int, queue) -> None:
    import torch

    torch.set_num_threads(threads)
    from stance.pipeline.local import load_predictor

    clf = load_predictor(model)
    texts, targets = _pairs(n)
    clf.predict(texts[:32], targets[:32])  # warm-up
    started = time.perf_counter()
    clf.predict(texts, targets, batch_size=32)
    batch_s = time.perf_counter() - started
    started = time.perf_counter()
    for t, g in zip(texts[:100], targets[:100]):
        clf.predict([t], [g])
    single_ms = 1000 * (time.perf_counter() - started) / 100
    queue.put({"stage": f"model:{Path(model).name}", "pairs": n, "seconds": batch_s, "single_ms": single_ms,
               "peak_mb": _peak_mb()})


def _baseline(model: str, n: int, threads: int, queue) -> None:
    """transformers' text-classification pipeline, one pair per call (the merged model)."""
    import torch

    torch.set_num_threads(threads)
    from transformers import pipeline as hf_pipeline

    from stance.stance_model.model import StanceClassifier

    clf = StanceClassifier.load(model)
    pipe = hf_pipeline("text-classification", model=clf.model, tokenizer=clf.tokenizer, device=-1)
    texts, targets = _pairs(n)
    pipe({"text": texts[0], "text_pair": targets[0]})
    started = time.perf_counter()
    for t, g in zip(texts, targets):
        pipe({"text": t, "text_pair": g})
    queue.put({"stage": "baseline", "pairs": n, "seconds": time.perf_counter() - started, "peak_mb": _peak_mb()})


def _agreement(model: str, onnx_dir: str, queue) -> None:
    """Labels of the ONNX folder against the torch model: int8 alone, and with
    the close calls re-scored in fp32 (the exported default), on the project's
    dev and test splits and, when present, 600 pairs of each public dev split."""
    import random

    from stance.pipeline.local import load_predictor
    from stance.stance_model.public import load_public
    from stance.stance_model.training import project_splits

    splits = project_splits(ROOT / "data" / "annotated")
    sets = {"project dev+test": splits["dev"] + splits["test"]}
    for name in ("vast", "pstance", "semeval2016"):
        try:
            pairs = load_public(name, ROOT.parent / "shared" / "data", "dev")
        except Exception:  # absent: measured on the project's splits only
            continue
        random.Random(0).shuffle(pairs)
        sets[name] = pairs[:600]
    torch_model, onnx_model = load_predictor(model), load_predictor(onnx_dir)
    margin = getattr(onnx_model, "recheck_margin", 0.0)
    rows = []
    for name, pairs in sets.items():
        texts, targets = [p.text for p in pairs], [p.target for p in pairs]
        ref = torch_model.predict_proba(texts, targets).argmax(1)
        row = {"set": name, "n": len(pairs)}
        for label, m in (("int8", 0.0), ("recheck", margin)):
            onnx_model.recheck_margin, onnx_model.rechecked = m, 0
            row[label] = float((onnx_model.predict_proba(texts, targets).argmax(1) == ref).mean())
            row[f"{label}_share"] = onnx_model.rechecked / len(pairs)
        rows.append(row)
    queue.put({"stage": "agreement", "margin": margin, "rows": rows})


def run(target, *args) -> dict:
    queue = mp.get_context("spawn").Queue()
    proc = mp.get_context("spawn").Process(target=target, args=(*args, queue))
    proc.start()
    out = queue.get()
    proc.join()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=3000)
    parser.add_argument("--model", default=str(ROOT / "stance" / "models" / "stance-minilm"))
    parser.add_argument("--onnx", default=None, help="an exported folder, or auto")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ray", default="", help="worker counts for the Ray engine, e.g. 1,2")
    parser.add_argument("--skip-local", action="store_true", help="only the Ray runs (with --ray)")
    parser.add_argument("--extraction", default="rules,rules+tagger,rules+tagger+parser",
                        help=f"track rows, of {', '.join(EXTRACTION)} (the torch row uses the first)")
    parser.add_argument("--corpus", choices=("varied", "repeated"), default="varied",
                        help="the generated corpus (see corpus()); repeated: the earlier figures' corpus")
    parser.add_argument("--detection", default="default",
                        help=f"issue detection of the track rows, of {', '.join(DETECTION)}")
    parser.add_argument("--json")
    args = parser.parse_args(argv)

    onnx_dir = args.onnx
    if onnx_dir == "auto":
        from stance.stance_model.onnx import export_onnx

        onnx_dir = str(Path(tempfile.mkdtemp(prefix="stance-onnx-")))
        export_onnx(args.model, onnx_dir)
    results = [run(_baseline, args.model, min(args.pairs, 300), args.threads)]
    if not args.skip_local:
        results.append(run(_model, args.model, args.pairs, args.threads))
        if onnx_dir:
            results.append(run(_model, onnx_dir, args.pairs, args.threads))
            results.append(run(_agreement, args.model, onnx_dir))
        for extraction in args.extraction.split(","):
            for detection in args.detection.split(","):
                results.append(run(_track, onnx_dir or args.model, args.articles, args.threads, extraction,
                                   args.corpus, detection))
        if onnx_dir:
            results.append(run(_track, args.model, args.articles, args.threads, args.extraction.split(",")[0],
                               args.corpus, "default"))
    for workers in filter(None, args.ray.split(",")):
        results.append(run(_track_ray, onnx_dir or args.model, args.articles, int(workers), args.corpus))
    base = results[0]["pairs"] / results[0]["seconds"]
    print(f"{args.threads} threads; baseline: transformers text-classification pipeline, batch size 1\n")
    print(f"corpus: {args.articles:,} generated articles ({args.corpus})\n")
    print("| stage | items | seconds | per second | vs baseline | single pair | articles/s | peak memory |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        if r["stage"] == "agreement":
            continue
        n = r.get("statements", r["pairs"])
        rate = n / r["seconds"]
        track = r["stage"].startswith("track")
        unit = "statements" if track else "pairs"
        ratio = "-" if track else f"{(r['pairs'] / r['seconds']) / base:.1f}x"
        single = f"{r['single_ms']:.1f} ms" if "single_ms" in r else "-"
        per_article = f"{r['articles'] / r['seconds']:.1f}" if "articles" in r else "-"
        print(f"| {r['stage']} | {n:,} {unit} | {r['seconds']:.1f} | {rate:.1f} | {ratio} | {single} | "
              f"{per_article} | {r['peak_mb']:.0f} MB |")
    for r in results:
        if r["stage"] == "agreement":
            print(f"\nAgreement of ONNX labels with the torch model's (close calls: top two within {r['margin']})\n")
            print("| set | pairs | int8 alone | int8 + fp32 re-check of close calls | share re-checked |")
            print("|---|---|---|---|---|")
            for row in r["rows"]:
                print(f"| {row['set']} | {row['n']} | {100 * row['int8']:.1f}% | {100 * row['recheck']:.1f}% | "
                      f"{100 * row['recheck_share']:.0f}% |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
