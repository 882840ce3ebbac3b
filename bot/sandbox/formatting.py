"""Telegram text formatting: HTML parse mode -> (plain text, entities), and command entities.

Telegram returns messages as plain text plus entities, and rejects HTML it cannot parse.
Doing the same here makes the sandbox catch the classic bug of interpolating unescaped
user input (e.g. "<Tên>") into an HTML message before it reaches real users.
"""

import re
from html.parser import HTMLParser
from typing import Any

# Tag -> entity type, as listed in https://core.telegram.org/bots/api#html-style
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_OTHER_TAGS = {"a", "span", "tg-emoji", "tg-time"}

# Telegram marks a leading "/command" or "/command@botname" as a bot_command entity.
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")


class EntityParseError(ValueError):
    """Raised with Telegram's wording, to be prefixed by "Bad Request: can't parse entities: "."""


def utf16_len(text: str) -> int:
    # Entity offsets and lengths are counted in UTF-16 code units (emoji count as 2).
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    match = _COMMAND.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]


def parse_html(raw: str) -> tuple[str, list[dict[str, Any]]]:
    parser = _TelegramHTML(raw)
    parser.feed(raw)
    parser.close()
    parser.finish()
    return "".join(parser.parts), parser.entities


class _TelegramHTML(HTMLParser):
    def __init__(self, raw: str) -> None:
        super().__init__(convert_charrefs=True)
        self.raw = raw
        self.parts: list[str] = []
        self.entities: list[dict[str, Any]] = []
        self._offset = 0  # UTF-16 length of text emitted so far
        self._open: list[tuple[str, dict[str, Any] | None]] = []  # (tag, entity or None)
        # HTMLParser reports (line, column); byte offsets need absolute positions.
        self._line_starts = [0]
        for index, char in enumerate(raw):
            if char == "\n":
                self._line_starts.append(index + 1)

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        return len(self.raw[: self._line_starts[line - 1] + column].encode())

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self._offset += utf16_len(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        entity = self._entity_for(tag, attributes)
        if entity is None and tag not in _OTHER_TAGS:
            raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        # <pre><code class="language-x"> is one pre entity with a language, not two entities.
        if tag == "code" and self._open and self._open[-1][0] == "pre":
            pre = self._open[-1][1]
            language = (attributes.get("class") or "").removeprefix("language-")
            if pre is not None and language:
                pre["language"] = language
            entity = None
        if entity is not None:
            entity["offset"] = self._offset
        self._open.append((tag, entity))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            raise EntityParseError(f"Unexpected end tag at byte offset {self._byte_offset()}")
        _, entity = self._open.pop()
        if entity is None:
            return
        entity["length"] = self._offset - entity["offset"]
        # Telegram drops empty entities instead of returning zero-length ones.
        if entity["length"] > 0:
            self.entities.append(entity)

    def finish(self) -> None:
        if self._open:
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{self._open[-1][0]}"')
        self.entities.sort(key=lambda entity: entity["offset"])

    @staticmethod
    def _entity_for(tag: str, attributes: dict[str, str | None]) -> dict[str, Any] | None:
        if tag in _SIMPLE_TAGS:
            entity: dict[str, Any] = {"type": _SIMPLE_TAGS[tag]}
            if tag == "blockquote" and "expandable" in attributes:
                entity["type"] = "expandable_blockquote"
            return entity
        if tag == "a" and attributes.get("href"):
            return {"type": "text_link", "url": attributes["href"]}
        if tag == "span" and attributes.get("class") == "tg-spoiler":
            return {"type": "spoiler"}
        if tag == "tg-emoji" and attributes.get("emoji-id"):
            return {"type": "custom_emoji", "custom_emoji_id": attributes["emoji-id"]}
        return None
