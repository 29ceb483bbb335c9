"""The review loop: sampling labels to check, the Label Studio and CSV files, importing corrections
into a run folder and a store, and corrections winning in positions and reports."""

import csv
import datetime as dt
import json
import random
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from stance.cli.main import main
from stance.errors import InputError
from stance.pipeline.run_folder import read_corrected_predictions, read_run_corrections
from stance.positions.aggregate import aggregate
from stance.records import PartialDate, Span, StancePrediction, Statement
from stance.review import (
    Correction,
    apply_corrections,
    correction_pairs,
    merge_corrections,
    read_corrections,
    sample_labels,
    uncertainty,
)
from stance.review.labelstudio import read_export
from stance.review.reading import check_review_file
from stance.review.table import COLUMNS

BASES = "military_bases"
DRONES = "drone_strikes"
UTC = dt.timezone.utc


def label(sid, actor, issue, u=None, stance="favor", scores=None, date="2017-10", doc=None):
    """A label whose uncertainty is ``u`` (at most 5/6: its stance's score c, the other two (1 - c) / 2
    each, so the margin m = (3c - 1) / 2 and 1 - (c + m) / 2 = u), or with ``scores`` as given."""
    if scores is None:
        c = (2 * 2 * (1 - u) + 1) / 5
        scores = {s: c if s == stance else (1 - c) / 2 for s in ("favor", "against", "neutral")}
    text = f"Words of statement {sid}."
    st = Statement(statement_id=sid, doc_id=doc or sid.split(":")[0], date=PartialDate.parse(date),
                   actor_id=actor.lower().replace(" ", "_"), actor=actor, actor_type="person", affiliation=None,
                   kind="reported", text=Span(0, len(text), text), quote=Span(0, len(text), text))
    return StancePrediction(st, issue, stance, max(scores.values()), scores, model="tiny@1")


def picks(sample):
    return [(p.statement.actor, p.issue, round(uncertainty(p), 2)) for p in sample]


# ------------------------------------------------------------------ sampling
def test_uncertainty_worked_examples():
    assert uncertainty(label("a:1", "A", BASES, scores={"favor": .45, "against": .40, "neutral": .15})) == .75
    assert uncertainty(label("a:2", "A", BASES, scores={"favor": .90, "against": .06, "neutral": .04})) == .13
    no_scores = StancePrediction(label("a:3", "A", BASES, .5).statement, BASES, "favor", 0.6)
    assert uncertainty(no_scores) == 0.5  # margin .6 - .4 / 2 = .4; 1 - (.6 + .4) / 2


def test_sample_follows_the_docstrings_worked_example():
    labels = [label("b:1", "A", BASES, .8), label("b:2", "A", BASES, .7), label("b:3", "B", BASES, .6),
              label("b:4", "C", BASES, .2), label("d:1", "A", DRONES, .5), label("d:2", "A", DRONES, .4)]
    assert picks(sample_labels(labels, 5)) == [("A", BASES, .8), ("A", DRONES, .5), ("B", BASES, .6),
                                               ("C", BASES, .2), ("A", DRONES, .4)]


def test_sample_takes_the_most_uncertain_first_within_a_stratum():
    labels = [label(f"x:{k}", "A", BASES, u) for k, u in enumerate([.1, .6, .3, .8, .5])]
    assert [round(uncertainty(p), 2) for p in sample_labels(labels, 3)] == [.8, .6, .5]


def many_labels():
    """Ten actors with three labels on each of three issues, and actor 0 with 50 labels on bases more
    uncertain than any other label."""
    rng = random.Random(0)
    labels = [label(f"{issue}-{a}-{k}:0", f"Actor {a}", issue, round(rng.uniform(.05, .5), 3))
              for issue in (BASES, DRONES, "safe_havens") for a in range(10) for k in range(3)]
    return labels + [label(f"loud-{k}:0", "Actor 0", BASES, .83 - k / 1000) for k in range(50)]


def test_sample_covers_every_issue_and_actor_and_none_dominates():
    sample = sample_labels(many_labels(), 20)
    assert len(sample) == 20 and len({(p.statement.statement_id, p.issue) for p in sample}) == 20
    assert sorted(Counter(p.issue for p in sample).values()) == [6, 7, 7]
    assert Counter(p.statement.actor for p in sample) == {f"Actor {a}": 2 for a in range(10)}
    assert picks(sample)[0] == ("Actor 0", BASES, .83)  # the most uncertain label comes first


