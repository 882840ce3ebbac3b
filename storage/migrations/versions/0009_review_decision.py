"""review decisions (the superior's level for each proposal) and superior units' rule-set options

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("proposed", sa.String(length=20), nullable=False),
        sa.Column("decided", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", storage.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["decided_by"], ["person.id"], name=op.f("fk_review_decision_decided_by_person"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"], name=op.f("fk_review_decision_review_id_review"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decision")),
        sa.UniqueConstraint("review_id", "subject", name=op.f("uq_review_decision_review_id")),
    )
    with op.batch_alter_table("review_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_decision_review_id"), ["review_id"], unique=False)

    op.create_table(
        "unit_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("rule_set", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", storage.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["set_by"], ["person.id"], name=op.f("fk_unit_option_set_by_person"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["unit_id"], ["superior_unit.id"], name=op.f("fk_unit_option_unit_id_superior_unit"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_option")),
        sa.UniqueConstraint("unit_id", "rule_set", "key", name=op.f("uq_unit_option_unit_id")),
    )
    with op.batch_alter_table("unit_option", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_option_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unit_option", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_option_unit_id"))
    op.drop_table("unit_option")
    with op.batch_alter_table("review_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_decision_review_id"))
    op.drop_table("review_decision")
