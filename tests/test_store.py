"""The store on SQLite: incremental, idempotent ingestion; duplicates across
outlets; a killed run resumed; model versions; locked and missing databases.
PostgreSQL runs the same checks when STANCE_TEST_POSTGRES_URL is set."""

import os
import sqlite3

import pytest

from stance.ingest.corpus import load_corpus, make_article
from stance.pipeline.local import Pipeline, load_predictor
from stance.serve.store import Store, StoreError
from stance.serve.store.store import database_url, decode_cursor, encode_cursor

POSTGRES = os.environ.get("STANCE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES else [])


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    if request.param == "sqlite":
        st = Store.open(tmp_path / "db")
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(POSTGRES)
        with engine.begin() as c:  # a clean schema per test
            c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        st = Store.open(POSTGRES)
    yield st
    st.close()


@pytest.fixture(scope="module")
def pipeline(tiny_model_dir):
    return Pipeline(model=load_predictor(tiny_model_dir))


def counts(store):
    from sqlalchemy import func, select

    from stance.serve.store.schema import Document, PredictionRow, StatementRow, StatementSource

    with store.session() as s:
        return {name: s.scalar(select(func.count()).select_from(table)) for name, table in
                (("documents", Document), ("statements", StatementRow), ("sources", StatementSource),
                 ("predictions", PredictionRow))}


def test_database_url():
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("/tmp/x/my.db") == "sqlite:////tmp/x/my.db"
    assert decode_cursor(encode_cursor(40)) == 40
    with pytest.raises(StoreError, match=r"cursor 'nope' is not one this server handed out"):
        decode_cursor("nope")


def test_ingest_is_incremental_and_idempotent(store, pipeline, mini_corpus):
    articles = load_corpus(mini_corpus)
    first = store.ingest(articles, pipeline, model_version="tiny@1")
    assert sorted(first.added) == ["a", "b", "c"] and first.known == [] and first.statements_added > 0
    before = counts(store)
    again = store.ingest(articles, pipeline, model_version="tiny@1")
    assert again.added == [] and sorted(again.known) == ["a", "b", "c"]
    assert counts(store) == before
    assert {p.statement.actor for p in store.predictions()} >= {"Khawaja Asif", "John Kirby"}
    page = store.actors(limit=2)
    assert len(page.items) == 2 and page.total >= 3 and page.next
    rest = store.actors(limit=2, cursor=page.next)
    assert not {a["id"] for a in rest.items} & {a["id"] for a in page.items}


def test_same_statement_in_two_outlets_is_one_statement(store, pipeline):
    text = "Pentagon Press Secretary John Kirby said the safe havens along the border must be closed down."
    one = make_article("outlet-1", text + "\n\nMore news.", "x", date="2021-08-11", source="One")
    two = make_article("outlet-2", "Reprint.\n\n" + text, "x", date="2021-08-12", source="Two")
    store.ingest([one], pipeline, model_version="tiny@1")
    report = store.ingest([two], pipeline, model_version="tiny@1")
    assert report.added == ["outlet-2"] and report.statements_added == 0 and report.sources_added == 1
    (kirby,) = {p.statement.statement_id: p.statement for p in store.predictions(actor="John Kirby")}.values()
    assert kirby.sources == ("outlet-1", "outlet-2")
    later = make_article("outlet-3", text, "x", date="2021-10-01")
    assert store.ingest([later], pipeline, model_version="tiny@1").statements_added == 1


def test_killed_ingestion_leaves_no_half_document_and_resumes(store, pipeline, mini_corpus, monkeypatch):
    articles = load_corpus(mini_corpus)
    real = Store._write_document
    calls = {"n": 0}

    def dying(self, article, statements, predictions, version, report):
        calls["n"] += 1
        if calls["n"] == 2:  # the process dies inside the second document's transaction
            with self.session() as s, s.begin():
                from stance.serve.store.schema import Document
                s.add(Document(doc_id=article.doc_id, content_hash="x" * 64, text=article.text, run_id=report.run_id))
                s.flush()
                raise KeyboardInterrupt("killed")
        return real(self, article, statements, predictions, version, report)

    monkeypatch.setattr(Store, "_write_document", dying)
    with pytest.raises(KeyboardInterrupt):
        store.ingest(articles, pipeline, model_version="tiny@1", batch=1)
    assert counts(store)["documents"] == 1
    monkeypatch.setattr(Store, "_write_document", real)
    resumed = store.ingest(articles, pipeline, model_version="tiny@1", batch=1)
    assert len(resumed.known) == 1 and len(resumed.added) == 2
    clean = (Store.open(database_url(store.url.split("///")[-1] + ".clean.db")) if store.url.startswith("sqlite")
             else None)
    if clean is not None:
        clean.ingest(articles, pipeline, model_version="tiny@1")
        assert counts(clean) == counts(store)


def test_same_id_different_text_is_rejected_alone(store, pipeline):
    a = make_article("doc", "The Foreign Office said drone strikes were a violation of sovereignty.", "x",
                     date="2013-05-01")
    b = make_article("doc", "Completely different text said by nobody at all today.", "x", date="2013-05-02")
    c = make_article("other", "Imran Khan said Pakistan would never give its bases to the US.", "x", date="2021-06-19")
    store.ingest([a], pipeline, model_version="tiny@1")
    report = store.ingest([b, c], pipeline, model_version="tiny@1")
    assert report.added == ["other"]
    assert report.rejected == [("doc", "a different document with this id is already stored; "
                                       "give the new version its own id")]


def test_relabel_keeps_old_model_versions(store, pipeline, mini_corpus):
    store.ingest(load_corpus(mini_corpus), pipeline, model_version="tiny@1")
    n_old = len(store.predictions("tiny@1"))
    assert store.relabel(pipeline, model_version="tiny@2") == n_old
    assert store.model_versions() == ["tiny@1", "tiny@2"]
    assert len(store.predictions("tiny@1")) == n_old and len(store.predictions()) == n_old
    assert {p.model for p in store.predictions()} == {"tiny@2"}
    assert store.relabel(pipeline, model_version="tiny@2") == 0


def test_locked_database_is_a_clear_error_with_no_partial_write(tmp_path, pipeline, mini_corpus):
    store = Store.open(tmp_path / "db", timeout=0.2)
    blocker = sqlite3.connect(tmp_path / "db" / "stance.db")
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match=r"database at sqlite:///.*stance.db"):
            store.ingest(load_corpus(mini_corpus), pipeline, model_version="tiny@1")
    finally:
        blocker.rollback()
        blocker.close()
    assert counts(store)["documents"] == 0


