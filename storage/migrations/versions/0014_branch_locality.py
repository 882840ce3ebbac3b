"""the branch's locality (địa danh) for the papers' place-and-date line

NULL: never asked (the secretary is asked when she first asks for the papers); "": she chose to leave the
place blank on the papers.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("branch") as batch:
        batch.add_column(sa.Column("locality", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("branch") as batch:
        batch.drop_column("locality")
