"""The records' dicts and the report's current positions, pinned where the report's render was made faster
(to_dict spelled out, series sorted once): same keys, same order, same values."""

import dataclasses
import datetime as dt
import random

from helpers import pred, statement

from stance.positions.aggregate import aggregate, current_of_dated, current_position, time_key
from stance.records import PositionPoint, Shift, Span, StancePrediction
from stance.report.jsonout import dumps
from stance.report.view import Evidence, build_model


def test_a_prediction_dict_holds_every_optional_part_in_order():
    st = dataclasses.replace(statement("s1", date="2017-10-02", text="We will <not> & never"),
                             speaker=Span(3, 8, "Asif"), sources=("d1", "d2"), known=False, order=4)
    p = StancePrediction(st, "joint_operations", "against", 0.912345, {"against": 0.912345, "favor": 0.04},
                         model="m1", checked_by="ana")
    assert p.to_dict() == {
        "statement_id": "s1", "doc_id": "d1", "sources": ["d1", "d2"], "date": "2017-10-02",
        "actor": "Khawaja Asif", "actor_id": "khawaja_asif", "actor_type": "person",
        "affiliation": "Government of Pakistan", "kind": "reported", "issue": "joint_operations",
        "stance": "against", "confidence": 0.9123, "scores": {"against": 0.9123, "favor": 0.04}, "abstained": False,
        "text": "We will <not> & never", "quote": "We will <not> & never", "start": 0, "end": 21, "text_start": 0,
        "text_end": 21, "speaker": {"start": 3, "end": 8, "text": "Asif"}, "order": 4, "model": "m1",
        "known": False, "checked_by": "ana"}
    assert list(p.to_dict())[-2:] == ["known", "checked_by"]
    assert dumps(p.to_dict()).count("\\u003c") == 2  # the escapes survive the encoder built once


def test_a_plain_prediction_dict_leaves_the_optional_keys_out():
    d = StancePrediction(statement("s1", date=""), "x", "favor", 0.5).to_dict()
    assert list(d) == ["statement_id", "doc_id", "sources", "date", "actor", "actor_id", "actor_type", "affiliation",
                       "kind", "issue", "stance", "confidence", "scores", "abstained", "text", "quote", "start",
                       "end", "text_start", "text_end", "speaker", "order", "model"]
    assert (d["sources"], d["date"], d["scores"], d["speaker"]) == (["d1"], None, {}, None)


def test_a_point_dict_keeps_the_field_order():
    pt = PositionPoint("a", "A", "x", "2017-10", dt.date(2017, 10, 1), dt.date(2017, 10, 31), 0.123456, -0.5,
                       0.987654, 3, 2, ("s1", "s2"))
    d = pt.to_dict()
    assert list(d) == [f.name for f in dataclasses.fields(PositionPoint)]
    assert d == {"actor_id": "a", "actor": "A", "issue": "x", "period": "2017-10", "start": "2017-10-01",
                 "end": "2017-10-31", "score": 0.1235, "low": -0.5, "high": 0.9877, "n_statements": 3,
                 "n_sources": 2, "statement_ids": ["s1", "s2"]}


def _series(seed: int) -> list[StancePrediction]:
    rng = random.Random(seed)
    out = []
    for k in range(40):
        month = f"2017-{1 + k % 12:02d}"
        date = "" if k % 9 == 0 else month if k % 5 == 0 else f"{month}-{1 + k % 28:02d}"
        stance = "favor" if k < 20 else "against"
        p = pred(f"s{k}", stance, date, confidence=rng.uniform(0.4, 1.0), doc=f"d{k % 7}", order=rng.randrange(3))
        out.append(dataclasses.replace(p, statement=dataclasses.replace(p.statement, sources=(
            (f"d{k % 7}", "wire") if k % 4 == 0 else ()))))
    rng.shuffle(out)
    return out


def test_a_sorted_series_gives_the_same_current_position():
    series = _series(1)
    dated = sorted((p for p in series if p.statement.date), key=time_key)
    shift = Shift("khawaja_asif", "Khawaja Asif", "joint_operations", 1.0, -1.0, "2017-05", ("s3",), ("s21",))
    later = dataclasses.replace(shift, after_ids=("s33",))
    elsewhere = dataclasses.replace(shift, after_ids=("not-in-the-series",))
    for shifts in (None, (), (shift,), (later, shift), (elsewhere,), (elsewhere, shift)):
        assert current_of_dated(dated, len(series) - len(dated), shifts) == current_position(series, shifts)
    ids = [p.statement.statement_id for p in dated]
    tail = dated[max(ids.index("s21"), ids.index("s33")):]  # the later of the two shifts
    alpha = {"favor": 0.5, "against": 0.5, "neutral": 0.5}
    for p in tail:
        alpha[p.stance] += p.confidence
    cur = current_position(series, (later, shift))
    assert (cur.n_statements, cur.n_sources, cur.score) == (
        len(tail), len({s for p in tail for s in p.statement.all_sources}),
        (alpha["favor"] - alpha["against"]) / (alpha["favor"] + alpha["against"] + alpha["neutral"]))
    assert cur.since == str(tail[0].statement.date) and cur.n_sources > 1
    undated = [p for p in series if not p.statement.date]
    assert current_of_dated([], len(undated)) == current_position(undated)


def test_the_report_reads_each_series_as_current_position_does():
    series = [*_series(2), *[dataclasses.replace(p, statement=dataclasses.replace(
        p.statement, actor="Imran Khan", actor_id="imran_khan", affiliation="Opposition")) for p in _series(3)]]
    positions = aggregate(series, "month", {"Government of Pakistan": "Pakistan", "Opposition": "Pakistan"})
    model = build_model(positions, {})
    assert positions.shifts and {e.key for e in model.groups.values()} >= {"Pakistan", "Opposition"}
    for ent in model.entities():
        for issue, ps in ent.preds.items():
            expected = current_position(ps, ent.shifts.get(issue, ()))
            assert ent.current[issue].score == expected.score
            assert ent.current[issue].text.startswith(expected.text)  # a group may add "; divided in ..."
            assert ent.evidence[issue] == Evidence.split(sorted(ps, key=time_key), expected)
