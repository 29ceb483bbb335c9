"""The ``stance agreement`` command: Krippendorff's alpha and Cohen's kappa between two coders (a person,
a DNA coder or a ``stance track`` run), per concept and overall, with bootstrap intervals."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from stance.cli.parsers import subcommand
from stance.errors import StanceError

DESCRIPTION = """\
Compares two coders' codings of the same documents: Krippendorff's alpha
(nominal) and Cohen's kappa, per concept and overall, with bootstrap 95%
intervals.  A coder is a person (a CSV or JSONL of codings, a DNA file) or the
machine (a `stance track` output folder: concept = issue id, coder = model).

Codings are first aligned into units: --unit span pairs codings of one document
and concept whose spans overlap (largest overlap first, one to one); --unit actor
makes one unit per document, actor and concept (a coder's majority value; a tie
is neutral).  Each figure is given on the units both coded (the usual
reliability figure) and with "not coded" as a category (a statement one coder
missed counts as a disagreement), with each coder's coverage.  See
docs/agreement.md."""
EXAMPLE = ("  stance agreement gold.csv out/demo --concepts concepts.yaml --json agreement.json\n"
           "  stance agreement coded.dna out/tuned --coder-a ana,ben --dna-holdout 0.4 --issues my_issues.yaml\n"
           "  stance agreement coded.dna --coder-a Alice --coder-b Bob --unit actor --bootstrap 2000 --seed 7\n"
           "  stance agreement coded.dna out/demo --coder-a Alice --issues my_issues.yaml")


def _resamples(value: str) -> int:
    """``1000`` -> 1000: 0 (no intervals) or more."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of resamples, found {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected 0 (no intervals) or more, found {number}")
    return number


def add(sub) -> None:
    """Declare ``stance agreement`` on the ``stance`` parser's subparsers."""
    p = subcommand(sub, "agreement", cmd_agreement, "alpha and kappa between two coders (people, DNA, the machine), "
                   "with bootstrap intervals", EXAMPLE, DESCRIPTION)
    p.add_argument("first", metavar="A", help="coder A's codings: a `stance track` output folder or its "
                   "statements.jsonl, a .csv or .jsonl of codings (doc_id,start,end,actor,concept,value[,coder]) "
                   "or a DNA file (.dna)")
    p.add_argument("second", metavar="B", nargs="?",
                   help="coder B's codings, in any of the same forms (default: A, for a file holding both coders)")
    p.add_argument("--coder-a", metavar="NAME", help="coder A's name, when A holds several coders (a DNA file); "
                   "names joined by commas count as one coder (a team that split the documents: ana,ben)")
    p.add_argument("--coder-b", metavar="NAME",
                   help="coder B's name, when B holds several coders (commas: as --coder-a)")
    p.add_argument("--dna-holdout", type=float, default=0.0, metavar="SHARE",
                   help="compare only on the documents `stance train --dna FILE --dna-holdout SHARE` held out of the "
                        "DNA file among A and B (the same share and --dna-seed; the split of every coder's "
                        "statements, as `stance train` without --dna-coder)")
    p.add_argument("--dna-seed", type=int, default=13, help="the seed of the --dna-holdout split (default 13)")
    p.add_argument("--unit", choices=("span", "actor"), default="span",
                   help="span (default): overlapping spans of one document and concept; actor: one unit per "
                        "document, actor and concept")
    concepts = p.add_mutually_exclusive_group()
    concepts.add_argument("--concepts", metavar="MAP.yaml",
                          help="YAML of `concept text: issue_id` lines, mapping a DNA file's concepts to issue ids")
    concepts.add_argument("--issues", metavar="REGISTRY",
                          help="an issue registry: a concept equal to an issue's id, label or target (any case) "
                               "becomes its id")
    p.add_argument("--bootstrap", type=_resamples, default=1000, metavar="N",
                   help="resamples of the units for the 95%% intervals (default 1000; 0: no intervals)")
    p.add_argument("--seed", type=int, default=13, help="seed of the resampling (default 13)")
    p.add_argument("--json", metavar="FILE", help="write every figure, note and aligned unit to this JSON file")


def _named(coders: Sequence[str], name: str, source: str) -> str:
    """The coder called ``name`` (any case when none has that exact name), or an error listing them; names
    joined by commas are each looked up and come back joined by commas."""
    whole = _lookup(coders, name)
    if whole is not None:  # a coder whose name holds a comma ("Smith, Ana")
        return whole
    found_all = []
    for one in (n.strip() for n in name.split(",")):
        found = _lookup(coders, one)
        if found is None:
            raise StanceError(f"{source}: no coder named {one!r}; its coders are {', '.join(coders) or 'none'}")
        found_all.append(found)
    return ",".join(dict.fromkeys(found_all))


