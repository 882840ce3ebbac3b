"""A paste the messenger split (bot/domain/plans/pasted.py): the pieces joined again exactly, and which
messages that arrive meanwhile are pieces at all."""

from datetime import timedelta

import pytest

from bot.domain.plans import extract_plan_text
from bot.domain.plans.pasted import MESSAGE_LIMIT, QUESTION_LENGTH, TAIL_WAIT, is_piece, join_pieces, may_continue
from tests.corpus import reference_plan


def cut(text: str) -> list[str]:
    """As Telegram cuts a long text: every MESSAGE_LIMIT characters, mid-word if it falls there."""
    return [text[at : at + MESSAGE_LIMIT] for at in range(0, len(text), MESSAGE_LIMIT)]


def test_a_plan_cut_at_every_limit_is_joined_back_exactly() -> None:
    text = reference_plan("003").read_text(encoding="utf-8")
    pieces = cut(text)
    assert len(pieces) == 7 and all(len(p) == MESSAGE_LIMIT for p in pieces[:-1])
    assert join_pieces(pieces) == text
    assert extract_plan_text(join_pieces(pieces)) == extract_plan_text(text)


def test_a_cut_inside_a_word_is_mended_and_the_window_read_whole() -> None:
    head = "x" * (MESSAGE_LIMIT - len("+ Từ ngày 10/11/2014 đ") - 1) + "\n+ Từ ngày 10/11/2014 đ"
    assert len(head) == MESSAGE_LIMIT
    joined = join_pieces([head, "ến 12/11/2014:\n- Bí thư chi bộ báo cáo kết quả."])
    assert "\n+ Từ ngày 10/11/2014 đến 12/11/2014:\n- Bí thư chi bộ báo cáo kết quả." in joined
    item = extract_plan_text("KẾ HOẠCH\n" + joined.split("\n", 1)[1]).items[0]
    assert (item.start.isoformat(), item.due.isoformat()) == ("2014-11-10", "2014-11-12")


@pytest.mark.parametrize("length", [MESSAGE_LIMIT, MESSAGE_LIMIT + 1])
def test_a_piece_at_or_past_the_limit_continues_in_the_next(length: int) -> None:
    assert join_pieces(["a" * (length - 1) + "b", "c"]) == "a" * (length - 1) + "bc"


def test_a_piece_that_ended_before_the_limit_ended_a_line() -> None:
    """One character short of the limit: the sender (or her client) chose the place, at a line's end."""
    first = "- Chi bộ họp trong tháng 4/2026." + "." * (MESSAGE_LIMIT - 33)
    assert len(first) == MESSAGE_LIMIT - 1
    assert join_pieces([first, "- Bí thư báo cáo"]) == first + "\n- Bí thư báo cáo"
    three = ["- Chi bộ họp.", "- Bí thư báo cáo.", "KẾT THÚC"]
    assert join_pieces(three) == "- Chi bộ họp.\n- Bí thư báo cáo.\nKẾT THÚC"


@pytest.mark.parametrize(("first", "second"), [("- Chi bộ họp.\n", "- Bí thư báo cáo."),
                                               ("- Chi bộ họp.", "\n- Bí thư báo cáo."),
                                               ("Chi bộ họp trong tháng ", "4/2026."),
                                               ("Chi bộ họp trong tháng", " 4/2026.")])
def test_a_piece_that_starts_a_new_line_or_word_gets_no_extra_line(first: str, second: str) -> None:
    assert join_pieces([first, second]) == first + second


def test_no_pieces_and_one_piece() -> None:
    assert join_pieces([]) == ""
    assert join_pieces(["Chi bộ họp."]) == "Chi bộ họp."


def test_a_long_message_may_be_the_first_of_several() -> None:
    assert may_continue("x" * MESSAGE_LIMIT) and not may_continue("Chi bộ họp trong tháng 4/2026.")


@pytest.mark.parametrize("text", ["tháng này cần làm gì", "Xong rồi", "ok", "Bí thư chi bộ báo cáo trước 30/6",
                                  "thang nay lam gi?"])
def test_a_short_line_without_a_list_mark_reads_as_a_question_not_a_piece(text: str) -> None:
    assert not is_piece(text)
    assert not is_piece(text, after_cut=TAIL_WAIT + timedelta(seconds=1))  # a minute later: typed, not cut


@pytest.mark.parametrize("text", ["- Chi bộ họp trong tháng 4/2026.", "+ Từ ngày 05/11/2014 đến 07/11/2014:",
                                  "2.1. Đợt 1: Trong tháng 12/2025", "a) Nội dung kiểm tra", "III. TỔ CHỨC THỰC HIỆN",
                                  "KẾ HOẠCH", "Chi bộ họp.\nBí thư báo cáo.", "Chi bộ " * (QUESTION_LENGTH // 7 + 1)])
def test_a_list_item_a_heading_several_lines_or_a_long_text_is_a_piece(text: str) -> None:
    assert is_piece(text)


def test_the_tail_of_a_cut_paste_is_a_piece_however_short() -> None:
    assert is_piece("ến 12/11/2014:", after_cut=timedelta(seconds=1))
    assert is_piece("năm 2014", after_cut=TAIL_WAIT)
    assert not is_piece("năm 2014", after_cut=TAIL_WAIT + timedelta(seconds=1))


def test_white_space_alone_is_no_piece() -> None:
    assert not is_piece("   ") and not is_piece("\n\n")