def test_sample_respects_n_and_covers_issues_before_actors():
    sample = sample_labels(many_labels(), 3)
    assert len(sample) == 3 and {p.issue for p in sample} == {BASES, DRONES, "safe_havens"}
    assert sample_labels(many_labels(), 1000) and len(sample_labels(many_labels(), 1000)) == 140


def test_sample_skips_checked_labels():
    labels = [label("b:1", "A", BASES, .9), label("b:2", "A", BASES, .8), label("b:3", "A", BASES, .1)]
    assert [p.statement.statement_id for p in sample_labels(labels, 2, checked={("b:1", BASES)})] == ["b:2", "b:3"]
    assert sample_labels(labels, 5, checked={("b:1", BASES), ("b:2", BASES), ("b:3", BASES)}) == []


def test_sample_is_deterministic_with_a_seed():
    ties = [label(f"t:{k}", f"Actor {k % 4}", BASES, .5) for k in range(40)]  # all equally uncertain
    ids = lambda sample: [p.statement.statement_id for p in sample]
    first = ids(sample_labels(ties, 10, seed=13))
    assert ids(sample_labels(list(reversed(ties)), 10, seed=13)) == first  # input order does not matter
    assert ids(sample_labels(ties, 10, seed=14)) != first  # the seed orders the ties


# ------------------------------------------------------------- run folders
@pytest.fixture
def run(tmp_path):
    """A run folder: Khawaja Asif in favor of bases twice (uncertain), Kirby against safe havens, Imran
    Khan neutral on drones."""
    folder = tmp_path / "run"
    folder.mkdir()
    labels = [label("a:0", "Khawaja Asif", BASES, scores={"favor": .5, "against": .4, "neutral": .1}),
              label("a:1", "Khawaja Asif", BASES, scores={"favor": .6, "against": .3, "neutral": .1}),
              label("b:0", "John Kirby", "safe_havens", stance="against",
                    scores={"favor": .2, "against": .7, "neutral": .1}),
              label("c:0", "Imran Khan", DRONES, stance="neutral", scores={"favor": .3, "against": .3, "neutral": .4})]
    (folder / "statements.jsonl").write_text("".join(json.dumps(p.to_dict()) + "\n" for p in labels),
                                             encoding="utf-8")
    return folder


def sample_files(tmp_path, run, *more):
    assert main(["review", "sample", "--run", str(run), "--out", str(tmp_path / "round1"), *more]) == 0
    return tmp_path / "round1.json", tmp_path / "round1.xml", tmp_path / "round1.csv"


def test_review_sample_writes_label_studio_tasks_config_and_csv(tmp_path, run, capsys):
    tasks_path, config_path, table_path = sample_files(tmp_path, run, "--n", "3")
    assert "3 labels to check on 3 issues by 3 actors" in capsys.readouterr().out
    tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
    assert [(t["data"]["statement_id"], t["data"]["issue"]) for t in tasks] == [
        ("c:0", DRONES), ("a:0", BASES), ("b:0", "safe_havens")]
    first = tasks[1]
    assert first["data"] | {"target": "?"} == {
        "statement_id": "a:0", "issue": BASES, "text": "Words of statement a:0.", "quote": "Words of statement a:0.",
        "target": "?", "issue_label": "US military bases in Pakistan", "actor": "Khawaja Asif",
        "actor_id": "khawaja_asif", "doc_id": "a", "date": "2017-10", "who": "Khawaja Asif, 2017-10, a",
        "model_stance": "favor", "model_confidence": 0.5}
    assert first["data"]["target"].startswith("The United States should be allowed to use military bases")
    assert first["predictions"] == [{"model_version": "tiny@1", "score": 0.5, "result": [
        {"from_name": "stance", "to_name": "text", "type": "choices", "value": {"choices": ["favor"]}}]}]
    config = ET.fromstring(config_path.read_text(encoding="utf-8"))
    choices = config.find("Choices")
    assert choices.get("name") == "stance" and choices.get("toName") == "text"
    assert [c.get("value") for c in choices] == ["favor", "against", "neutral", "irrelevant"]
    assert {t.get("value") for t in config.iter("Text")} == {"$target", "$who", "$text", "$quote"}
    with table_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(COLUMNS) and len(rows) == 3
    assert rows[1]["statement_id"] == "a:0" and rows[1]["model_stance"] == "favor"
    assert rows[1]["model_confidence"] == "0.5000" and rows[1]["text"] == "Words of statement a:0."
    assert rows[1]["target"] == first["data"]["target"]
    assert all(r["correct_stance"] == r["coder"] == r["note"] == "" for r in rows)


