"""crime classification columns on articles

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_crime", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("crime_score", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("categories", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("stage", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("places", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("persons", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("crime_evidence", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("classifier_version", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_articles_is_crime"), ["is_crime"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_is_crime"))
        for column in (
            "classifier_version",
            "crime_evidence",
            "persons",
            "places",
            "stage",
            "categories",
            "crime_score",
            "is_crime",
        ):
            batch_op.drop_column(column)
