#!/usr/bin/env python
"""Fault probe of the store and the HTTP service (bounded, loopback only): replays the attacks of issue 20
that concern them and prints, for each, what was expected, what was found, and whether the service held.

    python scripts/fault_probe.py [--db postgresql://.../scratch] [--model DIR] [--tagger none]

Servers listen on 127.0.0.1 at free ports, with stores in a temporary folder (``--db``: the main store on
a PostgreSQL database instead, which must be an empty scratch one).  Every request has a timeout; the whole
probe takes a minute or two on a laptop.  Exit status 0 when every attack was held, 1 otherwise.

The attacks: a document dated 9999-12-20, and a row with that date already stored (readers, quarantine,
DELETE); one batch with a NUL byte, a 301-character id and a 301-character source beside a good document;
the same document twice in a batch; a server and a second writer ingesting overlapping documents at once
(statements against a single writer's run: 0 lost, 0 duplicated); an Idempotency-Key replayed and reused;
the database file deleted under a running server, then a restart; a killed run; a corrupted file at start
and under a running server; a store path whose folder does not exist; period=century, decay:0, decay:-1
and a cursor of o:2**63; and the access attacks (reads without a key, an empty keys file, a bad body sent
without a key, a chunked body over the limit, a body that never ends, a foreign Host header).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import dataclasses
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

KIRBY = "Pentagon Press Secretary John Kirby said the safe havens along the border must be closed down."
ASIF = ("Pakistan's Foreign Minister Khawaja Asif said on Monday that Pakistan would never give its bases to the "
        "United States.")
OFFICE = "The Foreign Office said drone strikes were a violation of Pakistan's sovereignty."
READERS = ("/issues/safe_havens/timeline", "/actors/john_kirby/positions?period=quarter", "/statements",
           "/report/actors/john_kirby", "/health")
TIMEOUT = 120.0


@dataclasses.dataclass
class Row:
    attack: str
    expected: str
    found: str
    held: bool


ROWS: list[Row] = []


def record(attack: str, expected: str, found: str, held: bool) -> None:
    ROWS.append(Row(attack, expected, found, held))
    print(f"  {'held  ' if held else 'FAILED'} {attack}: {found}", file=sys.stderr, flush=True)


def probe(attack: str, expected: str) -> Callable[[Callable[[], tuple[str, bool]]], None]:
    """Run the decorated check now; an exception it raises is a finding too (the attack was not held)."""
    def run(check: Callable[[], tuple[str, bool]]) -> None:
        try:
            found, held = check()
        except Exception as exc:  # the finding: what broke, not a crash of the probe
            found, held = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}", False
        record(attack, expected, found, held)
    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(app) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port, in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)


def settings(**values):
    """Settings with the fields this version has (the access settings may not exist yet)."""
    from stance.serve.config import Settings

    names = {f.name for f in dataclasses.fields(Settings)}
    return Settings(**{k: v for k, v in values.items() if k in names})


def raw(port: int, request: bytes, *, pause: float = 0.0, more: bytes = b"", wait: float = 10.0) -> str:
    """Send ``request`` (then, after ``pause`` seconds, ``more``) on a raw socket; the response's status line,
    or what happened instead."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        try:
            s.sendall(request)
            if pause:
                time.sleep(pause)
            if more:
                s.sendall(more)
            data = s.recv(4096)
        except TimeoutError:
            return f"no answer after {wait:.0f} s"
        except OSError as exc:
            return f"connection {type(exc).__name__}"
    return data.split(b"\r\n", 1)[0].decode("latin-1") if data else "connection closed without an answer"


def status_of(line: str) -> int | None:
    parts = line.split()
    return int(parts[1]) if len(parts) > 1 and parts[0].startswith("HTTP/") and parts[1].isdigit() else None


def damage(path: Path, store) -> None:
    """Checkpoint the store into its file, drop its connections, and overwrite the pages after the header."""
    store.engine.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    for extra in path.parent.glob(path.name + "-*"):
        extra.unlink()
    with path.open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x5a" * 8000)


