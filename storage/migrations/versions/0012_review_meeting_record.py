"""the review meeting's record: its secretary (thư ký), reopenings, and when the member vote round closed

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_secretary_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("meeting_reopened", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("meeting_reopened_at", storage.types.UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("votes_closed_at", storage.types.UtcDateTime(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_review_meeting_secretary_id_membership"), "membership",
                                    ["meeting_secretary_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_review_meeting_secretary_id_membership"), type_="foreignkey")
        batch_op.drop_column("votes_closed_at")
        batch_op.drop_column("meeting_reopened_at")
        batch_op.drop_column("meeting_reopened")
        batch_op.drop_column("meeting_secretary_id")
