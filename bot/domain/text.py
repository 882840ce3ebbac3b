"""Vietnamese text helpers: typed input is matched with and without diacritics."""

import re
import unicodedata

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
