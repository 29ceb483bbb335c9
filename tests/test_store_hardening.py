"""The store under attack (issue 20): nothing lost, nothing doubled, a bad record rejected alone, a bad stored
row never fatal to readers, writes refused into a store that is gone, runs of dead processes closed.

Each check runs on SQLite and, when STANCE_TEST_POSTGRES_URL is set (``. scripts/ci_services.sh``), on
PostgreSQL, in a database of its own beside that one (``<name>_hardening``: other test files reset theirs).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import own_database
from sqlalchemy import create_engine, func, select, text, update

from stance.cli.main import main
from stance.ingest.clean import clean_paragraphs, split_paragraphs
from stance.pipeline.local import Pipeline, load_predictor
from stance.positions.aggregate import aggregate
from stance.records import Article, PartialDate
from stance.serve.api import Settings, create_app
from stance.serve.errors import UNAVAILABLE_DETAIL
from stance.serve.keys import load_key_hashes, new_key
from stance.serve.store import Store, StoreError, StoreGone
from stance.serve.store.runs import alive, this_host
from stance.serve.store.schema import CorrectionRow, Document, PredictionRow, Run, StatementRow, StatementSource
from stance.serve.store.statement_key import statement_key
from stance.serve.store.store import database_url

POSTGRES = os.environ.get("STANCE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES else [])

KIRBY = "Pentagon Press Secretary John Kirby said the safe havens along the border must be closed down."
ASIF = ("Pakistan's Foreign Minister Khawaja Asif said on Monday that Pakistan would never give its bases to the "
        "United States.")
OFFICE = "The Foreign Office said drone strikes were a violation of Pakistan's sovereignty."
FAR = "date 9999-12-20 is outside the years 1000-2999 the store accepts; correct the date or leave it out"


def article(doc_id: str, body: str, date: str | None = None, source: str | None = None) -> Article:
    """An article as the store gets it, built without the ingest stage's own checks."""
    return Article(doc_id, body, PartialDate.parse(date) if date else None, source,
                   paragraphs=tuple(clean_paragraphs(split_paragraphs(body))))


@pytest.fixture(scope="module")
def postgres_url():
    return own_database(POSTGRES, "hardening") if POSTGRES else None


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path, postgres_url):
    """Where an empty store is: a folder (SQLite) or a PostgreSQL URL whose schema was just emptied."""
    if request.param == "sqlite":
        return str(tmp_path / "db")
    engine = create_engine(database_url(postgres_url))
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return postgres_url


@pytest.fixture
def store(target):
    st = Store.open(target)
    yield st
    st.close()


@pytest.fixture(scope="module")
def pipeline(tiny_model_dir):
    return Pipeline(model=load_predictor(tiny_model_dir))


@pytest.fixture
def make_client(tmp_path, tiny_model_dir, pipeline):
    def make(store=None, **settings):
        settings.setdefault("db", str(tmp_path / "db"))
        settings.setdefault("model", str(tiny_model_dir))
        return TestClient(create_app(Settings(**settings), store=store, pipeline=pipeline), base_url="http://localhost")
    return make


def ingest(store: Store, articles: list[Article], pipeline):
    return store.ingest(articles, pipeline, model_version="tiny@1")


def counts(store: Store) -> dict[str, int]:
    with store.session() as s:
        return {name: s.scalar(select(func.count()).select_from(table)) for name, table in
                (("documents", Document), ("statements", StatementRow), ("sources", StatementSource),
                 ("predictions", PredictionRow))}


def run_status(store: Store, run_id: int) -> str:
    with store.session() as s:
        return s.get(Run, run_id).status


