"""The Zalo side of identity: the Zalo users who wrote to the bot."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.types import UtcDateTime


class ZaloChat(Base):
    """A Zalo user who wrote to the bot. Its row id gives the chat number the handlers see
    (bot.channels.ids.zalo_key); the person it belongs to holds that number in person.zalo_chat_id."""

    __tablename__ = "zalo_chat"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zalo_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    zalo_chat_id: Mapped[str] = mapped_column(String(64))  # where answers go (a private chat's id)
    display_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

