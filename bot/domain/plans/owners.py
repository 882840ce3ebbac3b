"""Who a task belongs to: the unit named at the start of a bullet or in a section heading.

A unit phrase is a head word from a closed vocabulary (`Chi bộ`, `Bí thư`, `Ban Thường vụ`…)
followed by its qualifiers: capitalised words of a proper name (`Ban Tổ chức Tỉnh ủy`) or
known lower-case continuations (`Bí thư chi bộ`, `đảng ủy trực thuộc`). The phrase stops at
the first other lower-case word, which is where the verb starts (`Đảng ủy tổ chức hội nghị`).
"""

import re
from collections.abc import Sequence
from itertools import islice

from bot.domain.plans.vietnamese import fold

Vocabulary = dict[str, tuple[tuple[str, ...], ...]]


def _vocabulary(text: str) -> Vocabulary:
    """Comma-separated folded phrases → word tuples by first word, longest first."""
    phrases = sorted((tuple(p.split()) for p in text.split(",")), key=len, reverse=True)
    return {first: tuple(p for p in phrases if p[0] == first) for first in {p[0] for p in phrases}}


# Heads that name a unit or an office on their own.
_HEADS = _vocabulary(
    "bi thu, pho bi thu, chi bo, chi uy vien, chi uy, cap uy vien, cap uy, dang uy vien, dang uy,"
    "dang bo, dang vien, dang doan, ban thuong vu, ban chap hanh, ban can su, ban chi dao,"
    "thuong truc, thuong vu, uy ban, uy vien, van phong, tinh uy, thanh uy, huyen uy, quan uy,"
    "thi uy, cong doan, doan thanh nien, mat tran, chu tich, pho chu tich, giam doc, pho giam doc,"
    "thu truong, nguoi dung dau, to giup viec, to cong tac, chanh thanh tra, pho chanh thanh tra,"
    "chanh van phong, truong ban, pho truong ban, truong phong, pho truong phong"
)
# Heads that are ordinary words unless a name follows (`Ban Tổ chức` but `Ban hành`,
# `Hội Cựu chiến binh` but `Hội nghị`, `Lãnh đạo Thanh tra` but `Lãnh đạo, chỉ đạo`).
_NAMED_HEADS = _vocabulary("ban, hoi, lanh dao, dong chi, d/c, bo phan, chanh")
_PREFIXES = _vocabulary("cac, nhung, moi, toan the, tap the")
_CONTINUATIONS = _vocabulary(
    "chi bo, dang, thanh pho, co so, truc thuoc, cap tren, cung cap, cac cap, cap tinh, cap huyen,"
    "cap xa, cap co so, tinh, huyen, xa, phuong, thi tran, thi xa, khoi, cuu chien binh"
)
# Lower-case words that start a verb or a preposition, never the second syllable of a name
# (`Đảng ủy Khối chỉ đạo`: `Khối` ends the name).
_NOT_NAME_TAIL = _vocabulary(
    "chi, chu, to, trien, thuc, phoi, xay, ban, huong, kiem, bao, tham, theo, chuan, lanh, gui, tiep, don,"
    "co, la, duoc, can, phai, truc, de, tong, giup, thong, quan, ra, hop, nghien, lam, cho, voi, ve, tai,"
    "o, cua, trong, va, hoac, khi, sau, truoc, tu, den"
)
# An introductory phrase before the subject: "Sau khi …, Ban Thường vụ thông báo …".
_INTRODUCTIONS = _vocabulary("sau khi, truoc khi, sau, truoc, tren co so, can cu, trong qua trinh, khi, dong thoi")
_JOINERS = frozenset({"va", "hoac"})
_EDGE_PUNCTUATION = ",;:.()[]\"“”‘’'*_"
_TOKEN = re.compile(r"\S+")
_WHOLE_HEADING_LIMIT = 80  # a heading this short that starts with a unit is the unit's name
_OWNER_REACH = 300  # characters: a unit is named at the start of its sentence
_OWNER_TOKENS = 48  # and within its first words, even a list of units
_LABEL_LIMIT = 160  # "Units: what they do" — a longer lead before a colon is a sentence

_BRANCH_UNIT = re.compile(
    r"^(?:(?:cac|moi|toan the|tap the) )?"
    r"(?:chi bo|chi uy|dang vien|cap uy (?:cac )?chi bo"
    r"|(?:pho )?bi thu(?! (?:dang|tinh|thanh|huyen|quan|thi|cap|ban|uy)))"
)
_UNIT_SEPARATOR = re.compile(r"[,;]|\s(?:va|hoac)\s")


