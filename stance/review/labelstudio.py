"""Label Studio: the labelling config of a review project, the tasks of a sample (with the model's
label pre-filled as a prediction), and reading back the project's JSON export.

A task, as :func:`task` writes it (a text classification task; every value a string or a number)::

    {"data": {"statement_id": "a:3", "issue": "military_bases", "text": "...", "quote": "...",
              "target": "Pakistan should give ...", "issue_label": "US bases", "actor": "Khawaja Asif",
              "actor_id": "khawaja_asif", "doc_id": "a", "date": "2017-10-09", "who": "...",
              "model_stance": "against", "model_confidence": 0.52},
     "predictions": [{"model_version": "stance-minilm@...", "score": 0.52,
                      "result": [{"from_name": "stance", "to_name": "text", "type": "choices",
                                  "value": {"choices": ["against"]}}]}]}

The export (Label Studio's "JSON" format) is the same list of tasks, each with ``annotations``: per
annotation ``result[]`` (the ``stance`` choice in ``value.choices``, the ``note`` text area in
``value.text``), ``completed_by`` (a user id, or an object with the user's ``email``),
``was_cancelled`` (a skipped task) and ``updated_at``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stance.errors import InputError
from stance.records import Issue, StancePrediction
from stance.review.record import REVIEW_STANCES, CodedRow, parse_time

CHOICES = "stance"
"""The ``name`` of the config's choice control: ``from_name`` in every result."""
NOTE = "note"
"""The ``name`` of the config's text area for a note."""
OBJECT = "text"
"""The ``name`` of the text the choice is about: ``to_name`` in every result."""
HINTS = {"favor": "the statement supports the target sentence",
         "against": "the statement opposes the target sentence",
         "neutral": "about the issue, but takes no side",
         "irrelevant": "not about this issue: the label is dropped from positions"}


def labelling_config() -> str:
    """The XML of a Label Studio project for the tasks of :func:`task`: the issue and its target, who
    said it, the statement and its sentence; one choice among :data:`REVIEW_STANCES`; a note."""
    choices = "\n".join(f'    <Choice value="{s}" hint="{HINTS[s]}"/>' for s in REVIEW_STANCES)
    return f"""<View>
  <Header value="$issue_label"/>
  <Text name="target" value="$target"/>
  <Header value="Who, when, where" size="6"/>
  <Text name="who" value="$who"/>
  <Header value="The statement" size="6"/>
  <Text name="{OBJECT}" value="$text"/>
  <Header value="The sentence it comes from" size="6"/>
  <Text name="quote" value="$quote"/>
  <Header value="Its stance on the target sentence" size="6"/>
  <Choices name="{CHOICES}" toName="{OBJECT}" choice="single-radio" required="true" showInline="true">
{choices}
  </Choices>
  <TextArea name="{NOTE}" toName="{OBJECT}" placeholder="note (optional)" rows="2" maxSubmissions="1"/>
</View>
"""


def task(p: StancePrediction, issue: Issue) -> dict[str, Any]:
    """One Label Studio task for the label ``p`` on ``issue``, the model's stance as a prediction
    whose ``score`` is the model's confidence."""
    st = p.statement
    date = str(st.date) if st.date else ""
    data = {"statement_id": st.statement_id, "issue": p.issue, "text": st.text.text, "quote": st.quote.text,
            "target": issue.target, "issue_label": issue.label, "actor": st.actor, "actor_id": st.actor_id,
            "doc_id": st.doc_id, "date": date, "who": ", ".join(x for x in (st.actor, date, st.doc_id) if x),
            "model_stance": p.stance, "model_confidence": round(p.confidence, 4)}
    result = {"from_name": CHOICES, "to_name": OBJECT, "type": "choices", "value": {"choices": [p.stance]}}
    return {"data": data, "predictions": [{"model_version": p.model or "stance", "score": round(p.confidence, 4),
                                           "result": [result]}]}


