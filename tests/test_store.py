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


def test_positions_are_computed_once_per_change_of_the_store(store, pipeline, mini_corpus):
    from stance.serve import queries as service
    from stance.serve.store.aggregation import live

    articles = load_corpus(mini_corpus)
    store.ingest(articles[:2], pipeline, model_version="tiny@1")
    first = service.positions(store)
    assert service.positions(store) is first and live(store).rebuilds == 1  # unchanged store: the cached answer
    assert service.positions(store, "year") is not first and live(store).rebuilds == 1  # another period: no re-read
    store.ingest(articles, pipeline, model_version="tiny@1")  # the third document arrives
    again = service.positions(store)  # updated from the new rows (tests/test_service_fast.py), not read anew
    assert live(store).rebuilds == 1 and again.corpus.n_documents == first.corpus.n_documents + 1


REGISTRY_A = """issues:
  - {id: bases, label: Bases, target: Pakistan should give its bases to the United States., keywords: [bases]}
"""
REGISTRY_B = """issues:
  - {id: bases, label: Bases, target: Foreign forces should be given airbases in Pakistan.,
     description: the same id as in A with another target, keywords: [bases, airbases]}
  - {id: havens, label: Safe havens, target: Militant safe havens should remain., keywords: [safe havens]}
"""


def registry(tmp_path, name, text):
    from stance.registries.issues import IssueRegistry

    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return IssueRegistry.load(path)


def test_relabel_with_a_new_issue_registry_keeps_the_old_one(store, pipeline, mini_corpus, tmp_path):
    from sqlalchemy import select

    from stance.serve.store.schema import PredictionRow, Run

    a, b = registry(tmp_path, "a", REGISTRY_A), registry(tmp_path, "b", REGISTRY_B)
    with_a, with_b = Pipeline(model=pipeline.model, issues=a), Pipeline(model=pipeline.model, issues=b)
    store.ingest(load_corpus(mini_corpus), with_a, model_version="tiny@1")
    old = [p.to_dict() for p in store.predictions()]
    assert old and {p["issue"] for p in old} == {"bases"}
    added = store.relabel(with_b, model_version="tiny@1")  # the same model: only the registry changed
    new = store.predictions()
    assert added == len(new) and {p.issue for p in new} == {"bases", "havens"}
    assert {p.statement.actor for p in new if p.issue == "havens"} == {"John Kirby"}
    assert store.labellings() == [("tiny@1", a.version()), ("tiny@1", b.version())]
    assert store.registry_versions() == [a.version(), b.version()]
    assert [p.to_dict() for p in store.predictions("tiny@1", registry_version=a.version())] == old
    with store.session() as s:
        rows = s.execute(select(PredictionRow.issue_id, PredictionRow.registry_version)).all()
        runs = s.execute(select(Run.kind, Run.registry_version).order_by(Run.id)).all()
    assert {(i, v) for i, v in rows} == {("bases", a.version()), ("bases", b.version()), ("havens", b.version())}
    assert [tuple(r) for r in runs] == [("ingest", a.version()), ("relabel", b.version())]
    assert store.issue("havens") == {"id": "havens", "label": "Safe havens",
                                     "target": "Militant safe havens should remain."}
    assert store.relabel(with_b, model_version="tiny@1") == 0  # done already
    assert store.relabel(with_a, model_version="tiny@1") == 0  # A's rows are still there


def test_registry_version_is_the_content_not_the_file(tmp_path):
    a = registry(tmp_path, "a", REGISTRY_A)
    same = registry(tmp_path, "same", "# a comment\nissues:\n  - id: bases\n    keywords: [bases]\n    label: Bases\n"
                                      "    target: Pakistan should give its bases to the United States.\n")
    other = registry(tmp_path, "other", REGISTRY_A.replace("[bases]", "[bases, airbases]"))
    assert a.version() == same.version() != other.version()
    assert len(a.version()) == 12 and int(a.version(), 16) >= 0


def test_documents_keep_title_author_and_type(store, pipeline):
    import dataclasses

    article = make_article("oped", "Pakistan will never give its bases to anyone, I say.", "x", date="2021-06-20",
                           author="Jane Roe", doc_type="op-ed")
    store.ingest([dataclasses.replace(article, title="No bases")], pipeline, model_version="tiny@1")
    back = store.articles({"oped"})["oped"]
    assert (back.title, back.author, back.doc_type, back.text) == ("No bases", "Jane Roe", "op-ed", article.text)


