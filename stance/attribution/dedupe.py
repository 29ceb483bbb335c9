"""One statement per utterance: the same words from the same speaker carried
by several outlets (or twice in one page) become one statement with all its
sources, while the same words said again on a later date stay separate."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from stance.records import PartialDate, Statement

_CONTRACTIONS = [(r"n[’']t\b", " not"), (r"[’']re\b", " are"), (r"[’']s\b", " is"), (r"[’']ll\b", " will"),
                 (r"[’']ve\b", " have"), (r"[’']m\b", " am"), (r"[’']d\b", " would")]
_WORD = re.compile(r"[a-z0-9]+")
_PRECISION = {"day": 0, "month": 1, "year": 2}

MIN_TOKENS = 5
"""Shorter contents (``Absolutely not``) are too common to match on."""
OVERLAP = 0.8
"""Share of the shorter content's words found in the longer one."""
MAX_GAP_DAYS = 7


def tokens(text: str) -> set[str]:
    text = text.lower()
    for pattern, repl in _CONTRACTIONS:
        text = re.sub(pattern, repl, text)
    return set(_WORD.findall(text))


def _same_time(a: Statement, b: Statement) -> bool:
    if a.date is None or b.date is None:
        return True
    gap = max(a.date.start(), b.date.start()) - min(a.date.end(), b.date.end())
    return gap.days <= MAX_GAP_DAYS


def _weeks(date: PartialDate, slack: int) -> tuple[int, int]:
    """The first and last week (day ordinal // 7) that a statement's ``date``, widened by ``slack`` days,
    can fall in."""
    return (date.start().toordinal() - slack) // 7, (date.end().toordinal() + slack) // 7


def _same_words(ta: set[str], tb: set[str]) -> bool:
    shorter = min(len(ta), len(tb))
    return shorter >= MIN_TOKENS and len(ta & tb) / shorter >= OVERLAP


def same_statement(a: Statement, b: Statement) -> bool:
    if a.actor_id != b.actor_id or not _same_time(a, b):
        return False
    return _same_words(tokens(a.text.text), tokens(b.text.text))


def merge_duplicates(statements: Sequence[Statement]) -> list[Statement]:
    """Statements with duplicates merged: a statement joins the first earlier one it
    repeats (same speaker, same words, within a week of that first report; the
    store applies the same rule to what it already holds).  The kept record is the one with the
    most precise date (then the earliest in corpus order); ``sources`` lists
    every document that carries it, the kept one first.

    Each statement is compared only with its speaker's earlier reports that could
    fall within a week of it (an index by week; undated ones with all), so a
    corpus costs about linear time rather than quadratic."""
    clusters: list[list[Statement]] = []
    words: list[set[str]] = []  # the tokens of each cluster's first report
    by_week: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    undated: dict[str, list[int]] = defaultdict(list)
    every: dict[str, list[int]] = defaultdict(list)
    for st in statements:
        toks = tokens(st.text.text)
        if st.date is None:
            candidates = every[st.actor_id]
        else:
            lo, hi = _weeks(st.date, MAX_GAP_DAYS)
            weeks = by_week[st.actor_id]
            candidates = sorted({c for w in range(lo, hi + 1) for c in weeks.get(w, ())} | set(undated[st.actor_id]))
        for c in candidates:
            # against the first report (its tokens kept in words[c]): no chaining week after week
            if _same_time(st, clusters[c][0]) and _same_words(toks, words[c]):
                clusters[c].append(st)
                break
        else:
            c = len(clusters)
            clusters.append([st])
            words.append(toks)
            every[st.actor_id].append(c)
            if st.date is None:
                undated[st.actor_id].append(c)
            else:
                lo, hi = _weeks(st.date, 0)
                for w in range(lo, hi + 1):
                    by_week[st.actor_id][w].append(c)
    out = []
    for cluster in clusters:
        keep = min(cluster, key=lambda s: _PRECISION[s.date.precision] if s.date else 3)
        sources = [keep.doc_id] + [s.doc_id for s in cluster if s.doc_id != keep.doc_id]
        out.append(replace(keep, sources=tuple(dict.fromkeys(sources))))
    return out
