"""integrity: unique statements, the store's id, runs' processes, idempotency keys, flagged documents

- ``statements.identity_key`` (speaker, words, week: ``stance.serve.store.statement_key``) under a unique
  index, so that two writers cannot store one statement twice.  Statements stored twice before (two
  writers racing on PostgreSQL) are merged first: of the rows with one key, the one of the earliest run
  (then the smallest id) is kept; the others' sources become its sources (each document once, after its
  own), their predictions its predictions (dropped where it has one of the same issue, model and
  registry), their corrections its corrections (where both have one by the same coder on the same issue,
  the later decision is kept), and the rows are deleted.  The upgrade logs how many it merged.
- ``runs.pid`` and ``runs.host``: the process that runs it.  Runs still marked ``running`` at the upgrade
  were started by an earlier version, which recorded no process; they are closed as ``interrupted``
  (documents they wrote are complete: each was written in its own transaction).
- ``store_meta``, with ``store_id``, a random id the store checks before each write
  (``stance.serve.store.identity``).
- ``idempotency_keys``: answers of ``POST /documents`` sent with an ``Idempotency-Key``.
- ``document_flags``: documents an operator set aside (``stance quarantine flag``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 18:00:00
"""

import datetime as dt
import logging
import uuid

import sqlalchemy as sa
from alembic import op

from stance.serve.store.statement_key import statement_key

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

STATEMENTS = sa.table("statements", sa.column("statement_id"), sa.column("actor_id"), sa.column("text"),
                      sa.column("date"), sa.column("run_id"), sa.column("identity_key"))
SOURCES = sa.table("statement_sources", sa.column("statement_id"), sa.column("doc_id"), sa.column("position"))
PREDICTIONS = sa.table("predictions", sa.column("id"), sa.column("statement_id"), sa.column("issue_id"),
                       sa.column("model_version"), sa.column("registry_version"))
CORRECTIONS = sa.table("corrections", sa.column("id"), sa.column("statement_id"), sa.column("issue_id"),
                       sa.column("coder"), sa.column("stance"), sa.column("decided_at"), sa.column("note"))
RUNS = sa.table("runs", sa.column("status"), sa.column("finished_at"))
STORE_META = sa.table("store_meta", sa.column("key"), sa.column("value"))


def upgrade() -> None:
    with op.batch_alter_table('runs', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('pid', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('host', sa.String(length=255), nullable=True))
    op.execute(RUNS.update().where(RUNS.c.status == "running")
               .values(status="interrupted", finished_at=dt.datetime.now(dt.timezone.utc)))

    with op.batch_alter_table('statements', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('identity_key', sa.String(length=64), nullable=True))
    merged = _key_statements(op.get_bind())
    if merged:
        log.warning("0004: merged %d statements stored twice into the statements they repeat", merged)
    op.create_index('uq_statements_identity_key', 'statements', ['identity_key'], unique=True)

    op.create_table('store_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.execute(STORE_META.insert().values(key="store_id", value=uuid.uuid4().hex))
    op.create_table('idempotency_keys',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('document_flags',
    sa.Column('doc_id', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['documents.doc_id'], ),
    sa.PrimaryKeyConstraint('doc_id')
    )


def _key_statements(bind) -> int:
    """Set every statement's identity key, merging the rows that share one; returns how many were merged."""
    kept: dict[str, str] = {}
    keys: list[dict[str, str]] = []
    twins: list[tuple[str, str]] = []
    query = sa.select(STATEMENTS.c.statement_id, STATEMENTS.c.actor_id, STATEMENTS.c.text, STATEMENTS.c.date) \
        .order_by(STATEMENTS.c.run_id, STATEMENTS.c.statement_id)
    for statement_id, actor_id, text, date in bind.execute(query):
        key = statement_key(actor_id, text, date)
        if key is None:
            continue
        if key in kept:
            twins.append((statement_id, kept[key]))
        else:
            kept[key] = statement_id
            keys.append({"sid": statement_id, "key": key})
    for twin, keep in twins:
        _merge(bind, twin, keep)
    if keys:
        bind.execute(STATEMENTS.update().where(STATEMENTS.c.statement_id == sa.bindparam("sid"))
                     .values(identity_key=sa.bindparam("key")), keys)
    return len(twins)


def _merge(bind, twin: str, keep: str) -> None:
    """Move ``twin``'s sources, predictions and corrections to ``keep``, then delete ``twin``."""
    have = {doc for (doc,) in bind.execute(sa.select(SOURCES.c.doc_id).where(SOURCES.c.statement_id == keep))}
    position = len(have)
    for (doc,) in bind.execute(sa.select(SOURCES.c.doc_id).where(SOURCES.c.statement_id == twin)
                               .order_by(SOURCES.c.position)).all():
        if doc not in have:
            bind.execute(SOURCES.insert().values(statement_id=keep, doc_id=doc, position=position))
            have.add(doc)
            position += 1
    bind.execute(SOURCES.delete().where(SOURCES.c.statement_id == twin))

    labels = {(i, m, r) for i, m, r in bind.execute(
        sa.select(PREDICTIONS.c.issue_id, PREDICTIONS.c.model_version, PREDICTIONS.c.registry_version)
        .where(PREDICTIONS.c.statement_id == keep))}
    for pid, issue, model, registry in bind.execute(
            sa.select(PREDICTIONS.c.id, PREDICTIONS.c.issue_id, PREDICTIONS.c.model_version,
                      PREDICTIONS.c.registry_version).where(PREDICTIONS.c.statement_id == twin)).all():
        if (issue, model, registry) in labels:
            bind.execute(PREDICTIONS.delete().where(PREDICTIONS.c.id == pid))
        else:
            bind.execute(PREDICTIONS.update().where(PREDICTIONS.c.id == pid).values(statement_id=keep))
            labels.add((issue, model, registry))

    decided = {(i, c): (cid, at) for cid, i, c, at in bind.execute(
        sa.select(CORRECTIONS.c.id, CORRECTIONS.c.issue_id, CORRECTIONS.c.coder, CORRECTIONS.c.decided_at)
        .where(CORRECTIONS.c.statement_id == keep))}
    for cid, issue, coder, stance, at, note in bind.execute(
            sa.select(CORRECTIONS.c.id, CORRECTIONS.c.issue_id, CORRECTIONS.c.coder, CORRECTIONS.c.stance,
                      CORRECTIONS.c.decided_at, CORRECTIONS.c.note).where(CORRECTIONS.c.statement_id == twin)).all():
        if (issue, coder) not in decided:
            bind.execute(CORRECTIONS.update().where(CORRECTIONS.c.id == cid).values(statement_id=keep))
            continue
        kept_id, kept_at = decided[(issue, coder)]
        if at is not None and kept_at is not None and at > kept_at:
            bind.execute(CORRECTIONS.update().where(CORRECTIONS.c.id == kept_id)
                         .values(stance=stance, decided_at=at, note=note))
        bind.execute(CORRECTIONS.delete().where(CORRECTIONS.c.id == cid))
    bind.execute(STATEMENTS.delete().where(STATEMENTS.c.statement_id == twin))


def downgrade() -> None:
    op.drop_table('document_flags')
    op.drop_table('idempotency_keys')
    op.drop_table('store_meta')
    op.drop_index('uq_statements_identity_key', table_name='statements')
    with op.batch_alter_table('statements', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('identity_key')
    with op.batch_alter_table('runs', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('host')
        batch_op.drop_column('pid')
