"""near-duplicate clusters and article versions

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minhash", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("cluster_id", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("is_representative", sa.Boolean(), nullable=True))
        batch_op.create_index(batch_op.f("ix_articles_cluster_id"), ["cluster_id"], unique=False)
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("seen_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_versions_article_id"), ["article_id"], unique=False)


def downgrade() -> None:
    op.drop_table("article_versions")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_cluster_id"))
        for column in ("is_representative", "cluster_id", "minhash"):
            batch_op.drop_column(column)
