"""Cold-process start-up: `stance predict` on 40 pairs and `stance track` on the five seed articles.

    python scripts/benchmark_startup.py                          # this checkout, default and STANCE_RUNTIME=torch
    python scripts/benchmark_startup.py --baseline ../before     # and a checkout of an earlier commit
    python scripts/benchmark_startup.py --repeats 9 --agreement  # and the ONNX form against torch on dev

Each timed run is a new Python process (`python -c "from stance.cli import main; ..."`), so it pays
every import and model load, as a user's command does.  The variants are run in turn within each
repeat, so that a busy machine slows them alike; the table gives, per variant and command, the
median, the fastest and the slowest of ``--repeats`` runs, after one untimed first run (which builds
the cache's ONNX Runtime forms when they are missing: its time is printed apart).

The 40 pairs are the first 40 of ``data/annotated/dev.jsonl`` (text and target), written to a
temporary file; the seeds are read from ``../shared/seeds`` by path (the track rows are skipped, with
a message, when that folder is missing).  ``--baseline PATH`` runs a checkout of another commit (a
``git worktree``) with this interpreter, or ``--baseline-python``, its ``stance`` package first on
the path.  ``--agreement`` loads the shipped stance model on torch and in its default form and
compares their answers on all of ``data/annotated/dev.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
DEV = ROOT / "data" / "annotated" / "dev.jsonl"
RUN = "import sys; sys.path.insert(0, sys.argv.pop(1)); from stance.cli import main; sys.exit(main(sys.argv[1:]))"
"""A checkout's own ``stance`` first on the path (the installed one for this checkout)."""


@dataclass
class Variant:
    name: str
    tree: Path
    python: str
    env: dict[str, str] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)
    first: dict[str, float] = field(default_factory=dict)


def write_pairs(path: Path, n: int) -> Path:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()][:n]
    path.write_text("".join(json.dumps({"text": r["text"], "target": r["target"]}) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def timed(variant: Variant, args: list[str], cwd: Path) -> float:
    """Seconds of one cold run of ``stance ARGS`` in ``variant``; stops the benchmark if it fails."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", **variant.env}
    env.pop("STANCE_MODEL", None)
    started = time.perf_counter()
    done = subprocess.run([variant.python, "-c", RUN, str(variant.tree), *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{variant.name}: `stance {' '.join(args)}` failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


def agreement() -> None:
    """The default form of the shipped stance model against torch on the dev pairs."""
    import numpy as np

    from stance.modelling.folders import DEFAULT_MODEL
    from stance.pipeline.local import load_predictor
    from stance.stance_model.model import StanceClassifier

    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts, targets = [r["text"] for r in rows], [r["target"] for r in rows]
    reference, form = StanceClassifier.load(DEFAULT_MODEL), load_predictor(DEFAULT_MODEL)
    want, got = reference.predict_proba(texts, targets), form.predict_proba(texts, targets)
    same = sum(a.stance == b.stance for a, b in zip(reference.predict(texts, targets), form.predict(texts, targets)))
    print(f"\nagreement with torch on {DEV.relative_to(ROOT)} ({type(form).__name__} against StanceClassifier): "
          f"{same}/{len(rows)} answers ({100 * same / len(rows):.1f}%), probabilities within "
          f"{float(np.abs(want - got).max()):.1e} (mean {float(np.abs(want - got).mean()):.1e})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per variant and command (default 5)")
    parser.add_argument("--pairs", type=int, default=40, help="pairs for `stance predict` (default 40)")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="the corpus for `stance track` (../shared/seeds)")
    parser.add_argument("--baseline", type=Path, help="a checkout of another commit to time beside this one")
    parser.add_argument("--baseline-python", default=sys.executable, help="the interpreter for --baseline")
    parser.add_argument("--no-torch", action="store_true", help="leave out this checkout with STANCE_RUNTIME=torch")
    parser.add_argument("--agreement", action="store_true", help="also compare the form with torch on dev")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.pairs < 1:
        parser.error(f"--repeats and --pairs must be at least 1, found {args.repeats} and {args.pairs}")
    if args.baseline is not None and not (args.baseline / "stance" / "cli").is_dir():
        parser.error(f"--baseline {args.baseline}: no stance/cli there; expected a checkout of the project")

    variants = [Variant("this checkout", ROOT, sys.executable)]
    if not args.no_torch:
        variants.append(Variant("this checkout, STANCE_RUNTIME=torch", ROOT, sys.executable,
                                {"STANCE_RUNTIME": "torch"}))
    if args.baseline is not None:
        variants.append(Variant(f"baseline {args.baseline}", args.baseline.resolve(), args.baseline_python))

    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        pairs = write_pairs(work_dir / "pairs.jsonl", args.pairs)
        commands = {f"predict, {args.pairs} pairs": ["predict", "--input", str(pairs), "--output",
                                                     str(work_dir / "out.jsonl")]}
        if args.seeds.is_dir():
            commands[f"track, {args.seeds.name}"] = ["track", str(args.seeds.resolve()), "--out",
                                                     str(work_dir / "track")]
        else:
            print(f"{args.seeds}: not there; `stance track` is not timed (pass --seeds FOLDER)")
        for variant in variants:
            for name, command in commands.items():
                variant.first[name] = timed(variant, command, work_dir)
                variant.times[name] = []
        for _ in range(args.repeats):
            for variant in variants:
                for name, command in commands.items():
                    variant.times[name].append(timed(variant, command, work_dir))

    print(f"\ncold-process seconds, {args.repeats} runs each after one first run, on {os.cpu_count()} CPUs\n")
    print("| variant | command | median | fastest | slowest | first run |")
    print("|---|---|---|---|---|---|")
    for variant in variants:
        for name, times in variant.times.items():
            print(f"| {variant.name} | {name} | **{statistics.median(times):.2f}** | {min(times):.2f} | "
                  f"{max(times):.2f} | {variant.first[name]:.2f} |")
    if args.agreement:
        agreement()
    return 0


if __name__ == "__main__":
    sys.exit(main())