# ------------------------------------------------------------ records refused alone, the same everywhere
def test_a_date_outside_1000_2999_is_rejected_alone(store, pipeline):
    report = ingest(store, [article("far", KIRBY, "9999-12-20"), article("good", ASIF, "2017-10-09")], pipeline)
    assert report.added == ["good"]
    assert report.rejected == [("far", FAR)]
    assert not report.complete and run_status(store, report.run_id) == "done"
    early = ingest(store, [article("early", OFFICE, "0999-12-31")], pipeline)
    assert early.rejected == [("early", "date 0999-12-31 is outside the years 1000-2999 the store accepts; correct "
                                        "the date or leave it out")]


def test_nul_bytes_and_long_ids_and_sources_are_rejected_alone(store, pipeline):
    long_id = "x" * 301
    report = ingest(store, [article("nul", "\x00" + OFFICE, "2013-05-02"), article(long_id, ASIF, "2017-10-09"),
                            article("src", OFFICE, "2013-05-03", source="s" * 301),
                            article("ok", KIRBY, "2021-08-11")], pipeline)
    assert report.rejected == [
        ("nul", "text contains a NUL byte (\\u0000) at character 0; expected text without NUL bytes (PostgreSQL "
                "cannot store them): remove them"),
        (long_id, "id is 301 characters, over the 300 the store keeps; shorten it"),
        ("src", "source is 301 characters, over the 300 the store keeps; shorten it")]
    assert report.added == ["ok"] and run_status(store, report.run_id) == "done"
    assert counts(store)["documents"] == 1


def test_the_same_document_twice_in_one_batch_is_known(store, pipeline):
    report = ingest(store, [article("a", KIRBY, "2021-08-11"), article("a", KIRBY, "2021-08-11"),
                            article("copy", KIRBY, "2021-08-11")], pipeline)
    assert (report.added, report.known, report.rejected) == (["a"], ["a", "a"], [])
    assert counts(store)["documents"] == 1 and counts(store)["statements"] == 1
    stored = ingest(store, [article("x", KIRBY, "2021-08-11"), article("y", KIRBY, "2021-08-11")], pipeline)
    assert (stored.added, stored.known, stored.rejected) == ([], ["a", "a"], [])  # under the id it is stored with
    clash = ingest(store, [article("b", OFFICE, "2013-05-02"), article("b", ASIF, "2017-10-09")], pipeline)
    assert clash.added == ["b"]
    assert clash.rejected == [("b", "a different document with this id comes earlier in the same batch; give the "
                                    "new version its own id")]


def test_a_document_another_writer_stored_meanwhile_is_known_not_rejected(store, pipeline, monkeypatch):
    docs = [article("a", KIRBY, "2021-08-11"), article("b", ASIF, "2017-10-09")]
    ingest(store, docs, pipeline)
    before = counts(store)
    monkeypatch.setattr(Store, "_known", lambda self, art, report: False)  # as if checked before the other commit
    report = ingest(store, [*docs, article("a-again", KIRBY, "2021-08-11")], pipeline)
    assert (report.added, report.known, report.rejected) == ([], ["a", "b", "a"], [])
    clash = ingest(store, [article("a", OFFICE, "2013-05-02")], pipeline)
    assert clash.rejected == [("a", "a different document with this id is already stored; give the new version its "
                                    "own id")]
    assert counts(store) == before


