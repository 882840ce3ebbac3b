"""aiogram FSM storage in the database, so a dialog halfway through survives a restart.

Inside an update the steps are kept on the update's unit of work and committed with it: a handler that
fails leaves the dialog where it was, like its data. Outside one (aiogram reads the state before our
middleware opens the unit of work) they are read in a session of their own.
"""

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.uow import UnitOfWork, current_uow


class DialogStorage(BaseStorage):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]):
        self.sessionmaker = sessionmaker
        self.keys = DefaultKeyBuilder()

    async def _read(self, key: str) -> tuple[str | None, dict[str, Any]]:
        uow = current_uow.get()
        if uow is not None:
            return uow.dialogs[key] if key in uow.dialogs else await uow.runtime.dialog(key)
        async with UnitOfWork(self.sessionmaker) as alone:
            return await alone.runtime.dialog(key)

    async def _write(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        uow = current_uow.get()
        if uow is not None:
            uow.dialogs[key] = (state, data)
            return
        async with UnitOfWork(self.sessionmaker) as alone:
            alone.dialogs[key] = (state, data)
            await alone.commit()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name = self.keys.build(key)
        _, data = await self._read(name)
        await self._write(name, state.state if isinstance(state, State) else state, data)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._read(self.keys.build(key)))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        name = self.keys.build(key)
        state, _ = await self._read(name)
        await self._write(name, state, dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict((await self._read(self.keys.build(key)))[1])

    async def close(self) -> None:
        pass