def _lookup(coders: Sequence[str], name: str) -> str | None:
    """The coder called ``name``, exactly, else without regard to case; None when there is none."""
    return name if name in coders else next((c for c in coders if c.casefold() == name.casefold()), None)


def _members(name: str, coders: Sequence[str]) -> set[str]:
    """The coders a name stands for: itself when a coder has it, else the names it joins with commas."""
    return {name} if name in coders else set(name.split(","))


def _of_coder(codings: Sequence, name: str) -> list:
    """The codings of coder ``name`` (names joined by commas: theirs together, as one coder of that name)."""
    import dataclasses

    from stance.evaluation.codings import coders_of

    members = _members(name, coders_of(codings))
    return [c if c.coder == name else dataclasses.replace(c, coder=name) for c in codings if c.coder in members]


def held_out_documents(path: str | Path, share: float, seed: int) -> set[str]:
    """The ids (as `stance agreement` reads them) of the documents of DNA file ``path`` that `stance train --dna
    PATH --dna-holdout SHARE --dna-seed SEED` holds out: the same split of the coded statements by document."""
    from stance.dna import read_dna
    from stance.dna.pairs import concept_issues, dna_pairs, split_by_document
    from stance.dna.read import document_ids

    corpus = read_dna(path)
    mapped = concept_issues(s.concept for s in corpus.statements)
    try:
        _, held = split_by_document(dna_pairs(corpus, mapped), share, seed)
    except ValueError as exc:
        raise StanceError(f"--dna-holdout: {exc}") from None
    ids = document_ids(corpus)
    return {ids[int(p.group)] for p in held}


def _only(coders: Sequence[str], source: str, flag: str, besides: str | None = None) -> str:
    """The one coder of ``source`` (other than ``besides``, or its members), or an error asking for ``flag``."""
    left = [c for c in coders if c not in (_members(besides, coders) if besides else set())]
    if len(left) != 1:
        raise StanceError(f"{source}: holds {len(left)} coders{f' besides {besides}' if besides else ''} "
                          f"({', '.join(left) or 'none'}); pick one with {flag} NAME")
    return left[0]


def choose_coders(first: Sequence, second: Sequence | None, args: argparse.Namespace) -> tuple[str, str]:
    """Coder A's and coder B's names: ``--coder-a`` in A and ``--coder-b`` in B, or each file's only coder.
    With one file (``second`` None) it must hold both: its two coders when it has exactly two and neither
    flag is given, else the named one(s) and the only other."""
    from stance.evaluation.codings import coders_of

    if second is not None:
        coders_a, coders_b = coders_of(first), coders_of(second)
        name_a = _named(coders_a, args.coder_a, args.first) if args.coder_a else _only(coders_a, args.first,
                                                                                        "--coder-a")
        name_b = _named(coders_b, args.coder_b, args.second) if args.coder_b else _only(coders_b, args.second,
                                                                                         "--coder-b")
        return name_a, name_b
    coders = coders_of(first)
    if args.coder_a is None and args.coder_b is None:
        if len(coders) != 2:
            raise StanceError(f"{args.first}: holds {len(coders)} coders ({', '.join(coders) or 'none'}); name "
                              "the two to compare with --coder-a NAME --coder-b NAME, or give coder B's file")
        return coders[0], coders[1]
    named_a = _named(coders, args.coder_a, args.first) if args.coder_a else None
    named_b = _named(coders, args.coder_b, args.first) if args.coder_b else None
    name_a = named_a or _only(coders, args.first, "--coder-a", besides=named_b)
    name_b = named_b or _only(coders, args.first, "--coder-b", besides=name_a)
    if name_a == name_b:
        raise StanceError(f"--coder-a and --coder-b both name {name_a!r}; pick two different coders")
    shared = _members(name_a, coders) & _members(name_b, coders)
    if shared:
        raise StanceError(f"--coder-a {name_a!r} and --coder-b {name_b!r} share {', '.join(sorted(shared))}; a "
                          "coder is compared with others, not with a team that includes them")
    return name_a, name_b


