"""corrections: people's stances on labels, which win over the models'

One row per (statement, issue, coder): ``stance`` is favor, against, neutral or irrelevant (the
statement is not about the issue), ``decided_at`` when the coder decided, ``imported_at`` when the
row was written.  Written by ``stance review import --db``; read wherever the store builds labels.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('corrections',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('statement_id', sa.String(length=400), nullable=False),
    sa.Column('issue_id', sa.String(length=100), nullable=False),
    sa.Column('stance', sa.String(length=16), nullable=False),
    sa.Column('coder', sa.String(length=200), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['statements.statement_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('statement_id', 'issue_id', 'coder', name='uq_corrections_label_coder')
    )
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrections_issue_id'), ['issue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrections_statement_id'), ['statement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrections_statement_id'))
        batch_op.drop_index(batch_op.f('ix_corrections_issue_id'))

    op.drop_table('corrections')
