"""Vietnamese text helpers shared by the plan parsers.

Plans arrive NFC or NFD, with old (`uỷ`, `hoà`) or new (`ủy`, `hòa`) tone placement, and
sometimes without diacritics at all. The parsers match on a *view* of each line that has the
same length as the line, so a match span can be cut out of the original text unchanged.
"""

import re
import unicodedata
from functools import lru_cache

from bot.domain.text import nfc

# Old-style tone placement puts the tone on the second vowel of a syllable-final `oa`, `oe`,
# `uy` (`hoà`, `khoẻ`, `uỷ`); new style puts it on the first. `qu` is a consonant, so `quý`
# is the same in both styles and is left alone.
# The pattern starts with the vowel, not with the look-behind for `q`: a pattern that starts with a set of
# characters is searched for that set by the regex engine itself, four times faster than trying every position.
_TONED = "àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ"
_OLD_TONE = re.compile(rf"([oOuU])(?<![qQ][oOuU])([{_TONED}])(?!\w)")
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _moved_tone(pair: str) -> str:
    first, second = pair[0], unicodedata.normalize("NFD", pair[1])
    tone = "".join(c for c in second if c in _TONE_MARKS)
    base = "".join(c for c in second if c not in _TONE_MARKS)
    return unicodedata.normalize("NFC", first + tone) + unicodedata.normalize("NFC", base)


_MOVED_TONES = {pair: _moved_tone(pair) for pair in (first + second for first in "oOuU" for second in _TONED)}


def _move_tone(match: re.Match[str]) -> str:
    return _MOVED_TONES[match.group()]


@lru_cache(maxsize=32)  # each line is looked at by several parsers in turn
def matching_view(line: str) -> str:
    """The NFC line with new-style tone placement; same length as `nfc(line)`."""
    return _OLD_TONE.sub(_move_tone, nfc(line))


def _strip_marks(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Latin letters with diacritics (Latin-1 to Latin Extended Additional) → bare letters.
_BARE = {
    code: _strip_marks(chr(code))
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))
    if _strip_marks(chr(code)) != chr(code)
} | {ord("đ"): "d", ord("Đ"): "D"}
_COMBINING = dict.fromkeys(c for c in range(0x300, 0x370))


def fold(text: str) -> str:
    """Lower case without diacritics (`Đảng uỷ` → `dang uy`), for vocabulary look-ups."""
    return text.lower().translate(_BARE).translate(_COMBINING)


def _base_letter(char: str) -> str:
    return fold(char) if char.isalpha() else char


def loose(pattern: str) -> str:
    """Let each accented letter of a regex also match its bare letter (`từ` → `t[ừu]`).

    Text typed without diacritics then matches, while a different accent does not
    (`tư`, "fourth", never matches `từ`, "from").
    """
    out: list[str] = []
    in_class = escaped = False
    for char in pattern:
        base = _base_letter(char)
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif base != char.lower() and len(base) == 1:
            out.append(char + base if in_class else f"[{char}{base}]")
        else:
            if char == "[":
                in_class = True
            elif char == "]":
                in_class = False
            out.append(char)
    return "".join(out)


def compile_loose(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(loose(pattern), flags)


def squash_spaces(text: str) -> str:
    return " ".join(text.split())