def fill(table_path, decisions, coder=""):
    """Fill in correct_stance (and note) for the statement ids in ``decisions``."""
    with table_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["statement_id"] in decisions:
            row["correct_stance"], row["note"] = decisions[row["statement_id"]]
            row["coder"] = coder
    with table_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)


def test_a_correction_changes_the_sign_of_a_position_in_stance_report(tmp_path, run, capsys):
    (before,) = [p for p in aggregate(read_corrected_predictions(run), "month").points if p.actor == "Khawaja Asif"]
    assert before.score > 0
    _, _, table = sample_files(tmp_path, run)
    fill(table, {"a:0": ("against", "he rules bases out"), "a:1": ("against", "")})
    assert main(["review", "import", str(table), "--run", str(run), "--coder", "ak"]) == 0
    out = capsys.readouterr().out
    assert "2 decisions read, 2 labels left unchecked" in out
    assert "2 corrections added, 0 replaced, 0 already kept, 0 older than a kept decision" in out
    kept = read_run_corrections(run)
    assert [(c.statement_id, c.stance, c.coder, c.note) for c in kept] == [
        ("a:0", "against", "ak", "he rules bases out"), ("a:1", "against", "ak", "")]
    assert kept[0].text == "Words of statement a:0." and kept[0].target.startswith("The United States")

    assert main(["report", str(run), "--out", str(tmp_path / "report"), "--format", "json"]) == 0
    report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    (point,) = [p for p in report["positions"] if p["actor"] == "Khawaja Asif"]
    assert point["score"] < 0  # the model said favor twice; the coder says against
    checked = {s["statement_id"]: s for s in report["statements"] if s["issue"] == BASES}
    assert checked["a:0"]["stance"] == "against" and checked["a:0"]["checked_by"] == "ak"
    assert checked["a:0"]["confidence"] == 1.0 and checked["a:0"]["scores"] == {"favor": 0.0, "against": 1.0,
                                                                                "neutral": 0.0}
    assert not checked["a:0"]["abstained"]


def test_reimporting_the_same_file_adds_nothing(tmp_path, run, capsys):
    _, _, table = sample_files(tmp_path, run)
    fill(table, {"a:0": ("against", "")})
    assert main(["review", "import", str(table), "--run", str(run), "--coder", "ak"]) == 0
    before = (run / "corrections.jsonl").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["review", "import", str(table), "--run", str(run), "--coder", "ak"]) == 0
    assert "0 corrections added, 0 replaced, 1 already kept" in capsys.readouterr().out
    assert (run / "corrections.jsonl").read_text(encoding="utf-8") == before


def test_irrelevant_removes_the_label_from_positions(tmp_path, run):
    _, _, table = sample_files(tmp_path, run)
    fill(table, {"c:0": ("irrelevant", "about cricket")}, coder="rb")
    assert main(["review", "import", str(table), "--run", str(run)]) == 0
    labels = {(p.statement.statement_id, p.issue) for p in read_corrected_predictions(run)}
    assert ("c:0", DRONES) not in labels and len(labels) == 3
    assert not [p for p in aggregate(read_corrected_predictions(run), "month").points if p.issue == DRONES]


# ------------------------------------------------------------ the rules
def correction(sid, stance, coder, hour, note=""):
    return Correction(sid, BASES, stance, coder, dt.datetime(2026, 12, 4, hour, tzinfo=UTC), note)


def test_merge_follows_the_docstrings_example():
    stored = [correction("s1", "favor", "ak", 10)]
    later, earlier, same = correction("s1", "against", "ak", 11), correction("s1", "against", "ak", 9), \
        correction("s1", "favor", "ak", 12)
    other = correction("s1", "neutral", "rb", 8)
    assert merge_corrections(stored, [later]).replaced == (later,)
    merge = merge_corrections(stored, [earlier, same, other])
    assert (merge.added, merge.replaced, merge.unchanged, merge.superseded) == ((other,), (), 1, (earlier,))
    assert merge.kept == (stored[0], other)
    again = merge_corrections(merge.kept, [earlier, same, other])
    assert (again.added, again.replaced, again.unchanged) == ((), (), 2)


