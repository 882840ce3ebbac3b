"""Hostile pasted rosters: every line is accepted or reported by its number, never both and never lost, and the
answer the secretary gets always fits in one Telegram message and still names every line that was not added."""

import re
import unicodedata
from datetime import date

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.domain.roster import (
    MAX_LINES,
    MAX_NAME_LENGTH,
    MAX_QUOTED_LINE,
    MAX_SHOWN,
    Role,
    RosterLineError,
    Status,
    parse_admission_date,
    parse_line,
    parse_name,
    parse_roster,
)
from bot.domain.text import fold
from bot.services.roster import AddResult
from bot.services.views import MemberView
from handlers.common import MAX_TEXT, telegram_length
from handlers.roster import added_text
from tests.hostile import IMPOSSIBLE_DATES, any_chars, date_like, hostile_lines, special_chars

TODAY = date(2026, 11, 22)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ROSTER_WORDS = (
    "Nguyễn Văn An Trần Thị Bình Lê Cường Phạm Đức Hoàng Mai Vũ Hùng nguyen van an NGUYỄN "
    "chính thức dự bị chinh thuc du bi Chính Thức đảng viên bí thư phó bí thư chi ủy viên cấp ủy viên "
    "ủy viên miễn sinh hoạt miễn công tác đình chỉ tạm đình chỉ sinh hoạt , , , ,, O'Neil Anh-Thư"
)
PROBLEMS = {
    "missing_name", "bad_name", "bad_date", "future_date", "unknown_field", "missing_status", "repeated_field",
    "duplicate_name", "too_many_lines",
}  # fmt: skip
FIELDS = [
    "chính thức", "dự bị", "chinh thuc", "DỰ BỊ", "bí thư", "phó bí thư", "chi ủy viên", "đảng viên",
    "miễn sinh hoạt", "đình chỉ sinh hoạt", "12/03/2015", "01/01/2027", "", "  ",
]  # fmt: skip


def roster_lines() -> st.SearchStrategy[str]:
    """Mostly the shape the bot asks for (`name, field, field…`), with hostile names and fields."""
    name = st.one_of(
        st.sampled_from(["Nguyễn Văn An", "Trần Thị Bình", "le van cuong", "Đỗ Thị C", "A", "Ngô  Phúc "]),
        st.text(st.sampled_from("aăâđêôơưáàảãạ ĐNguyễnVăn'-"), max_size=30),
        st.text(any_chars, max_size=12),
        st.just("Nguyễn " * 20),  # longer than a name may be
    )
    field = st.one_of(st.sampled_from(FIELDS), date_like(), st.text(any_chars, max_size=8), special_chars)
    shaped = st.tuples(name, st.lists(field, max_size=5)).map(lambda p: ", ".join([p[0], *p[1]]))
    return st.one_of(shaped, shaped, hostile_lines(ROSTER_WORDS, max_tokens=12))


def roster_texts(max_lines: int = 40) -> st.SearchStrategy[str]:
    breaks = st.sampled_from(["\n", "\n", "\r\n", "\r", "\n\n", "\u2028", "\x0b", "\x1c", "\x85", "\n  \t\n"])
    return st.lists(st.tuples(roster_lines(), breaks), max_size=max_lines).map(
        lambda pairs: "".join(line + brk for line, brk in pairs)
    )


def check_parse(text: str) -> None:
    parsed = parse_roster(text, TODAY)
    lines = text.splitlines()
    content = {n for n, line in enumerate(lines, start=1) if line.strip()}
    accepted = [n for n, _ in parsed.accepted]
    rejected = [r.line_no for r in parsed.rejected]
    # Every non-blank line exactly once: accepted or rejected, never both, never silently dropped.
    assert len(set(accepted)) == len(accepted) and len(set(rejected)) == len(rejected)
    assert not set(accepted) & set(rejected)
    assert set(accepted) | set(rejected) == content
    assert accepted == sorted(accepted) and rejected == sorted(rejected)

    names = [fold(entry.full_name) for _, entry in parsed.accepted]
    assert len(names) == len(set(names))
    for n, entry in parsed.accepted:
        assert n <= MAX_LINES
        assert entry == parse_line(lines[n - 1], TODAY)
        assert parse_name(entry.full_name) == entry.full_name and len(entry.full_name) <= MAX_NAME_LENGTH
        assert isinstance(entry.status, Status) and isinstance(entry.role, Role)
        assert entry.admitted_on is None or date(1, 1, 1) <= entry.admitted_on <= TODAY
    for r in parsed.rejected:
        line = lines[r.line_no - 1]
        assert r.problem.code in PROBLEMS
        assert (r.problem.code == "too_many_lines") == (r.line_no > MAX_LINES)
        assert line.startswith(r.text) and len(r.text) <= MAX_QUOTED_LINE
        assert len(r.problem.value) <= max(MAX_SHOWN, MAX_NAME_LENGTH)
    assert parse_roster(text, TODAY) == parsed  # deterministic


