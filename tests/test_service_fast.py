"""A service that stays fast as its store grows: incremental positions equal a full aggregation after
random writes, lists are paged and filtered in SQL, the revision is one query, and the friendlier API
(offline docs, a bare JSON array as a batch, one JSON log line per request, scored actors, report links
that work under the API's routes)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import random
import re
import threading
import time
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from stance.positions.aggregate import Positions, aggregate
from stance.positions.incremental import IncrementalPositions
from stance.records import PartialDate, Span, StancePrediction, Statement

# ------------------------------------------------------------------------------------------------------------------
# incremental aggregation against a full one

ACTORS = [  # (id, name, type, affiliation)
    ("asif", "Khawaja Asif", "person", "Government of Pakistan"),
    ("khan", "Imran Khan", "person", "Government of Pakistan"),
    ("fo", "Foreign Office", "organisation", "Government of Pakistan"),
    ("kirby", "John Kirby", "person", "US Government"),
    ("kirby2", "John Kirby", "person", "US Government"),  # two ids, one name: the order of their points is tied
    ("shaheen", "Suhail Shaheen", "person", "Taliban"),
    ("pk", "Pakistan", "country", None),  # a speaker named as a group
    ("anon", "anonymous sources", "anonymous", None),
]
PARENTS = {"Government of Pakistan": "Pakistan", "US Government": "United States", "Foreign Office":
           "Government of Pakistan"}
ISSUES = ["bases", "drones", "havens"]
TEXTS = ["bases must never be given", "we welcome cooperation", "he denied the report", "strikes must stop",
         "no change in policy", "now says the bases could be discussed"]


class World:
    """Random predictions, changed the ways a store changes: new statements, corrections, labels corrected
    as irrelevant, new outlets of a statement, a speaker renamed, a group given a parent."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.held: dict[tuple[str, str], tuple[int, StancePrediction]] = {}
        self.parents = dict(PARENTS)
        self.names = {a[0]: a[1] for a in ACTORS}
        self.rank = self.statement = 0
        self.leaning = {a[0]: self.rng.choice(["favor", "against"]) for a in ACTORS}

    def date(self) -> PartialDate | None:
        r = self.rng.random()
        year = self.rng.choice([2017, 2017, 2018, 2018, 2019])
        month, day = self.rng.randint(1, 12), self.rng.randint(1, 28)
        if r < 0.08:
            return None
        if r < 0.15:
            return PartialDate(year)
        if r < 0.35:
            return PartialDate(year, month)
        return PartialDate(year, month, day)

    def new_statements(self, n: int) -> tuple[list[tuple[int, StancePrediction]], list]:
        out = []
        doc = f"d{self.statement}"
        date = self.date()
        for k in range(n):
            actor_id, _, kind, affiliation = self.rng.choice(ACTORS)
            if self.rng.random() < 0.2:
                self.leaning[actor_id] = "favor" if self.leaning[actor_id] == "against" else "against"
            text = self.rng.choice(TEXTS)
            self.statement += 1
            st = Statement(f"s{self.statement}", doc, date, actor_id, self.names[actor_id], kind, affiliation,
                           "direct", Span(k * 10, k * 10 + len(text), text), Span(k * 10, k * 10 + len(text), text),
                           order=k)
            for issue in self.rng.sample(ISSUES, self.rng.choice([1, 1, 2])):
                stance = self.leaning[actor_id] if self.rng.random() < 0.75 else self.rng.choice(
                    ["favor", "against", "neutral"])
                self.rank += 1
                pred = StancePrediction(st, issue, stance, round(self.rng.uniform(0.3, 1.0), 3))
                out.append((self.rank, pred))
        return out, []

    def step(self) -> tuple[list[tuple[int, StancePrediction]], list[tuple[str, str]], str]:
        """One write: (upserts, removals, what it was)."""
        r = self.rng.random()
        labels = sorted(self.held)
        if r < 0.5 or len(labels) < 5:
            upserts, removals = self.new_statements(self.rng.randint(1, 4))
            what = "new"
        elif r < 0.65:
            label = self.rng.choice(labels)
            rank, pred = self.held[label]
            stance = self.rng.choice(["favor", "against", "neutral"])
            upserts, removals, what = [(rank, dataclasses.replace(pred, stance=stance, confidence=1.0,
                                                                  checked_by="ak"))], [], "corrected"
        elif r < 0.75:
            upserts, removals, what = [], [self.rng.choice(labels)], "irrelevant"
        elif r < 0.87:
            sid = self.rng.choice(labels)[0]
            mine = [(rank, p) for (s, _), (rank, p) in self.held.items() if s == sid]
            st = mine[0][1].statement
            statement = dataclasses.replace(st, sources=(*st.all_sources, f"reprint-{self.rank}"))
            upserts, removals, what = [(rank, dataclasses.replace(p, statement=statement)) for rank, p in mine], [], \
                "source"
        elif r < 0.94:
            actor = self.rng.choice(ACTORS)[0]
            self.names[actor] = self.names[actor] + " Jr" if not self.names[actor].endswith("Jr") else \
                self.names[actor][:-3]
            upserts = [(rank, dataclasses.replace(p, statement=dataclasses.replace(p.statement,
                                                                                   actor=self.names[actor])))
                       for rank, p in self.held.values() if p.statement.actor_id == actor]
            removals, what = [], "renamed"
        else:
            upserts, removals = [], []
            if "Taliban" in self.parents:
                del self.parents["Taliban"]
            else:
                self.parents["Taliban"] = "Afghanistan"
            what = "parents"
        for rank, p in upserts:
            self.held[(p.statement.statement_id, p.issue)] = (rank, p)
        for label in removals:
            del self.held[label]
        return upserts, removals, what

    def full(self, period: str, n_documents: int | None) -> Positions:
        return aggregate([p for _, p in sorted(self.held.values(), key=lambda rp: rp[0])], period, self.parents,
                         n_documents=n_documents)