class _Tokens:
    """Words of a text with their spans, folded for vocabulary look-ups. Both are made on demand, as
    far as they are asked for: a unit is named in the first few words, and most sentences name none."""

    def __init__(self, text: str) -> None:
        self._found = islice(_TOKEN.finditer(text), _OWNER_TOKENS)
        self.spans: list[tuple[int, int]] = []
        self.raw: list[str] = []
        self.words: list[str] = []
        self._folded: dict[int, str] = {}

    def has(self, i: int) -> bool:
        """Whether the text has a token i (within the first `_OWNER_TOKENS`)."""
        while len(self.raw) <= i:
            m = next(self._found, None)
            if m is None:
                return False
            self.spans.append(m.span())
            self.raw.append(m.group())
            self.words.append(m.group().strip(_EDGE_PUNCTUATION))
        return True

    def folded(self, i: int) -> str:
        if i not in self._folded:
            self._folded[i] = fold(self.words[i]) if self.has(i) else ""
        return self._folded[i]

    def match(self, i: int, vocabulary: Vocabulary) -> int:
        """Length of the longest phrase starting at token i (0 if none); punctuation ends a phrase."""
        for phrase in vocabulary.get(self.folded(i), ()):
            n = len(phrase)
            if tuple(self.folded(k) for k in range(i, i + n)) == phrase and not self._broken(i, n):
                return n
        return 0

    def _broken(self, i: int, n: int) -> bool:
        return any(self.ends_clause(k) for k in range(i, i + n - 1))

    def ends_clause(self, i: int) -> bool:
        return self.raw[i] != self.raw[i].rstrip(_EDGE_PUNCTUATION)

    def opens_aside(self, i: int) -> bool:
        return self.raw[i] != self.raw[i].lstrip(_EDGE_PUNCTUATION)

    def capitalised(self, i: int) -> bool:
        word = self.words[i]
        return bool(word) and word[0].isupper()

    def name_tail(self, i: int) -> bool:
        """Whether token i is the lower-case second syllable of a capitalised word (`Tổ chức`)."""
        if not self.has(i) or self.opens_aside(i):
            return False
        word = self.words[i]
        return (
            word.isalpha()
            and word.islower()
            and not self.match(i, _NOT_NAME_TAIL)
            and not self.match(i, _HEADS)
            and not self.match(i, _CONTINUATIONS)
        )


def _unit_end(tokens: _Tokens, i: int) -> int | None:
    """Index after the unit starting at token i, or None if no unit starts there."""
    while tokens.has(i) and (skip := tokens.match(i, _PREFIXES)):
        i += skip
    if not tokens.has(i):
        return None
    if head := tokens.match(i, _HEADS):
        j = i + head
    elif head := tokens.match(i, _NAMED_HEADS):
        j = i + head
        if not tokens.has(j) or tokens.ends_clause(j - 1) or not (tokens.capitalised(j) or tokens.match(j, _HEADS)):
            return None
    else:
        return None
    while tokens.has(j) and not tokens.ends_clause(j - 1) and not tokens.opens_aside(j):
        step = tokens.match(j, _HEADS) or tokens.match(j, _CONTINUATIONS)
        if not step and tokens.capitalised(j):
            step = 1 + (not tokens.ends_clause(j) and tokens.name_tail(j + 1))
        if not step:
            break
        j += step
    return j


def _unit_span(text: str) -> tuple[int, int] | None:
    tokens = _Tokens(text[:_OWNER_REACH])
    start = 0
    while tokens.has(start) and not tokens.words[start]:
        start += 1  # bare markup such as "*"
    if tokens.folded(start) == "giao":  # "Giao (cho) <unit>…"
        start += 1 + (tokens.folded(start + 1) == "cho")
    end = _unit_end(tokens, start)
    if end is None:
        return None
    while tokens.has(end):  # "A, B và C" — a list of units
        if tokens.raw[end - 1][-1:] in ",;":
            more = _unit_end(tokens, end)
        elif tokens.folded(end) in _JOINERS:
            more = _unit_end(tokens, end + 1)
        else:
            break
        if more is None:
            break
        end = more
    return tokens.spans[start][0], tokens.spans[end - 1][1]


def unit_phrase(text: str) -> str | None:
    """The unit that a sentence starts with: `Bí thư chi bộ báo cáo…` → `Bí thư chi bộ`."""
    span = _unit_span(text)
    if span is None:
        return None
    return text[span[0] : span[1]].strip(_EDGE_PUNCTUATION + " ") or None


def owner_of_line(text: str) -> str | None:
    """`Units: what they do` names the owner before the colon; otherwise the sentence's subject,
    which may follow an introductory phrase (`Sau khi …, Ban Thường vụ thông báo …`)."""
    lead, colon, _ = text.partition(":")
    if colon and len(lead) <= _LABEL_LIMIT and unit_phrase(lead):
        return lead.strip(_EDGE_PUNCTUATION + " ")
    if subject := unit_phrase(text):
        return subject
    opening, comma, rest = text.partition(",")
    return unit_phrase(rest) if comma and _Tokens(opening).match(0, _INTRODUCTIONS) else None


def owner_of_heading(text: str) -> str | None:
    """A short heading that names a unit (`5. Ban Tổ chức Tỉnh ủy`) is that unit."""
    phrase = unit_phrase(text)
    body = text.strip(_EDGE_PUNCTUATION + " ")
    if phrase and len(body) <= _WHOLE_HEADING_LIMIT and fold(body).startswith(fold(phrase)):
        return body
    return phrase


def owner_of_cells(cells: Sequence[str]) -> str | None:
    """In a schedule table row, the leftmost cell that is nothing but a unit."""
    for cell in cells:
        phrase = unit_phrase(cell)
        if phrase and len(phrase) >= len(cell.strip(_EDGE_PUNCTUATION + " ")):
            return phrase
    return None


def is_branch_owner(owner: str | None) -> bool:
    """Whether the owner is the branch, its secretary, its committee or its members."""
    if not owner:
        return False
    return any(_BRANCH_UNIT.match(unit.strip()) for unit in _UNIT_SEPARATOR.split(fold(owner)))
