"""long URLs and run heartbeats: URL columns become unbounded text, found by the hashed id

Revision ID: 0008
Revises: 0006

A URL over 2,048 characters failed every batch on PostgreSQL (StringDataRightTruncation) and, in
a unique or composite btree index, would fail past about 2.7 kB whatever the column type. So the
URL columns become TEXT, and the indexes on them go: ``articles.url`` and ``frontier.url`` were
unique, but each table's primary key ``id`` is already a fixed-length hash of that canonical URL
(corpus.sources.urls.article_id), and the upserts now conflict on it. ``ix_articles_published_url`` served
no query (the export sorts on ``published IS NULL`` first, which no index can serve).

``crawl_runs`` gains ``heartbeat_at``, ``host`` and ``pid``, so the next run can tell a killed
run from a live one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None

# Unnamed UNIQUE constraints reflected from SQLite get these names, so batch mode can drop them.
_NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
_URL_COLUMNS = {
    "articles": ("url", "fetched_url"),
    "frontier": ("url", "fetch_url"),
    "rejections": ("url",),
    "article_versions": ("url",),
}


def _url_unique(table: str) -> str | None:
    """The name of the UNIQUE constraint on ``table.url`` (PostgreSQL named it, SQLite did not)."""
    for uc in sa.inspect(op.get_bind()).get_unique_constraints(table):
        if uc["column_names"] == ["url"]:
            return uc["name"] or f"uq_{table}_url"
    return None


def upgrade() -> None:
    with op.batch_alter_table("articles", naming_convention=_NAMING) as batch_op:
        batch_op.drop_index("ix_articles_published_url")
    for table, columns in _URL_COLUMNS.items():
        unique = _url_unique(table) if table in ("articles", "frontier") else None
        with op.batch_alter_table(table, naming_convention=_NAMING) as batch_op:
            if unique:
                batch_op.drop_constraint(unique, type_="unique")
            for column in columns:
                batch_op.alter_column(
                    column, existing_type=sa.String(length=2048), type_=sa.Text(), existing_nullable=False
                )
    with op.batch_alter_table("crawl_runs") as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Back to 2,048-character URL columns; fails if a longer URL is stored (shorten or delete it)."""
    with op.batch_alter_table("crawl_runs") as batch_op:
        batch_op.drop_column("pid")
        batch_op.drop_column("host")
        batch_op.drop_column("heartbeat_at")
    for table, columns in _URL_COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.alter_column(
                    column, existing_type=sa.Text(), type_=sa.String(length=2048), existing_nullable=False
                )
            if table in ("articles", "frontier"):
                batch_op.create_unique_constraint(f"uq_{table}_url", ["url"])
    with op.batch_alter_table("articles") as batch_op:
        batch_op.create_index("ix_articles_published_url", ["published", "url"], unique=False)
