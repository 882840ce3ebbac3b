"""What the bot itself must remember across restarts: updates already handled, and open dialogs."""

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.types import UtcDateTime

# Marks stored before they were kept per bot (migration 0013): they count for every bot until forgotten.
LEGACY_BOT_ID = 0


class HandledUpdate(Base):
    """An update whose effects are committed; a redelivery of it is skipped. Kept 24 hours.

    Update ids are numbered per bot (Telegram numbers each bot's updates itself; the Zalo channel is bot
    ZALO_BOT_ID), so a mark is keyed by the bot's id too: a new token on the same database never meets the
    old one's marks."""

    __tablename__ = "handled_update"
    __table_args__ = (Index("ix_handled_update_handled_at", "handled_at"),)

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DialogState(Base):
    """One chat's place in a multi-step dialog (aiogram FSM), so a restart does not drop it."""

    __tablename__ = "dialog_state"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text, default="{}")
