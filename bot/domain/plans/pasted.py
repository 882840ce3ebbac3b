"""A long plan pasted into the chat arrives in pieces: the messenger splits a text at 4,096 characters,
mid-word if it must ("Từ ngày 10/11/2014 đ" · "ến 12/11/2014:"). The pieces are joined again before reading.
"""

import itertools
from collections.abc import Sequence
from datetime import timedelta

from bot.domain.plans.structure import shape

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


# A message shorter than this, of one line that opens no list item or heading, reads as a question or a remark
# ("tháng này cần làm gì") rather than as one more piece of a plan being pasted.
QUESTION_LENGTH = 200
# The pieces of one split text arrive within seconds of each other; a slow phone network may take a few more.
TAIL_WAIT = timedelta(seconds=30)


def is_piece(text: str, *, after_cut: timedelta | None = None) -> bool:
    """Whether a text that arrives while a plan's pieces are being collected is one more of them.
    `after_cut`: how long after a piece that may have been cut (see `may_continue`) it arrives; the messenger
    sends the rest of a cut text at once, and that tail is a piece however short."""
    if after_cut is not None and after_cut <= TAIL_WAIT:
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    if len(text) >= QUESTION_LENGTH or len(lines) != 1:
        return bool(lines)
    s = shape(lines[0])
    return bool(s.marker) or s.is_heading
