"""report.json: the positions, every statement, the current positions and the issues.

``<``, ``>`` and ``&`` are written as ``\\u`` escapes, so the file holds no raw
markup even when a quote does, and still loads back to the same strings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stance.report.view import ReportModel


def report_dict(model: ReportModel) -> dict[str, Any]:
    """``positions.to_dict()`` plus statements, current positions and issues."""
    data = model.positions.to_dict()
    data["filters"] = dict(model.filters)
    data["statements"] = [p.to_dict() for p in model.positions.predictions]
    data["current"] = [
        {"actor_id": ent.key, "actor": ent.name, "kind": ent.kind, "issue": issue, "text": cur.text,
         "leaning": cur.leaning, "score": None if cur.score is None else round(cur.score, 4)}
        for ent in model.entities() for issue, cur in ent.current.items()]
    data["issues"] = {i: {"label": info.label, "target": info.target} for i, info in model.issues.items()}
    return data


def dumps(data: Any) -> str:
    """Compact JSON text (the C encoder: fast on large reports) with markup characters escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def write_json(model: ReportModel, out_dir: Path) -> Path:
    path = out_dir / "report.json"
    path.write_text(dumps(report_dict(model)), encoding="utf-8")
    return path
