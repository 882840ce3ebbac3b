"""Invitation codes a person can type (pure): Zalo has no deep links with a start parameter, so an invitation
is also a code sent to the bot. Twelve characters from 31 that are not mistaken for one another (no 0/O, 1/I/L)
make about 59 bits: with one-time use and an expiry, too many to guess. Telegram's link carries the same code."""

import re
from collections.abc import Callable

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_GROUPS, _SIZE = 3, 4
_TYPED = re.compile(rf"^[{ALPHABET}]{{{_GROUPS * _SIZE}}}$")


def new_code(choose: Callable[[str], str]) -> str:
    """A fresh code in groups, like K7QM-2XPD-9RTA; `choose` picks one character (secrets.choice)."""
    return "-".join("".join(choose(ALPHABET) for _ in range(_SIZE)) for _ in range(_GROUPS))


def typed_code(text: str) -> str | None:
    """The code a person typed, however spaced, dashed or cased; None when the text is not one."""
    bare = re.sub(r"[\s\-.]", "", text).upper()
    if not _TYPED.match(bare):
        return None
    return "-".join(bare[i:i + _SIZE] for i in range(0, len(bare), _SIZE))
