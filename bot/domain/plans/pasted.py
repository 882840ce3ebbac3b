"""A long plan pasted into the chat arrives in pieces: the messenger splits a text at 4,096 characters,
mid-word if it must ("Từ ngày 10/11/2014 đ" · "ến 12/11/2014:"). The pieces are joined again before reading.
"""

import itertools
from collections.abc import Sequence

MESSAGE_LIMIT = 4096  # Telegram's longest text message, in characters
# A message this long may be a piece of a longer paste: the bot waits for more before reading.
PIECE_LENGTH = 3500


def may_continue(text: str) -> bool:
    return len(text) >= PIECE_LENGTH


def join_pieces(pieces: Sequence[str]) -> str:
    """A piece cut at the limit continues exactly where it stopped; one that ended earlier ended at a line
    (the sender or the client chose the place), so the next piece starts a new line."""
    joined = pieces[0] if pieces else ""
    for previous, piece in itertools.pairwise(pieces):
        cut = len(previous) >= MESSAGE_LIMIT or previous.endswith(("\n", " ")) or piece.startswith(("\n", " "))
        joined += piece if cut else "\n" + piece
    return joined
