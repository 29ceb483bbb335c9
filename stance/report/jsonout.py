"""report.json: the positions, every statement, the current positions and the issues.

``<``, ``>`` and ``&`` are written as ``\\u`` escapes, so the file holds no raw
markup even when a quote does, and still loads back to the same strings.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from stance.report.paths import quotes_id
from stance.report.view import ReportModel


def report_dict(model: ReportModel) -> dict[str, Any]:
    """``positions.to_dict()`` plus statements (each with ``checked_by`` when a person set its label),
    current positions and issues.

    Each ``current`` entry also counts the statements behind it as the pages do
    (:class:`~stance.report.view.Evidence`): ``statements`` in all, ``since_shift`` (what the position rests
    on), ``undated``, ``checked`` (labels a person checked), with the page's ``title`` and ``page`` (the
    HTML page and its list of quotes).  ``checked`` sums the labels a person checked, by reviewer.
    """
    data = model.positions.to_dict()
    data["filters"] = dict(model.filters)
    data["statements"] = [p.to_dict() for p in model.positions.predictions]
    data["current"] = [
        {"actor_id": ent.key, "actor": ent.name, "kind": ent.kind, "issue": issue, "text": cur.text,
         "leaning": cur.leaning, "score": None if cur.score is None else round(cur.score, 4),
         "title": ent.title, "summary": ent.summaries[issue], "statements": ev.total,
         "since_shift": len(ev.current), "undated": len(ev.undated), "checked": ev.checked,
         "page": f"actors/{ent.slug}.html#{quotes_id(model.issue_slugs[issue])}"}
        for ent in model.entities() for (issue, cur), ev in zip(ent.current.items(), ent.evidence.values())]
    data["issues"] = {i: {"label": info.label, "target": info.target} for i, info in model.issues.items()}
    by: Counter[str] = Counter(p.checked_by for p in model.positions.predictions if p.checked_by)
    data["checked"] = {"labels": len(model.positions.predictions), "checked": sum(by.values()),
                       "by": dict(sorted(by.items()))}
    return data


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""Compact, built once (what ``json.dumps`` would build on every call)."""


def dumps(data: Any) -> str:
    """Compact JSON text (the C encoder: fast on large reports) with markup characters escaped."""
    text = _ENCODER.encode(data)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def write_json(model: ReportModel, out_dir: Path) -> Path:
    path = out_dir / "report.json"
    path.write_text(dumps(report_dict(model)), encoding="utf-8")
    return path
