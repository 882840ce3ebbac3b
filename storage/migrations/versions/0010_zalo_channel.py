"""the Zalo channel: a person's Zalo chat number and channel, and the Zalo chats

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("zalo_chat_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("channel", sa.String(length=10), nullable=True))
        batch.create_unique_constraint(batch.f("uq_person_zalo_chat_id"), ["zalo_chat_id"])
    op.create_table(
        "zalo_chat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zalo_user_id", sa.String(length=64), nullable=False),
        sa.Column("zalo_chat_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zalo_chat")),
        sa.UniqueConstraint("zalo_user_id", name=op.f("uq_zalo_chat_zalo_user_id")),
    )


def downgrade() -> None:
    op.drop_table("zalo_chat")
    with op.batch_alter_table("person") as batch:
        batch.drop_constraint(batch.f("uq_person_zalo_chat_id"), type_="unique")
        batch.drop_column("channel")
        batch.drop_column("zalo_chat_id")
