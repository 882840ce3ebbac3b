"""Spans of a line that cite other documents; their dates and words are never the plan's tasks.

A citation is a document number (`21-KL/TW`, `33/2011/QĐ-UBND`, `Quy định 76`) with the date
and issuer that follow it (`, ngày 25/10/2021`, `của Ban Thường vụ Thành ủy ngày 02/4/2012`)
and the subject it is about (`về … hằng năm` up to the end of the clause): a document's title
often carries years and recurrence words (`… từ nay đến năm 2015`) that are not this plan's.
The cost is that a task time written inside a citation's subject without any punctuation
before it is lost; plans put task times after a comma, in a parenthesis or in their own line.
"""

import re
from bisect import bisect_right
from collections.abc import Sequence

from bot.domain.plans.vietnamese import loose

_CODE = r"[A-ZĐ][A-ZĐa-zđ0-9]*(?:[-–][A-ZĐ0-9][A-ZĐa-zđ0-9]*)*"  # lower case inside: QĐ-TTg, QĐ-BNNPTNT
# Document numbers are upper case and matched as such, inside an otherwise case-blind pattern.
_DOC_NUMBER = (
    rf"(?-i:(?<![\w/])\d{{1,5}}\s*[-–]?\s*[A-ZĐ]{{2,6}}\s*/\s*{_CODE}"  # 12-NQ/TW, 92 KH/ĐUK, 101QĐ/TW
    rf"|(?<![\w/])\d{{1,5}}/(?:\d{{4}}/)?[A-ZĐ]{{2,}}[-–]{_CODE}"  # 33/2011/QĐ-UBND, 45/UBND-VP
    rf"|(?<![\w/])\d{{1,5}}/\d{{4}}/[A-ZĐ]{{2,}}[A-ZĐ0-9]*(?:[-–]{_CODE})?)"  # laws: 85/2015/QH13, 101/2025/UBTVQH15
)
_DOC_WORDS = loose(
    r"nghị quyết|chỉ thị|chị thị|kết luận|kế hoạch|quyết định|quy định|hướng dẫn|thông báo"
    r"|công văn|văn bản|quy chế|quy chê|thông tư|nghị định|luật|đề án|chương trình|tờ trình|thông tri"
).replace(" ", r"\s+")
_DATE = loose(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}")
_CITED_DATE = loose(rf"\s*,?\s*(?:ban\s+hành\s+)?ngày\s+(?:{_DATE})")
_ISSUER = loose(r"\s+của\s+[^,;:.()\d]{1,100}?")
# The subject runs to the end of the clause, or to a comma that opens a time phrase.
_SUBJECT = loose(r"\s+về\s+(?:(?!,\s*(?:trong|trước|từ|đến|hoàn\s+thành|thời\s+gian|hằng|hàng)\s)[^;:.()])*")
# A law cited by its name and date, without a number: "Luật Quy hoạch ngày 24 tháng 11 năm 2017".
_NAMED_LAW = (
    loose(r"(?:(?:bộ\s+)?luật|pháp\s+lệnh|hiến\s+pháp)") + r"\s+(?-i:[A-ZĐ])[^,;:.()\d]{0,80}?" + f"(?={_CITED_DATE})"
)
_CITATION = re.compile(  # numbers and document words start with these; checking them first is fast
    loose(r"(?<![\w/])(?=\d|nghị|chỉ|chị|kết|kế|quyết|quy|hướng|thông|công|văn|luật|đề|chương|tờ|bộ|pháp|hiến)")
    + rf"(?:(?:{_DOC_WORDS})\s+(?:{loose('số')}\s*:?\s*)?(?:{_DOC_NUMBER}|\d{{1,5}}(?![\d/])\S*)|{_DOC_NUMBER}"
    rf"|{_NAMED_LAW})"
    rf"(?:{_CITED_DATE})?"
    rf"(?:{_ISSUER}(?:{_CITED_DATE})(?=\W))?"
    rf"(?:(?:{_ISSUER})?{_SUBJECT})?",
    re.IGNORECASE,
)


_DIGIT = re.compile(r"\d")


def citation_spans(view: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans of `view` that belong to citations (each has a number or a date)."""
    if not _DIGIT.search(view):
        return []
    return [m.span() for m in _CITATION.finditer(view)]


def inside(spans: Sequence[tuple[int, int]], position: int) -> bool:
    i = bisect_right(spans, (position, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= position < spans[i][1]
