"""The issue registry: which issues exist, what "favor" means for each, and
which statements concern them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from stance.errors import RegistryError
from stance.records import Issue
from stance.registries.files import read_registry

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _compile(keyword: str) -> re.Pattern:
    if keyword.startswith("re:"):
        return re.compile(keyword[3:], re.I)
    return re.compile(r"(?<!\w)" + r"[\s-]+".join(map(re.escape, keyword.split())) + r"(?!\w)", re.I)


class IssueRegistry(Mapping[str, Issue]):
    """Issues by id, with keyword detection."""

    def __init__(self, issues: list[Issue]) -> None:
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
        self._patterns = {i.issue_id: [(k, _compile(k)) for k in i.keywords] for i in issues}

    @classmethod
    def load(cls, path: str | Path | None = None) -> IssueRegistry:
        """A registry from YAML or JSON (``{"issues": [{id, label, target, description, keywords}]}``);
        the default registry when ``path`` is None."""
        path, data = read_registry(path, "issues.yaml", "issue")
        rows = data.get("issues") if isinstance(data, dict) else None
        if not isinstance(rows, list) or not rows:
            raise RegistryError(f"{path}: expected a top-level 'issues' list with at least one issue")
        issues = []
        for n, row in enumerate(rows, 1):
            if not isinstance(row, dict) or not {"id", "target"} <= set(row):
                raise RegistryError(f"{path}: issue #{n} needs at least 'id' and 'target', found {row!r}")
            keywords = row.get("keywords") or []
            if not isinstance(keywords, list):
                raise RegistryError(f"{path}: issue {row['id']!r}: keywords must be a list")
            issues.append(Issue(str(row["id"]), str(row.get("label") or row["id"]), str(row["target"]),
                                str(row.get("description") or ""), tuple(str(k) for k in keywords)))
        try:
            return cls(issues)
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

    def detect(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """The issues ``text`` concerns, each with the keywords that matched."""
        found = []
        for issue_id, patterns in self._patterns.items():
            matched = tuple(k for k, p in patterns if p.search(text))
            if matched:
                found.append((issue_id, matched))
        return found

    def mentions(self, text: str) -> bool:
        """Whether ``text`` concerns any issue (:meth:`detect` without the details)."""
        return any(p.search(text) for patterns in self._patterns.values() for _, p in patterns)

    def targets(self) -> dict[str, str]:
        return {i: issue.target for i, issue in self._issues.items()}
