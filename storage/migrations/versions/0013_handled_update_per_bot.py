"""handled updates kept per bot: the mark's key is (bot_id, update_id)

Update ids are numbered per bot, so a mark without the bot made a new token on the same database skip its
first updates. The table holds at most a day of marks; they are carried over: Zalo's (ids from 2**62, the
Zalo channel is bot 2) under bot 2, Telegram's under bot 0 ("before marks were kept per bot"), which counts
for every bot until the day is over and they are forgotten.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_BOT_ID = 0  # storage.runtime_models.LEGACY_BOT_ID
ZALO_BOT_ID = 2  # bot.channels.zalo_session.ZALO_BOT_ID
ZALO_UPDATE_BASE = 2**62  # bot.channels.ids: Zalo update ids start here


def _marks() -> list[dict]:
    marks = sa.table("handled_update", sa.column("update_id", sa.BigInteger()),
                     sa.column("handled_at", storage.types.UtcDateTime()))
    return [dict(row._mapping) for row in op.get_bind().execute(sa.select(marks.c.update_id, marks.c.handled_at))]


def _recreate(*key: sa.Column) -> sa.Table:
    op.drop_index("ix_handled_update_handled_at", table_name="handled_update")
    op.drop_table("handled_update")
    table = op.create_table(
        "handled_update",
        *key,
        sa.Column("handled_at", storage.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(*(column.name for column in key), name=op.f("pk_handled_update")),
    )
    op.create_index("ix_handled_update_handled_at", "handled_update", ["handled_at"], unique=False)
    return table


def upgrade() -> None:
    marks = _marks()
    table = _recreate(sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
                      sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False))
    op.bulk_insert(table, [mark | {"bot_id": ZALO_BOT_ID if mark["update_id"] >= ZALO_UPDATE_BASE else LEGACY_BOT_ID}
                           for mark in marks])


def downgrade() -> None:
    marks = {mark["update_id"]: mark for mark in _marks()}  # one mark per update id, whichever bot it was
    table = _recreate(sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False))
    op.bulk_insert(table, list(marks.values()))
