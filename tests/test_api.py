"""The HTTP API on SQLite through FastAPI's TestClient, with the tiny model."""

import sqlite3

import pytest
from fastapi.testclient import TestClient

from stance.errors import ConfigError, InputError, StanceError
from stance.pipeline.local import Pipeline, load_predictor
from stance.registries.issues import IssueRegistry
from stance.serve import queries
from stance.serve.api import Settings, check_bind, create_app
from stance.serve.errors import UNAVAILABLE_DETAIL, KeyRequired, NotFound, NothingAccepted, status_of
from stance.serve.keys import hash_key, load_key_hashes, new_key
from stance.serve.store import CursorError, Store, StoreError

DOCS = [
    {"id": "a", "date": "2017-10-09", "source": "Ledger",
     "text": "Pakistan's Foreign Minister Khawaja Asif said on Monday that Pakistan would never give its bases "
             "to the United States."},
    {"id": "b", "date": "2013-05-02",
     "text": "The Foreign Office said drone strikes were a violation of Pakistan's sovereignty."},
    {"id": "c", "date": "2021-08-11",
     "text": "Pentagon Press Secretary John Kirby said the safe havens along the border must be closed down."},
]


@pytest.fixture
def make_client(tmp_path, tiny_model_dir):
    def make(store=None, **settings):
        settings.setdefault("db", str(tmp_path / "db"))
        settings.setdefault("model", str(tiny_model_dir))
        pipeline = Pipeline(model=load_predictor(tiny_model_dir))
        return TestClient(create_app(Settings(**settings), store=store, pipeline=pipeline), base_url="http://localhost")
    return make