def assert_same(got: Positions, want: Positions, context: str) -> None:
    for field in dataclasses.fields(Positions):
        a, b = getattr(got, field.name), getattr(want, field.name)
        assert a == b, f"{context}: {field.name} differs\n got {a}\nwant {b}"
    assert got.to_dict() == want.to_dict()


@pytest.mark.parametrize(("period", "seed"), [(period, seed) for period in ("month", "week", "quarter", "year")
                                              for seed in (1, 2, 3)] + [("decay:45", 1), ("decay:200", 3)])
def test_incremental_positions_equal_a_full_aggregation_after_random_writes(period, seed):
    world = World(seed)
    first, _ = world.new_statements(6)
    for rank, p in first:
        world.held[(p.statement.statement_id, p.issue)] = (rank, p)
    state = IncrementalPositions.of(first, period, world.parents, n_documents=1)
    assert_same(state.positions(), world.full(period, 1), f"{period}, seed {seed}, built")
    kinds = set()
    for step in range(45):
        upserts, removals, what = world.step()
        kinds.add(what)
        n_documents = None if step % 7 == 0 else step + 2  # None: the documents the predictions cite
        state.update(upserts, removals, parents=world.parents, n_documents=n_documents)
        want = world.full(period, n_documents)
        assert_same(state.positions(), want, f"{period}, seed {seed}, step {step} ({what})")
        actor = world.rng.choice(ACTORS)[0]
        assert state.actor_points(actor) == [p for p in want.points if p.actor_id == actor]
        assert state.issue_points("bases") == [p for p in want.points if p.issue == "bases"]
    assert kinds >= {"new", "corrected", "irrelevant", "source", "renamed"}


def test_the_writes_exercise_shifts_disagreements_and_groups():
    """The property test above cannot pass vacuously: its worlds hold shifts, group shifts, disagreements,
    statements taken back and undated statements."""
    world = World(2)
    for _ in range(60):
        world.step()
    month = world.full("month", None)
    assert {s.actor_id for s in month.shifts} & {"asif", "khan", "fo", "kirby", "kirby2", "shaheen", "pk"}
    assert {s.actor_id for s in month.shifts} & {"Pakistan", "Government of Pakistan", "US Government"}
    assert month.disagreements and month.corpus.n_undated > 0
    assert len(month.group_points) > 10 and len({p.actor_id for p in month.group_points}) >= 4


