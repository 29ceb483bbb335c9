"""The HTTP API on SQLite through FastAPI's TestClient, with the tiny model."""

import pytest
from fastapi.testclient import TestClient

from stance.serve.api import Settings, check_bind, create_app
from stance.errors import StanceError
from stance.pipeline.local import Pipeline, load_predictor
from stance.serve.queries import hash_key, load_key_hashes, new_key
from stance.serve.store import Store

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
    def make(**settings):
        settings.setdefault("db", str(tmp_path / "db"))
        settings.setdefault("model", str(tiny_model_dir))
        pipeline = Pipeline(model=load_predictor(tiny_model_dir))
        return TestClient(create_app(Settings(**settings), pipeline=pipeline))
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
    timeline = client.get("/issues/safe_havens/timeline").json()
    assert [i["actor"] for i in timeline["items"]] == ["John Kirby"]
    html = client.get("/report/actors/khawaja_asif")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Khawaja Asif" in html.text and "<svg" in html.text
    assert client.get("/health").json()["documents"] == 3
    assert "/actors/{actor_id}/positions" in client.get("/openapi.json").json()["paths"]


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
    assert client.get("/actors").status_code == 200  # reads stay open


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
