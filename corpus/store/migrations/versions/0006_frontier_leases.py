"""frontier leases: which worker took a URL from the shared queue, and when (distributed crawls)

Revision ID: 0006
Revises: 0007

Numbered 0006 but applied after 0007 (warc_files), the newest revision when it was written:
Alembic orders revisions by ``down_revision``, not by their numbers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("frontier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("leased_by", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_frontier_leased_at"), ["leased_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("frontier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_frontier_leased_at"))
        batch_op.drop_column("leased_by")
        batch_op.drop_column("leased_at")
