"""read indexes: what came in since a revision, found without reading every document

- ``documents.run_id``: the documents of the run in progress and those after it
  (``stance.serve.store.changes.read_changes``), without a scan of the documents table (which reads
  every document's text);
- ``statement_sources.doc_id``: the statements a new document is a source of (a repeated quote adds an
  outlet to a stored statement), without a scan of every source.

Indexes only: no row changes, and going back drops them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 16:00:00
"""

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_run_id'), ['run_id'], unique=False)
    with op.batch_alter_table('statement_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_sources_doc_id'), ['doc_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('statement_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_sources_doc_id'))
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_run_id'))
