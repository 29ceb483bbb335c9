"""Statements read in context: a statement whose own words name no issue may take one from around it.

A news quote often names its topic once: "The email probe is a witch hunt," he said. "This is a
waste of time." The second sentence names nothing, yet a reader codes it on the same issue. Each
rule below proposes the issues of some context; the statement takes one only when its own
similarity to that issue reaches ``ContextConfig.threshold`` (it stays on the topic). Rules are
tried in the order of :data:`~stance.issue_detection.config.RULES`; the first that proposes an issue
the statement passes wins, and among several such issues an article topic is preferred, then the
most similar. Only statements with no issue of their own are read in context, and the issues they
take are passed on only by the ``previous`` rule (the speaker's run of statements).

- ``sentence``: the issues of the statement's whole sentence, when the statement covers part of it
  ("Asked about the emails, he said he would testify").
- ``block``: the issues of the other statements of the same quotation: direct quotes of one speaker
  in consecutive sentences, or a quote the attribution carried on with no cue of its own.
- ``previous``: the issues of the speaker's own previous statement, a few sentences back at most.
- ``paragraph``: the issues of the statement's paragraph (its text and its other statements);
  needs the articles.
- ``article``: the article's topics: the issues of its first paragraph (its headline, when the text
  opens with one; needs the articles) and any issue more than half of its statements with an issue
  are about.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from stance.attribution.rules import _ORDER_STEP
from stance.issue_detection.detector import Detection, IssueDetector
from stance.records import Article, Statement

MAJORITY = 0.5
"""An issue is an article topic when more than this share of its statements with an issue are about it ..."""
MAJORITY_MIN = 2
"""... and at least this many."""

Articles = Mapping[str, Article] | Sequence[Article] | None
"""The articles the statements come from, by id or as a list (None: the rules that need text are skipped)."""


def sentence_of(statement: Statement) -> int:
    """The index of the statement's sentence in its article (from its order)."""
    return statement.order // _ORDER_STEP


def same_quote(earlier: Statement, later: Statement) -> bool:
    """Whether ``later`` goes on with ``earlier``'s quotation: both direct quotes of one speaker, in
    the next sentence or carried on without a cue of its own."""
    return (earlier.kind == later.kind == "direct" and earlier.actor_id == later.actor_id
            and earlier.doc_id == later.doc_id
            and (later.cue is None or sentence_of(later) - sentence_of(earlier) <= 1))


def _by_id(articles: Articles) -> dict[str, Article]:
    if articles is None:
        return {}
    if isinstance(articles, Mapping):
        return dict(articles)
    return {a.doc_id: a for a in articles}


def _paragraph(article: Article, start: int) -> int | None:
    """The index of the paragraph holding offset ``start`` (None when the article has no paragraphs)."""
    if not article.paragraphs:
        return None
    k = bisect.bisect_right([p.start for p in article.paragraphs], start) - 1
    return k if k >= 0 and start < article.paragraphs[k].end else None


