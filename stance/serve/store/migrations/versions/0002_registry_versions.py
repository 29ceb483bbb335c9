"""issue registry versions on predictions and runs; document title, author and type

Each prediction keeps the version of the issue registry its issue was detected with
(``IssueRegistry.version()``), so that re-labelling with another registry adds rows beside the
earlier ones, as another model version does: the unique key of a prediction becomes
(statement, issue, model version, registry version).  Rows written before this revision keep a
null registry version.  Documents keep their title, author and type (null before this revision).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

OLD_KEY = ["statement_id", "issue_id", "model_version"]
NEW_KEY = [*OLD_KEY, "registry_version"]
NEW_KEY_NAME = "uq_predictions_labelling"
NAMING = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}
"""Names SQLite's reflection of 0001's unnamed unique key, so that batch mode can drop it."""
POSTGRES_OLD_KEY_NAME = "predictions_statement_id_issue_id_model_version_key"
"""The name PostgreSQL gave 0001's unnamed unique key."""


def _old_key_name() -> str:
    """The name of the (statement, issue, model version) key: the server's, else the one NAMING gives it."""
    for key in sa.inspect(op.get_bind()).get_unique_constraints("predictions"):
        if key["column_names"] == OLD_KEY and key["name"]:
            return str(key["name"])
    return "uq_predictions_" + "_".join(OLD_KEY)


def upgrade() -> None:
    with op.batch_alter_table('runs', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('registry_version', sa.String(length=64), nullable=True))

    with op.batch_alter_table('documents', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('title', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('author', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('doc_type', sa.String(length=32), nullable=True))

    old_key = _old_key_name()
    with op.batch_alter_table('predictions', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.add_column(sa.Column('registry_version', sa.String(length=64), nullable=True))
        batch_op.drop_constraint(old_key, type_='unique')
        batch_op.create_unique_constraint(NEW_KEY_NAME, NEW_KEY)
        batch_op.create_index(batch_op.f('ix_predictions_registry_version'), ['registry_version'], unique=False)


def downgrade() -> None:
    bind = op.get_bind()
    twice = bind.execute(sa.text(
        "SELECT COUNT(*) FROM (SELECT statement_id FROM predictions "
        "GROUP BY statement_id, issue_id, model_version HAVING COUNT(*) > 1) AS twice")).scalar()
    if twice:
        raise RuntimeError(
            f"cannot go back to revision 0001: {twice} (statement, issue, model version) triples have predictions "
            "under more than one issue registry, and 0001 keeps one per triple; delete the rows of the registry "
            "versions you do not need (DELETE FROM predictions WHERE registry_version = ...) and run it again")
    old_name = POSTGRES_OLD_KEY_NAME if bind.dialect.name == "postgresql" else "uq_predictions_" + "_".join(OLD_KEY)
    with op.batch_alter_table('predictions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_predictions_registry_version'))
        batch_op.drop_constraint(NEW_KEY_NAME, type_='unique')
        batch_op.drop_column('registry_version')
        batch_op.create_unique_constraint(old_name, OLD_KEY)

    with op.batch_alter_table('documents', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('doc_type')
        batch_op.drop_column('author')
        batch_op.drop_column('title')

    with op.batch_alter_table('runs', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('registry_version')
