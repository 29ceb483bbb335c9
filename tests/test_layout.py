"""The package's shape: stages in pipeline order, no module importing a later stage, no cycles,
every package named in the README's what's-where table, and no torch at ``import stance``."""

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "stance"
STAGES = ("errors", "records", "ingest", "registries", "modelling", "attribution", "issue_detection", "stance_model",
          "positions", "review", "report", "pipeline", "dna", "evaluation", "serve", "cli")
"""Lowest first: a module may import its own stage and earlier ones, never a later one."""
TOP = "__init__"
"""``stance/__init__.py`` re-exports the public surface from every stage, and nothing imports it but users."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else TOP


def stance_imports(path: Path) -> set[str]:
    """Every ``stance...`` module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("stance"):
            if node.module == "stance" and [a.name for a in node.names] == ["__version__"]:
                continue  # the version is the package's own attribute, not a stage
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names
                         if (PACKAGE.joinpath(*node.module.split(".")[1:], a.name + ".py")).is_file())
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; the package uses absolute ones (from stance.x import y)")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("stance"))
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts}


def test_every_package_is_a_known_stage():
    unknown = sorted({stage(m) for m in MODULES} - set(STAGES) - {TOP})
    assert unknown == [], f"packages without a stage: {unknown}; add them to STAGES in pipeline order"


def upward_imports(modules: dict[str, Path]) -> list[str]:
    """``module (stage) imports target (stage)`` for each import of a later stage."""
    rank = {name: k for k, name in enumerate(STAGES)}
    upward = []
    for module, path in modules.items():
        if stage(module) == TOP:
            continue
        for target in sorted(stance_imports(path)):
            if target == "stance" or rank[stage(target)] > rank[stage(module)]:
                upward.append(f"{module} ({stage(module)}) imports {target} ({stage(target)})")
    return upward


def test_no_module_imports_a_later_stage():
    assert upward_imports(MODULES) == []


def test_no_import_cycles():
    graph = nx.DiGraph()
    for module, path in MODULES.items():
        graph.add_node(module)
        graph.add_edges_from((module, t) for t in stance_imports(path) if t in MODULES and t != module)
    cycles = [c for c in nx.simple_cycles(graph) if not any(m.endswith("__init__") for m in c)]
    # a package's __init__ re-exporting its own modules is not a cycle of code
    cycles = [c for c in cycles if not any(MODULES[m].name == "__init__.py" for m in c)]
    assert cycles == []


def test_the_layering_check_flags_an_upward_import(tmp_path):
    """The check can fail: a lazy import of the pipeline inside the store's ingest step is allowed
    (serve is above pipeline), a lazy import of the CLI inside positions is not."""
    later = tmp_path / "aggregate.py"
    later.write_text("def f():\n    from stance.cli.main import main\n    from stance.records import Span\n")
    earlier = tmp_path / "store.py"
    earlier.write_text("from stance.pipeline.local import Pipeline\n")
    assert upward_imports({"stance.positions.aggregate": later, "stance.serve.store.store": earlier}) == [
        "stance.positions.aggregate (positions) imports stance.cli.main (cli)"]


def test_readme_names_every_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## What's where"):]
    missing = [p.name for p in sorted(PACKAGE.iterdir()) if p.is_dir() and (p / "__init__.py").is_file()
               and f"`stance/{p.name}/`" not in table]
    assert missing == []
    assert len(readme.splitlines()) <= 200


def test_no_lab_notebook_words_in_readme_or_model_cards():
    found = subprocess.run(["git", "grep", "-i", "-l", "-e", "this session", "-e", "slow day", "-e", "not kept", "--",
                            "README.md", "stance/models"], cwd=ROOT, capture_output=True, text=True)
    if found.returncode not in (0, 1):
        pytest.skip(f"git grep unavailable: {found.stderr.strip()}")
    assert found.stdout == ""


def test_import_stance_loads_no_torch():
    code = "import sys, stance; print(sorted(m for m in ('torch', 'transformers', 'peft') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
