"""Access control of the HTTP service (issue 20): keys on reads and writes, the keys file, the key checked
before the body, body limit and timeout, the Host check, the key id in the access log, and bad query values
answered 400/422, never 500."""

import asyncio
import base64
import json
import logging
import time

import pytest
from fastapi.testclient import TestClient

from stance.cli.main import main
from stance.errors import InputError
from stance.pipeline.local import Pipeline, load_predictor
from stance.positions.periods import decay_days
from stance.serve.api import Settings, create_app
from stance.serve.keys import hash_key, key_id, load_key_hashes, new_key
from stance.serve.middleware import HostCheck

LOCAL = "http://localhost"
DOC = {"id": "b", "date": "2013-05-02",
       "text": "The Foreign Office said drone strikes were a violation of Pakistan's sovereignty."}
NEEDS_KEY = {"detail": "this endpoint needs a valid X-API-Key header"}


@pytest.fixture
def served(monkeypatch):
    """``stance serve`` without a server: ``uvicorn.run`` records its arguments (a server that would start
    returns at once), and the ``stance.api`` logger is put back as it was afterwards."""
    import uvicorn

    logger = logging.getLogger("stance.api")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    started: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    yield started
    logger.handlers[:], logger.propagate = saved[0], saved[2]
    logger.setLevel(saved[1])


@pytest.fixture
def keyed(tmp_path):
    """A keys file with one key, and that key."""
    keys = tmp_path / "keys.txt"
    return keys, new_key(keys)


def app_for(tmp_path, **settings):
    settings.setdefault("db", str(tmp_path / "db"))
    return create_app(Settings(**settings))


def client_for(tmp_path, base_url=LOCAL, **settings):
    return TestClient(app_for(tmp_path, **settings), base_url=base_url, raise_server_exceptions=False)


def call(app, method, path, chunks, headers=(), delay=0.0):
    """Run one request through the ASGI app by hand: the body in ``chunks``, ``delay`` seconds before
    each chunk after the first.  Answers the status, the JSON body and how many chunks the app read."""
    sent, read = [], 0

    async def receive():
        nonlocal read
        if read >= len(chunks):
            await asyncio.sleep(3600)  # no disconnect: the client just waits for the answer
        if read:
            await asyncio.sleep(delay)
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "path": path,
             "raw_path": path.encode(), "root_path": "", "scheme": "http", "query_string": b"",
             "headers": [(b"host", b"localhost"), *headers], "client": ("127.0.0.1", 5000),
             "server": ("127.0.0.1", 8000)}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 10))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), read


# --- keys: reads too, unless --public-reads -------------------------------------------------------------------

def test_with_keys_reads_need_a_key_too(tmp_path, keyed):
    keys, key = keyed
    client = client_for(tmp_path, keys_file=str(keys))  # the file is read by create_app
    for path in ("/actors", "/statements", "/issues", "/issues/safe_havens/timeline", "/report/actors/x"):
        r = client.get(path)
        assert (r.status_code, r.json()) == (401, NEEDS_KEY), path
    assert client.get("/actors", headers={"X-API-Key": key}).status_code == 200
    r = client.get("/actors", headers={"X-API-Key": "wrong"})
    assert (r.status_code, r.json()) == (401, {"detail": "this endpoint needs a valid X-API-Key header; the one "
                                                         "sent is not one of this server's keys"})
    for path in ("/health", "/openapi.json", "/docs"):  # whether it is up, and how to call it
        assert client.get(path).status_code == 200, path


def test_public_reads_open_reads_only(tmp_path, keyed):
    keys, _ = keyed
    client = client_for(tmp_path, key_hashes=load_key_hashes(keys), public_reads=True)
    assert client.get("/actors").status_code == 200
    assert client.get("/issues").json()["total"] == 5
    r = client.post("/documents", json=DOC)
    assert (r.status_code, r.json()) == (401, NEEDS_KEY)
    assert client.get("/actors", headers={"X-API-Key": "wrong"}).status_code == 401  # a wrong key is never ignored


def test_without_keys_everything_is_open_on_loopback(tmp_path):
    assert client_for(tmp_path).get("/actors").status_code == 200


# --- the keys file ----------------------------------------------------------------------------------------------