def test_apply_corrections_latest_coder_wins_and_irrelevant_drops():
    labels = [label("s1:0", "A", BASES, .5), label("s2:0", "A", BASES, .5), label("s3:0", "A", BASES, .5)]
    found = apply_corrections(labels, [
        Correction("s1:0", BASES, "against", "ak", dt.datetime(2026, 12, 4, 10, tzinfo=UTC)),
        Correction("s1:0", BASES, "neutral", "rb", dt.datetime(2026, 12, 4, 11, tzinfo=UTC)),
        Correction("s2:0", BASES, "irrelevant", "ak", dt.datetime(2026, 12, 4, 10, tzinfo=UTC)),
        Correction("s9:0", BASES, "favor", "ak", dt.datetime(2026, 12, 4, 10, tzinfo=UTC))])
    assert [(p.statement.statement_id, p.stance, p.checked_by, p.confidence) for p in found] == [
        ("s1:0", "neutral", "rb", 1.0), ("s3:0", "favor", None, labels[2].confidence)]
    assert found[0].scores == {"favor": 0.0, "against": 0.0, "neutral": 1.0} and not found[0].abstained


# ----------------------------------------------------------- Label Studio
def export_of(tasks_path, annotations):
    """A Label Studio JSON export of the sample: task k gets ``annotations[k]`` (a list of
    (completed_by, choice, note, updated_at, was_cancelled))."""
    tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
    out = []
    for k, t in enumerate(tasks):
        rows = []
        for n, (user, choice, note, when, cancelled) in enumerate(annotations.get(k, ())):
            result = [{"id": f"r{n}", "from_name": "stance", "to_name": "text", "type": "choices",
                       "value": {"choices": [choice]}, "origin": "manual"}] if choice else []
            if note:
                result.append({"id": f"n{n}", "from_name": "note", "to_name": "text", "type": "textarea",
                               "value": {"text": [note]}})
            rows.append({"id": 100 * k + n, "completed_by": user, "result": result, "was_cancelled": cancelled,
                         "ground_truth": False, "created_at": when, "updated_at": when, "lead_time": 3.5,
                         "task": k + 1})
        out.append({"id": k + 1, "data": t["data"], "annotations": rows, "predictions": t["predictions"],
                    "project": 3, "created_at": "2026-12-04T08:00:00Z", "updated_at": "2026-12-04T09:00:00Z"})
    path = tasks_path.with_name("project-3-export.json")
    path.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return path


def test_import_a_label_studio_export(tmp_path, run, capsys):
    tasks_path, _, _ = sample_files(tmp_path, run)
    export = export_of(tasks_path, {
        0: [(1, "favor", "", "2026-12-04T10:00:00.123456Z", False),
            ({"id": 2, "email": "rb@example.org"}, "against", "hard call", "2026-12-04T11:00:00Z", False)],
        1: [(1, "against", "", "2026-12-04T10:05:00Z", False)],
        2: [(1, None, "", "2026-12-04T10:06:00Z", True)]})  # skipped; task 3 has no annotation
    assert main(["review", "import", str(export), "--run", str(run)]) == 0
    out = capsys.readouterr().out
    assert "3 decisions read, 1 labels left unchecked, 1 skipped in Label Studio" in out
    kept = {(c.statement_id, c.coder): c for c in read_run_corrections(run)}
    assert sorted(kept) == [("a:0", "labelstudio-user-1"), ("c:0", "labelstudio-user-1"), ("c:0", "rb@example.org")]
    assert kept[("c:0", "rb@example.org")].note == "hard call"
    assert kept[("c:0", "labelstudio-user-1")].time == dt.datetime(2026, 12, 4, 10, 0, 0, 123456, tzinfo=UTC)
    (drones,) = [p for p in read_corrected_predictions(run) if p.issue == DRONES]
    assert (drones.stance, drones.checked_by) == ("against", "rb@example.org")  # the later of two coders
    capsys.readouterr()
    assert main(["review", "import", str(export), "--run", str(run)]) == 0
    assert "0 corrections added, 0 replaced, 3 already kept" in capsys.readouterr().out


