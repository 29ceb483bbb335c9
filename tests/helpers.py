"""Records built by hand for tests, and a PostgreSQL database of a test file's own."""

from stance.records import PartialDate, Span, StancePrediction, Statement


def statement(sid, actor="Khawaja Asif", date="2017-10", affiliation="Government of Pakistan", order=0,
              actor_type="person", doc="d1", text="text"):
    return Statement(statement_id=sid, doc_id=doc, date=PartialDate.parse(date) if date else None,
                     actor_id=actor.lower().replace(" ", "_"), actor=actor, actor_type=actor_type,
                     affiliation=affiliation, kind="reported", text=Span(0, len(text), text),
                     quote=Span(0, len(text), text), order=order)


def pred(sid, stance, date="2017-10", actor="Khawaja Asif", issue="joint_operations", confidence=0.9, **kw):
    st = statement(sid, actor=actor, date=date, **kw)
    return StancePrediction(st, issue, stance, confidence, {stance: confidence})


def own_database(url: str, suffix: str) -> str:
    """``<database>_<suffix>`` on the PostgreSQL server of ``url`` (made if missing), so that a test file
    resetting its schema does not race another's; ``url`` itself when databases cannot be made there."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from stance.serve.store.store import database_url

    base = make_url(database_url(url))
    name = f"{base.database}_{suffix}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as c:
            if not c.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
                c.execute(text(f'CREATE DATABASE "{name}"'))
        return base.set(database=name).render_as_string(hide_password=False)
    except Exception:  # no right to make databases: share the given one
        return url
    finally:
        engine.dispose()
