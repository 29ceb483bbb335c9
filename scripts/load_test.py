#!/usr/bin/env python
"""Load test of the HTTP service (bounded, loopback only): posts generated
documents in batches while another client queries positions, then checks that
no statement was lost or stored twice.

    python scripts/load_test.py [--documents 5000] [--batch 50] [--db DIR|postgresql://...] [--model DIR]
    python scripts/load_test.py --writers 2 --documents 300 [--db DIR|postgresql://...]

Prints documents and statements per second, p50/p95 latency of the posts and
of the queries, and two checks: stored statements against an offline run of the
same extraction and de-duplication over the same documents, and the positions the
service kept current during the run against a full aggregation of the store at
its end (with how often the service read everything anew).  A tenth of the
batches are posted twice (a client retrying) and some quotes recur across
outlets, so idempotency and cross-outlet merging are exercised too.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from typing import Any, NamedTuple

ACTORS = ["Foreign Minister Khawaja Asif", "Pentagon Press Secretary John Kirby", "Prime Minister Imran Khan",
          "Defence Minister Khurram Dastgir", "Taliban spokesman Suhail Shaheen", "The Foreign Office"]
CLAIMS = ["Pakistan would never give its bases to the United States",
          "drone strikes inside Pakistan must stop at once",
          "the safe havens along the border must be closed down",
          "intelligence sharing with Washington had been suspended",
          "no joint operation on Pakistani soil would be allowed",
          "intelligence cooperation with the US would continue at the working level"]


def documents(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        day = 1 + k % 28
        month = 1 + (k // 28) % 12
        year = 2015 + (k // 336) % 7
        lines = []
        for j in range(rng.randint(1, 3)):
            who, claim = rng.choice(ACTORS), rng.choice(CLAIMS)
            lines.append(f"{who} said on day {k}-{j} that {claim}.")
        if k % 17 == 0 and out:  # the same quote carried by a second outlet a day later
            lines.append(out[-1]["text"].split("\n\n")[0])
        lines.append(f"Other news of the day, item {k}.")
        out.append({"id": f"load-{k}", "date": f"{year}-{month:02d}-{day:02d}", "source": f"Outlet {k % 5}",
                    "text": "\n\n".join(lines)})
    return out


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


class Served(NamedTuple):
    server: Any
    app: Any
    pipeline: Any
    base: str


def start_server(args, db: str) -> Served:
    """The service over ``db`` on loopback port ``args.port``, in a daemon thread, once ``/health``
    answers (or after 10 s): the server, the app, its pipeline and its base URL."""
    import httpx
    import uvicorn

    from stance.pipeline.local import Pipeline, load_predictor, load_tagger
    from stance.serve.api import Settings, create_app

    pipeline = Pipeline(model=load_predictor(args.model), tagger=load_tagger("auto"))
    app = create_app(Settings(db=db, model=args.model), pipeline=pipeline)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{args.port}"
    for _ in range(100):
        try:
            httpx.get(base + "/health", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    return Served(server, app, pipeline, base)


def concurrent_writers(args) -> int:
    """``--writers N``: N ``stance ingest`` processes (each reading the documents in its own order) and the
    server (posting them in batches over HTTP, a tenth twice) write one store at the same time; then the store
    is checked against an offline run of the same extraction and de-duplication.  Lost: a (speaker, document)
    link of the offline run that no stored statement has.  Duplicated: a stored statement that repeats another
    one (same speaker, same words, within a week, in another document: the rule that merges them), or one
    stored twice for the same place in a document.  The numbers of statements can differ by the order
    documents arrive in (a statement joins the first report it repeats: with reports on days 1, 5 and 10,
    day 10 is separate when day 1 came first and joins day 5 when day 5 did); links do not.  Prints a table."""
    import json
    import subprocess
    from pathlib import Path

    import httpx
    from sqlalchemy import func, select

    from stance.attribution.dedupe import merge_duplicates, same_statement
    from stance.attribution.rules import extract_statements
    from stance.ingest.corpus import make_article
    from stance.serve.store.schema import StatementRow, StatementSource

    work = Path(tempfile.mkdtemp(prefix="stance-writers-"))
    db = args.db or str(work / "db")
    docs = documents(args.documents)
    corpora = []
    for k in range(args.writers):  # writer k reads the documents rotated by k/N of them, odd writers backwards
        shift = k * len(docs) // args.writers
        order = docs[shift:] + docs[:shift]
        corpora.append(work / f"writer-{k}.jsonl")
        corpora[-1].write_text("".join(json.dumps(d) + "\n" for d in (order[::-1] if k % 2 else order)),
                               encoding="utf-8")
    served = start_server(args, db)
    base = served.base
    command = [sys.executable, "-m", "stance.cli", "ingest", "--db", db, "--quiet"]
    if args.model:
        command += ["--model", args.model]
    started = time.perf_counter()
    writers = [subprocess.Popen([*command[:4], str(corpus), *command[4:]], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for corpus in corpora]
    batches = [docs[i:i + args.batch] for i in range(0, len(docs), args.batch)]
    rng = random.Random(1)
    posted = []
    with httpx.Client(base_url=base, timeout=600) as client:
        for batch in [b for b in batches for _ in range(2 if rng.random() < 0.1 else 1)]:
            posted.append(client.post("/documents", json={"documents": batch}).status_code)
    outcomes = [w.communicate(timeout=3600) for w in writers]
    seconds = time.perf_counter() - started
    for writer, (out, err) in zip(writers, outcomes):
        if writer.returncode:
            print(f"writer {writer.pid} exited {writer.returncode}: {(out + err).strip()[-400:]}", file=sys.stderr)

    store = served.app.state.store
    with store.session() as s:
        stored = s.scalar(select(func.count()).select_from(StatementRow))
        sources = s.scalar(select(func.count()).select_from(StatementSource))
        twins = s.execute(select(StatementRow.actor_id, StatementRow.doc_id, StatementRow.text_start, func.count())
                          .group_by(StatementRow.actor_id, StatementRow.doc_id, StatementRow.text_start)
                          .having(func.count() > 1)).all()
    articles = [make_article(d["id"], d["text"], "load", date=d["date"], source=d["source"]) for d in docs]
    expected = merge_duplicates(extract_statements(articles, served.pipeline.actors, served.pipeline.tagger,
                                                    served.pipeline.issues.mentions))
    want_sources = sum(len(st.all_sources) for st in expected)
    kept = store._statements()
    links = {(st.actor_id, doc) for st in kept for doc in st.all_sources}
    lost = len({(st.actor_id, doc) for st in expected for doc in st.all_sources} - links)
    by_speaker: dict[str, list] = {}
    for st in kept:
        by_speaker.setdefault(st.actor_id, []).append(st)
    doubled = len(twins) + sum(1 for same in by_speaker.values() for i, a in enumerate(same) for b in same[i + 1:]
                               if a.doc_id != b.doc_id and same_statement(a, b))
    print("| store | writers | documents | statements (offline) | sources (offline) | lost | duplicated | "
          "writer exits | POST statuses | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {store.where()} | {args.writers} `stance ingest` + server | {len(docs):,} | {stored} ({len(expected)}) | "
          f"{sources} ({want_sources}) | {lost} | {doubled} | {[w.returncode for w in writers]} | "
          f"{sorted(set(posted))} | {seconds:.0f} |")
    served.server.should_exit = True
    return 0 if lost == 0 and doubled == 0 and set(posted) == {200} else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--db", default=None, help="default: SQLite in a temporary folder")
    parser.add_argument("--model", default=None)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--writers", type=int, default=1,
                        help="2 or more: that many `stance ingest` processes and the server write at once "
                             "(a check of lost and duplicated statements; see concurrent_writers)")
    args = parser.parse_args(argv)
    if args.writers > 1:
        return concurrent_writers(args)

    import httpx

    from stance.attribution.dedupe import merge_duplicates
    from stance.attribution.rules import extract_statements
    from stance.ingest.corpus import make_article

    db = args.db or tempfile.mkdtemp(prefix="stance-load-")
    served = start_server(args, db)
    base = served.base

    docs = documents(args.documents)
    batches = [docs[i:i + args.batch] for i in range(0, len(docs), args.batch)]
    rng = random.Random(1)
    plan = [b for b in batches for _ in range(2 if rng.random() < 0.1 else 1)]
    post_ms, query_ms, done = [], [], threading.Event()

    def query():
        with httpx.Client(base_url=base, timeout=120) as client:
            while not done.is_set():
                started = time.perf_counter()
                client.get("/actors/khawaja_asif/positions", params={"issue": "military_bases", "limit": 100})
                query_ms.append(1000 * (time.perf_counter() - started))
                time.sleep(0.2)

    reader = threading.Thread(target=query, daemon=True)
    started = time.perf_counter()
    reader.start()
    added = known = 0
    with httpx.Client(base_url=base, timeout=600) as client:
        for batch in plan:
            t0 = time.perf_counter()
            r = client.post("/documents", json={"documents": batch})
            post_ms.append(1000 * (time.perf_counter() - t0))
            r.raise_for_status()
            added, known = added + len(r.json()["added"]), known + len(r.json()["known"])
    seconds = time.perf_counter() - started
    done.set()
    reader.join()

    store = served.app.state.store
    from sqlalchemy import func, select

    from stance.positions.aggregate import aggregate
    from stance.serve import queries
    from stance.serve.store.aggregation import live
    from stance.serve.store.schema import StatementRow, StatementSource

    with store.session() as s:
        stored = s.scalar(select(func.count()).select_from(StatementRow))
        sources = s.scalar(select(func.count()).select_from(StatementSource))
        twins = s.execute(select(StatementRow.actor_id, StatementRow.doc_id, StatementRow.text_start, func.count())
                          .group_by(StatementRow.actor_id, StatementRow.doc_id, StatementRow.text_start)
                          .having(func.count() > 1)).all()
    articles = [make_article(d["id"], d["text"], "load", date=d["date"], source=d["source"]) for d in docs]
    expected = merge_duplicates(extract_statements(articles, served.pipeline.actors, served.pipeline.tagger,
                                                    served.pipeline.issues.mentions))
    print(f"{len(docs):,} documents in {len(plan)} batches of {args.batch} ({len(plan) - len(batches)} posted twice) "
          f"to {store.where()} in {seconds:.0f} s: {added / seconds:.1f} documents/s, "
          f"{stored / seconds:.1f} statements/s")
    print(f"POST /documents p50 {percentile(post_ms, 0.5):.0f} ms, p95 {percentile(post_ms, 0.95):.0f} ms; "
          f"GET positions while ingesting ({len(query_ms)} queries) p50 {percentile(query_ms, 0.5):.0f} ms, "
          f"p95 {percentile(query_ms, 0.95):.0f} ms")
    lost = len(expected) - stored
    print(f"added {added}, already known {known}; statements stored {stored} (offline run: {len(expected)}), "
          f"sources {sources} (offline: {sum(len(st.all_sources) for st in expected)}); "
          f"lost {max(lost, 0)}, duplicated {len(twins) + max(-lost, 0)}")
    kept = queries.positions(store)
    full = aggregate(store.predictions(), kept.period, store.parents(), n_documents=store.document_count())
    same = kept == full
    print(f"positions kept current while ingesting equal a full aggregation at the end: {'yes' if same else 'NO'} "
          f"({len(full.points)} points; everything read anew {live(store).rebuilds} time(s))")
    served.server.should_exit = True
    return 0 if lost == 0 and not twins and added == len(docs) and same else 1


if __name__ == "__main__":
    sys.exit(main())