def test_migrations_create_exactly_the_tables(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from stance.serve.store.schema import Base

    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


ROWS_OF_0001 = [
    "INSERT INTO runs (id, kind, model_version, started_at, status, documents_added, documents_known, "
    "statements_added) VALUES (1, 'ingest', 'tiny@0', '2026-01-01', 'done', 1, 0, 1)",
    "INSERT INTO actors (actor_id, name, type) VALUES ('imran_khan', 'Imran Khan', 'person')",
    "INSERT INTO documents (doc_id, content_hash, text, run_id, added_at) "
    "VALUES ('old', 'h', 'Imran Khan said Pakistan would never give its bases to the US.', 1, '2026-01-01')",
    "INSERT INTO statements (statement_id, doc_id, actor_id, kind, text, text_start, text_end, quote, quote_start, "
    "quote_end, \"order\", run_id) VALUES ('old:0', 'old', 'imran_khan', 'reported', "
    "'Imran Khan said Pakistan would never give its bases to the US.', 0, 62, "
    "'Pakistan would never give its bases to the US', 16, 61, 0, 1)",
    "INSERT INTO statement_sources (statement_id, doc_id, position) VALUES ('old:0', 'old', 0)",
    "INSERT INTO predictions (statement_id, issue_id, stance, confidence, scores, abstained, model_version, run_id) "
    "VALUES ('old:0', 'military_bases', 'against', 0.9, '{}', false, 'tiny@0', 1)",
]


def test_upgrade_from_0001_keeps_its_rows_and_goes_back(tmp_path, pipeline):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect, text

    from stance.serve.store.store import MIGRATIONS

    store = Store.open(tmp_path / "db", upgrade=False)
    store.upgrade("0001")
    with store.engine.begin() as connection:
        for row in ROWS_OF_0001:
            connection.execute(text(row))
    store.upgrade()
    (old,) = store.predictions()
    assert (old.issue, old.model, store.labellings()) == ("military_bases", "tiny@0", [("tiny@0", None)])
    assert store.articles({"old"})["old"].doc_type == "news"
    assert store.relabel(pipeline, model_version="tiny@0") == 1  # the same model, now with a known registry
    assert len(store.predictions("tiny@0")) == 1 and store.registry_versions() == [None, pipeline.issues.version()]

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        with pytest.raises(RuntimeError, match=r"cannot go back to revision 0001: 1 \(statement, issue, model"):
            command.downgrade(config, "0001")
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM predictions WHERE registry_version IS NOT NULL"))
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert "registry_version" not in {c["name"] for c in inspect(store.engine).get_columns("predictions")}
    store.upgrade()
    assert len(store.predictions()) == 1
    store.close()


def test_ingest_detects_issues_in_context_as_track_does(tmp_path, tiny_model_dir):
    """A statement that names no issue takes its paragraph's: the paragraph rule (off by default, turned on here)
    needs the article, on ingest as in track.  (Context-inherited neutral answers are kept: the tiny model's
    stances are arbitrary.)"""
    from stance.issue_detection import DetectionConfig
    from stance.issue_detection.config import ContextConfig

    pipeline = Pipeline(model=load_predictor(tiny_model_dir),
                        detection=DetectionConfig(context=ContextConfig(neutral=True, paragraph=True)))
    text = ("The talks in Islamabad were about American military bases in Pakistan. \"We will never let anyone use "
            "our land for their wars,\" Imran Khan said on Saturday.")
    articles = [make_article("d1", text, tmp_path / "d1.txt", date="2021-06-19")]
    tracked = {(p.statement.statement_id, p.issue) for p in pipeline.run(articles).predictions}
    assert ("d1:1:0", "military_bases") in tracked
    store = Store.open(tmp_path / "db")
    store.ingest(articles, pipeline, model_version="tiny")
    assert {(p.statement.statement_id, p.issue) for p in store.predictions()} == tracked
    store.relabel(pipeline, model_version="tiny-2")  # relabel reads the stored documents' paragraphs too
    assert {(p.statement.statement_id, p.issue) for p in store.predictions("tiny-2")} == tracked
