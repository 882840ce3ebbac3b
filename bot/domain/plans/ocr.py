"""What Tesseract read from a page (its TSV output) → printed lines with their confidence.

Running Tesseract is the services' business (bot/services/plan_files.py); this only reads its answer.
"""

import re
from collections.abc import Iterator

from bot.domain.plans.layout import PrintedLine
from bot.domain.plans.vietnamese import nfc

# A line with a word read below this confidence (Tesseract's 0–100) is marked for the secretary to check.
LOW_CONFIDENCE = 70
# Tesseract reads the dot of a small "i" as a hook: "Chi bộ" comes out "Chỉ bộ", and "chi ủy" "chỉ ủy".
# Neither is a Vietnamese phrase ("chỉ bộ phận" is: it stays), and the extractor finds owners by them.
_MISREAD_CHI = re.compile(r"\b([Cc])hỉ(?= (?:bộ(?! phận)|ủy|uỷ)\b)")
_WORD_LEVEL = "5"
_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
            "left", "top", "width", "height", "conf", "text")  # fmt: skip


def tsv_lines(tsv: str) -> Iterator[PrintedLine]:
    """Tesseract's words grouped into its printed lines, in its reading order."""
    key, words = None, []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) != len(_COLUMNS) or cells[0] != _WORD_LEVEL or not cells[11].strip():
            continue
        fields = dict(zip(_COLUMNS, cells, strict=True))
        line_key = (int(fields["block_num"]), int(fields["par_num"]), int(fields["line_num"]))
        if line_key != key and words:
            yield _line(key, words)
            words = []
        key = line_key
        words.append(fields)
    if words:
        yield _line(key, words)


def _line(key: tuple[int, int, int], words: list[dict[str, str]]) -> PrintedLine:
    scores = [round(float(w["conf"])) for w in words if float(w["conf"]) >= 0]
    return PrintedLine(
        text=_MISREAD_CHI.sub(r"\1hi", nfc(" ".join(w["text"].strip() for w in words))),
        left=min(float(w["left"]) for w in words),
        right=max(float(w["left"]) + float(w["width"]) for w in words),
        confidence=min(scores) if scores else None,
        paragraph=key[0] * 10_000 + key[1],
    )
