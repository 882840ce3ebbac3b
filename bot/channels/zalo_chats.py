"""Zalo users and their chat numbers, and what each chat was shown last: the numbered choices a reply picks
from. The choices live beside the dialog steps (table dialog_state), so inside an update they commit with
it and a restart keeps them."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.ids import zalo_key, zalo_row
from bot.channels.render import Choice
from storage.channel_models import ZaloChat
from storage.uow import UnitOfWork, current_uow


@dataclass(frozen=True)
class Shown:
    """The last message a chat was shown: chibo's id for it, its text as shown, and its choices."""

    message_id: int
    text: str
    choices: tuple[Choice, ...] = ()


def _state_key(key: int) -> str:
    return f"zalo-shown:{key}"


class ZaloChats:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker
        self._targets: dict[int, str] = {}  # chat number -> Zalo chat id; a row never changes

    async def key_for(self, zalo_user_id: str, zalo_chat_id: str, display_name: str, now: datetime) -> int:
        """The chat number of a Zalo user, numbered on first contact."""
        for _ in range(2):  # a second process may number the same user at the same moment
            async with UnitOfWork(self.sessionmaker) as uow:
                chat = await uow.zalo_chats.by_user(zalo_user_id)
                if chat is None:
                    chat = ZaloChat(zalo_user_id=zalo_user_id, zalo_chat_id=zalo_chat_id,
                                    display_name=display_name[:120] or zalo_user_id, created_at=now)
                    uow.zalo_chats.add(chat)
                    try:
                        await uow.commit()
                    except IntegrityError:
                        continue  # the unit of work rolls back on leaving
                key = zalo_key(chat.id)
                self._targets[key] = chat.zalo_chat_id
                return key
        raise RuntimeError(f"could not number Zalo user {zalo_user_id}")

    async def target(self, key: int) -> str | None:
        """The Zalo chat id to send to, or None for a chat number nobody has."""
        if key not in self._targets:
            async with UnitOfWork(self.sessionmaker) as uow:
                chat = await uow.zalo_chats.get(zalo_row(key))
                target = chat.zalo_chat_id if chat is not None else None
            if not target:  # no such chat, or its person erased their data
                return None
            self._targets[key] = target
        return self._targets[key]

    async def shown(self, key: int) -> Shown | None:
        uow = current_uow.get()
        name = _state_key(key)
        if uow is not None:
            _, data = uow.dialogs[name] if name in uow.dialogs else await uow.runtime.dialog(name)
        else:
            async with UnitOfWork(self.sessionmaker) as alone:
                _, data = await alone.runtime.dialog(name)
        if not data:
            return None
        return Shown(data["message_id"], data["text"], tuple(Choice.from_json(c) for c in data["choices"]))

    async def show(self, key: int, shown: Shown) -> None:
        data = {"message_id": shown.message_id, "text": shown.text, "choices": [c.as_json() for c in shown.choices]}
        uow = current_uow.get()
        if uow is not None:  # committed with the update being handled, as its dialog steps are
            uow.dialogs[_state_key(key)] = (None, data)
            return
        async with UnitOfWork(self.sessionmaker) as alone:
            alone.dialogs[_state_key(key)] = (None, data)
            await alone.commit()