def test_an_update_recomputes_only_the_touched_series(monkeypatch):
    """A new statement by one speaker recomputes that speaker's series and their groups', no one else's."""
    import stance.positions.incremental as incremental

    world = World(5)
    built, _ = world.new_statements(4)
    for _ in range(30):
        more, _ = world.new_statements(3)
        built += more
    state = IncrementalPositions.of(built, "month", PARENTS, n_documents=10)
    seen: list[str] = []
    real = incremental._shifts
    monkeypatch.setattr(incremental, "_shifts", lambda key_of, preds, names: seen.extend(
        {p.statement.actor_id for p in preds}) or real(key_of, preds, names))
    st = dataclasses.replace(built[0][1].statement, statement_id="new", actor_id="kirby", actor="John Kirby",
                             affiliation="US Government", date=PartialDate(2018, 3, 3))
    state.update([(10_000, StancePrediction(st, "drones", "favor", 0.9))], n_documents=11)
    assert seen == ["kirby"]
    assert {p.actor_id for p in state.positions().points if p.period == "2018-03" and p.issue == "drones"} >= {"kirby"}


# ------------------------------------------------------------------------------------------------------------------
# the same through a real store: writes of every kind, read back incrementally

SPEAKERS = ["Foreign Minister Khawaja Asif", "Pentagon Press Secretary John Kirby", "Prime Minister Imran Khan",
            "Taliban spokesman Suhail Shaheen", "The Foreign Office", "Defence Minister Khurram Dastgir"]
CLAIMS = ["Pakistan would never give its bases to the United States",
          "drone strikes inside Pakistan must stop at once",
          "the safe havens along the border must be closed down",
          "intelligence sharing with Washington had been suspended",
          "the bases question was no longer on the table"]


def generated_documents(n: int, seed: int, start: int = 0) -> list[dict]:
    """Documents whose sentences name a speaker and an issue; some repeat an earlier quote a day later
    (another outlet of a stored statement)."""
    rng = random.Random(seed)
    out: list[dict] = []
    for k in range(start, start + n):
        lines = [f"{rng.choice(SPEAKERS)} said on day {k}-{j} that {rng.choice(CLAIMS)}."
                 for j in range(rng.randint(1, 3))]
        if out and k % 3 == 0:
            lines.append(out[-1]["text"].split("\n\n")[0])
        date = f"{2016 + k % 3}-{1 + k % 12:02d}" + (f"-{1 + k % 27:02d}" if k % 4 else "")
        out.append({"id": f"gen-{k}", "date": date, "source": f"Outlet {k % 4}", "text": "\n\n".join(lines)})
    return out


POSTGRES = os.environ.get("STANCE_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite"] + (["postgresql"] if POSTGRES else []))
def service_store(request, tmp_path, tiny_model_dir):
    """A store on SQLite, and on PostgreSQL when STANCE_TEST_POSTGRES_URL names one (its schema emptied)."""
    from stance.pipeline.local import Pipeline, load_predictor
    from stance.serve.store import Store

    if request.param == "sqlite":
        store = Store.open(tmp_path / "db")
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(POSTGRES)
        with engine.begin() as c:
            c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        store = Store.open(POSTGRES)
    yield store, Pipeline(model=load_predictor(tiny_model_dir))
    store.close()


def articles_of(docs: list[dict]) -> list:
    from stance.ingest.corpus import make_article

    return [make_article(d["id"], d["text"], "test", date=d["date"], source=d["source"]) for d in docs]


def full_positions(store, period: str) -> Positions:
    return aggregate(store.predictions(), period, store.parents(), n_documents=store.document_count())


PERIODS = ("month", "quarter", "decay:90")


