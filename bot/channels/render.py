"""What a Telegram-shaped answer becomes in a channel that has only plain text (pure): HTML to plain text,
buttons to a numbered list, long texts cut at line boundaries, and a reply matched back to a choice."""

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from bot.domain.text import fold
from bot.texts import plain

_LEADING_MARKS = re.compile(r"^[^\w]+", re.UNICODE)  # "○ Trần Văn Minh", "➕ Thêm…": the marks are not typed


@dataclass(frozen=True)
class Choice:
    """One numbered option: a button's words and what picking it does (callback data, or a text to send,
    as a reply-keyboard button would)."""

    label: str
    data: str | None = None
    send: str | None = None

    def as_json(self) -> dict[str, str]:
        return {key: value for key, value in (("label", self.label), ("data", self.data), ("send", self.send))
                if value is not None}

    @classmethod
    def from_json(cls, raw: dict[str, str]) -> "Choice":
        return cls(raw["label"], raw.get("data"), raw.get("send"))


class _Plain(HTMLParser):
    """Telegram's HTML subset to the text a plain-text client shows: tags dropped, a link's address kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: list[str | None] = []
        self._link_start: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href.append(dict(attrs).get("href"))
            self._link_start.append(len(self.parts))
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            href, start = self._href.pop(), self._link_start.pop()
            shown = "".join(self.parts[start:])
            if href and href != shown and not href.startswith("tg://"):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def to_plain(text: str, parse_mode: str | None) -> str:
    if (parse_mode or "").lower() != "html":
        return text
    parser = _Plain()
    parser.feed(text)
    parser.close()
    return unescape("".join(parser.parts))


def compose(text: str, choices: list[Choice], links: list[tuple[str, str]] = ()) -> str:
    """The message text with its buttons as numbered lines (and link buttons as addresses) below it."""
    blocks = [text.rstrip()] if text.strip() else []
    if links:
        blocks.append("\n".join(plain("zalo", "link", text=label, url=url) for label, url in links))
    if choices:
        blocks.append(plain("zalo", "choices", labels=[c.label for c in choices]))
    return "\n\n".join(blocks)


def split(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at line ends (a line longer than that at a space, else
    anywhere); no piece is blank."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            head, line = line[:cut], line[cut:].lstrip(" ")
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]


def _words(label: str) -> str:
    return fold(_LEADING_MARKS.sub("", label))


def pick(reply: str, choices: list[Choice]) -> Choice | None:
    """The choice a reply means: its number, or its words (with or without diacritics and marks)."""
    typed = reply.strip().rstrip(".")
    if typed.isdigit():
        number = int(typed)
        return choices[number - 1] if 1 <= number <= len(choices) else None
    wanted = _words(typed)
    if not wanted:
        return None
    matches = [c for c in choices if _words(c.label) == wanted]
    return matches[0] if len(matches) == 1 else None