# ------------------------------------------------------------------ two writers at once
def test_two_writers_at_once_store_a_repeated_statement_once(target, pipeline):
    """The first writer holds its document's transaction open, its statement written, while the second stores a
    reprint: on PostgreSQL the second used to miss the uncommitted statement and store it again."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    one = article("outlet-1", KIRBY + "\n\nMore news.", "2021-08-11", "One")
    two = article("outlet-2", "Reprint.\n\n" + KIRBY, "2021-08-12", "Two")
    first, second = Store.open(target, timeout=30), Store.open(target, timeout=30)
    inside, second_done = threading.Event(), threading.Event()
    results = {}
    writer = threading.Thread(target=lambda: results.setdefault("first", ingest(first, [one], pipeline)))

    def hold(session):
        if threading.current_thread() is writer and not inside.is_set() and session.scalar(
                select(func.count()).select_from(StatementRow).where(StatementRow.doc_id == "outlet-1")):
            inside.set()  # the statement is written, not committed
            second_done.wait(3)  # the second writer gets every chance to store its copy meanwhile

    event.listen(Session, "before_commit", hold)
    try:
        writer.start()
        assert inside.wait(120)
        results["second"] = ingest(second, [two], pipeline)
        second_done.set()
        writer.join(120)
    finally:
        event.remove(Session, "before_commit", hold)
    assert results["first"].statements_added == 1
    assert (results["second"].added, results["second"].statements_added, results["second"].sources_added) == (
        ["outlet-2"], 0, 1)
    assert counts(first)["statements"] == 1 and counts(first)["sources"] == 2
    first.close()
    second.close()


def test_the_database_keeps_statements_unique_when_the_check_misses(store, pipeline, monkeypatch):
    monkeypatch.setattr(Store, "_stored_twin", lambda self, s, st: None)  # the check lost a race
    ingest(store, [article("outlet-1", KIRBY + "\n\nMore news.", "2021-08-11", "One")], pipeline)
    report = ingest(store, [article("outlet-2", "Reprint.\n\n" + KIRBY, "2021-08-10", "Two")], pipeline)
    assert (report.added, report.statements_added, report.sources_added) == (["outlet-2"], 0, 1)
    assert counts(store)["statements"] == 1 and counts(store)["sources"] == 2


def test_the_statement_key_is_speaker_words_and_week():
    key = statement_key("john_kirby", "the safe havens along the border must be closed down", "2021-08-11")
    assert key == statement_key("john_kirby", "The safe havens along the border must be closed down!", "2021-08-10")
    assert key != statement_key("john_kirby", "the safe havens along the border must be closed down", "2021-08-19")
    assert key != statement_key("imran_khan", "the safe havens along the border must be closed down", "2021-08-11")
    assert statement_key("john_kirby", "Absolutely not.", "2021-08-11") is None
    assert statement_key("john_kirby", "the safe havens along the border must close", None) == statement_key(
        "john_kirby", "The safe havens along the border must close.", None)


ROWS_OF_0003 = [
    "INSERT INTO runs (id, kind, model_version, started_at, status, documents_added, documents_known, "
    "statements_added) VALUES (1, 'ingest', 'tiny@0', '2026-01-01', 'done', 2, 0, 2), "
    "(2, 'ingest', 'tiny@0', '2026-01-02', 'running', 0, 0, 0)",
    "INSERT INTO actors (actor_id, name, type) VALUES ('john_kirby', 'John Kirby', 'person')",
    "INSERT INTO documents (doc_id, content_hash, text, run_id, added_at) VALUES "
    "('d1', 'h1', 'x', 1, '2026-01-01'), ('d2', 'h2', 'y', 1, '2026-01-01'), ('d3', 'h3', 'z', 1, '2026-01-01')",
    "INSERT INTO statements (statement_id, doc_id, actor_id, kind, date, text, text_start, text_end, quote, "
    "quote_start, quote_end, \"order\", run_id) VALUES "
    "('d1:0', 'd1', 'john_kirby', 'reported', '2021-08-11', 'the safe havens must be closed down', "
    "0, 1, 'q', 0, 1, 0, 1), "
    "('d2:0', 'd2', 'john_kirby', 'reported', '2021-08-10', 'The safe havens must be closed down.', "
    "0, 1, 'q', 0, 1, 0, 1)",
    "INSERT INTO statement_sources (statement_id, doc_id, position) VALUES ('d1:0', 'd1', 0), ('d2:0', 'd2', 0), "
    "('d2:0', 'd3', 1)",
    "INSERT INTO predictions (statement_id, issue_id, stance, confidence, scores, abstained, model_version, "
    "registry_version, run_id) VALUES ('d1:0', 'safe_havens', 'favor', 0.9, '{}', false, 'tiny@0', 'r1', 1), "
    "('d2:0', 'safe_havens', 'against', 0.9, '{}', false, 'tiny@0', 'r1', 1), "
    "('d2:0', 'military_bases', 'against', 0.8, '{}', false, 'tiny@0', 'r1', 1)",
    "INSERT INTO corrections (statement_id, issue_id, stance, coder, decided_at, note, imported_at) VALUES "
    "('d2:0', 'safe_havens', 'neutral', 'ak', '2026-02-01 00:00:00+00:00', '', '2026-02-01 00:00:00+00:00')",
]


def test_the_upgrade_merges_statements_stored_twice(target):
    store = Store.open(target, upgrade=False)
    store.upgrade("0003")
    with store.engine.begin() as connection:
        for row in ROWS_OF_0003:
            connection.execute(text(row))
    store.upgrade()
    with store.session() as s:
        assert list(s.scalars(select(StatementRow.statement_id))) == ["d1:0"]
        assert list(s.execute(select(StatementSource.doc_id, StatementSource.position)
                              .order_by(StatementSource.position))) == [("d1", 0), ("d2", 1), ("d3", 2)]
        assert sorted(s.execute(select(PredictionRow.statement_id, PredictionRow.issue_id, PredictionRow.stance))) == [
            ("d1:0", "military_bases", "against"), ("d1:0", "safe_havens", "favor")]
        assert list(s.execute(select(CorrectionRow.statement_id, CorrectionRow.stance))) == [("d1:0", "neutral")]
        assert s.get(StatementRow, "d1:0").identity_key == statement_key(
            "john_kirby", "the safe havens must be closed down", "2021-08-11")
        assert [r.status for r in s.scalars(select(Run).order_by(Run.id))] == ["done", "interrupted"]
    store.close()


# --------------------------------------------------------------- bad stored rows: left out, listed, deleted
def _store_far_date(store: Store, doc_id: str) -> None:
    """Make a stored document look like one written before the checks: dated 9999-12-20."""
    with store.session() as s, s.begin():
        s.execute(update(Document).where(Document.doc_id == doc_id).values(date="9999-12-20"))
        s.execute(update(StatementRow).where(StatementRow.doc_id == doc_id).values(date="9999-12-20"))


def test_a_bad_stored_row_is_left_out_by_readers_listed_and_deleted(store, pipeline):
    ingest(store, [article("far", KIRBY, "2021-08-11"), article("good", ASIF, "2017-10-09"),
                   article("reprint", "Reprint.\n\n" + KIRBY, "2021-08-12")], pipeline)
    _store_far_date(store, "far")
    for period in ("day", "week", "month", "quarter", "year", "decay:30"):  # month and quarter failed: year 10000
        aggregate(store.predictions(), period, store.parents())
    assert {p.statement.doc_id for p in store.predictions()} == {"good"}
    (found,) = store.quarantined()
    assert found.to_dict() == {"id": "far", "reasons": [FAR, f"statement {next(iter(_ids(store, 'far')))}: {FAR}"],
                               "flagged": False}
    deleted = store.delete_document("far")  # the reprint carries its statement: kept, dated as the reprint
    assert deleted.to_dict() == {"id": "far", "statements": 0, "sources": 1, "predictions": 0, "corrections": 0,
                                 "kept": 1, "kept_in": ["reprint"]}
    assert store.quarantined() == [] and store.delete_document("far") is None
    assert {(p.statement.doc_id, str(p.statement.date)) for p in store.predictions()} == {
        ("good", "2017-10-09"), ("reprint", "2021-08-12")}
    assert counts(store) == {"documents": 2, "statements": 2, "sources": 2, "predictions": 2}


def test_deleting_a_document_keeps_the_statements_another_document_carries(store, pipeline):
    from stance.review.record import Correction

    reprint = "Reprint.\n\n" + KIRBY
    ingest(store, [article("first", KIRBY + "\n\nMore news.", "2021-08-11", "One"),
                   article("other", ASIF, "2017-10-09")], pipeline)
    ingest(store, [article("second", reprint, "2021-08-16", "Two")], pipeline)  # joins first's (another key week)
    (kirby,) = {p.statement.statement_id: p.statement for p in store.predictions(actor="John Kirby")}.values()
    assert (kirby.doc_id, kirby.sources) == ("first", ("first", "second"))
    labels = [p for p in store.predictions() if p.statement.statement_id == kirby.statement_id]
    store.add_corrections([Correction(kirby.statement_id, labels[0].issue, "against", "ak",
                                      dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))])

    def points() -> dict:
        return {(p.actor_id, p.issue, p.period): p for p in aggregate(store.predictions(), "month").points}

    before = points()
    deleted = store.delete_document("first")
    assert deleted.to_dict() == {"id": "first", "statements": 0, "sources": 1, "predictions": 0, "corrections": 0,
                                 "kept": 1, "kept_in": ["second"]}
    (moved,) = {p.statement.statement_id: p.statement for p in store.predictions(actor="John Kirby")}.values()
    assert (moved.statement_id, moved.doc_id, moved.sources, str(moved.date)) == (
        kirby.statement_id, "second", ("second",), "2021-08-16")
    for old, new in ((kirby.text, moved.text), (kirby.quote, moved.quote)):  # offsets in the second's text now
        assert (new.start, new.end, new.text) == (old.start + len("Reprint.\n\n"), old.end + len("Reprint.\n\n"),
                                                  old.text)
        assert reprint[new.start:new.end] == new.text
    assert {(p.issue, p.stance) for p in store.predictions() if p.statement.statement_id == kirby.statement_id} \
        >= {(labels[0].issue, "against")}  # the correction kept
    with store.session() as s:
        row = s.get(StatementRow, kirby.statement_id)
        assert row.identity_key == statement_key(row.actor_id, row.text, "2021-08-16")
    after = points()  # the same statements, scores and periods; one source fewer where the first counted
    assert before.keys() == after.keys()
    for key, point in before.items():
        assert (after[key].score, after[key].n_statements, after[key].statement_ids) == (
            point.score, point.n_statements, point.statement_ids)
        assert after[key].n_sources == point.n_sources - (kirby.statement_id in point.statement_ids)

    deleted = store.delete_document("second")  # no other document carries it: the statement goes
    assert deleted.to_dict() == {"id": "second", "statements": 1, "sources": 1, "predictions": len(labels),
                                 "corrections": 1, "kept": 0, "kept_in": []}
    assert store.predictions(actor="John Kirby") == [] and store.corrections() == []
    assert {p.statement.doc_id for p in store.predictions()} == {"other"}


def test_a_kept_statement_keeps_its_date_when_the_new_one_would_repeat_another(store, pipeline):
    """Dated as the document it moves to, the statement would take another statement's identity key (a
    statement of the same words more than a week from the first, in the second's week): it keeps its date."""
    ingest(store, [article("first", KIRBY, "2021-08-11"), article("other", ASIF, "2017-10-09")], pipeline)
    ingest(store, [article("second", "Reprint.\n\n" + KIRBY, "2021-08-16")], pipeline)
    (sid,) = _ids(store, "first")
    with store.session() as s, s.begin():
        row = s.get(StatementRow, sid)
        taken = statement_key(row.actor_id, row.text, "2021-08-16")
        holder = min(_ids(store, "other"))
        s.execute(update(StatementRow).where(StatementRow.statement_id == holder).values(identity_key=taken))
    assert store.delete_document("first").to_dict()["kept"] == 1
    with store.session() as s:
        row = s.get(StatementRow, sid)
        assert (row.doc_id, row.date) == ("second", "2021-08-11")
        assert row.text_start == len("Reprint.\n\n") + KIRBY.find(row.text)
        assert row.identity_key == statement_key(row.actor_id, row.text, "2021-08-11")


