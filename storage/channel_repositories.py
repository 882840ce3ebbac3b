"""Queries on Zalo chats."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.channel_models import ZaloChat


class ZaloChatRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def by_user(self, zalo_user_id: str) -> ZaloChat | None:
        return await self.session.scalar(select(ZaloChat).where(ZaloChat.zalo_user_id == zalo_user_id))

    async def get(self, row_id: int) -> ZaloChat | None:
        return await self.session.get(ZaloChat, row_id)

    def add(self, chat: ZaloChat) -> None:
        self.session.add(chat)

