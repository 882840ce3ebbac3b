"""Printed lines → the plan's lines: a page wraps a paragraph over several printed lines, and the extractor
wants one line per paragraph, as a .docx or .txt gives it ("trước ngày 30 tháng 11" / "năm 2014" must be
one clause again). Shared by the PDF text layer and OCR.

A printed line continues the one above it when that one ran to the right margin and this one does not
open a list item or a heading; OCR also says which printed lines form one paragraph, and a paragraph
break it sees always ends the paragraph.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# How close to the page's right margin a printed line must end to be a wrapped one.
FULL_LINE = 0.85
# What opens a new line even right under a full one: a bullet, "1.", "1.2.", "a)", "II.", "Điều 3".
_OPENS_LINE = re.compile(r"^\s*(?:[-+•*–—▪●○]|\d+(?:\.\d+)*[.)]\s|[a-zđ][).]\s|[IVXLC]+[./]\s|(?:Điều|Mục|Phần)\s\d)")


@dataclass(frozen=True)
class PrintedLine:
    text: str
    left: float
    right: float
    confidence: int | None = None  # OCR's lowest word confidence, 0–100; None for a text layer
    paragraph: int | None = None  # OCR's paragraph number on the page; None when unknown


@dataclass(frozen=True)
class Line:
    text: str
    confidence: int | None  # the lowest of its printed lines'


# …except a dash between two numbers the wrap parted ("nhiệm kỳ 2026" · "- 2031 được thực hiện…").
_RANGE_DASH = re.compile(r"^\s*[-–—]\s*\d")


def _opens_line(previous: PrintedLine, line: PrintedLine) -> bool:
    if _RANGE_DASH.match(line.text) and previous.text.rstrip()[-1:].isdigit():
        return False
    return bool(_OPENS_LINE.match(line.text))


def _continues(previous: PrintedLine, line: PrintedLine, margin: float) -> bool:
    if not previous.text.strip() or not line.text.strip() or _opens_line(previous, line):
        return False
    if previous.paragraph is not None and line.paragraph is not None and previous.paragraph != line.paragraph:
        return False
    return previous.right >= margin


def _lowest(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def unwrap(page: Iterable[PrintedLine]) -> Iterator[Line]:
    """One page's printed lines, top to bottom, as the lines of its paragraphs."""
    printed = list(page)
    filled = [p for p in printed if p.text.strip()]
    if not filled:
        return
    left = min(p.left for p in filled)
    margin = left + FULL_LINE * (max(p.right for p in filled) - left)
    text, confidence, previous = "", None, None
    for line in printed:
        if previous is not None and _continues(previous, line, margin):
            text, confidence = f"{text.rstrip()} {line.text.strip()}", _lowest(confidence, line.confidence)
        else:
            if previous is not None:
                yield Line(text, confidence)
            text, confidence = line.text, line.confidence
        previous = line
    yield Line(text, confidence)
