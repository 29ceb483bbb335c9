"""PolNeAR (brat standoff) attribution annotations: who said what, as
character spans of Source, Cue and Content, read by path and never copied."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from stance.errors import InputError
from stance.records import Article, PartialDate, Span

ROLES = ("source", "cue", "content")
_TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t?(.*)$")


@dataclass(frozen=True)
class Attribution:
    """One attribution relation; ``source`` is None when the text names none.
    A discontinuous span is kept as its envelope (first start to last end)."""

    cue: Span | None
    content: Span | None
    source: Span | None = None


@dataclass(frozen=True)
class AnnotatedDoc:
    doc_id: str
    text: str
    attributions: tuple[Attribution, ...]

    def spans(self, role: str) -> list[Span]:
        return [getattr(a, role) for a in self.attributions if getattr(a, role) is not None]


def _envelope(text: str, offsets: str) -> Span:
    pairs = [tuple(map(int, part.split())) for part in offsets.split(";")]
    start, end = min(p[0] for p in pairs), max(p[1] for p in pairs)
    return Span(start, end, text[start:end])


def parse_ann(ann: str, text: str, path: str | Path = "<ann>") -> tuple[Attribution, ...]:
    """Attributions of one brat ``.ann`` file over ``text``: each event
    (``E1 Attribution:T4 Source:T3 Content:T2 Cue:T1``) with its spans.  Other
    lines (notes, the rest of a span's text that ran over a line break) are skipped."""
    bounds: dict[str, tuple[str, Span]] = {}
    events = []
    for number, line in enumerate(ann.splitlines(), 1):
        if re.match(r"T\d+\t", line):
            m = _TEXT_BOUND.match(line)
            if not m:
                raise InputError(path, "expected a text-bound line 'T<n>\\t<Type> <start> <end>\\t<text>', "
                                       f"found {line[:60]!r}", number)
            span = _envelope(text, m.group(3))
            if span.end > len(text):
                raise InputError(path, f"span {span.start}-{span.end} is past the end of the text "
                                       f"({len(text)} characters)", number)
            bounds[m.group(1)] = (m.group(2), span)
        elif re.match(r"E\d+\t", line):
            events.append((number, line.split("\t")[1].split() if "\t" in line else []))
    out = []
    for number, args in events:
        roles: dict[str, list[Span]] = {}
        for arg in args[1:]:
            role, _, ref = arg.partition(":")
            if ref not in bounds:
                raise InputError(path, f"event refers to {ref!r}, which no text-bound line defines", number)
            roles.setdefault(re.sub(r"\d+$", "", role).lower(), []).append(bounds[ref][1])
        trigger = args[0].partition(":")[2] if args else ""
        cue = _role_envelope(roles, "cue", text) or (bounds[trigger][1] if trigger in bounds else None)
        if cue or roles:
            out.append(Attribution(cue=cue, content=_role_envelope(roles, "content", text),
                                   source=_role_envelope(roles, "source", text)))
    # sorted by the first of cue, content and source that an attribution has (annotated events have one)
    return tuple(sorted(out, key=lambda a: cast(Span, a.cue or a.content or a.source).start))


def _role_envelope(roles: dict[str, list[Span]], role: str, text: str) -> Span | None:
    """The envelope of every span of ``role`` in one event (None when it has none)."""
    spans = roles.get(role)
    if not spans:
        return None
    start, end = min(s.start for s in spans), max(s.end for s in spans)
    return Span(start, end, text[start:end])


def load_versions(root: str | Path, split: str = "dev", limit: int | None = None) -> dict[str, list[AnnotatedDoc]]:
    """Every annotator's version of each article in the ``split`` compartment
    under ``root`` (``text/*.txt`` and ``attributions/<article>_<annotator>.ann``),
    keyed by article id; versions in file-name order.  Most articles have one;
    a few were read by five or six annotators."""
    root = Path(root) / split
    if not (root / "text").is_dir():
        raise InputError(root, "not found; expected PolNeAR's text/ and attributions/ folders (../shared/data/polnear)")
    anns: dict[str, list[Path]] = {}
    for ann in sorted((root / "attributions").glob("*.ann")):
        anns.setdefault(ann.stem.rsplit("_", 1)[0], []).append(ann)
    out: dict[str, list[AnnotatedDoc]] = {}
    for txt in sorted((root / "text").glob("*.txt"))[:limit]:
        if txt.stem not in anns:
            continue
        text = txt.read_text(encoding="utf-8")
        out[txt.stem] = [AnnotatedDoc(txt.stem, text, parse_ann(ann.read_text(encoding="utf-8"), text, ann))
                         for ann in anns[txt.stem]]
    return out


def load_polnear(root: str | Path, split: str = "dev", limit: int | None = None) -> list[AnnotatedDoc]:
    """The ``split`` compartment of PolNeAR under ``root``; where an article has
    one file per annotator, the first in name order is used."""
    return [versions[0] for versions in load_versions(root, split, limit).values()]


def load_articles(root: str | Path, split: str, doc_ids: Sequence[str], *, repair: bool = False) -> list[Article]:
    """PolNeAR articles as the pipeline reads them (cleaned paragraphs), dated from ``metadata.tsv``: for the
    benchmarks that score the tool on gold coded on them.  ``repair``: mojibake undone as ``stance`` ingest
    does (:func:`~stance.ingest.encoding.repair_mojibake`), for gold that names no offsets."""
    import csv

    from stance.ingest.clean import clean_paragraphs, split_paragraphs
    from stance.ingest.encoding import repair_mojibake

    root = Path(root)
    with open(root / "metadata.tsv", encoding="utf-8") as f:
        dates = {row["filename"]: row["publication_date"] for row in csv.DictReader(f, delimiter="\t")}
    out = []
    for doc_id in doc_ids:
        text = (root / split / "text" / f"{doc_id}.txt").read_text(encoding="utf-8")
        if repair:
            text = repair_mojibake(text)
        date = PartialDate.parse(dates[doc_id]) if dates.get(doc_id) else None
        out.append(Article(doc_id, text, date=date, paragraphs=tuple(clean_paragraphs(split_paragraphs(text)))))
    return out