def _ids(store: Store, doc_id: str) -> set[str]:
    with store.session() as s:
        return set(s.scalars(select(StatementRow.statement_id).where(StatementRow.doc_id == doc_id)))


def test_quarantine_cli_lists_flags_and_deletes(tmp_path, pipeline, capsys):
    db = tmp_path / "db"
    store = Store.open(db)
    ingest(store, [article("far", KIRBY, "2021-08-11"), article("good", ASIF, "2017-10-09")], pipeline)
    _store_far_date(store, "far")
    (sid,) = _ids(store, "far")
    store.close()
    assert main(["quarantine", "flag", "--db", str(db), "good", "--reason", "a wire copy"]) == 0
    assert main(["quarantine", "list", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1:] == ["far", f"  {FAR}", f"  statement {sid}: {FAR}", "good (flagged)",
                                    "  flagged: a wire copy", f"2 documents to look at in sqlite:///{db}/stance.db"]
    assert main(["quarantine", "unflag", "--db", str(db), "good"]) == 0
    assert main(["quarantine", "delete", "--db", str(db), "far"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == ("deleted far: 1 statements, 1 sources, 1 predictions, "
                                                        "0 corrections")
    assert main(["quarantine", "delete", "--db", str(db), "far"]) == 2
    assert f"stance quarantine: error: no document 'far' in sqlite:///{db}/stance.db" in capsys.readouterr().err
    assert main(["quarantine", "list", "--db", str(db), "--json"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["quarantine", "list", "--db", str(tmp_path / "none")]) == 2  # never makes a store
    assert capsys.readouterr().err == (f"stance quarantine: error: --db {tmp_path}/none: no store there (no "
                                       f"{tmp_path}/none/stance.db); expected a folder (or .db file) filled by "
                                       "`stance ingest` or `stance serve`, or postgresql://...\n")
    assert not (tmp_path / "none").exists()


def test_quarantine_cli_names_the_documents_that_keep_its_statements(tmp_path, pipeline, capsys):
    db = tmp_path / "db"
    store = Store.open(db)
    ingest(store, [article("first", KIRBY, "2021-08-11"), article("second", "Reprint.\n\n" + KIRBY, "2021-08-12"),
                   article("third", KIRBY + "\n\nMore.", "2021-08-13")], pipeline)
    store.close()
    assert main(["quarantine", "delete", "--db", str(db), "first"]) == 0
    assert capsys.readouterr().out == ("deleted first: 0 statements, 1 sources, 0 predictions, 0 corrections\n"
                                       "kept 1 statement that other documents carry, read from the earliest of them "
                                       "from now on: second, third\n")


def test_readers_and_delete_through_the_api(make_client, tmp_path):
    keys = tmp_path / "keys.txt"
    key = new_key(keys)
    client = make_client(key_hashes=load_key_hashes(keys), public_reads=True)
    auth = {"X-API-Key": key}
    posted = client.post("/documents", headers=auth, json={"documents": [
        {"id": "far", "date": "2021-08-11", "text": KIRBY}, {"id": "good", "date": "2017-10-09", "text": ASIF},
        {"id": "later", "date": "2021-08-12", "text": "Reprint.\n\n" + KIRBY}]})
    assert posted.json()["added"] == ["far", "good", "later"]
    _store_far_date(client.app.state.store, "far")
    for path in ("/issues/safe_havens/timeline", "/issues/military_bases/timeline", "/actors/khawaja_asif/positions",
                 "/statements", "/report/actors/khawaja_asif", "/health"):
        assert client.get(path, params={"period": "quarter"} if "positions" in path else None).status_code == 200
    assert client.delete("/documents/far").status_code == 401
    r = client.delete("/documents/far", headers=auth)
    assert r.status_code == 200 and r.json() == {"id": "far", "statements": 0, "sources": 1, "predictions": 0,
                                                 "corrections": 0, "kept": 1, "kept_in": ["later"]}
    kirby = {(i["doc_id"], i["date"], tuple(i["sources"])) for i in client.get("/statements").json()["items"]
             if i["actor"] == "John Kirby"}
    assert kirby == {("later", "2021-08-12", ("later",))}
    r = client.delete("/documents/far", headers=auth)
    assert r.status_code == 404 and r.json() == {"detail": "no document 'far' in the store"}


def test_idempotency_key_answers_the_first_answer(make_client):
    client = make_client()
    body = {"documents": [{"id": "a", "date": "2021-08-11", "text": KIRBY}]}
    first = client.post("/documents", json=body, headers={"Idempotency-Key": "k-1"})
    again = client.post("/documents", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert first.json()["added"] == ["a"]
    with client.app.state.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Run)) == 1  # the repeat ran nothing
    other = client.post("/documents", json={"documents": [{"id": "b", "text": OFFICE}]},
                        headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 409
    assert other.json() == {"detail": "Idempotency-Key 'k-1' was used before with other documents; send a new key "
                                      "for a new request, or resend the first request's documents unchanged"}
    bad = client.post("/documents", json=body, headers={"Idempotency-Key": "k" * 201})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("Idempotency-Key must be 1 to 200 visible")
    assert client.post("/documents", json=body).json()["known"] == ["a"]  # no key: processed, known


# ----------------------------------------------------------------------- a store that is gone
def test_writes_into_a_deleted_sqlite_file_are_refused(tmp_path, pipeline, caplog):
    store = Store.open(tmp_path / "db")
    ingest(store, [article("a", KIRBY, "2021-08-11")], pipeline)
    for path in (tmp_path / "db").glob("stance.db*"):
        path.unlink()
    with pytest.raises(StoreGone) as gone:
        ingest(store, [article("b", ASIF, "2017-10-09")], pipeline)
    assert str(gone.value) == (f"the store's file {tmp_path}/db/stance.db is gone (deleted or moved) since it was "
                               "opened; nothing was written; restore the file and try again, or restart to open "
                               "what is there now")
    with pytest.raises(StoreGone):
        store.delete_document("a")
    with caplog.at_level("WARNING"):
        fresh = Store.open(tmp_path / "db")
    assert f"no store at {tmp_path}/db/stance.db: made a new, empty one" in caplog.text
    assert fresh.document_count() == 0
    other = Store.open(tmp_path / "other")
    ingest(other, [article("c", OFFICE, "2013-05-02")], pipeline)
    other.close()
    fresh.close()
    (tmp_path / "db" / "stance.db").unlink()
    (tmp_path / "other" / "stance.db").rename(tmp_path / "db" / "stance.db")
    with pytest.raises(StoreGone, match=r"stance.db was replaced by another file since it was opened; nothing was "
                                        r"written; restart to open the new file"):
        ingest(fresh, [article("b", ASIF, "2017-10-09")], pipeline)


@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (STANCE_TEST_POSTGRES_URL)")
@pytest.mark.parametrize("target", ["postgresql"], indirect=True)
def test_writes_into_a_dropped_postgresql_store_are_refused(target, pipeline):
    store = Store.open(target)
    ingest(store, [article("a", KIRBY, "2021-08-11")], pipeline)
    engine = create_engine(database_url(target))
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    with pytest.raises(StoreGone, match=r"is not the store opened here \(store id missing, expected [0-9a-f]{32}\): "
                                        r"it was dropped or replaced; nothing was written"):
        ingest(store, [article("b", ASIF, "2017-10-09")], pipeline)
    Store.open(target).close()  # a new store there, with its own id
    with pytest.raises(StoreGone, match=r"store id [0-9a-f]{32}, expected [0-9a-f]{32}"):
        ingest(store, [article("b", ASIF, "2017-10-09")], pipeline)
    store.close()


def test_the_api_answers_503_for_a_deleted_store_file(make_client, tmp_path):
    client = make_client()
    assert client.post("/documents", json={"id": "a", "text": KIRBY}).status_code == 200
    for path in (tmp_path / "db").glob("stance.db*"):
        path.unlink()
    r = client.post("/documents", json={"id": "b", "text": ASIF})
    assert r.status_code == 503 and r.json()["detail"].startswith(f"the store's file {tmp_path}/db/stance.db is gone")


# ------------------------------------------------------------------------- honest status
def test_runs_of_dead_processes_are_closed_as_interrupted(target, pipeline):
    store = Store.open(target)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with store.session() as s, s.begin():
        for pid, host in ((dead.pid, this_host()), (os.getpid(), this_host()), (dead.pid, "elsewhere")):
            s.add(Run(kind="ingest", model_version="m", status="running", pid=pid, host=host))
    store.close()
    store = Store.open(target)
    with store.session() as s:
        assert [r.status for r in s.scalars(select(Run).order_by(Run.id))] == ["interrupted", "running", "running"]

    def killed(articles):
        raise KeyboardInterrupt("killed")

    class Dying:
        issues, actors, extract = pipeline.issues, pipeline.actors, staticmethod(killed)

    with pytest.raises(KeyboardInterrupt):
        store.ingest([article("a", KIRBY, "2021-08-11")], Dying(), model_version="tiny@1")
    with store.session() as s:
        assert s.scalars(select(Run.status).order_by(Run.id.desc())).first() == "interrupted"
    store.close()


def test_a_process_id_taken_by_a_later_process_is_not_the_run_alive():
    assert alive(os.getpid(), dt.datetime.now(dt.timezone.utc))
    assert not alive(os.getpid(), dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))  # this process started later


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path):
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "stance.db").write_bytes(b"hello, this is not a database" * 100)
    with pytest.raises(StoreError) as error:
        Store.open(tmp_path / "junk")
    assert str(error.value) == (f"{tmp_path}/junk/stance.db is not a SQLite database (it begins with b'hello, t', "
                                "expected 'SQLite format 3'); point --db at a store's folder or its stance.db, or "
                                "move this file away to start a new store there")
    damaged = tmp_path / "damaged" / "stance.db"
    _damage(Store.open(damaged.parent), damaged)
    with pytest.raises(StoreError, match=r"the database at sqlite:///.*damaged/stance.db cannot be read: database "
                                         r"disk image is malformed; it is not a stance store or it is damaged: restore "
                                         r"it from a backup, or move it away to start a new store there"):
        Store.open(damaged.parent)
    (tmp_path / "lost").mkdir()
    (tmp_path / "lost" / "stance.db-wal").write_bytes(b"")
    with pytest.raises(StoreError, match=r"lost/stance.db is missing but its write-ahead log stance.db-wal is there"):
        Store.open(tmp_path / "lost")
    with pytest.raises(StoreError) as error:
        Store.open(tmp_path / "no" / "such" / "dir")
    assert str(error.value) == (f"the folder {tmp_path}/no/such does not exist; expected an existing folder to make "
                                f"the store dir in: create it (mkdir -p {tmp_path}/no/such) or give another path")
    assert not (tmp_path / "no").exists()


def _damage(store: Store, path: Path) -> None:
    """Checkpoint the store into its file, close it, and overwrite its pages after the header in place."""
    store.engine.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    for extra in path.parent.glob("stance.db-*"):
        extra.unlink()
    with path.open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x5a" * 8000)


def test_health_on_a_damaged_store_is_503_not_500(make_client, tmp_path):
    client = make_client()
    assert client.get("/health").status_code == 200
    _damage(client.app.state.store, tmp_path / "db" / "stance.db")
    r = client.get("/health")
    assert r.status_code == 503 and r.json() == {"detail": UNAVAILABLE_DETAIL}