def test_a_later_label_studio_decision_replaces_the_same_coders_earlier_one(tmp_path, run, capsys):
    tasks_path, _, _ = sample_files(tmp_path, run)
    first = export_of(tasks_path, {1: [(1, "against", "", "2026-12-04T10:00:00Z", False)]})
    assert main(["review", "import", str(first), "--run", str(run), "--coder", "ak"]) == 0
    second = export_of(tasks_path, {1: [(1, "neutral", "on reflection", "2026-12-05T10:00:00Z", False)]})
    capsys.readouterr()
    assert main(["review", "import", str(second), "--run", str(run), "--coder", "ak"]) == 0
    assert "0 corrections added, 1 replaced" in capsys.readouterr().out
    assert [(c.stance, c.coder, c.note) for c in read_run_corrections(run)] == [("neutral", "ak", "on reflection")]


def test_coder_for_an_export_of_several_users_is_an_error(tmp_path, run):
    tasks_path, _, _ = sample_files(tmp_path, run)
    export = export_of(tasks_path, {0: [(1, "favor", "", "2026-12-04T10:00:00Z", False),
                                        (2, "favor", "", "2026-12-04T10:00:00Z", False)]})
    with pytest.raises(InputError) as error:
        read_export(export, coder="ak")
    assert str(error.value) == (
        f"{export}: holds annotations by 2 Label Studio users (labelstudio-user-1, labelstudio-user-2); expected one "
        "with --coder ak: import without --coder to keep each user apart, or export one user's annotations at a time")


def test_export_problems_name_the_task_line(tmp_path, run):
    tasks_path, _, _ = sample_files(tmp_path, run)
    export = export_of(tasks_path, {0: [(1, "favor", "", "2026-12-04T10:00:00Z", False)],
                                    1: [(1, "maybe", "", "2026-12-04T10:00:00Z", False)],
                                    2: [(1, None, "", "2026-12-04T10:00:00Z", False)]})
    lines = export.read_text(encoding="utf-8").splitlines()
    starts = [n for n, line in enumerate(lines, 1) if line == "  {"]
    checked = check_review_file(export)
    assert checked.problems == [
        f"{export}:{starts[1]}: found stance 'maybe'; expected one of favor, against, neutral, irrelevant "
        "(irrelevant: the statement is not about this issue)",
        f"{export}:{starts[2]}: task 3, annotation 200: found 0 stance choices (none); expected one of favor, "
        "against, neutral, irrelevant: choose one in Label Studio and export again"]
    sample_only = check_review_file(tasks_path)
    assert sample_only.problems[0] == (
        f"{tasks_path}:2: task ? has no \"annotations\"; expected Label Studio's JSON export: export the project "
        "with the JSON format (not JSON_MIN, CSV, or the sample file itself)")


