"""aiogram FSM storage in the database, so a dialog halfway through survives a restart.

Inside an update the steps are kept on the update's unit of work and committed with it: a handler that
fails leaves the dialog where it was, like its data. The state is read there once: aiogram reads it again
for every filter, get_state and set_data, and the dialog cannot change under the update (one user's updates
take turns), so what was read or written in this unit of work is the state. Outside one (the Zalo adapter,
a test) it is read and written in a session of its own.
"""

from collections.abc import Mapping
from typing import Any
from weakref import WeakKeyDictionary

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.uow import UnitOfWork, current_uow


class DialogStorage(BaseStorage):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]):
        self.sessionmaker = sessionmaker
        self.keys = DefaultKeyBuilder()
        # per unit of work, the states it read (a state not stored yet is read as (None, {}) too)
        self._read_in: WeakKeyDictionary[UnitOfWork, dict[str, tuple[str | None, dict[str, Any]]]] = (
            WeakKeyDictionary())

    async def _read(self, key: str) -> tuple[str | None, dict[str, Any]]:
        uow = current_uow.get()
        if uow is not None:
            if key in uow.dialogs:
                return uow.dialogs[key]
            read = self._read_in.setdefault(uow, {})
            if key not in read:
                read[key] = await uow.runtime.dialog(key)
            return read[key]
        async with UnitOfWork(self.sessionmaker) as alone:
            return await alone.runtime.dialog(key)

    def key_of(self, key: StorageKey) -> str:
        return self.keys.build(key)

    def known(self, uow: UnitOfWork, key: str, dialog: tuple[str | None, dict[str, Any]]) -> None:
        """The dialog at `key` as the unit of work read it already (RuntimeRepo.opening): not read again."""
        self._read_in.setdefault(uow, {})[key] = dialog

    async def _write(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        uow = current_uow.get()
        if uow is not None:
            if key in uow.dialogs or self._read_in.get(uow, {}).get(key) != (state, data):
                uow.dialogs[key] = (state, data)  # a step (writing back what is stored would be no step)
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