class _Reading:
    """One batch of statements read in context (see the module's docstring)."""

    def __init__(self, statements: Sequence[Statement], detector: IssueDetector, articles: Articles) -> None:
        self.statements, self.detector = statements, detector
        self.config = detector.config.context
        self.articles = _by_id(articles)
        self.column = {issue_id: k for k, issue_id in enumerate(detector.ids)}
        scan = detector.scan([st.evidence.text for st in statements])
        self.direct, self.similarity = scan.found, scan.similarity
        self.found: list[list[Detection]] = [list(d) for d in self.direct]
        self.docs: dict[str, list[int]] = defaultdict(list)
        for k in sorted(range(len(statements)), key=lambda k: (statements[k].doc_id, statements[k].order)):
            self.docs[statements[k].doc_id].append(k)
        self.paragraph: dict[int, tuple[str, int]] = {}  # statement -> (doc, paragraph)
        for k, st in enumerate(statements):
            article = self.articles.get(st.doc_id)
            where = _paragraph(article, st.quote.start) if article is not None else None
            if where is not None:
                self.paragraph[k] = (st.doc_id, where)
        self.extra = self._scan_extra()

    def _scan_extra(self) -> dict[tuple[str, object], set[str]]:
        """The issues of the texts the rules read besides the statements: whole sentences, paragraphs and
        first paragraphs, scanned in one batch, by key ``(kind, key)``."""
        wanted: dict[tuple[str, object], str] = {}
        rules = self.config.rules
        for k, st in enumerate(self.statements):
            if self.direct[k]:
                continue
            if "sentence" in rules and st.scope is not None and st.scope != st.quote:
                wanted[("sentence", k)] = st.quote.text
            if "paragraph" in rules and k in self.paragraph:
                doc, index = self.paragraph[k]
                wanted[("paragraph", (doc, index))] = self.articles[doc].paragraphs[index].text
            if "article" in rules and st.doc_id in self.articles and self.articles[st.doc_id].paragraphs:
                wanted[("lead", st.doc_id)] = self.articles[st.doc_id].paragraphs[0].text
        found = self.detector.detect(list(wanted.values())) if wanted else []
        return {key: {d.issue for d in hits} for key, hits in zip(wanted, found, strict=True)}

    def topics(self, doc: str, members: Sequence[int]) -> set[str]:
        """The article's topics: its first paragraph's issues, and any issue of most of its statements."""
        out = set(self.extra.get(("lead", doc), ()))
        counts: dict[str, int] = defaultdict(int)
        with_issue = [k for k in members if self.direct[k]]
        for k in with_issue:
            for d in self.direct[k]:
                counts[d.issue] += 1
        out.update(i for i, n in counts.items() if n >= MAJORITY_MIN and n > MAJORITY * len(with_issue))
        return out

    def blocks(self, members: Sequence[int]) -> list[int]:
        """Per statement of the document (in order), the position of the first statement of its quotation."""
        first: list[int] = []
        for n, k in enumerate(members):
            joined = n > 0 and same_quote(self.statements[members[n - 1]], self.statements[k])
            first.append(first[-1] if joined else n)
        return first

    def proposals(self, rule: str, n: int, members: Sequence[int], block: Sequence[int],
                  topics: set[str]) -> set[str]:
        """The issues ``rule`` proposes for the ``n``-th statement of a document."""
        k, st = members[n], self.statements[members[n]]
        if rule == "sentence":
            return self.extra.get(("sentence", k), set())
        if rule == "block":
            return self._issues(m for j, m in enumerate(members) if block[j] == block[n] and j != n)
        if rule == "previous":
            for j in range(n - 1, -1, -1):
                other = self.statements[members[j]]
                if sentence_of(st) - sentence_of(other) > self.config.previous_sentences:
                    break
                if other.actor_id == st.actor_id:
                    return {d.issue for d in self.found[members[j]]}
            return set()
        if rule == "paragraph":
            where = self.paragraph.get(k)
            if where is None:
                return set()
            return self.extra.get(("paragraph", where), set()) | self._issues(
                m for m in members if m != k and self.paragraph.get(m) == where)
        return topics  # "article"

    def _issues(self, members: Iterable[int]) -> set[str]:
        return {d.issue for m in members for d in self.direct[m]}

    def _has_previous(self, n: int, members: Sequence[int]) -> bool:
        """Whether the ``n``-th statement has an earlier one of its speaker in reach (the ``previous`` rule)."""
        st = self.statements[members[n]]
        for j in range(n - 1, -1, -1):
            other = self.statements[members[j]]
            if sentence_of(st) - sentence_of(other) > self.config.previous_sentences:
                return False
            if other.actor_id == st.actor_id:
                return True
        return False

    def _similarity_where_needed(self) -> np.ndarray:
        """Similarities of the statements that may take an issue from context (the rest -1): with
        keywords alone the detector read no meaning, and only these need it."""
        needed = []
        for doc, members in self.docs.items():
            topics = self.topics(doc, members) if "article" in self.config.rules else set()
            block = self.blocks(members)
            for n, k in enumerate(members):
                if not self.direct[k] and any(
                        self._has_previous(n, members) if rule == "previous"
                        else self.proposals(rule, n, members, block, topics) for rule in self.config.rules):
                    needed.append(k)
        out = np.full((len(self.statements), len(self.detector.ids)), -1.0, dtype=np.float32)
        if needed:
            out[needed] = self.detector.similarities([self.statements[k].evidence.text for k in needed])
        return out

    def read(self) -> list[list[Detection]]:
        if self.similarity is None:
            self.similarity = self._similarity_where_needed()
        for doc, members in self.docs.items():
            topics = self.topics(doc, members) if "article" in self.config.rules else set()
            block = self.blocks(members)
            for n, k in enumerate(members):
                if self.direct[k]:
                    continue
                for rule in self.config.rules:
                    passing = {i: float(self.similarity[k, self.column[i]])
                               for i in self.proposals(rule, n, members, block, topics)}
                    passing = {i: s for i, s in passing.items() if s >= self.config.threshold}
                    if passing:
                        best = max(passing, key=lambda i: (i in topics, passing[i]))
                        self.found[k] = [Detection(best, rule, passing[best])]
                        break
        return self.found


def statement_issues(statements: Sequence[Statement], detector: IssueDetector,
                     articles: Articles = None) -> list[list[Detection]]:
    """The issues of each statement: those of its own sentence (its evidence: the part of the sentence
    it covers), else, with the detector's context rules on, one taken from its context.  ``articles``
    (by id or a list) lets the ``paragraph`` and ``article`` rules read the text around statements."""
    if not statements:
        return []
    if not detector.config.context.rules:
        return detector.detect([st.evidence.text for st in statements])
    return _Reading(statements, detector, articles).read()