@FUZZ
@given(roster_texts())
@example("Nguyễn Văn An, chính thức, 31/02/2015\nLê Văn B, dự bị, 00/00/0000\nTrần C, chính thức, 29/02/2023")
@example("An, chính thức\u2028Bình, dự bị\x0bCường, chính thức\r\n\u202eDũng, dự bị\n\x00, chính thức")
@example("Nguyễn Văn An, chính thức, " + "9" * 4000)
@example(("Lê Văn Tám, chính thức" + "," * 300 + "\n") * 3)
@example("\n".join(f"Người Số {chr(0x61 + n % 26)}{chr(0x61 + n // 26)}, dự bị" for n in range(150)))
def test_every_line_is_accepted_or_reported_once(text: str) -> None:
    check_parse(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.sampled_from("\n\n\n" + "aAđ ,;0123456789/" + "\u0301\u0323\x00\x1f\u202e\u2028🇻🇳"),
               min_size=3500, max_size=4096))
def test_a_full_telegram_message_of_garbage(text: str) -> None:
    check_parse(text)
    check_reply(text)


def check_reply(text: str) -> None:
    """The answer to a paste fits in one message, and every line not added is named there by its number."""
    parsed = parse_roster(text, TODAY)
    added = [MemberView(n, e.full_name, e.role, e.status, e.admitted_on, e.exempt, e.suspended, False)
             for n, e in parsed.accepted]
    reply = added_text(AddResult(added=added, rejected=parsed.rejected))
    assert telegram_length(reply) <= MAX_TEXT
    assert not [c for c in reply if c != "\n" and unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp", "Cn"}]
    if added:
        assert f"Đã thêm {len(added)} đảng viên" in reply
    named = {int(n) for n in re.findall(r"• Dòng (\d+) «", reply)}
    for hidden in re.findall(r"• Dòng ([\d, –]+): cũng chưa thêm được", reply):
        for part in hidden.split(", "):
            first, _, last = part.partition("–")
            named |= set(range(int(first), int(last or first) + 1))
    if onward := re.search(r"• Từ dòng (\d+) trở đi \((\d+) dòng\)", reply):
        too_many = [r.line_no for r in parsed.rejected if r.problem.code == "too_many_lines"]
        assert (int(onward[1]), int(onward[2])) == (too_many[0], len(too_many))
        named |= set(too_many)
    assert named == {r.line_no for r in parsed.rejected}


@FUZZ
@given(roster_texts(max_lines=120))
@example("\n".join(f"Nguyễn Văn {'x' * 70}, chính thức, 01/01/2030, {'y' * 300}" for _ in range(100)))
@example("\n".join(f"Nguyễn Văn An{chr(0x61 + n % 26)}{chr(0x61 + n // 26)}, chính thức, 12/03/2015, chi ủy viên, "
                   "miễn sinh hoạt" for n in range(100)))
@example("\n".join(["Nguyễn Văn An, chính thức"] + ["x"] * 2000))
def test_the_reply_to_any_paste_fits_one_message_and_names_every_line_left_out(text: str) -> None:
    check_reply(text)


@FUZZ
@given(st.one_of(date_like(), st.text(any_chars, max_size=30), st.sampled_from(IMPOSSIBLE_DATES)))
def test_an_admission_date_is_a_real_past_day_or_a_reported_problem(text: str) -> None:
    try:
        day = parse_admission_date(text, TODAY)
    except RosterLineError as error:
        assert error.problem.code in {"bad_date", "future_date"} and len(error.problem.value) <= MAX_SHOWN
    else:
        assert day <= TODAY


@FUZZ
@given(st.text(any_chars, max_size=200))
def test_a_name_is_letters_at_most_80_or_a_reported_problem(text: str) -> None:
    try:
        name = parse_name(text)
    except RosterLineError as error:
        assert error.problem.code in {"missing_name", "bad_name"}
        assert len(error.problem.value) <= MAX_NAME_LENGTH
    else:
        assert 0 < len(name) <= MAX_NAME_LENGTH and parse_name(name) == name
        assert not any(c.isdigit() or c in "\n\r\t\x00" for c in name)