def write_tasks(labels: Sequence[tuple[StancePrediction, Issue]], path: str | Path) -> Path:
    """The tasks of ``labels`` as one JSON list (Label Studio's import format) at ``path``."""
    path = Path(path)
    path.write_text(json.dumps([task(p, issue) for p, issue in labels], ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
    return path


@dataclass
class ExportRows:
    """What an export holds: a row per annotation with a choice, the problems found (each naming the
    file and line), and how many tasks had no annotation and how many annotations were skipped."""

    rows: list[CodedRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unchecked: int = 0
    cancelled: int = 0


def read_export(path: str | Path, coder: str | None = None) -> ExportRows:
    """The annotations of a Label Studio JSON export, one :class:`CodedRow` per annotation, its line
    the line where its task starts.

    The coder is ``coder`` when given (the export must then hold one Label Studio user's work), else
    the annotation's ``completed_by``: the user's ``email`` when the export carries the user object,
    else ``labelstudio-user-N`` for user id N.  A task without annotations counts as unchecked; a
    skipped (cancelled) annotation as cancelled; neither is a row.
    """
    path = Path(path)
    out = ExportRows()
    tasks = list(_array_items(path))
    users = sorted({_coder_of(a.get("completed_by")) for _, t in tasks if isinstance(t, dict)
                    for a in _annotations(t) if isinstance(a, dict) and not a.get("was_cancelled")} - {""})
    if coder and len(users) > 1:
        raise InputError(path, f"holds annotations by {len(users)} Label Studio users ({', '.join(users)}); "
                               f"expected one with --coder {coder}: import without --coder to keep each user "
                               "apart, or export one user's annotations at a time")
    for line, item in tasks:
        if not isinstance(item, dict):
            out.problems.append(f"{path}:{line}: expected a Label Studio task (an object), found "
                                f"{type(item).__name__}")
            continue
        _read_task(path, line, item, coder, out)
    return out


def _read_task(path: Path, line: int, item: dict[str, Any], coder: str | None, out: ExportRows) -> None:
    where = f"{path}:{line}: task {item.get('id', '?')}"
    data = item.get("data")
    if not isinstance(data, dict):
        data = {}
    statement_id, issue = str(data.get("statement_id") or ""), str(data.get("issue") or "")
    if not statement_id or not issue:
        out.problems.append(f"{where} has no data.statement_id and data.issue; expected the tasks written by "
                            "`stance review sample` (import its .json into the project, then export that project)")
        return
    if "annotations" not in item:
        out.problems.append(f"{where} has no \"annotations\"; expected Label Studio's JSON export: export the "
                            "project with the JSON format (not JSON_MIN, CSV, or the sample file itself)")
        return
    annotations = [a for a in _annotations(item) if isinstance(a, dict)]
    if not annotations:
        out.unchecked += 1
    for annotation in annotations:
        if annotation.get("was_cancelled"):
            out.cancelled += 1
            continue
        name = f"{where}, annotation {annotation.get('id', '?')}"
        results = [r for r in annotation.get("result") or [] if isinstance(r, dict)]
        choices = [_value(r).get("choices") for r in results if r.get("from_name") == CHOICES
                   and r.get("type") == "choices"]
        chosen = [c for found in choices if isinstance(found, list) for c in found]
        if len(chosen) != 1:
            out.problems.append(f"{name}: found {len(chosen)} stance choices ({', '.join(map(str, chosen)) or 'none'})"
                                f"; expected one of {', '.join(REVIEW_STANCES)}: choose one in Label Studio and "
                                "export again")
            continue
        notes = [t for r in results if r.get("from_name") == NOTE for t in (_value(r).get("text") or [])]
        stamp = annotation.get("updated_at") or annotation.get("created_at")
        try:
            time = parse_time(stamp) if stamp else None
        except ValueError:
            out.problems.append(f"{name}: found updated_at {stamp!r}; expected an ISO time as Label Studio writes "
                                "it (2026-12-04T10:15:00.000000Z)")
            continue
        out.rows.append(CodedRow(line, statement_id, issue, str(chosen[0]),
                                 coder or _coder_of(annotation.get("completed_by")), time,
                                 " ".join(str(t) for t in notes).strip(), str(data.get("text") or ""),
                                 str(data.get("target") or "")))


def _value(result: dict[str, Any]) -> dict[str, Any]:
    value = result.get("value")
    return value if isinstance(value, dict) else {}


def _annotations(item: dict[str, Any]) -> list[Any]:
    found = item.get("annotations")
    return found if isinstance(found, list) else []


def _coder_of(completed_by: Any) -> str:
    """A Label Studio user as a coder id: ``{"email": "a@x.org", ...}`` -> ``a@x.org``; ``7`` ->
    ``labelstudio-user-7``; missing -> ``""``."""
    if isinstance(completed_by, dict):
        return str(completed_by.get("email") or _coder_of(completed_by.get("id")))
    if isinstance(completed_by, bool) or completed_by is None or completed_by == "":
        return ""
    if isinstance(completed_by, int):
        return f"labelstudio-user-{completed_by}"
    return str(completed_by)


def _array_items(path: Path) -> Iterator[tuple[int, Any]]:
    """(line where it starts, item) for each item of the JSON list in ``path``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 ({exc.reason} at byte {exc.start}); expected Label Studio's JSON "
                               "export") from None
    decoder = json.JSONDecoder()
    at, line, counted = _skip_space(text, 0), 1, 0
    if not text[at:at + 1] == "[":
        raise InputError(path, "expected a JSON list of Label Studio tasks (the project's JSON export), found "
                               f"{text[at:at + 20]!r}", text.count("\n", 0, at) + 1)
    at = _skip_space(text, at + 1)
    if text[at:at + 1] == "]":
        return
    while True:
        line += text.count("\n", counted, at)
        counted = at
        try:
            item, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"malformed JSON ({exc.msg} at column {exc.colno})", exc.lineno) from None
        yield line, item
        at = _skip_space(text, end)
        if text[at:at + 1] == ",":
            at = _skip_space(text, at + 1)
        elif text[at:at + 1] == "]" and not text[at + 1:].strip():
            return
        else:
            raise InputError(path, f"malformed JSON (expected ',' or the closing ']', found {text[at:at + 20]!r})",
                             text.count("\n", 0, at) + 1)


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at
