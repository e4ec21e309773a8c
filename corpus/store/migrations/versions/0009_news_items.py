"""news items as real outlets publish them: kinds, paywalls, live entries, bylines and wire copies

Revision ID: 0009
Revises: 0008

``kind`` says whether a stored item is an article, a photo story or a live blog (with its
``entries``: times and texts). ``paywalled`` and ``text_complete`` tell a full text from a paywall
teaser, so a study can keep full texts only. ``authors`` is the byline as a list of names,
``agency`` the news agency the item credits, and ``wire`` marks the members of a near-duplicate
cluster whose copies credit an agency. ``primary_category`` is the offence a crime story is about
(corpus.annotate.crime). ``obtained_via``, ``captured_at`` and ``record_id`` say how the stored
copy was obtained (live, a WARC file, a web archive's index), when it was captured and from
which archive record. Rows stored before this revision read as live, full-text articles with
nothing recorded about paywalls, credits or capture.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="article"))
        batch_op.add_column(sa.Column("paywalled", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("text_complete", sa.String(length=8), nullable=False, server_default="full")
        )
        batch_op.add_column(sa.Column("entries", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("authors", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("agency", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("wire", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("primary_category", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("obtained_via", sa.String(length=16), nullable=False, server_default="live")
        )
        batch_op.add_column(sa.Column("captured_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("record_id", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch_op:
        for column in (
            "record_id",
            "captured_at",
            "obtained_via",
            "primary_category",
            "wire",
            "agency",
            "authors",
            "entries",
            "text_complete",
            "paywalled",
            "kind",
        ):
            batch_op.drop_column(column)
