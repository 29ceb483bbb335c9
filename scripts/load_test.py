#!/usr/bin/env python
"""Load test of the HTTP service (bounded, loopback only): posts generated
documents in batches while another client queries positions, then checks that
no statement was lost or stored twice.

    python scripts/load_test.py [--documents 5000] [--batch 50] [--db DIR|postgresql://...] [--model DIR]

Prints documents and statements per second, p50/p95 latency of the posts and
of the queries, and the check: stored statements against an offline run of the
same extraction and de-duplication over the same documents.  A tenth of the
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--db", default=None, help="default: SQLite in a temporary folder")
    parser.add_argument("--model", default=None)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)

    import httpx
    import uvicorn

    from stance.attribution.dedupe import merge_duplicates
    from stance.attribution.rules import extract_statements
    from stance.ingest.corpus import make_article
    from stance.pipeline.local import Pipeline, load_predictor, load_tagger
    from stance.serve.api import Settings, create_app

    db = args.db or tempfile.mkdtemp(prefix="stance-load-")
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

    store = app.state.store
    from sqlalchemy import func, select

    from stance.serve.store.schema import StatementRow, StatementSource

    with store.session() as s:
        stored = s.scalar(select(func.count()).select_from(StatementRow))
        sources = s.scalar(select(func.count()).select_from(StatementSource))
        twins = s.execute(select(StatementRow.actor_id, StatementRow.doc_id, StatementRow.text_start, func.count())
                          .group_by(StatementRow.actor_id, StatementRow.doc_id, StatementRow.text_start)
                          .having(func.count() > 1)).all()
    articles = [make_article(d["id"], d["text"], "load", date=d["date"], source=d["source"]) for d in docs]
    expected = merge_duplicates(extract_statements(articles, pipeline.actors, pipeline.tagger,
                                                    pipeline.issues.mentions))
    print(f"{len(docs):,} documents in {len(plan)} batches of {args.batch} ({len(plan) - len(batches)} posted twice) "
          f"to {store._where()} in {seconds:.0f} s: {added / seconds:.1f} documents/s, "
          f"{stored / seconds:.1f} statements/s")
    print(f"POST /documents p50 {percentile(post_ms, 0.5):.0f} ms, p95 {percentile(post_ms, 0.95):.0f} ms; "
          f"GET positions while ingesting ({len(query_ms)} queries) p50 {percentile(query_ms, 0.5):.0f} ms, "
          f"p95 {percentile(query_ms, 0.95):.0f} ms")
    lost = len(expected) - stored
    print(f"added {added}, already known {known}; statements stored {stored} (offline run: {len(expected)}), "
          f"sources {sources} (offline: {sum(len(st.all_sources) for st in expected)}); "
          f"lost {max(lost, 0)}, duplicated {len(twins) + max(-lost, 0)}")
    server.should_exit = True
    return 0 if lost == 0 and not twins and added == len(docs) else 1


if __name__ == "__main__":
    sys.exit(main())
