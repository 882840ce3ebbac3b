"""Which channel a chat number belongs to (pure).

The handlers know one kind of chat number, an int, as aiogram gives it. A Telegram user's is their Telegram
id, below 2**52 (Telegram's bound for user ids). A Zalo user (whose id is a string) gets a number of chibo's
own above 2**52, still exact in JavaScript, so the page and the tests can show it; the two never meet.
"""

from hashlib import blake2b

ZALO_BASE = 2**52
_ZALO_UPDATE_BASE = 2**62  # Telegram update ids stay far below this


def zalo_key(row_id: int) -> int:
    """The chat number of the Zalo user stored as row `row_id` of zalo_chat."""
    return ZALO_BASE + row_id


def zalo_row(key: int) -> int:
    return key - ZALO_BASE


def is_zalo(chat_id: int | str | None) -> bool:
    try:
        return int(chat_id) > ZALO_BASE  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def zalo_update_id(message_id: str) -> int:
    """An update id for a Zalo message, the same each time Zalo delivers it, so the handled-update record
    skips a second delivery as it does for Telegram's."""
    digest = int.from_bytes(blake2b(f"zalo:{message_id}".encode(), digest_size=8).digest(), "big")
    return _ZALO_UPDATE_BASE + digest % _ZALO_UPDATE_BASE
