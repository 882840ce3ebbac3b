"""plan parts still arriving (split pastes, page photos) and plan revisions

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("file_id", sa.String(length=300), nullable=True),
        sa.Column("received_at", storage.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_plan_part_branch_id_branch"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_plan_part_person_id_person"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_part")),
    )
    op.create_index("ix_plan_part_branch_id", "plan_part", ["branch_id"], unique=False)
    op.create_index("ix_plan_part_person_id", "plan_part", ["person_id"], unique=False)
    with op.batch_alter_table("plan_import") as batch:
        batch.add_column(sa.Column("revises_plan_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_plan_import_revises_plan_id_plan"), "plan", ["revises_plan_id"],
                                 ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("plan_import") as batch:
        batch.drop_constraint(batch.f("fk_plan_import_revises_plan_id_plan"), type_="foreignkey")
        batch.drop_column("revises_plan_id")
    op.drop_index("ix_plan_part_person_id", table_name="plan_part")
    op.drop_index("ix_plan_part_branch_id", table_name="plan_part")
    op.drop_table("plan_part")