def _figure(estimate, share: bool = False) -> str:
    if estimate.value is None:
        return "-"
    fmt = (lambda x: f"{100 * x:.0f}%") if share else (lambda x: f"{x:.3f}")
    interval = f" [{fmt(estimate.low)}, {fmt(estimate.high)}]" if estimate.low is not None else ""
    return fmt(estimate.value) + interval


def table(report) -> str:
    """The report as text: the units both coded, then with "not coded" as a category, then coverage, then
    notes.  ``-``: undefined (a note says why)."""
    rows = [*report.concepts, report.overall]
    width = max(8, *(len(r.concept) for r in rows))
    intervals = f"{report.bootstrap} resamples, seed {report.seed}" if report.bootstrap else "no intervals"
    out = [f"coder A: {report.coder_a}    coder B: {report.coder_b}    unit: {report.unit}    "
           f"95% bootstrap intervals: {intervals}"]
    for title, view in (("Units both coded", "both_coded"),
                        ('"Not coded" as a category (a unit one coder missed counts as disagreement)',
                         "with_not_coded")):
        out += ["", title, f"{'concept':<{width}}  {'n':>5}  {'agreement':<18} {'alpha':<24} kappa"]
        for r in rows:
            a = getattr(r, view)
            out.append(f"{r.concept:<{width}}  {a.n_units:>5}  {_figure(a.percent, True):<18} "
                       f"{_figure(a.alpha):<24} {_figure(a.kappa)}")
    out += ["", "Coverage (share of one coder's units the other also coded)",
            f"{'concept':<{width}}  {'A units':>7}  {'B units':>7}  {'both':>5}  {'A covered':>9}  {'B covered':>9}"]
    for r in rows:
        cover = [f"{100 * c:.0f}%" if c is not None else "-" for c in (r.coverage_a, r.coverage_b)]
        out.append(f"{r.concept:<{width}}  {r.units_a:>7}  {r.units_b:>7}  {r.units_both:>5}  {cover[0]:>9}  "
                   f"{cover[1]:>9}")
    notes = [*report.notes] + [f"{r.concept}, {label}: {note}" for r in rows
                               for label, view in (("both coded", r.both_coded), ("with not coded", r.with_not_coded))
                               for note in view.notes]
    if notes:
        out += ["", "Notes"] + [f"- {n}" for n in notes]
    return "\n".join(out)


def cmd_agreement(args: argparse.Namespace) -> int:
    """Load both sides, pick the coders, map concepts, compare, print the table, write --json."""
    from stance.evaluation.agreement import compare
    from stance.evaluation.codings import ConceptMap, read_codings

    first = read_codings(args.first)
    second = read_codings(args.second) if args.second else first
    name_a, name_b = choose_coders(first, second if args.second else None, args)
    a = _of_coder(first, name_a)
    b = _of_coder(second, name_b)
    notes = []
    if args.dna_holdout:
        dna = next((f for f in (args.first, args.second) if f and str(f).endswith(".dna")), None)
        if dna is None:
            raise StanceError("--dna-holdout: expected A or B to be a DNA file (.dna), whose split it repeats")
        documents = held_out_documents(dna, args.dna_holdout, args.dna_seed)
        a = [c for c in a if c.doc_id in documents]
        b = [c for c in b if c.doc_id in documents]
        notes.append(f"only the {len(documents)} documents --dna-holdout {args.dna_holdout} (seed {args.dna_seed}) "
                     f"holds out of {dna}")
    if args.concepts or args.issues:
        if args.concepts:
            mapping = ConceptMap.load(args.concepts)
        else:
            from stance.registries.issues import IssueRegistry

            mapping = ConceptMap.from_issues(IssueRegistry.load(args.issues).values())
        a, unmapped_a = mapping.apply(a)
        b, unmapped_b = mapping.apply(b)
        for name, unmapped in ((name_a, unmapped_a), (name_b, unmapped_b)):
            if unmapped:
                notes.append(f"concepts of {name} left unmapped (kept as written): "
                             + ", ".join(f"{c!r} ({n} codings)" for c, n in unmapped.items()))
    report = compare(a, b, unit=args.unit, bootstrap=args.bootstrap, seed=args.seed, notes=notes)
    print(table(report))
    if args.json:
        try:
            Path(args.json).write_text(json.dumps(report.to_dict(), indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
        except OSError as exc:
            raise StanceError(f"{args.json}: cannot be written ({exc.strerror or exc})") from None
        print(f"\nall figures and units: {args.json}", file=sys.stderr)
    return 0
