"""Byte-for-byte comparison of `stance track` outputs between a git ref and the working tree.

    python scripts/compare_outputs.py --ref 3b51b5f              # seeds, data/examples, 200 generated articles
    python scripts/compare_outputs.py --ref HEAD~3 --corpus my/corpus

The ref is checked out in a temporary git worktree and run from there (its own
code, its own shipped models); the working tree runs through the installed
``stance``.  Both read the same corpora: ``../shared/seeds`` (when present),
``data/examples`` and a generated corpus of 200 articles written once to a
temporary JSONL file.  Prints one row per corpus and file, ``identical`` or
``DIFFERENT``, and exits 1 if any file differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
FILES = ("statements.jsonl", "positions.json", "network.csv", "network.graphml")
"""What the issue names; the report folder is compared too, as one row."""

RUN_REF = "import sys; sys.path.insert(0, sys.argv[1]); from stance.cli import main; sys.exit(main(sys.argv[2:]))"


def _generated(path: Path, n: int = 200) -> Path:
    sys.path.insert(0, str(ROOT / "scripts"))
    from benchmark_throughput import corpus

    with path.open("w", encoding="utf-8") as handle:
        for doc in corpus(n, seed=7):
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return path


def _digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _track(corpus: Path, out: Path, ref_tree: Path | None) -> None:
    args = ["track", str(corpus), "--out", str(out)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    env.pop("STANCE_MODEL", None)
    if ref_tree is None:
        command = [sys.executable, "-m", "stance.cli", *args]
    else:
        command = [sys.executable, "-c", RUN_REF, str(ref_tree), *args]
    subprocess.run(command, check=True, env=env, cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", required=True, help="the git ref to compare against (e.g. the commit before a move)")
    parser.add_argument("--corpus", action="append", default=[], help="more corpora (repeatable)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="stance-compare-"))
    tree = work / "ref"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.ref], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        corpora = {"data/examples": ROOT / "data" / "examples",
                   "generated (200 articles)": _generated(work / "generated.jsonl")}
        if SEEDS.is_dir():
            corpora["seeds"] = SEEDS
        else:
            print(f"skipped: the seeds ({SEEDS} is absent)")
        corpora.update({c: Path(c).resolve() for c in args.corpus})
        different = 0
        print(f"| corpus | file | {args.ref} | working tree |")
        print("|---|---|---|---|")
        for k, (name, path) in enumerate(corpora.items()):
            before, after = work / f"before{k}", work / f"after{k}"
            _track(path, before, tree)
            _track(path, after, None)
            old, new = _digest(before), _digest(after)
            for file in FILES:
                same = old.get(file) == new.get(file) and file in old
                different += not same
                print(f"| {name} | {file} | {old.get(file, 'missing')[:12]} | "
                      f"{'identical' if same else 'DIFFERENT ' + new.get(file, 'missing')[:12]} |")
            report_old = {p: h for p, h in old.items() if p.startswith("report/")}
            report_new = {p: h for p, h in new.items() if p.startswith("report/")}
            changed = sorted(p for p in report_old.keys() | report_new.keys() if report_old.get(p) != report_new.get(p))
            different += bool(changed)
            print(f"| {name} | report/ ({len(report_old)} files) | - | "
                  f"{'identical' if not changed else 'DIFFERENT: ' + ', '.join(changed[:5])} |")
        print("all identical" if not different else f"{different} files differ")
        return 1 if different else 0
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)


if __name__ == "__main__":
    sys.exit(main())