# ------------------------------------------------------------ bad rows
def write_rows(path, rows):
    """A coded CSV of ``rows`` (dicts of some of COLUMNS); returns each row's line by statement id."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), restval="")
        writer.writeheader()
        writer.writerows(rows)
    return {row["statement_id"]: n for n, row in enumerate(rows, 2)}


def test_bad_rows_are_reported_and_nothing_is_stored(tmp_path, run, capsys):
    table = tmp_path / "coded.csv"
    lines = write_rows(table, [
        {"statement_id": "a:0", "issue": BASES, "correct_stance": "against"},  # no coder
        {"statement_id": "a:1", "issue": BASES, "correct_stance": "favour", "coder": "ak"},
        {"statement_id": "b:0", "issue": DRONES, "correct_stance": "neutral", "coder": "ak"},
        {"statement_id": "zz:9", "issue": DRONES, "correct_stance": "favor", "coder": "ak"},
        {"statement_id": "c:0", "issue": DRONES, "correct_stance": ""}])  # not checked yet
    assert main(["review", "import", str(table), "--run", str(run)]) == 2
    err = capsys.readouterr().err
    where = run / "statements.jsonl"
    assert err == (
        f"stance review: error: 4 rows of {table} cannot be imported, and nothing was stored; fix them, or pass "
        "--skip-bad to store the other rows:\n"
        f"{table}:{lines['a:0']}: found no coder; expected who decided: fill in the coder column, or give --coder "
        "ID for the file\n"
        f"{table}:{lines['a:1']}: found stance 'favour'; expected one of favor, against, neutral, irrelevant "
        "(irrelevant: the statement is not about this issue)\n"
        f"{table}:{lines['b:0']}: found issue 'drone_strikes' for statement 'b:0', which has no label on it; "
        "expected one of its labelled issues (safe_havens)\n"
        f"{table}:{lines['zz:9']}: found statement_id 'zz:9', not a statement of {where}; expected the id of one of "
        "its statements: import the file into the store or run it was sampled from\n")
    assert not (run / "corrections.jsonl").exists()

    assert main(["review", "import", str(table), "--run", str(run), "--coder", "ak", "--skip-bad"]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("skipped: ") == 3 and f"skipped: {table}:{lines['a:1']}: found stance" in captured.err
    assert "1 decisions read, 1 labels left unchecked, 3 bad rows skipped" in captured.out
    assert [(c.statement_id, c.stance, c.coder) for c in read_run_corrections(run)] == [("a:0", "against", "ak")]


def test_csv_lines_count_cells_over_several_lines(tmp_path):
    table = tmp_path / "coded.csv"
    write_rows(table, [{"statement_id": "a:0", "issue": BASES, "correct_stance": "favor", "note": "one\ntwo"},
                       {"statement_id": "a:1", "issue": BASES, "correct_stance": "for", "coder": "ak"}])
    (problem,) = check_review_file(table, coder="ak").problems
    assert problem.startswith(f"{table}:4: found stance 'for'")


def test_a_csv_without_the_columns_is_an_error(tmp_path, run, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,stance\nx,favor\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        check_review_file(bad)
    assert str(error.value) == (
        f"{bad}:1: found columns ['id', 'stance']; expected statement_id, issue, correct_stance among them (the CSV "
        "of `stance review sample`): keep its header, and save as CSV UTF-8 with commas")
    assert main(["review", "import", str(tmp_path / "nope.csv"), "--run", str(run), "--coder", "ak"]) == 2
    assert capsys.readouterr().err == (f"stance review: error: {tmp_path / 'nope.csv'}: not found; expected the CSV "
                                       "or the Label Studio export of a review sample\n")


# --------------------------------------------------------------- training
def test_read_corrections_carry_text_and_target_for_training(tmp_path, run):
    _, _, table = sample_files(tmp_path, run)
    fill(table, {"a:0": ("against", ""), "c:0": ("irrelevant", "")}, coder="ak")
    found = sorted(read_corrections(table), key=lambda c: c.statement_id)
    assert [(c.statement_id, c.issue, c.stance, c.coder, c.text) for c in found] == [
        ("a:0", BASES, "against", "ak", "Words of statement a:0."), ("c:0", DRONES, "irrelevant", "ak",
                                                                     "Words of statement c:0.")]
    assert found[0].target.startswith("The United States should be allowed")
    (pair,) = correction_pairs(table)
    assert (pair.text, pair.label, pair.issue, pair.source, pair.group) == (
        "Words of statement a:0.", "against", BASES, "corrections", "a:0")
    assert pair.target == found[0].target
    assert main(["review", "import", str(table), "--run", str(run)]) == 0
    assert [p.label for p in correction_pairs(run / "corrections.jsonl")] == ["against"]


# ------------------------------------------------------------------ store
@pytest.fixture
def store(tmp_path):
    """A store holding the run fixture's labels, written row by row (no model)."""
    from stance.serve.store import Store
    from stance.serve.store.schema import ActorRow, Document, IssueRow, Run, StatementSource
    from stance.serve.store.store import Labelling, _prediction_row, _statement_row

    st = Store.open(tmp_path / "db")
    labels = [label("a:0", "Khawaja Asif", BASES, scores={"favor": .5, "against": .4, "neutral": .1}),
              label("a:1", "Khawaja Asif", BASES, scores={"favor": .6, "against": .3, "neutral": .1}),
              label("b:0", "John Kirby", "safe_havens", stance="against",
                    scores={"favor": .2, "against": .7, "neutral": .1})]
    with st.session() as s, s.begin():
        s.add(Run(id=1, kind="ingest", model_version="tiny@1", registry_version="r1"))
        s.flush()
        s.add_all([IssueRow(issue_id=BASES, label="Bases", target="Bases should be given.", keywords=[]),
                   IssueRow(issue_id="safe_havens", label="Havens", target="Havens should stay.", keywords=[])])
        for name in ("Khawaja Asif", "John Kirby"):
            s.add(ActorRow(actor_id=name.lower().replace(" ", "_"), name=name, type="person"))
        for doc in ("a", "b"):
            s.add(Document(doc_id=doc, content_hash=doc * 64, text="x", date="2017-10", run_id=1))
        s.flush()
        for p in labels:
            s.add(_statement_row(p.statement, 1))
            s.flush()
            s.add(StatementSource(statement_id=p.statement.statement_id, doc_id=p.statement.doc_id, position=0))
            s.add(_prediction_row(p, Labelling("tiny@1", "r1"), 1))
    yield st
    st.close()


