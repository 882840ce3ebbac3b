from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.roster import Role, RosterEntry, RosterLineError, Status, parse_line, parse_roster

TODAY = date(2026, 11, 22)


def test_the_documented_line():
    assert parse_line("Nguyễn Văn An, chính thức, 12/03/2015, bí thư", TODAY) == RosterEntry(
        "Nguyễn Văn An", Status.FULL, date(2015, 3, 12), Role.SECRETARY
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Trần Thị Bình, dự bị", RosterEntry("Trần Thị Bình", Status.PROBATIONARY)),
        ("  le   van  cuong ,chinh thuc, 1-2-2001 ,pho bi thu",
         RosterEntry("le van cuong", Status.FULL, date(2001, 2, 1), Role.DEPUTY)),
        ("Phạm Đức, Chi ủy viên, 2010-05-19, Chính Thức",
         RosterEntry("Phạm Đức", Status.FULL, date(2010, 5, 19), Role.COMMITTEE)),
        ("Bùi Văn Tư, chính thức, miễn sinh hoạt", RosterEntry("Bùi Văn Tư", Status.FULL, exempt=True)),
        ("Ngô Phúc, chính thức, đình chỉ sinh hoạt, đảng viên",
         RosterEntry("Ngô Phúc", Status.FULL, suspended=True)),
    ],
)
def test_fields_in_any_order_with_or_without_diacritics(line, expected):
    assert parse_line(line, TODAY) == expected


@pytest.mark.parametrize(
    ("line", "code", "value"),
    [
        ("Nguyễn Văn A, 31/02/2015", "bad_date", "31/02/2015"),
        ("Nguyễn Văn A, chính thức, 31/02/2015", "bad_date", "31/02/2015"),
        ("Nguyễn Văn A, chính thứcc", "unknown_field", "chính thứcc"),
        ("Nguyễn Văn A, tạm thời", "unknown_field", "tạm thời"),
        ("Nguyễn Văn A, chính thức, 01/01/2027", "future_date", "01/01/2027"),
        ("Nguyễn Văn A, chính thức, 12/2015", "bad_date", "12/2015"),
        ("Nguyễn Văn A", "missing_status", ""),
        (", chính thức", "missing_name", ""),
        ("Nguyễn Văn 3, chính thức", "bad_name", "Nguyễn Văn 3"),
        ("Nguyễn Văn A, chính thức, dự bị", "repeated_field", "dự bị"),
    ],
)
def test_mistakes_name_their_reason(line, code, value):
    with pytest.raises(RosterLineError) as caught:
        parse_line(line, TODAY)
    assert (caught.value.problem.code, caught.value.problem.value) == (code, value)


def test_a_pasted_list_keeps_the_good_lines_and_reports_the_bad_ones_by_line():
    text = "\n".join([
        "Nguyễn Văn An, chính thức, 12/03/2015, bí thư",
        "Nguyễn Văn A, 31/02/2015",
        "",
        "Trần Thị Bình, dự bị, 02/09/2026",
        "Lê Văn Cường, không rõ",
        "nguyen van an, du bi",
    ])
    parsed = parse_roster(text, TODAY)
    assert [(n, e.full_name) for n, e in parsed.accepted] == [(1, "Nguyễn Văn An"), (4, "Trần Thị Bình")]
    assert [(r.line_no, r.problem.code) for r in parsed.rejected] == [
        (2, "bad_date"), (5, "unknown_field"), (6, "duplicate_name"),
    ]


@given(st.text(max_size=400))
def test_any_text_is_either_accepted_or_rejected_line_by_line(text):
    parsed = parse_roster(text, TODAY)
    taken = [n for n, _ in parsed.accepted] + [r.line_no for r in parsed.rejected] + parsed.headers
    assert sorted(taken) == sorted(set(taken))
    assert len(taken) == sum(1 for line in text.splitlines() if line.strip())


@pytest.mark.parametrize(
    "line",
    [
        "1. Nguyễn Văn An, chính thức, 12/03/2015, bí thư",
        "12) Nguyễn Văn An, chính thức, 12/03/2015, bí thư",
        "- Nguyễn Văn An, chính thức, 12/03/2015, bí thư",
        "• Nguyễn Văn An; chính thức; 12/03/2015; bí thư",
        "Nguyễn Văn An - chính thức - 12/03/2015 - bí thư",
        "1\tNguyễn Văn An\tchính thức\t12/03/2015\tbí thư",
        "1 | Nguyễn Văn An | chính thức | 12/03/2015 | bí thư",
        "3.\tNguyễn Văn An\tChính thức\t\t12/03/2015\tBí thư",
    ],
)
def test_lists_as_they_are_written_numbered_dashed_or_copied_from_excel(line):
    assert parse_line(line, TODAY) == RosterEntry("Nguyễn Văn An", Status.FULL, date(2015, 3, 12), Role.SECRETARY)


def test_a_copied_table_with_its_header_row_takes_every_member_and_skips_the_header():
    table = ("STT\tHọ và tên\tTình trạng\tNgày vào Đảng\tChức vụ\n"
             "1\tNguyễn Văn An\tchính thức\t12/03/2015\tbí thư\n"
             "2\tTrần Thị Bình\tdự bị\t\t\n")
    parsed = parse_roster(table, TODAY)
    assert parsed.rejected == []
    assert [entry.full_name for _, entry in parsed.accepted] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert [line_no for line_no, _ in parsed.accepted] == [2, 3]
    assert parsed.headers == [1]


def test_a_header_with_pipes_is_skipped_but_a_member_named_like_a_column_is_not_taken_for_one():
    parsed = parse_roster("STT | Họ và tên | Tình trạng\n1 | Lê Văn Cường | chính thức", TODAY)
    assert [entry.full_name for _, entry in parsed.accepted] == ["Lê Văn Cường"]
    assert parsed.rejected == []


def test_a_dash_inside_a_date_is_not_a_separator():
    assert parse_line("Lê Văn Cường, chính thức, 1-2-2001", TODAY).admitted_on == date(2001, 2, 1)