def test_positions_read_through_a_store_equal_a_full_aggregation_after_random_writes(service_store):
    """Ingestion (new statements, new outlets of stored ones), corrections (added, replaced, irrelevant) and
    a new labelling: after each, every period's positions equal a full aggregation of the store, and only a
    new labelling or a deletion makes the service read everything anew."""
    from stance.review.record import Correction
    from stance.serve import queries
    from stance.serve.store.aggregation import live

    store, pipeline = service_store
    rng = random.Random(7)
    docs = generated_documents(40, seed=3)
    store.ingest(articles_of(docs[:8]), pipeline, model_version="tiny@1")
    for period in PERIODS:
        assert_same(queries.positions(store, period), full_positions(store, period), f"{period}, first read")
    steps = ["ingest", "correct", "ingest", "irrelevant", "replace", "ingest", "correct", "ingest"]
    at = 8
    when = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    sources_before = sum(len(p.statement.all_sources) for p in store.predictions())
    for step, what in enumerate(steps):
        labels = sorted((p.statement.statement_id, p.issue) for p in store.predictions())
        if what == "ingest":
            store.ingest(articles_of(docs[at:at + 8]), pipeline, model_version="tiny@1")
            at += 8
        else:
            sid, issue = rng.choice(labels)
            stance = {"correct": rng.choice(["favor", "against"]), "irrelevant": "irrelevant",
                      "replace": "neutral"}[what]
            coder = "ak" if what != "correct" else rng.choice(["ak", "rb"])
            when = when.replace(hour=step)
            if what == "replace":  # the same coder decides again, later: the row is replaced in place
                sid, issue = next((c.statement_id, c.issue) for c in store.corrections())
            store.add_corrections([Correction(sid, issue, stance, coder, when)])
        for period in PERIODS:
            assert_same(queries.positions(store, period), full_positions(store, period), f"{period}, {what} {step}")
        assert live(store).rebuilds == 1, f"read everything anew after {what}"
    assert sum(len(p.statement.all_sources) for p in store.predictions()) > sources_before + 2  # outlets were added
    assert any(p.checked_by for p in store.predictions())

    doc = docs[0]["id"]
    store.delete_document(doc)  # rows deleted: the counts do not add up, so everything is read anew
    assert_same(queries.positions(store), full_positions(store, "month"), "after a deletion")
    assert live(store).rebuilds == 2

    store.relabel(pipeline, model_version="tiny@2")  # another labelling becomes the latest
    assert {p.model for p in queries.positions(store).predictions} == {"tiny@2"}
    assert_same(queries.positions(store), full_positions(store, "month"), "after relabelling")


def test_a_write_between_two_reads_costs_a_few_queries(service_store):
    """A read with nothing new reads the revision alone.  A read after a write reads the revision; the new
    prediction rows and the documents of the latest runs with the statements they carry (two queries); the
    revision again; the new predictions, their statements with speakers and sources, and their corrections
    (three); and, the write being a new run, the actors and their groups (two): nine, none reading every row."""
    from sqlalchemy import event

    from stance.serve import queries

    store, pipeline = service_store
    docs = generated_documents(12, seed=5)
    store.ingest(articles_of(docs[:6]), pipeline, model_version="tiny@1")
    queries.positions(store)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    queries.positions(store)
    assert len(statements) == 1 and statements[0].count("SELECT") >= 9  # the revision: one query
    store.ingest(articles_of(docs[6:]), pipeline, model_version="tiny@1")
    statements.clear()
    queries.positions(store)
    assert len(statements) == 9, statements
    assert not any("FROM documents" in s and "text" in s.split("FROM")[0] for s in statements)  # no document texts


# ------------------------------------------------------------------------------------------------------------------
# the API: lists paged in SQL, scored actors, bare arrays, offline docs, JSON logs, report links

API_DOCS = [
    {"id": "a", "date": "2017-10-09", "source": "Ledger",
     "text": "Pakistan's Foreign Minister Khawaja Asif said on Monday that Pakistan would never give its bases "
             "to the United States.\n\nPentagon Press Secretary John Kirby said the safe havens along the border "
             "must be closed down."},
    {"id": "b", "date": "2013-05", "source": "Courier",
     "text": "The Foreign Office said drone strikes were a violation of Pakistan's sovereignty."},
    {"id": "c", "date": "2021-08-11", "source": "Ledger",
     "text": "Pentagon Press Secretary John Kirby said the safe havens along the border must be closed down."},
    {"id": "d", "source": "Wire",
     "text": "Prime Minister Imran Khan said Pakistan would absolutely not allow any bases for the United States."},
]


@pytest.fixture
def client(tmp_path, tiny_model_dir):
    from fastapi.testclient import TestClient

    from stance.pipeline.local import Pipeline, load_predictor
    from stance.serve.api import Settings, create_app

    pipeline = Pipeline(model=load_predictor(tiny_model_dir))
    app = create_app(Settings(db=str(tmp_path / "db"), model=str(tiny_model_dir)), pipeline=pipeline)
    return TestClient(app, base_url="http://localhost")