def test_store_corrections_table_and_migration(store):
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    from stance.serve.store.schema import Base
    from stance.serve.store.store import MIGRATIONS

    columns = {c["name"] for c in inspect(store.engine).get_columns("corrections")}
    assert columns == {"id", "statement_id", "issue_id", "stance", "coder", "decided_at", "note", "imported_at"}
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert "corrections" not in inspect(store.engine).get_table_names()
    store.upgrade()
    assert "corrections" in inspect(store.engine).get_table_names()


def test_store_corrections_win_in_positions_and_statements(store):
    from stance.serve import queries

    before = {p.actor: p.score for p in queries.positions(store).points if p.issue == BASES}
    assert before["Khawaja Asif"] > 0
    first = store.add_corrections([correction("a:0", "against", "ak", 10), correction("a:1", "against", "ak", 10)])
    assert len(first.added) == 2
    after = {p.actor: p.score for p in queries.positions(store).points if p.issue == BASES}
    assert after["Khawaja Asif"] < 0  # the cache saw the corrections
    assert store.add_corrections([correction("a:0", "against", "ak", 10)]).unchanged == 1  # idempotent
    rows = queries.statement_list(store, stance="against").items
    assert {(r["statement_id"], r.get("checked_by")) for r in rows} == {("a:0", "ak"), ("a:1", "ak"), ("b:0", None)}
    assert [p.stance for p in store.predictions(corrected=False) if p.issue == BASES] == ["favor", "favor"]

    replaced = store.add_corrections([correction("a:1", "irrelevant", "ak", 12)])
    assert len(replaced.replaced) == 1 and not replaced.added
    assert {p.statement.statement_id for p in store.predictions()} == {"a:0", "b:0"}
    kept = {(c.statement_id, c.coder): c for c in store.corrections()}
    assert kept[("a:1", "ak")].stance == "irrelevant" and kept[("a:1", "ak")].time.hour == 12
    assert kept[("a:0", "ak")].text == "Words of statement a:0." and kept[("a:0", "ak")].target == \
        "Bases should be given."


def test_review_sample_and_import_with_a_store(store, tmp_path, capsys):
    db = str(tmp_path / "db")
    assert main(["review", "sample", "--db", db, "--n", "2", "--out", str(tmp_path / "s.json")]) == 0
    tasks = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert [(t["data"]["statement_id"], t["data"]["target"]) for t in tasks] == [
        ("a:0", "Bases should be given."), ("b:0", "Havens should stay.")]
    export = export_of(tmp_path / "s.json", {0: [(1, "against", "", "2026-12-04T10:00:00Z", False)]})
    assert main(["review", "import", str(export), "--db", db, "--coder", "ak"]) == 0
    assert "1 corrections added" in capsys.readouterr().out
    assert main(["review", "import", str(export), "--db", db, "--coder", "ak"]) == 0
    assert "0 corrections added, 0 replaced, 1 already kept" in capsys.readouterr().out
    assert [(c.statement_id, c.stance, c.coder) for c in store.corrections()] == [("a:0", "against", "ak")]
    assert main(["review", "sample", "--db", db, "--n", "5", "--out", str(tmp_path / "s2")]) == 0
    again = json.loads((tmp_path / "s2.json").read_text(encoding="utf-8"))
    assert {t["data"]["statement_id"] for t in again} == {"a:1", "b:0"}  # a:0 is checked


def test_a_file_of_another_kind_is_an_error(tmp_path):
    obj = tmp_path / "export.json"
    obj.write_text('\n{"tasks": []}\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        check_review_file(obj)
    assert str(error.value) == (f"{obj}:2: expected a JSON list of Label Studio tasks (the project's JSON export), "
                                "found '{\"tasks\": []}\\n'")
    broken = tmp_path / "broken.json"
    broken.write_text('[\n {"id": 1,\n  "data": }\n]', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.json:3: malformed JSON \(Expecting value at column 11\)$"):
        check_review_file(broken)
    other = tmp_path / "coded.xlsx"
    other.write_bytes(b"PK")
    with pytest.raises(InputError) as error:
        check_review_file(other)
    assert str(error.value) == (f"{other}: found suffix '.xlsx'; expected one of .csv (the edited CSV), .json (a "
                                "Label Studio JSON export), .jsonl (a corrections.jsonl)")
