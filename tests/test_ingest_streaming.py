"""Streaming ingestion (issue 20): the corpus is read lazily (:func:`~stance.ingest.corpus.iter_corpus`), the store
takes any iterable a batch at a time and writes each batch before the next is read, and `stance ingest` never
holds the whole corpus; the counts are those of the list-based path.

The store checks run on SQLite and, when STANCE_TEST_POSTGRES_URL is set, on PostgreSQL."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import own_database
from sqlalchemy import func, select

import stance.ingest.corpus as corpus
from stance.cli.main import main
from stance.errors import InputError
from stance.ingest.corpus import iter_corpus, load_corpus, load_corpus_with_report, make_article
from stance.ingest.skipped import Skipped
from stance.pipeline.local import Pipeline, load_predictor
from stance.records import Article
from stance.serve.store import Store
from stance.serve.store.schema import Document, PredictionRow, Run, StatementRow, StatementSource

POSTGRES = os.environ.get("STANCE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES else [])

SAID = ["Pentagon Press Secretary John Kirby said the safe havens along the border must be closed down.",
        "Pakistan's Foreign Minister Khawaja Asif said that Pakistan would never give its bases to the United States.",
        "The Foreign Office said drone strikes were a violation of Pakistan's sovereignty."]


def fresh_store(kind: str, folder: Path) -> Store:
    """An empty store: SQLite in ``folder``, or PostgreSQL with its schema just emptied."""
    if kind == "sqlite":
        return Store.open(folder)
    from sqlalchemy import create_engine, text

    url = own_database(str(POSTGRES), "streaming")
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return Store.open(url)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def pipeline(tiny_model_dir):
    return Pipeline(model=load_predictor(tiny_model_dir))


def documents(n: int) -> list[Article]:
    return [make_article(f"d{i}", f"{SAID[i % 3]}\n\nReport number {i}.", Path("x"), date=f"2020-01-{i + 1:02d}")
            for i in range(n)]


def counts(store: Store) -> dict[str, int]:
    with store.session() as s:
        return {name: s.scalar(select(func.count()).select_from(table)) or 0 for name, table in
                (("documents", Document), ("statements", StatementRow), ("sources", StatementSource),
                 ("predictions", PredictionRow))}


# ------------------------------------------------------------------ the store takes an iterable
def test_each_batch_is_stored_before_the_next_is_read(backend, tmp_path, pipeline):
    store = fresh_store(backend, tmp_path / "db")
    stored_when_asked: dict[int, int] = {}

    def lazily() -> Iterator[Article]:
        for i, article in enumerate(documents(5)):
            stored_when_asked[i] = store.document_count()
            yield article

    report = store.ingest(lazily(), pipeline, model_version="tiny@1", batch=2)
    assert stored_when_asked == {0: 0, 1: 0, 2: 2, 3: 2, 4: 4}
    assert report.added == [f"d{i}" for i in range(5)] and report.known == [] and report.rejected == []
    store.close()


def test_an_error_while_reading_keeps_the_batches_before_it(backend, tmp_path, pipeline):
    store = fresh_store(backend, tmp_path / "db")

    def failing() -> Iterator[Article]:
        yield from documents(3)
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="the disk went away"):
        store.ingest(failing(), pipeline, model_version="tiny@1", batch=2)
    assert counts(store)["documents"] == 2  # the first batch; the third document, read alone, was not written
    with store.session() as s:
        assert list(s.scalars(select(Run.status))) == ["failed"]
    resumed = store.ingest(documents(3), pipeline, model_version="tiny@1", batch=2)
    assert resumed.known == ["d0", "d1"] and resumed.added == ["d2"]
    store.close()


def test_a_batch_size_below_one_is_refused(tmp_path, pipeline):
    store = Store.open(tmp_path / "db")
    with pytest.raises(ValueError, match=r"^batch is how many articles are taken at a time; expected 1 or more, "
                                         r"found 0$"):
        store.ingest(iter(documents(1)), pipeline, model_version="tiny@1", batch=0)
    assert counts(store)["documents"] == 0


def test_streamed_counts_equal_the_list_path(backend, tmp_path, mini_corpus, pipeline):
    """The same corpus (a text repeated inside a batch and across batches) gives the same report and rows
    whether the store gets a list or the lazy stream."""
    for name in ("a_again.txt", "z_again.txt"):  # one lands in a's batch, one in a later batch
        (mini_corpus / name).write_text((mini_corpus / "a.txt").read_text())
    (mini_corpus / "d.txt").write_text(SAID[0] + "\n\nA later report.")
    listed_store = Store.open(tmp_path / "listed")
    listed = listed_store.ingest(load_corpus(mini_corpus), pipeline, model_version="tiny@1", batch=2)
    streamed_store = fresh_store(backend, tmp_path / "streamed")
    streamed = streamed_store.ingest(iter_corpus(mini_corpus), pipeline, model_version="tiny@1", batch=2)
    assert {**streamed.to_dict(), "run_id": 0} == {**listed.to_dict(), "run_id": 0}
    assert streamed.added == ["a", "b", "c", "d"] and streamed.known == ["a", "a"]
    assert counts(streamed_store) == counts(listed_store)
    assert counts(streamed_store)["statements"] > 0
    listed_store.close()
    streamed_store.close()


# ------------------------------------------------------------------ the lazy loader
def test_the_loader_reads_a_file_only_when_its_article_is_asked_for(tmp_path):
    (tmp_path / "a.txt").write_text(SAID[0])
    (tmp_path / "b.rss").write_text("<rss><channel><title>x</title></channel></rss>")  # passed over when read
    (tmp_path / "c.txt").write_text(SAID[1])
    stream = iter_corpus(tmp_path)
    assert next(stream).doc_id == "a"
    assert stream.report().skipped == () and stream.count == 1  # b.rss not read yet
    (tmp_path / "c.txt").write_text(SAID[2])  # changed after the first article: the stream reads the new text
    (rest,) = list(stream)
    assert (rest.doc_id, rest.text) == ("c", SAID[2])
    report = stream.report()
    assert report.skipped == (Skipped(str(tmp_path / "b.rss"), "a feed with no items"),)
    assert report == load_corpus_with_report(tmp_path)[1] and stream.count == 2


def test_a_table_is_read_row_by_row_up_to_a_malformed_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "x1", "text": SAID[0]}) + "\n" + json.dumps({"id": "x2", "text": SAID[1]})
                    + "\n{not json\n")
    stream = iter_corpus(path)
    assert [next(stream).doc_id, next(stream).doc_id] == ["x1", "x2"]
    with pytest.raises(InputError, match=rf"^{path}:3: "):
        next(stream)


def test_what_cannot_be_read_at_all_is_refused_before_any_reading(tmp_path):
    with pytest.raises(InputError, match=rf"^{tmp_path / 'none'}: does not exist; expected a folder"):
        iter_corpus(tmp_path / "none")
    (tmp_path / "c.doc").write_text("x")
    with pytest.raises(InputError, match=r"has suffix '\.doc'; expected a folder"):
        iter_corpus(tmp_path / "c.doc")


def test_a_repeated_id_stops_the_stream_where_it_appears(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in
                            (("same", SAID[0]), ("other", SAID[1]), ("same", SAID[2]))))
    stream = iter_corpus(path)
    assert [next(stream).doc_id, next(stream).doc_id] == ["same", "other"]
    with pytest.raises(InputError, match=rf"^{path}: document id 'same' appears twice; ids must be unique$"):
        next(stream)


# ------------------------------------------------------------------ stance ingest
def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"doc{i:03d}.txt").write_text(f"{SAID[i % 3]}\n\nReport number {i}.")
    return folder


def test_ingest_writes_the_first_batch_before_reading_the_rest(tmp_path, tiny_model_dir, monkeypatch):
    events: list[str] = []
    read_file, write = corpus._read_file, Store._write_document

    def reading(path, *args):
        events.append(f"read {path.name}")
        return read_file(path, *args)

    def writing(self, article, *args):
        events.append(f"write {article.doc_id}")
        return write(self, article, *args)

    monkeypatch.setattr(corpus, "_read_file", reading)
    monkeypatch.setattr(Store, "_write_document", writing)
    folder = write_corpus(tmp_path / "corpus", 20)  # more than one batch of 16
    assert main(["ingest", str(folder), "--db", str(tmp_path / "db"), "--model", str(tiny_model_dir),
                 "--tagger", "none", "--quiet"]) == 0
    assert events.index("write doc000") < events.index("read doc016.txt")
    assert events.index("write doc015") < events.index("read doc016.txt") < events.index("write doc016")
    assert sum(e.startswith("write") for e in events) == 20


def test_ingest_stores_what_comes_before_a_malformed_line_then_stops(tmp_path, tiny_model_dir, capsys):
    path = tmp_path / "c.jsonl"
    good = [json.dumps({"id": f"x{i}", "text": f"{SAID[i % 3]}\n\nReport {i}."}) for i in range(3)]
    path.write_text("\n".join([*good, "{not json", json.dumps({"id": "x9", "text": SAID[0]})]) + "\n")
    db = tmp_path / "db"
    command = ["ingest", str(path), "--db", str(db), "--model", str(tiny_model_dir), "--tagger", "none", "--quiet"]
    assert main(command) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith("3 documents added, 0 already stored, 0 rejected;")
    err = captured.err.splitlines()
    assert err[-2] == ("stance ingest: reading stopped at the error below, after 3 documents (handled as counted "
                       "above); fix the input and run again: the documents stored are skipped")
    assert err[-1].startswith(f"stance ingest: error: {path}:4: ")
    path.write_text("\n".join([*good, json.dumps({"id": "x9", "text": SAID[0]})]) + "\n")
    assert main(command) == 0
    assert capsys.readouterr().out.startswith("1 documents added, 3 already stored, 0 rejected;")


def test_ingest_of_a_corpus_without_documents_starts_no_run(tmp_path, capsys):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "logo.png").write_bytes(b"\x89PNG")
    db = tmp_path / "db"
    assert main(["ingest", str(tmp_path / "corpus"), "--db", str(db), "--tagger", "none"]) == 2
    assert "contains no .txt files" in capsys.readouterr().err
    store = Store.open(db)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Run)) == 0
    store.close()