def race_documents(n: int = 24) -> list[dict]:
    """Documents with quotes repeated by a second outlet a day later (the load test's pattern, small)."""
    speakers = ["Foreign Minister Khawaja Asif", "Pentagon Press Secretary John Kirby", "The Foreign Office"]
    claims = ["the border crossings at Torkham would reopen next month",  # words no other probe document uses
              "talks with the Taliban would resume in Doha soon",
              "the aid package was under review at the ministry"]
    out = []
    for k in range(n):
        lines = [f"{speakers[k % 3]} said on day {k} that {claims[(k // 3) % 3]}."]
        if k % 4 == 1:
            lines.append(out[-1]["text"].split("\n\n")[0])
        lines.append(f"Other news of the day, item {k}.")
        out.append({"id": f"race-{k}", "date": f"2020-03-{1 + k % 28:02d}", "source": f"Outlet {k % 3}",
                    "text": "\n\n".join(lines)})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=None, help="the main store: an empty scratch postgresql://... database "
                                                   "(default: SQLite in a temporary folder)")
    parser.add_argument("--model", default=None, help="stance model folder (default: the shipped one)")
    parser.add_argument("--tagger", default="none", help="attribution tagger (default none: rules only, faster)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.ERROR)

    from sqlalchemy import select, update

    from stance.ingest.corpus import make_article
    from stance.pipeline.local import Pipeline, load_predictor, load_tagger
    from stance.serve.api import create_app
    from stance.serve.keys import load_key_hashes, new_key
    from stance.serve.store import Store, StoreError
    from stance.serve.store.schema import Document, Run, StatementRow, StatementSource

    work = Path(tempfile.mkdtemp(prefix="stance-probe-"))
    pipeline = Pipeline(model=load_predictor(args.model), tagger=load_tagger(args.tagger))
    main_db = args.db or str(work / "main")
    store = Store.open(main_db)
    if store.document_count():
        print(f"fault_probe: --db {store.where()} holds {store.document_count()} documents; expected an empty "
              "scratch database", file=sys.stderr)
        return 2
    print(f"fault_probe: main store {store.where()}, work folder {work}", file=sys.stderr)

    # ------------------------------------------------------------------ the main server: records and readers
    with serving(create_app(settings(db=main_db), store=store, pipeline=pipeline)) as base, \
            httpx.Client(base_url=base, timeout=TIMEOUT) as client:

        @probe("POST a document dated 9999-12-20",
               "not stored with that date (rejected, or kept undated as ingestion does); readers 200")
        def _far() -> tuple[str, bool]:
            r = client.post("/documents", json={"documents": [{"id": "far", "date": "9999-12-20", "text": KIRBY},
                                                              {"id": "kirby", "date": "2021-08-11", "text": KIRBY}]})
            why = [x["error"] for x in r.json().get("rejected", [])] if r.status_code in (200, 422) else []
            with store.session() as s:
                dates = sorted(str(d) for d in s.scalars(select(StatementRow.date).where(StatementRow.doc_id == "far")))
            readers = [client.get(path).status_code for path in READERS]
            ok = r.status_code == 200 and "9999-12-20" not in dates and set(readers) == {200}
            return f"POST {r.status_code}, rejected: {why[:1]}, far's statements dated {dates}; readers {readers}", ok

        @probe("a row dated 9999-12-20 already stored", "readers 200; quarantine lists it; DELETE removes it")
        def _stored() -> tuple[str, bool]:
            client.post("/documents", json={"id": "old", "date": "2021-08-12", "text": "Reprint.\n\n" + ASIF})
            with store.session() as s, s.begin():
                s.execute(update(Document).where(Document.doc_id == "old").values(date="9999-12-20"))
                s.execute(update(StatementRow).where(StatementRow.doc_id == "old").values(date="9999-12-20"))
            readers = [client.get(path).status_code for path in READERS]
            listed = [q.doc_id for q in store.quarantined()]
            deleted = client.delete("/documents/old")
            ok = set(readers) == {200} and listed == ["old"] and deleted.status_code == 200
            return f"readers {readers}; quarantine {listed}; DELETE {deleted.status_code}", ok

        @probe("one batch: NUL in a text, a 301-character id, a 301-character source, a good document",
               "3 rejected alone, each with why; the good one added; run done")
        def _bad_records() -> tuple[str, bool]:
            r = client.post("/documents", json={"documents": [
                {"id": "nul", "text": "\x00" + OFFICE}, {"id": "x" * 301, "text": OFFICE + " Again."},
                {"id": "src", "source": "s" * 301, "text": OFFICE + " Once more."},
                {"id": "fine", "date": "2013-05-02", "text": OFFICE}]})
            body = r.json() if r.status_code == 200 else {}
            with store.session() as s:
                last = s.scalar(select(Run.status).order_by(Run.id.desc()))
            ok = r.status_code == 200 and body["added"] == ["fine"] and len(body["rejected"]) == 3 and last == "done"
            rejected = len(body.get("rejected", []))
            return f"{r.status_code}; added {body.get('added')}, {rejected} rejected; run {last}", ok

        @probe("the same document twice in one batch", "one added, the repeat known")
        def _twice() -> tuple[str, bool]:
            doc = {"id": "twice", "date": "2017-10-09", "text": ASIF}
            r = client.post("/documents", json={"documents": [doc, doc]})
            body = r.json() if r.status_code == 200 else r.json().get("detail", {})
            ok = r.status_code == 200 and body["added"] == ["twice"] and body["known"] == ["twice"]
            return f"{r.status_code}; added {body.get('added')}, known {body.get('known')}, " \
                   f"rejected {len(body.get('rejected', []))}", ok

        @probe("a server and a second writer ingest overlapping documents at once",
               "statements and sources as a single writer stores them: 0 lost, 0 duplicated")
        def _race() -> tuple[str, bool]:
            docs = race_documents()
            articles = [make_article(d["id"], d["text"], "probe", date=d["date"], source=d["source"]) for d in docs]
            reference = Store.open(work / "reference")
            reference.ingest(articles, pipeline, model_version="probe")
            want = (_count(reference, StatementRow, StatementRow.doc_id), _count(reference, StatementSource,
                                                                               StatementSource.doc_id))
            second = Store.open(main_db, timeout=60)
            other = threading.Thread(target=lambda: second.ingest(articles[::-1], pipeline, model_version="probe"))
            other.start()
            for k in range(0, len(docs), 6):
                client.post("/documents", json={"documents": docs[k:k + 6]})
            other.join(TIMEOUT)
            got = (_count(store, StatementRow, StatementRow.doc_id), _count(store, StatementSource,
                                                                           StatementSource.doc_id))
            second.close()
            lost, doubled = max(want[0] - got[0], 0), max(got[0] - want[0], 0)
            return (f"statements {got[0]} (single writer {want[0]}), sources {got[1]} ({want[1]}): lost {lost}, "
                    f"duplicated {doubled}", got == want)

        @probe("Idempotency-Key replayed, then reused with another body", "the first answer again; then 409")
        def _idempotent() -> tuple[str, bool]:
            body = {"documents": [{"id": "idem", "date": "2021-06-19", "text": ASIF + " He said it twice."}]}
            first = client.post("/documents", json=body, headers={"Idempotency-Key": "probe-1"})
            again = client.post("/documents", json=body, headers={"Idempotency-Key": "probe-1"})
            other = client.post("/documents", json={"id": "idem-2", "text": OFFICE + " Later."},
                                headers={"Idempotency-Key": "probe-1"})
            ok = first.status_code == again.status_code == 200 and first.json() == again.json() and \
                other.status_code == 409
            return f"{first.status_code}, replay {again.status_code} (same answer: {first.json() == again.json()}), " \
                   f"other body {other.status_code}", ok

        for name, value in (("period", "century"), ("period", "decay:0"), ("period", "decay:-1"),
                            ("cursor", base64.urlsafe_b64encode(f"o:{2**63}".encode()).decode().rstrip("="))):
            @probe(f"GET /issues/safe_havens/timeline?{name}={value}", "400 or 422 with a message, not 500")
            def _query(name: str = name, value: str = value) -> tuple[str, bool]:
                r = client.get("/issues/safe_havens/timeline", params={name: value})
                return f"{r.status_code}: {str(r.json().get('detail'))[:90]}", r.status_code in (400, 422)

    store.close()

    # ----------------------------------------------------------------------------- the store's own faults
    gone = work / "gone"
    gone_store = Store.open(gone)
    with serving(create_app(settings(db=str(gone)), store=gone_store, pipeline=pipeline)) as base, \
            httpx.Client(base_url=base, timeout=TIMEOUT) as client:
        @probe("delete the database file under a running server, then write", "503 with the reason; nothing written")
        def _deleted() -> tuple[str, bool]:
            before = client.post("/documents", json={"id": "a", "text": KIRBY}).status_code
            for path in gone.glob("stance.db*"):
                path.unlink()
            r = client.post("/documents", json={"id": "b", "text": ASIF})
            return f"before {before}; after {r.status_code}: {str(r.json().get('detail'))[:90]}", r.status_code == 503
    gone_store.close()

    @probe("restart on the folder whose store was deleted", "a new, empty store, with a warning")
    def _restart() -> tuple[str, bool]:
        seen: list[str] = []
        handler = logging.Handler()
        handler.emit = lambda rec: seen.append(rec.getMessage())  # type: ignore[method-assign]
        logger = logging.getLogger("stance.serve.store")
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        try:
            again = Store.open(gone)
        finally:
            logger.removeHandler(handler)
        warned = [m for m in seen if "new, empty" in m]
        again.close()
        return f"documents {again.document_count()}; warning: {warned[:1]}", bool(warned)

    @probe("kill -9 a process in the middle of a run", "the run closed as interrupted on the next open")
    def _killed() -> tuple[str, bool]:
        code = ("import os, sys\nfrom stance.serve.store import Store\nfrom stance.serve.store.store import Labelling\n"
                "print(Store.open(sys.argv[1])._start_run('ingest', Labelling('probe', None)), flush=True)\n"
                "os.kill(os.getpid(), 9)\n")
        done = subprocess.run([sys.executable, "-c", code, str(work / "killed")], capture_output=True, text=True,
                              timeout=TIMEOUT)
        run_id = int(done.stdout.strip())
        reopened = Store.open(work / "killed")
        with reopened.session() as s:
            status = s.get(Run, run_id).status
        reopened.close()
        return f"run {run_id}: {status}", status == "interrupted"

    @probe("start on a file that is not SQLite", "a clear error naming the file")
    def _corrupt() -> tuple[str, bool]:
        (work / "junk").mkdir()
        (work / "junk" / "stance.db").write_bytes(b"not a database " * 200)
        try:
            Store.open(work / "junk")
        except StoreError as exc:
            return f"StoreError: {str(exc)[:110]}", "junk/stance.db" in str(exc)
        return "opened", False

    damaged = work / "damaged"
    damaged_store = Store.open(damaged)
    with serving(create_app(settings(db=str(damaged)), store=damaged_store, pipeline=pipeline)) as base:
        @probe("damage the SQLite file under a running server; GET /health", "503, not 500")
        def _health() -> tuple[str, bool]:
            before = httpx.get(base + "/health", timeout=TIMEOUT).status_code
            damage(damaged / "stance.db", damaged_store)
            r = httpx.get(base + "/health", timeout=TIMEOUT)
            return f"before {before}; after {r.status_code}", r.status_code == 503

    @probe("a store path whose folder does not exist", "a clear error, nothing made")
    def _missing() -> tuple[str, bool]:
        try:
            Store.open(work / "no" / "such" / "dir")
        except StoreError as exc:
            return f"StoreError: {str(exc)[:110]}", not (work / "no").exists()
        return "opened (folders made)", False

    # ----------------------------------------------------------------------------------------- access
    keys = work / "keys.txt"
    key = new_key(keys)
    limit = 4096
    keyed = settings(db=str(work / "keyed"), key_hashes=load_key_hashes(keys), max_body=limit, body_timeout=3.0)
    slow_wait = float(getattr(keyed, "body_timeout", 30.0)) + 5
    with serving(create_app(keyed, pipeline=pipeline)) as base:
        port = int(base.rsplit(":", 1)[1])

        @probe("GET /actors without a key while keys are set", "401")
        def _reads() -> tuple[str, bool]:
            r = httpx.get(base + "/actors", timeout=TIMEOUT)
            return f"{r.status_code}", r.status_code == 401

        @probe("POST a malformed body without a key", "401 (the key checked before the body is read)")
        def _order() -> tuple[str, bool]:
            r = httpx.post(base + "/documents", content=b"{", headers={"content-type": "application/json"},
                           timeout=TIMEOUT)
            return f"{r.status_code}", r.status_code == 401

        @probe(f"a chunked body over the {limit}-byte limit", "413")
        def _chunked() -> tuple[str, bool]:
            chunk = b"x" * 3000
            body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
            line = raw(port, b"POST /documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             b"X-API-Key: " + key.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
            return line, status_of(line) == 413

        @probe("a body that never ends (Content-Length 1000, 10 bytes sent)", f"408 within {slow_wait:.0f} s")
        def _slow() -> tuple[str, bool]:
            line = raw(port, b"POST /documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             b"X-API-Key: " + key.encode() + b"\r\nContent-Length: 1000\r\n\r\n{\"text\": \"",
                       wait=slow_wait)
            return line, status_of(line) == 408

        @probe("GET /health with Host: evil.example (DNS rebinding)", "400")
        def _host() -> tuple[str, bool]:
            line = raw(port, b"GET /health HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
            return line, status_of(line) == 400

    @probe("start with an empty keys file", "a clear error (no server with open writes)")
    def _empty_keys() -> tuple[str, bool]:
        empty = work / "empty-keys.txt"
        empty.write_text("")
        try:
            found = load_key_hashes(empty)
        except Exception as exc:
            return f"{type(exc).__name__}: {str(exc)[:100]}", True
        return f"accepted: {len(found)} keys", False

    _print_table()
    return 0 if all(r.held for r in ROWS) else 1


def _count(store, table, doc_column) -> int:
    from sqlalchemy import func, select

    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(table).where(doc_column.like("race-%"))) or 0)


def _print_table() -> None:
    heads = ("attack", "expected", "found", "held|failed")
    rows = [(r.attack, r.expected, r.found, "held" if r.held else "failed") for r in ROWS]
    print("| " + " | ".join(heads) + " |")
    print("|" + "|".join("---" for _ in heads) + "|")
    for row in rows:
        print("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
    print(f"\n{sum(r.held for r in ROWS)} of {len(ROWS)} held")


if __name__ == "__main__":
    sys.exit(main())