def test_a_bare_json_array_is_a_batch(client):
    r = client.post("/documents", json=API_DOCS[:2])
    assert r.status_code == 200, r.text
    assert sorted(r.json()["added"]) == ["a", "b"]
    r = client.post("/documents", json=[API_DOCS[2], {"id": "x", "text": ""}])
    assert r.json()["added"] == ["c"] and [x["index"] for x in r.json()["rejected"]] == [0 + 1]
    r = client.post("/documents", json=[])
    assert r.status_code == 422 and "at least 1 item" in r.text
    schema = client.get("/openapi.json").json()["paths"]["/documents"]["post"]["requestBody"]["content"]
    kinds = schema["application/json"]["schema"]["anyOf"]
    assert {"type": "array", "items": {"additionalProperties": True, "type": "object"}, "minItems": 1,
            "maxItems": 1000} in kinds


def test_statements_are_filtered_and_paged_in_sql(client, monkeypatch):
    from stance.review.record import Correction
    from stance.serve.store import Store

    client.post("/documents", json=API_DOCS)
    store: Store = client.app.state.store
    every = store.predictions()
    assert len(every) >= 4
    real = Store._statements
    monkeypatch.setattr(Store, "predictions", lambda *a, **k: pytest.fail("a list read every prediction"))
    monkeypatch.setattr(Store, "_statements", lambda self, ids=None: pytest.fail("a list read every statement")
                        if ids is None or len(ids) > 500 else real(self, ids))

    def listed(**params) -> list[dict]:
        out, cursor = [], None
        while True:
            page = client.get("/statements", params={**params, "limit": 2, **({"cursor": cursor} if cursor else {})})
            assert page.status_code == 200, page.text
            body = page.json()
            out += body["items"]
            assert body["total"] >= len(out)
            cursor = body["next"]
            if cursor is None:
                assert body["total"] == len(out)
                return out

    assert listed() == [p.to_dict() for p in every]
    assert listed(actor="John Kirby") == [p.to_dict() for p in every if p.statement.actor == "John Kirby"]
    assert listed(actor="john_kirby", issue="safe_havens") == [
        p.to_dict() for p in every if p.statement.actor_id == "john_kirby" and p.issue == "safe_havens"]
    assert [i["statement_id"] for i in listed(since="2017-10", until="2017")] == [
        p.statement.statement_id for p in every if str(p.statement.date) == "2017-10-09"]
    assert [i["date"] for i in listed(since="2021-08-11")] == ["2021-08-11"]
    assert [i["date"] for i in listed(until="2013-05-31")] == ["2013-05"]  # a month reaches into its last day
    assert listed(since="2013-06-01", until="2017-10-08") == []
    by_stance = {s: listed(stance=s) for s in ("favor", "against", "neutral")}
    assert sum(len(v) for v in by_stance.values()) == len(every)

    monkeypatch.undo()
    first, second = every[0], every[1]
    when = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
    flipped = "favor" if first.stance != "favor" else "against"
    store.add_corrections([Correction(first.statement.statement_id, first.issue, flipped, "ak", when),
                           Correction(second.statement.statement_id, second.issue, "irrelevant", "ak", when),
                           Correction(second.statement.statement_id, second.issue, "favor", "ab", when)])
    corrected = store.predictions()  # ak over ab on the same second: ab's favor loses, the label is irrelevant
    assert (second.statement.statement_id, second.issue) not in {(p.statement.statement_id, p.issue)
                                                                 for p in corrected}
    monkeypatch.setattr(Store, "predictions", lambda *a, **k: pytest.fail("a list read every prediction"))
    served = [p.to_dict() for p in corrected]  # a corrected label names its coder (checked_by)
    assert listed() == served and sum("checked_by" in d for d in served) == 1
    assert listed(stance=flipped) == [d for d in served if d["stance"] == flipped]
    assert first.statement.statement_id in {d["statement_id"] for d in listed(stance=flipped)}


