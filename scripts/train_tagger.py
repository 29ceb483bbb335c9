#!/usr/bin/env python
"""Train the attribution tagger on PolNeAR (train split), score it on the dev
split and save it with its config, metrics and model card.

    python scripts/train_tagger.py [--polnear ../shared/data/polnear] [--out stance/models/attribution-minilm]
        [--epochs 2] [--max-steps N] [--limit-docs N] [--base all-mpnet-base-v2] [--device auto]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from stance.attribution.polnear import load_polnear
from stance.attribution.tagger import AttributionTagger, TaggerConfig
from stance.attribution.tagger.card import tagger_card
from stance.evaluation.attribution import span_scores


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", default="../shared/data/polnear")
    parser.add_argument("--out", default="stance/models/attribution-minilm")
    parser.add_argument("--base", default=None,
                        help="base model (default: all-MiniLM-L6-v2's pip package; with --init, that tagger's base)")
    parser.add_argument("--method", choices=("lora", "full"), default="lora")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--window", type=int, default=256)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--limit-docs", type=int, default=None, help="train on the first N articles only")
    parser.add_argument("--dev-limit", type=int, default=None, help="score on the first N dev articles only")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--init", default=None, help="go on training from this saved tagger (LoRA)")
    parser.add_argument("--device", default="auto",
                        help="where to train: auto (a CUDA GPU where torch sees one, else the CPU), cpu, cuda, "
                             "cuda:N or mps")
    parser.add_argument("--bf16", action="store_true",
                        help="matrix products in bfloat16 (torch.autocast), weights in float32: about 2x faster "
                             "on CPUs with AVX512-BF16")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    base = args.base or (TaggerConfig.load(args.init).base_model if args.init else None)  # --init: its own base
    config = TaggerConfig(method=args.method, epochs=args.epochs, window=args.window, learning_rate=args.lr,
                          **({"base_model": base} if base else {}))
    train = load_polnear(args.polnear, "train", limit=args.limit_docs)
    dev = load_polnear(args.polnear, "dev", limit=args.dev_limit)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    tagger = AttributionTagger(config).fit(train, max_steps=args.max_steps, init=args.init, device=args.device,
                                             bf16=args.bf16)
    if args.init:
        import json
        from pathlib import Path

        before = json.loads((Path(args.init) / "metrics.json").read_text())
        tagger.metrics["history"] = before.get("history", []) + tagger.metrics["history"]
        tagger.metrics["train_seconds"] += before.get("train_seconds", 0)
        tagger.metrics["steps"] += before.get("steps", 0)
    started = time.time()
    predicted = tagger.predict([d.text for d in dev])
    tagger.metrics["dev"] = span_scores(dev, {d.doc_id: p for d, p in zip(dev, predicted)})
    tagger.metrics["dev_docs"] = len(dev)
    tagger.metrics["dev_seconds"] = round(time.time() - started, 1)
    command = "python scripts/train_tagger.py " + " ".join(sys.argv[1:] if argv is None else argv)
    tagger.save(args.out, card=tagger_card(config, tagger.metrics, command.strip()))
    print({k: round(v, 3) for k, v in tagger.metrics["dev"].items() if k.endswith("f1")})
    return 0


if __name__ == "__main__":
    sys.exit(main())