def test_post_query_and_paginate(make_client):
    client = make_client()
    assert client.get("/health").json() == {"status": "ok", "documents": 0, "model": None}
    r = client.post("/documents", json={"documents": DOCS})
    assert r.status_code == 200, r.text
    body = r.json()
    assert sorted(body["added"]) == ["a", "b", "c"] and body["known"] == [] and body["statements_added"] >= 3
    again = client.post("/documents", json={"documents": DOCS}).json()
    assert again["added"] == [] and sorted(again["known"]) == ["a", "b", "c"] and again["statements_added"] == 0
    single = client.post("/documents", json={"text": DOCS[0]["text"], "id": "a"}).json()
    assert single["known"] == ["a"]

    page = client.get("/actors", params={"limit": 2}).json()
    assert set(page) == {"items", "total", "next"} and len(page["items"]) == 2 and page["next"]
    rest = client.get("/actors", params={"limit": 2, "cursor": page["next"]}).json()
    assert rest["next"] is None and len(page["items"]) + len(rest["items"]) == page["total"]

    statements = client.get("/statements", params={"actor": "khawaja_asif"}).json()
    assert statements["total"] >= 1 and statements["items"][0]["actor"] == "Khawaja Asif"
    pos = client.get("/actors/khawaja_asif/positions", params={"issue": "military_bases"}).json()
    assert pos["items"][0]["period"] == "2017-10" and pos["next"] is None
    assert client.get("/actors/john_kirby/positions", params={"since": "2022"}).json()["total"] == 0
    kept = client.get("/actors/khawaja_asif/positions", params={"since": "2017-10-20", "until": "2017-10"}).json()
    assert [p["period"] for p in kept["items"] if p["issue"] == "military_bases"] == ["2017-10"]
    assert client.get("/actors/khawaja_asif/positions", params={"until": "2017-09"}).json()["total"] == 0
    bad = client.get("/actors/khawaja_asif/positions", params={"since": "last week"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "since"]
    assert "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found 'last week'" in bad.json()["detail"][0]["msg"]
    timeline = client.get("/issues/safe_havens/timeline").json()
    assert [i["actor"] for i in timeline["items"]] == ["John Kirby"]
    html = client.get("/report/actors/khawaja_asif")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Khawaja Asif" in html.text and "<svg" in html.text
    assert client.get("/health").json()["documents"] == 3
    assert "/actors/{actor_id}/positions" in client.get("/openapi.json").json()["paths"]

    # the response models keep every key the records write, and nothing else
    store: Store = client.app.state.store
    items = client.get("/statements", params={"limit": 500}).json()["items"]
    assert items == [p.to_dict() for p in store.predictions()]
    points = client.get("/actors/khawaja_asif/positions", params={"limit": 500}).json()["items"]
    assert points == [p.to_dict() for p in queries.positions(store).points if p.actor_id == "khawaja_asif"]
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert list(schemas["StatementOut"]["properties"]) == [*items[0], "checked_by"]  # checked_by: once corrected
    assert list(schemas["PointOut"]["properties"]) == list(points[0])
    assert list(schemas["ActorOut"]["properties"]) == list(page["items"][0])
    assert list(schemas["IngestResult"]["properties"]) == list(body)
    listed = client.get("/issues", params={"limit": 500}).json()  # the shipped registry, as the pipeline's
    assert [i["id"] for i in listed["items"]] == list(IssueRegistry.load())
    assert listed["registry_version"] == IssueRegistry.load().version() and listed["next"] is None
    assert list(schemas["IssueOut"]["properties"]) == list(listed["items"][0])
    assert list(schemas["IssuePage"]["properties"]) == list(listed)


def test_errors_name_what_is_wrong(make_client):
    client = make_client()
    r = client.post("/documents", json={"documents": [{"id": "x", "text": ""}, DOCS[2], {"txt": "no text"}]})
    assert r.status_code == 200
    body = r.json()
    assert body["added"] == ["c"]
    assert [(x["index"], x["id"]) for x in body["rejected"]] == [(0, "x"), (2, None)]
    assert body["rejected"][0]["error"].startswith("text: String should have at least 1 character")
    assert body["rejected"][1]["error"].startswith("text: Field required")
    r = client.post("/documents", json={"documents": "not a list"})
    assert r.status_code == 422 and "documents" in r.text
    assert client.post("/documents", json={"documents": [{"text": ""}]}).status_code == 422
    assert client.get("/statements", params={"stance": "maybe"}).status_code == 422
    assert client.get("/actors/nobody/positions").status_code == 404
    assert client.get("/issues/nope/timeline").json()["detail"] == "no issue 'nope' in the registry"
    assert client.get("/actors", params={"cursor": "zzz"}).status_code == 400
    r = client.get("/actors/john_kirby/positions", params={"period": "fortnight"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "period"]
    assert client.get("/issues/safe_havens/timeline", params={"period": "decay:0"}).status_code == 422
    assert client.get("/issues/safe_havens/timeline", params={"period": "decay:30"}).json()["total"] == 1


def test_each_error_type_has_its_status():
    from sqlalchemy.exc import OperationalError

    assert status_of(StoreError("the database at x refused the run")) == 503
    assert status_of(OperationalError("SELECT 1", {}, Exception("database is locked"))) == 503
    assert status_of(NotFound("no actor 'x'")) == 404
    assert status_of(KeyRequired("no key")) == 401
    assert status_of(NothingAccepted({"rejected": []})) == 422
    assert status_of(CursorError("cursor 'x'")) == 400
    assert status_of(ConfigError("out of range")) == 400 and status_of(InputError("f", "bad")) == 400
    assert status_of(RuntimeError("a bug")) == 500

    class Locked(StoreError):  # a subclass the store may add takes its parent's status
        pass

    assert status_of(Locked("locked")) == 503


def test_errors_answer_with_their_status_and_message(make_client, tmp_path):
    keys = tmp_path / "keys.txt"
    key = new_key(keys)
    client = make_client(key_hashes=load_key_hashes(keys), public_reads=True)
    r = client.post("/documents", json=DOCS[1])
    assert r.status_code == 401 and r.json() == {"detail": "this endpoint needs a valid X-API-Key header"}
    r = client.post("/documents", json={"documents": [{"text": ""}]}, headers={"X-API-Key": key})
    assert r.status_code == 422
    assert r.json() == {"detail": {"run_id": None, "added": [], "known": [], "statements_added": 0, "sources_added": 0,
                                   "rejected": [{"index": 0, "id": None,
                                                 "error": "text: String should have at least 1 character"}]}}
    r = client.get("/actors/nobody/positions")
    assert r.status_code == 404 and r.json() == {"detail": "no actor 'nobody'; GET /actors lists them"}
    r = client.get("/report/actors/nobody")
    assert r.status_code == 404 and r.json() == {"detail": "no statements by actor 'nobody'"}
    r = client.get("/statements", params={"cursor": "zzz"})
    assert r.status_code == 400 and r.json() == {
        "detail": "cursor 'zzz' is not one this server handed out; use the `next` value of the previous page"}


def test_locked_store_is_a_503_with_its_message(make_client, tmp_path):
    client = make_client(store=Store.open(tmp_path / "db", timeout=0.2))
    blocker = sqlite3.connect(tmp_path / "db" / "stance.db")
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        r = client.post("/documents", json=DOCS[1])
        assert client.get("/actors").status_code == 200  # readers are not blocked (WAL)
    finally:
        blocker.rollback()
        blocker.close()
    assert r.status_code == 503
    assert r.json()["detail"].startswith("the database at sqlite:///")
    assert r.json()["detail"].endswith("stance.db refused the run (database is locked); nothing was written; "
                                       "try again when no other process holds it")
    assert client.get("/health").json()["documents"] == 0
    assert client.post("/documents", json=DOCS[1]).json()["added"] == ["b"]  # the lock gone, the same request works


def test_oversized_request_is_refused(make_client):
    client = make_client(max_body=2000)
    r = client.post("/documents", json={"text": "x " * 5000})
    assert r.status_code == 413 and "over 2000 bytes" in r.json()["detail"]


def test_api_keys_guard_writes(make_client, tmp_path):
    keys = tmp_path / "keys.txt"
    key = new_key(keys)
    assert load_key_hashes(keys) == {hash_key(key)} and key not in keys.read_text()
    client = make_client(key_hashes=load_key_hashes(keys))
    assert client.post("/documents", json=DOCS[1]).status_code == 401
    assert client.post("/documents", json=DOCS[1], headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.post("/documents", json=DOCS[1], headers={"X-API-Key": key}).json()["added"] == ["b"]
    assert client.get("/actors").status_code == 401  # reads need a key too (unless public_reads)
    assert client.get("/actors", headers={"X-API-Key": key}).status_code == 200


def test_no_keys_means_loopback_only():
    check_bind("127.0.0.1", frozenset())
    check_bind("0.0.0.0", frozenset({"hash"}))
    with pytest.raises(StanceError, match=r"refusing to listen on 0.0.0.0: no API keys are configured"):
        check_bind("0.0.0.0", frozenset())


def test_database_gone_is_a_clear_503(make_client, tmp_path):
    client = make_client()
    store: Store = client.app.state.store
    store.engine.dispose()
    (tmp_path / "db" / "stance.db").unlink()
    (tmp_path / "db").rmdir()
    r = client.post("/documents", json=DOCS[1])
    assert r.status_code == 503 and "database" in r.json()["detail"]
    r = client.get("/health")  # a read the store does not wrap: the driver's error, answered without its SQL
    assert r.status_code == 503 and r.json() == {"detail": UNAVAILABLE_DETAIL}


def test_openapi_lists_the_response_schema_of_every_json_route(make_client):
    spec = make_client().get("/openapi.json").json()
    expected = {("get", "/health"): "Health", ("post", "/documents"): "IngestResult",
                ("get", "/actors"): "Page_ActorOut_", ("get", "/actors/{actor_id}/positions"): "Page_PointOut_",
                ("get", "/issues/{issue_id}/timeline"): "Page_PointOut_", ("get", "/statements"): "Page_StatementOut_",
                ("get", "/issues"): "IssuePage", ("delete", "/documents/{doc_id}"): "DocumentDeleted",
                ("get", "/documents"): "Page_DocumentOut_"}
    json_routes = {(method, path) for path, ops in spec["paths"].items() for method, op in ops.items()
                   if "application/json" in op["responses"]["200"]["content"]}
    assert json_routes == set(expected)
    for (method, path), name in expected.items():
        ok = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": f"#/components/schemas/{name}"}, (method, path)
    schemas = spec["components"]["schemas"]
    for page in ("Page_ActorOut_", "Page_PointOut_", "Page_StatementOut_"):
        assert list(schemas[page]["properties"]) == ["items", "total", "next"]
    assert list(schemas["Health"]["properties"]) == ["status", "documents", "model"]
    assert schemas["Rejection"]["required"] == ["error"]  # index is absent on the store's own rejections
    problem = {"$ref": "#/components/schemas/Problem"}
    responses = spec["paths"]["/actors/{actor_id}/positions"]["get"]["responses"]
    assert responses["404"]["content"]["application/json"]["schema"] == problem
    assert spec["paths"]["/report/actors/{actor_id}"]["get"]["responses"]["404"]["content"] == {
        "application/json": {"schema": problem}}
    assert spec["paths"]["/documents"]["post"]["responses"]["503"]["content"]["application/json"]["schema"] == problem


ISSUES = """issues:
  - id: harbour_tolls
    label: Harbour tolls
    target: The harbour tolls should stay.
    description: Tolls on ships using the city harbour.
    keywords: [harbour tolls, tolls]
"""
ACTORS = """actors:
  - {id: city_council, name: City Council, type: organisation}
  - {id: jane_roe, name: Jane Roe, type: person, affiliation: City Council, aliases: [Roe, Mayor Roe]}
"""


def test_a_custom_registry_is_served_and_used(tmp_path, tiny_model_dir):
    (tmp_path / "issues.yaml").write_text(ISSUES, encoding="utf-8")
    (tmp_path / "actors.yaml").write_text(ACTORS, encoding="utf-8")
    settings = Settings(db=str(tmp_path / "db"), model=str(tiny_model_dir), tagger="none",
                        issues=str(tmp_path / "issues.yaml"), actors=str(tmp_path / "actors.yaml"))
    client = TestClient(create_app(settings), base_url="http://localhost")  # the pipeline: built on the first POST
    listed = client.get("/issues").json()
    assert listed == {"items": [{"id": "harbour_tolls", "label": "Harbour tolls",
                                 "target": "The harbour tolls should stay.",
                                 "description": "Tolls on ships using the city harbour.",
                                 "keywords": ["harbour tolls", "tolls"]}],
                      "total": 1, "next": None,
                      "registry_version": IssueRegistry.load(tmp_path / "issues.yaml").version()}
    doc = {"id": "council", "date": "2024-03-05",
           "text": "Mayor Jane Roe said on Tuesday that the harbour tolls must be abolished this year."}
    assert client.post("/documents", json=doc).json()["added"] == ["council"]
    (item,) = client.get("/statements").json()["items"]
    assert (item["actor_id"], item["affiliation"], item["issue"]) == ("jane_roe", "City Council", "harbour_tolls")
    points = client.get("/actors/jane_roe/positions").json()["items"]
    assert [(p["issue"], p["period"]) for p in points] == [("harbour_tolls", "2024-03")]
    assert client.get("/issues/harbour_tolls/timeline").json()["total"] == 1
    assert client.get("/issues/military_bases/timeline").status_code == 404  # not the shipped registry
    html = client.get("/report/actors/jane_roe")
    assert html.status_code == 200 and "Harbour tolls" in html.text


def test_a_bad_registry_stops_the_app_before_it_serves(tmp_path):
    (tmp_path / "issues.yaml").write_text("issues: []\n", encoding="utf-8")
    with pytest.raises(StanceError, match=r"issues.yaml: expected a top-level 'issues' list with at least one issue"):
        create_app(Settings(db=str(tmp_path / "db"), issues=str(tmp_path / "issues.yaml")))


def test_posted_documents_keep_title_author_and_type(make_client, tmp_path):
    """An op-ed posted with its author speaks in the author's voice; a bad type is refused with the allowed ones."""
    from stance.serve.store import Store

    client = make_client()
    oped = {"id": "o", "date": "2021-06-20", "type": "op-ed", "author": "Nadia Farooqui", "title": "No bases",
            "text": "Pakistan must never again give military bases to another country for its wars. "
                    "The cost was too high."}
    body = client.post("/documents", json={"documents": [oped, {"id": "z", "text": "Some words here.",
                                                                 "type": "blog"}]}).json()
    assert body["added"] == ["o"]
    assert [x["id"] for x in body["rejected"]] == ["z"]
    assert "expected one of news, speech" in body["rejected"][0]["error"]
    stored = Store.open(tmp_path / "db").articles({"o"})["o"]
    assert (stored.title, stored.author, stored.doc_type) == ("No bases", "Nadia Farooqui", "op-ed")
    rows = client.get("/statements").json()["items"]
    assert rows and {r["actor"] for r in rows} == {"Nadia Farooqui"}


def test_statements_name_the_coder_of_a_corrected_label(make_client):
    import datetime as dt

    from stance.review.record import Correction

    client = make_client()
    client.post("/documents", json={"documents": DOCS})
    store: Store = client.app.state.store
    first = store.predictions()[0]
    flipped = "favor" if first.stance != "favor" else "against"
    store.add_corrections([Correction(first.statement.statement_id, first.issue, flipped, "ak",
                                      dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc))])
    items = client.get("/statements", params={"limit": 500}).json()["items"]
    assert items == [p.to_dict() for p in store.predictions()]  # the records' keys: checked_by only once checked
    checked = {(i["statement_id"], i["issue"]): i.get("checked_by") for i in items}
    assert checked.pop((first.statement.statement_id, first.issue)) == "ak" and set(checked.values()) == {None}
