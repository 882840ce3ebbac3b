"""Vietnamese text helpers: typed input is matched with and without diacritics."""

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: 'Chính  Thức' and 'chinh thuc' fold alike."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", bare).strip().lower()


def squeeze(text: str) -> str:
    """NFC with runs of white space made single: how names are stored."""
    return _SPACES.sub(" ", nfc(text)).strip()


# --- Vietnamese alphabetical order -----------------------------------------------------------------------------
# Letters: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (f j w z placed as in Latin). Tone marks
# only break ties, in the dictionary order (Hoàng Phê): none, huyền, hỏi, ngã, sắc, nặng.

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


@lru_cache(maxsize=16_384)  # rosters are sorted on every /buoc and /tinhhinh, by the same few thousand names
def vietnamese_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    letters: list[int] = []
    tones: list[int] = []
    for char in text.lower():
        decomposed = unicodedata.normalize("NFD", char)
        base = "".join(c for c in decomposed if c not in _TONES)
        tone = next((_TONES[c] for c in decomposed if c in _TONES), 0)
        letter = unicodedata.normalize("NFC", base)
        if letter in _RANK:
            letters.append(_RANK[letter])
        elif letter.isspace():
            letters.append(-1)
        else:
            bare = "".join(c for c in unicodedata.normalize("NFD", letter) if c not in _SHAPES)
            letters.append(_RANK.get(bare, len(_ALPHABET) + ord(bare[:1] or " ")))
        tones.append(tone)
    return tuple(letters), tuple(tones)
