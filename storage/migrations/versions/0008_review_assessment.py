"""assessment sheets (QĐ 366) and the branch's "outstanding" flag

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outstanding", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "review_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("common", sa.Integer(), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.Column("tasks_total", sa.Integer(), nullable=False),
        sa.Column("tasks_done", sa.Integer(), nullable=False),
        sa.Column("tasks_on_time", sa.Integer(), nullable=False),
        sa.Column("tasks_exceeded", sa.Integer(), nullable=False),
        sa.Column("shortcomings_remedied", sa.Boolean(), nullable=True),
        sa.Column("discipline", sa.String(length=20), nullable=True),
        sa.Column("degradation", sa.Boolean(), nullable=False),
        sa.Column("self_admitted", sa.Boolean(), nullable=False),
        sa.Column("leadership_disciplined", sa.Boolean(), nullable=False),
        sa.Column("filled_by", sa.Integer(), nullable=True),
        sa.Column("filled_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("corrections", sa.Text(), nullable=False),
        sa.Column("proposed", sa.String(length=20), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("superior_decides", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"], name=op.f("fk_review_assessment_review_id_review"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["filled_by"], ["person.id"], name=op.f("fk_review_assessment_filled_by_person"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reviewed_by"], ["person.id"],
                                name=op.f("fk_review_assessment_reviewed_by_person"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_assessment")),
        sa.UniqueConstraint("review_id", "subject", name=op.f("uq_review_assessment_review_id")),
    )
    with op.batch_alter_table("review_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_assessment_review_id"), ["review_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_assessment_review_id"))
    op.drop_table("review_assessment")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_column("outstanding")