def test_actors_are_those_with_a_scored_statement_unless_asked_for_all(client):
    from stance.review.record import Correction
    from stance.serve.store import Store

    client.post("/documents", json=API_DOCS)
    store: Store = client.app.state.store
    speakers = {p.statement.actor_id for p in store.predictions()}
    scored = client.get("/actors", params={"limit": 500}).json()
    assert {a["id"] for a in scored["items"]} == speakers and scored["total"] == len(speakers)
    assert client.get("/actors", params={"scored": "true", "limit": 500}).json() == scored
    every = client.get("/actors", params={"scored": "false", "limit": 500}).json()
    assert every["total"] > len(speakers) + 20 and {a["id"] for a in every["items"]} >= speakers  # the registry's
    names = [a["name"] for a in every["items"]]
    assert names == sorted(names)
    (only,) = [p for p in store.predictions() if p.statement.actor_id == "khawaja_asif"]
    when = dt.datetime(2026, 1, 3, tzinfo=dt.timezone.utc)
    store.add_corrections([Correction(only.statement.statement_id, only.issue, "irrelevant", "ak", when)])
    assert "khawaja_asif" not in {a["id"] for a in client.get("/actors", params={"limit": 500}).json()["items"]}
    assert client.get("/actors", params={"scored": "maybe"}).status_code == 422


def test_documents_are_listed_and_paged_in_sql(client):
    client.post("/documents", json=API_DOCS)
    page = client.get("/documents", params={"limit": 3}).json()
    assert [d["id"] for d in page["items"]] == ["a", "b", "c"] and page["total"] == 4 and page["next"]
    rest = client.get("/documents", params={"limit": 3, "cursor": page["next"]}).json()
    assert rest == {"items": [{"id": "d", "date": None, "source": "Wire", "url": None, "title": None, "author": None,
                               "type": "news"}], "total": 4, "next": None}
    assert [d["id"] for d in client.get("/documents", params={"source": "Ledger"}).json()["items"]] == ["a", "c"]
    assert [d["id"] for d in client.get("/documents", params={"since": "2017"}).json()["items"]] == ["a", "c"]
    assert [d["id"] for d in client.get("/documents", params={"until": "2013-05-01"}).json()["items"]] == ["b"]
    assert client.get("/documents", params={"since": "soon"}).status_code == 422


def test_the_revision_is_read_in_one_query(service_store):
    from sqlalchemy import event

    store, pipeline = service_store
    store.ingest(articles_of(generated_documents(3, seed=1)), pipeline, model_version="tiny@1")
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    first = store.revision()
    assert len(statements) == 1
    assert first == store.revision() and first.documents == 3 and first.predictions == len(store.predictions())


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if found.get("href"):
            self.links.append(found["href"])
        if found.get("id"):
            self.ids.add(found["id"])
        if tag in ("script", "link", "img") and (found.get("src") or found.get("href")):
            self.assets.append(found.get("src") or found["href"])


def parsed(html: str) -> _Links:
    links = _Links()
    links.feed(html)
    return links


def test_docs_and_redoc_work_offline(client):
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "cdn." not in page.text and "fonts.googleapis" not in page.text
        found = parsed(page.text).assets + re.findall(r"""(?:url|spec-url)\s*[:=]\s*['"]([^'"]+)['"]""", page.text)
        assets = [a for a in found if not a.startswith("data:")]
        assert assets and all(a.startswith("/") for a in assets), assets
        for asset in assets:
            assert client.get(asset).status_code == 200, asset
    assert any(a.endswith("swagger-ui-bundle.js") for a in parsed(client.get("/docs").text).assets)
    assert "/docs/assets/redoc.standalone.js" in client.get("/redoc").text
    assert client.get("/docs/assets/redoc.standalone.js").headers["content-type"].startswith(
        ("application/javascript", "text/javascript"))


def test_each_request_is_logged_once_as_json(client, monkeypatch, tmp_path):
    import io

    import uvicorn

    from stance.cli.main import main
    from stance.serve.middleware import JsonLines, json_logs

    logger = logging.getLogger("stance.api")
    before = (list(logger.handlers), logger.level, logger.propagate)
    stream = io.StringIO()
    with json_logs(stream):
        client.get("/health")
        client.get("/actors/nobody/positions")
        logger.warning("not a JSON line")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(x.get("method"), x.get("path"), x.get("status")) for x in lines[:2]] == [
        ("GET", "/health", 200), ("GET", "/actors/nobody/positions", 404)]
    assert lines[2] == {"level": "warning", "logger": "stance.api", "message": "not a JSON line"} and len(lines) == 3
    assert (list(logger.handlers), logger.level, logger.propagate) == before  # put back
    during = {}

    def run(app, **kwargs):
        during.update(kwargs, propagate=logger.propagate,
                      json=[h for h in logger.handlers if isinstance(h.formatter, JsonLines)])

    monkeypatch.setattr(uvicorn, "run", run)
    assert main(["serve", "--db", str(tmp_path / "served"), "--port", "8123"]) == 0
    assert during["access_log"] is False and during["port"] == 8123  # uvicorn's own access line off
    assert during["propagate"] is False and len(during["json"]) == 1  # ours, once, as JSON
    assert (list(logger.handlers), logger.level, logger.propagate) == before


