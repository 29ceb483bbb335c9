"""The issue registry: which issues exist, what "favor" means for each, and
which statements concern them by keyword (``stance.issue_detection`` adds meaning).

Per issue, ``exclude`` lists phrases (written as keywords are) whose occurrences in a text
are blanked out before the issue is looked for: a keyword inside an excluded phrase is no hit
(``exclude: [via email]`` keeps "she said via email" from the ``email`` keyword), and detection
by meaning reads the text without them.  Other issues still see the whole text."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from stance.errors import RegistryError
from stance.records import Issue
from stance.registries.files import read_registry

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_LISTS = {"keywords": "phrases", "examples": "sentences", "exclude": "phrases"}
DETECTION_MODES = ("keywords", "meaning", "both")
"""How issues are found (``stance.issue_detection``): by keyword, by meaning, or either."""
"""The optional list keys of an issue, with what each item is (for the error message)."""


def _compile(keyword: str, issue_id: str = "", kind: str = "keyword") -> re.Pattern:
    """A case-insensitive pattern: whole words, a space also matching a hyphen; ``re:`` a regular expression."""
    if keyword.startswith("re:"):
        try:
            return re.compile(keyword[3:], re.I)
        except re.error as exc:
            raise RegistryError(f"issue {issue_id!r}: {kind} {keyword!r} is not a valid regular expression: "
                                f"{exc}") from None
    return re.compile(r"(?<!\w)" + r"[\s-]+".join(map(re.escape, keyword.split())) + r"(?!\w)", re.I)


def _threshold(value: object) -> float | None:
    """The registry's own threshold for detection by meaning, checked (None: the calibrated default)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
        raise RegistryError(f"threshold must be a number between 0 and 1 (a cosine similarity), found {value!r}")
    return float(value)


def _mode(value: object) -> str | None:
    """The registry's own detection mode, checked (None: the detector's default)."""
    if value is not None and value not in DETECTION_MODES:
        raise RegistryError(f"mode must be one of {', '.join(DETECTION_MODES)}, found {value!r}")
    return None if value is None else str(value)


def _strings(row: dict, key: str) -> tuple[str, ...]:
    """An optional list of non-empty strings of an issue row."""
    value = row.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RegistryError(f"issue {row['id']!r}: {key} must be a list of {_LISTS[key]}, found {value!r}")
    return tuple(v.strip() for v in value)


class IssueRegistry(Mapping[str, Issue]):
    """Issues by id, with keyword detection.  ``threshold``: the registry's own threshold for
    detection by meaning (``threshold:`` at the top of the file; None: the calibrated default);
    ``mode``: how its issues are found (``mode:``, one of :data:`DETECTION_MODES`; None: ``both``)."""

    def __init__(self, issues: list[Issue], threshold: float | None = None, mode: str | None = None) -> None:
        self.threshold = _threshold(threshold)
        self.mode = _mode(mode)
        self._issues: dict[str, Issue] = {}
        for issue in issues:
            if not _ID.match(issue.issue_id):
                raise RegistryError(f"issue id {issue.issue_id!r} is not valid; use lower-case letters, digits and _")
            if issue.issue_id in self._issues:
                raise RegistryError(f"issue id {issue.issue_id!r} appears twice in the registry")
            if not issue.target.strip():
                raise RegistryError(
                    f"issue {issue.issue_id!r} has an empty target; say in one sentence what favor means")
            self._issues[issue.issue_id] = issue
        self._patterns = {i.issue_id: [(k, _compile(k, i.issue_id)) for k in i.keywords] for i in issues}
        self._excluded = {i.issue_id: [_compile(k, i.issue_id, "exclude phrase") for k in i.exclude]
                          for i in issues if i.exclude}

    @classmethod
    def load(cls, path: str | Path | None = None) -> IssueRegistry:
        """A registry from YAML or JSON (``{"mode"?, "threshold"?, "issues": [{id, label, target,
        description, keywords, examples, exclude}]}``; all but ``id`` and ``target`` optional, keywords
        too); the default registry when ``path`` is None."""
        path, data = read_registry(path, "issues.yaml", "issue")
        rows = data.get("issues") if isinstance(data, dict) else None
        if not isinstance(rows, list) or not rows:
            raise RegistryError(f"{path}: expected a top-level 'issues' list with at least one issue")
        issues = []
        try:
            for n, row in enumerate(rows, 1):
                if not isinstance(row, dict) or not {"id", "target"} <= set(row):
                    raise RegistryError(f"issue #{n} needs at least 'id' and 'target', found {row!r}")
                keywords = row.get("keywords") or []
                if not isinstance(keywords, list):
                    raise RegistryError(f"issue {row['id']!r}: keywords must be a list")
                issues.append(Issue(str(row["id"]), str(row.get("label") or row["id"]), str(row["target"]),
                                    str(row.get("description") or ""), tuple(str(k) for k in keywords),
                                    _strings(row, "examples"), _strings(row, "exclude")))
            settings = data if isinstance(data, dict) else {}
            return cls(issues, settings.get("threshold"), settings.get("mode"))
        except RegistryError as exc:
            raise RegistryError(f"{path}: {exc}") from None

    def __getitem__(self, issue_id: str) -> Issue:
        try:
            return self._issues[issue_id]
        except KeyError:
            raise RegistryError(
                f"unknown issue id {issue_id!r}; known issues: {', '.join(self._issues)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._issues)

    def __len__(self) -> int:
        return len(self._issues)

    @property
    def has_keywords(self) -> bool:
        """Whether any issue has keywords (a registry may rely on meaning alone)."""
        return any(self._patterns.values())

    def masked(self, text: str, issue_id: str) -> str:
        """``text`` with the issue's excluded phrases blanked out (as many spaces: offsets keep)."""
        for pattern in self._excluded.get(issue_id, ()):
            text = pattern.sub(lambda m: " " * len(m.group()), text)
        return text

    def excludes(self, text: str) -> list[str]:
        """The issues whose excluded phrases occur in ``text``."""
        return [i for i, patterns in self._excluded.items() if any(p.search(text) for p in patterns)]

    def detect(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """The issues ``text`` concerns, each with the keywords that matched (outside excluded phrases)."""
        found = []
        for issue_id, patterns in self._patterns.items():
            if not patterns:
                continue
            seen = self.masked(text, issue_id)
            matched = tuple(k for k, p in patterns if p.search(seen))
            if matched:
                found.append((issue_id, matched))
        return found

    def mentions(self, text: str) -> bool:
        """Whether ``text`` concerns any issue by keyword (:meth:`detect` without the details)."""
        if not self._excluded:
            return any(p.search(text) for patterns in self._patterns.values() for _, p in patterns)
        return bool(self.detect(text))

    def targets(self) -> dict[str, str]:
        return {i: issue.target for i, issue in self._issues.items()}

    def version(self) -> str:
        """A short hash (12 hex digits) of the registry's content (every field of every issue, in id order): equal
        registries share it whatever their file's layout, and any change to an issue changes it.
        The store keeps it beside each prediction, as it keeps the model's version."""
        import dataclasses
        import hashlib
        import json

        rows = [dataclasses.asdict(self._issues[i]) for i in sorted(self._issues)]
        canonical = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