def test_an_empty_or_missing_keys_file_is_an_error_naming_the_fix(tmp_path):
    empty, missing = tmp_path / "empty.txt", tmp_path / "missing.txt"
    empty.write_text("# no keys yet\n\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_key_hashes(empty)
    assert str(raised.value) == (f"{empty}: no API key hashes in the file; expected one SHA-256 hash per line; "
                                 f"create one with `stance key new --keys {empty}`")
    with pytest.raises(InputError) as raised:
        load_key_hashes(missing)
    assert str(raised.value) == (f"{missing}: no such keys file; expected a file of API key hashes; "
                                 f"create one with `stance key new --keys {missing}`")
    with pytest.raises(InputError, match=r"empty.txt: no API key hashes in the file"):
        create_app(Settings(db=str(tmp_path / "db"), keys_file=str(empty)))  # not an app with open writes


def test_a_key_pasted_into_the_keys_file_is_refused_without_repeating_it(tmp_path):
    keys = tmp_path / "keys.txt"
    key = new_key(keys)
    with keys.open("a", encoding="utf-8") as handle:
        handle.write(f"# pasted by mistake:\n{key}\n")
    with pytest.raises(InputError) as raised:
        load_key_hashes(keys)
    assert str(raised.value) == (f"{keys}:3: expected a SHA-256 key hash (64 hex digits), found a line of 43 "
                                 "characters that is not one; a keys file holds only the hashes "
                                 f"`stance key new --keys {keys}` writes, never a key")
    assert key not in str(raised.value)
    keys.write_text(hash_key(key).upper() + "\n", encoding="utf-8")  # an upper-case hash still matches
    assert load_key_hashes(keys) == {hash_key(key)}


def test_serve_stops_on_an_empty_keys_file_and_on_options_that_mean_nothing(tmp_path, capsys, served):
    empty = tmp_path / "keys.txt"
    empty.write_text("", encoding="utf-8")
    db = str(tmp_path / "db")
    assert main(["serve", "--db", db, "--keys", str(empty)]) == 2
    assert capsys.readouterr().err == (f"stance serve: error: {empty}: no API key hashes in the file; expected one "
                                       f"SHA-256 hash per line; create one with `stance key new --keys {empty}`\n")
    assert main(["serve", "--db", db, "--public-reads"]) == 2
    assert capsys.readouterr().err == ("stance serve: error: --public-reads opens reads to callers without a key, "
                                       "but no --keys is given, so every route is open already; add --keys FILE "
                                       "or drop --public-reads\n")
    assert main(["serve", "--db", db, "--body-timeout", "0"]) == 2
    assert capsys.readouterr().err == ("stance serve: error: --body-timeout is the seconds a client has to send a "
                                       "request body; expected a number above 0, found 0\n")
    assert served == {}  # no server was started


# --- the key before the body ------------------------------------------------------------------------------------

def test_the_key_is_checked_before_the_body_is_parsed(tmp_path, keyed):
    keys, key = keyed
    client = client_for(tmp_path, keys_file=str(keys))
    for body in ("{not json", '{"documents": "not a list"}'):
        r = client.post("/documents", content=body, headers={"content-type": "application/json"})
        assert (r.status_code, r.json()) == (401, NEEDS_KEY), body
    r = client.post("/documents", content="{not json", headers={"content-type": "application/json",
                                                                 "X-API-Key": key})
    assert r.status_code == 422  # with the key, the body is read and found malformed
    # and the body is not even read: the app never asks for it
    status, answer, read = call(client.app, "POST", "/documents", [b"{not json"],
                                headers=[(b"content-type", b"application/json")])
    assert (status, answer, read) == (401, NEEDS_KEY, 0)


# --- body limit and timeout -------------------------------------------------------------------------------------

def test_a_chunked_body_over_the_limit_is_413(tmp_path):
    client = client_for(tmp_path, max_body=2000)

    def chunks():
        for _ in range(10):
            yield b"x" * 500

    r = client.post("/documents", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in r.request.headers and r.request.headers["transfer-encoding"] == "chunked"
    assert (r.status_code, r.json()) == (413, {"detail": "request body over 2000 bytes; send smaller batches"})
    status, _, read = call(client.app, "POST", "/documents", [b"x" * 1500] * 5)
    assert (status, read) == (413, 2)  # answered as soon as the limit is passed; the rest is never read


def test_a_slow_body_times_out_with_408(tmp_path):
    app = app_for(tmp_path, body_timeout=0.3)
    started = time.perf_counter()
    status, answer, _ = call(app, "POST", "/documents", [b'{"text": ', b'"slow"}'], delay=5)
    assert time.perf_counter() - started < 3
    assert (status, answer) == (408, {"detail": "the request body did not arrive within 0.3 seconds; send it in "
                                                "one go, or in smaller batches"})
    status, answer, read = call(app, "POST", "/documents", [b"{not", b" json}"], delay=0.01,
                                headers=[(b"content-type", b"application/json")])
    assert (status, read) == (422, 2)  # a body in two quick chunks is read whole and parsed
    assert answer["detail"][0]["type"] == "json_invalid"


def test_a_content_length_that_is_not_a_number_is_400(tmp_path):
    status, answer, _ = call(app_for(tmp_path), "POST", "/documents", [b"{}"], headers=[(b"content-length", b"ten")])
    assert (status, answer) == (400, {"detail": "Content-Length 'ten' is not a number of bytes; send the body's "
                                                "length in bytes, or no Content-Length"})


# --- Host -------------------------------------------------------------------------------------------------------

def test_host_must_name_the_server(tmp_path):
    for url in ("http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000", "http://LOCALHOST."):
        assert client_for(tmp_path, base_url=url).get("/health").status_code == 200, url
    r = client_for(tmp_path, base_url="http://rebound.example:8000").get("/actors")  # DNS rebinding
    assert (r.status_code, r.json()) == (400, {
        "detail": "Host 'rebound.example:8000' is not a name this server answers to (127.0.0.1, localhost, ::1); "
                  "if it is yours, start the server with --allowed-hosts rebound.example"})
    named = client_for(tmp_path, base_url="http://api.example.org", allowed_hosts=("api.example.org",))
    assert named.get("/health").status_code == 200
    assert client_for(tmp_path, allowed_hosts=("api.example.org",)).get("/health").status_code == 400
    anywhere = client_for(tmp_path, base_url="http://10.1.2.3", host="0.0.0.0", key_hashes=frozenset({"h"}))
    assert anywhere.get("/health").status_code == 200


def test_the_hosts_answered_for_each_bind():
    assert Settings().answered_hosts() == ("127.0.0.1", "localhost", "::1")
    assert Settings(host="::1").answered_hosts() == ("::1", "127.0.0.1", "localhost")
    assert Settings(host="10.0.0.5").answered_hosts() == ("10.0.0.5",)
    assert Settings(host="::").answered_hosts() == ("*",)
    check = HostCheck(None, ["*.example.org", "[::1]"])
    assert [check.allows(h) for h in (b"api.example.org", b"example.org", b"[::1]:80", b"x@api.example.org",
                                      None)] == [True, False, True, False, False]


def test_serve_passes_its_access_options_to_the_app(tmp_path, keyed, served):
    keys, _ = keyed
    started = served
    assert main(["serve", "--db", str(tmp_path / "db"), "--keys", str(keys), "--host", "0.0.0.0", "--public-reads",
                 "--allowed-hosts", "api.example.org, 10.0.0.5", "--body-timeout", "5", "--tagger", "none"]) == 0
    settings = started["app"].state.settings
    assert (settings.public_reads, settings.allowed_hosts, settings.body_timeout, settings.host) == (
        True, ("api.example.org", "10.0.0.5"), 5.0, "0.0.0.0")
    assert settings.key_hashes == load_key_hashes(keys) and started["host"] == "0.0.0.0"


# --- the key's id in the log ------------------------------------------------------------------------------------

def test_every_write_is_logged_with_its_key_id(tmp_path, keyed, tiny_model_dir, caplog):
    keys, key = keyed
    settings = Settings(db=str(tmp_path / "db"), model=str(tiny_model_dir), keys_file=str(keys))
    client = TestClient(create_app(settings, pipeline=Pipeline(model=load_predictor(tiny_model_dir))),
                        base_url=LOCAL)
    caplog.set_level(logging.INFO, logger="stance.api")
    assert client.post("/documents", json=DOC, headers={"X-API-Key": key}).json()["added"] == ["b"]
    assert client.post("/documents", json=DOC).status_code == 401
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "stance.api"]
    assert [(x["method"], x["status"], x["key"]) for x in lines] == [
        ("POST", 200, key_id(hash_key(key))), ("POST", 401, None)]
    assert len(lines[0]["key"]) == 8 and hash_key(key).startswith(lines[0]["key"])
    assert key not in caplog.text


# --- bad query values: 400/422, never 500 -----------------------------------------------------------------------

@pytest.mark.parametrize("period", ["century", "decay:0", "decay:-1", "decay:nan", "decay:inf", "decay:soon"])
def test_a_bad_period_is_422(tmp_path, period):
    client = client_for(tmp_path)
    for path in ("/issues/safe_havens/timeline", "/actors/khawaja_asif/positions"):
        r = client.get(path, params={"period": period})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "period"], (path, r.text)
    if period.startswith("decay:"):
        assert r.json()["detail"][0]["msg"] == ("Value error, a moving window is written decay:DAYS with DAYS > 0 "
                                                f"(the half-life), found {period!r}")


def test_decay_days_refuses_windows_that_are_not_a_finite_positive_number():
    assert decay_days("decay:30") == 30.0 and decay_days("year") is None
    for bad in ("decay:nan", "decay:inf", "decay:-inf", "decay:0", "decay:-1"):
        with pytest.raises(ValueError, match=r"with DAYS > 0"):
            decay_days(bad)


@pytest.mark.parametrize("offset", [2**63, 10**30, -5, "05", "+5"])
def test_a_cursor_this_server_never_hands_out_is_400(tmp_path, offset):
    cursor = base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")
    client = client_for(tmp_path)
    for path in ("/actors", "/statements", "/issues", "/issues/safe_havens/timeline"):
        r = client.get(path, params={"cursor": cursor})
        assert (r.status_code, r.json()) == (400, {
            "detail": f"cursor {cursor!r} is not one this server handed out; use the `next` value of the previous "
                      "page"}), path
    assert client.get("/issues", params={"limit": 2, "cursor": client.get("/issues", params={"limit": 2}).json()[
        "next"]}).json()["total"] == 5  # the cursors it hands out still work