def crawl(client, start: str, limit: int = 300) -> dict[str, str]:
    """Every page reachable from ``start`` by the links of its pages (fragments checked against the ids of
    the page they name): page path -> HTML; fails on a link that does not answer 200 with HTML."""
    pages: dict[str, str] = {}
    todo, anchors = [start], []
    while todo and len(pages) < limit:
        url = todo.pop()
        path = urlsplit(url).path
        if path in pages:
            continue
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), (url, r.status_code)
        pages[path] = r.text
        for href in parsed(r.text).links:
            if href.startswith(("data:", "mailto:")):
                continue
            target = urljoin(f"http://localhost{url}", href)
            parts = urlsplit(target)
            assert parts.netloc == "localhost", (url, href)
            if parts.fragment:
                anchors.append((url, href, unquote(parts.path), unquote(parts.fragment)))
            todo.append(parts.path)
    for url, href, path, fragment in anchors:
        page = pages.get(path) or client.get(path).text
        assert fragment in parsed(page).ids, f"{url}: {href} names no element of {path}"
    return pages


def test_every_link_of_the_served_report_works(client):
    client.post("/documents", json=API_DOCS)
    pages = crawl(client, "/report/actors/khawaja_asif")
    kinds = {path.split("/")[2] if path.count("/") > 1 else "index" for path in pages}
    assert kinds >= {"index", "actors", "issues", "docs"}, sorted(pages)
    assert "/report/actors/khawaja_asif" in pages and "/report" in pages
    assert not any(re.search(r'href="(?:\.\./)*(?:actors|issues|docs)/[^"]*\.html', html) for html in pages.values())
    groups = [p for p in pages if p.startswith("/report/groups/")]
    assert groups, sorted(pages)
    assert client.get("/report/groups/Nobody").status_code == 404
    assert client.get("/report/issues/nope").json() == {"detail": "no statements on issue 'nope'"}
    assert client.get("/report/docs/nope").json() == {"detail": "no document 'nope' in the store"}


def test_reads_while_this_process_ingests_answer_from_points_a_thread_keeps_current(service_store, monkeypatch):
    """While this process ingests, a position read runs no query (it takes the points a thread publishes), and the
    thread brings them to the store's revision; when the ingestion ends, reads are exact again."""
    from sqlalchemy import event

    from stance.serve.store import aggregation
    from stance.serve.store.aggregation import LivePositions, live

    store, pipeline = service_store
    docs = generated_documents(16, seed=9)
    store.ingest(articles_of(docs[:4]), pipeline, model_version="tiny@1")
    positions = live(store)
    first = positions.index("month")
    monkeypatch.setattr(aggregation, "FOLLOW_SECONDS", 0.02)
    statements: list[str] = []
    with positions.following():
        assert "stance-positions" in threading_names()
        store.ingest(articles_of(docs[4:]), pipeline, model_version="tiny@1")
        exact = LivePositions(store).index("month")
        reader = threading.current_thread()  # the follower's own queries are not the read's
        event.listen(store.engine, "before_cursor_execute",
                     lambda *a: statements.append(a[2]) if threading.current_thread() is reader else None)
        seen = [positions.index("month")]
        while seen[-1] != exact and len(seen) < 400:
            time.sleep(0.05)
            seen.append(positions.index("month"))
        assert seen[-1] == exact and statements == []  # caught up by the thread; the reads ran no query
    assert positions.writers == 0 and "stance-positions" not in threading_names()
    assert positions.index("month") == exact and statements  # exact again: read through the store
    assert sum(len(points) for points in exact.by_actor.values()) > sum(len(p) for p in first.by_actor.values())


def threading_names() -> set[str]:
    return {t.name for t in threading.enumerate()}
