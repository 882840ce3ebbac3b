"""A person's identity per channel. The handlers know a user by one int, the chat number aiogram gives
(a Telegram user id, or chibo's number for a Zalo user: bot.channels.ids); the services still call it
`telegram_user_id` where they did before Zalo came. Here that number finds the person and links them.
Where the bot reaches a person is one function, Person.chat_id(): the channel linked last."""

from bot.channels.ids import is_zalo
from storage.models import Person
from storage.uow import UnitOfWork

TELEGRAM, ZALO = "telegram", "zalo"


def channel_of(chat_id: int) -> str:
    return ZALO if is_zalo(chat_id) else TELEGRAM


def identity(chat_id: int) -> dict[str, int]:
    """The columns a new person row reached at this chat gets."""
    if is_zalo(chat_id):
        return {"zalo_chat_id": chat_id, "channel": ZALO}
    return {"telegram_user_id": chat_id, "channel": TELEGRAM}


async def person_at(uow: UnitOfWork, chat_id: int) -> Person | None:
    if is_zalo(chat_id):
        return await uow.people.by_zalo_chat_id(chat_id)
    return await uow.people.by_telegram_id(chat_id)


def linked_at(person: Person, chat_id: int) -> int | None:
    """The person's id on the channel of chat_id (None: not linked there)."""
    return person.zalo_chat_id if is_zalo(chat_id) else person.telegram_user_id


def is_linked(person: Person) -> bool:
    return person.telegram_user_id is not None or person.zalo_chat_id is not None


def channels(person: Person) -> tuple[str, ...]:
    """The channels the person is linked on."""
    return tuple(name for name, chat in ((TELEGRAM, person.telegram_user_id), (ZALO, person.zalo_chat_id))
                 if chat is not None)


def link(person: Person, chat_id: int) -> None:
    """Links the person on chat_id's channel; reminders go to the channel linked last."""
    for column, value in identity(chat_id).items():
        setattr(person, column, value)