def test_missing_database_server_is_a_clear_error():
    with pytest.raises(StoreError, match=r"cannot open the database at postgresql\+psycopg://stance:\*\*\*@127.0.0.1:9/none"):
        Store.open("postgresql://stance:secret@127.0.0.1:9/none", timeout=1)


KILL_SCRIPT = """
import sys, time
from stance.ingest.corpus import load_corpus
from stance.pipeline.local import Pipeline, load_predictor
from stance.serve.store import Store
import stance.serve.store.store as st

real = st.Store._write_document
def slow(self, *a, **k):
    real(self, *a, **k)
    print("wrote", flush=True)
    time.sleep(30)
st.Store._write_document = slow
Store.open(sys.argv[1]).ingest(load_corpus(sys.argv[2]), Pipeline(model=load_predictor(sys.argv[3])),
                               model_version="tiny@1", batch=1)
"""


def test_kill_9_mid_ingestion_then_resume(tmp_path, mini_corpus, tiny_model_dir, pipeline):
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(tmp_path / "db"), str(mini_corpus),
                             str(tiny_model_dir)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "wrote"  # one document committed, the process sleeping before the next
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    store = Store.open(tmp_path / "db")
    assert counts(store)["documents"] == 1
    resumed = store.ingest(load_corpus(mini_corpus), pipeline, model_version="tiny@1")
    assert len(resumed.known) == 1 and len(resumed.added) == 2 and counts(store)["documents"] == 3


def test_positions_are_computed_once_per_change_of_the_store(store, pipeline, mini_corpus, monkeypatch):
    from stance.serve import queries as service

    articles = load_corpus(mini_corpus)
    store.ingest(articles[:2], pipeline, model_version="tiny@1")
    calls = []
    real = service.aggregate
    monkeypatch.setattr(service, "aggregate", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = service.positions(store)
    assert service.positions(store) is first and len(calls) == 1  # unchanged store: the cached answer
    assert service.positions(store, "year") is not first and len(calls) == 2  # another period: its own entry
    store.ingest(articles, pipeline, model_version="tiny@1")  # the third document arrives
    again = service.positions(store)
    assert len(calls) == 3 and again.corpus.n_documents == first.corpus.n_documents + 1
