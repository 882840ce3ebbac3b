"""Time phrases → windows, recurrences and conditions, family by family (sentences written for
these tests, in the style of plans), and what must never become a task."""

import unicodedata
from datetime import date

import pytest

from bot.domain.plans import When, find_time_expressions


def only_when(sentence: str, year: int | None = None) -> When:
    found = find_time_expressions(sentence, year)
    assert len(found) == 1, found
    return found[0].when


def window(start: date | None, due: date | None) -> When:
    return When(start=start, due=due)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # months and month lists
        ("Chi ủy họp trù bị trong tháng 4/2012.", window(date(2012, 4, 1), date(2012, 4, 30))),
        ("Hoàn thành trong tháng 02/2022 việc rà soát hồ sơ.", window(date(2022, 2, 1), date(2022, 2, 28))),
        ("Tổ chức hội nghị trong tháng 3, tháng 4/2012.", window(date(2012, 3, 1), date(2012, 4, 30))),
        ("Các chi bộ thực hiện trong tháng 9, 10, 11/2012.", window(date(2012, 9, 1), date(2012, 11, 30))),
        ("Gửi báo cáo trong tháng 8 và tháng 9 năm 2012.", window(date(2012, 8, 1), date(2012, 9, 30))),
        ("Thực hiện trong khoảng thời gian tháng 7, tháng 8/2012.", window(date(2012, 7, 1), date(2012, 8, 31))),
        ("Tổng kết trong tháng 12/2022 và tháng 01/2023.", window(date(2022, 12, 1), date(2023, 1, 31))),
        ("Sơ kết từ tháng 11 đến tháng 2/2015.", window(date(2014, 11, 1), date(2015, 2, 28))),
        # quarters and halves
        ("Rà soát quy hoạch trong Quý II/2012.", window(date(2012, 4, 1), date(2012, 6, 30))),
        ("Báo cáo chuyên đề: Quý I/2022.", window(date(2022, 1, 1), date(2022, 3, 31))),
        ("Hoàn thành trong quý III năm 2023.", window(date(2023, 7, 1), date(2023, 9, 30))),
        ("Sơ kết 6 tháng đầu năm 2022.", window(date(2022, 1, 1), date(2022, 6, 30))),
        # open starts
        ("Các tổ đảng triển khai từ tháng 5/2012.", window(date(2012, 5, 1), None)),
        ("Áp dụng từ năm 2012.", window(date(2012, 1, 1), None)),
        ("Thí điểm từ quý II năm 2019 ở hai chi bộ.", window(date(2019, 4, 1), None)),
        ("Có hiệu lực từ ngày 15/3/2022.", window(date(2022, 3, 15), None)),
        # deadlines
        ("Nộp bản kiểm điểm trước ngày 30 tháng 11 năm 2014.", window(None, date(2014, 11, 30))),
        ("Báo cáo Đảng ủy trước ngày 05/12/2014.", window(None, date(2014, 12, 5))),
        ("Chậm nhất ngày 20/4/2023 gửi danh sách.", window(None, date(2023, 4, 20))),
        ("Nộp đề án trước tháng 6/2022.", window(None, date(2022, 5, 31))),
        ("Duy trì đến hết năm 2025.", window(None, date(2025, 12, 31))),
        # ranges of days
        ("Từ ngày 05/11/2014 đến 07/11/2014:", window(date(2014, 11, 5), date(2014, 11, 7))),
        ("Họp chi bộ từ ngày 20 đến 28/11/2014.", window(date(2014, 11, 20), date(2014, 11, 28))),
        ("Lấy ý kiến ngày 10-12/11/2014.", window(date(2014, 11, 10), date(2014, 11, 12))),
        ("Tập huấn từ ngày 10 đến ngày 12 tháng 11 năm 2014.", window(date(2014, 11, 10), date(2014, 11, 12))),
        ("Học tập ngày 28 đến 03/12/2014.", window(date(2014, 11, 28), date(2014, 12, 3))),
        ("Chi bộ họp ngày 20/11/2014.", window(date(2014, 11, 20), date(2014, 11, 20))),
        # years, with the trigger that makes a bare year a window
        ("Thời gian thực hiện: năm 2022, 2023.", window(date(2022, 1, 1), date(2023, 12, 31))),
        ("Triển khai trong năm 2024.", window(date(2024, 1, 1), date(2024, 12, 31))),
        ("Thực hiện trong giai đoạn 2021-2025.", window(date(2021, 1, 1), date(2025, 12, 31))),
        ("Tuyên truyền từ nay đến năm 2015.", window(None, date(2015, 12, 31))),
    ],
)
def test_windows(sentence: str, expected: When) -> None:
    assert only_when(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "year", "expected"),
    [
        ("Họp chi bộ từ ngày 20 đến 28/11:", 2014, window(date(2014, 11, 20), date(2014, 11, 28))),
        ("Lấy ý kiến ngày 10-12/11.", 2014, window(date(2014, 11, 10), date(2014, 11, 12))),
        ("Gửi dự thảo ngày 10/11.", 2014, window(date(2014, 11, 10), date(2014, 11, 10))),
        ("Đại hội chi bộ trong tháng 3.", 2025, window(date(2025, 3, 1), date(2025, 3, 31))),
    ],
)
def test_an_unwritten_year_comes_from_the_context(sentence: str, year: int, expected: When) -> None:
    assert only_when(sentence, year) == expected


def test_without_a_context_year_an_unwritten_year_is_no_date() -> None:
    assert find_time_expressions("Họp chi bộ từ ngày 20 đến 28/11.") == []


@pytest.mark.parametrize(
    ("sentence", "recurrence"),
    [
        ("Chi bộ sinh hoạt hằng tháng vào ngày mùng năm.", "monthly"),
        ("Tổ đảng họp hàng tháng.", "monthly"),
        ("Chi ủy báo cáo hằng quý với Đảng ủy.", "quarterly"),
        ("Sinh hoạt chuyên đề mỗi quý một lần.", "quarterly"),
        ("Hằng năm, chi bộ tổng kết công tác đảng viên.", "yearly"),
        ("Hàng năm lấy phiếu tín nhiệm.", "yearly"),
        ("Định kỳ 6 tháng, năm báo cáo kết quả.", "semiannual"),
        ("Đảng ủy viên phụ trách 6 tháng và hằng năm báo cáo kết quả.", "semiannual"),
        ("Tổ chức gặp mặt một năm hai lần.", "semiannual"),
        ("Kiểm tra chéo mỗi năm hai lần.", "semiannual"),
        ("Việc giữ mối liên hệ nơi cư trú được thực hiện thường xuyên.", "continuous"),
        ("- Thường xuyên theo dõi, đôn đốc đảng viên.", "continuous"),
        ("Chế độ kiểm điểm được thực hiện thường xuyên hàng năm.", "yearly"),
    ],
)
def test_recurrences(sentence: str, recurrence: str) -> None:
    assert only_when(sentence) == When(recurrence=recurrence)  # type: ignore[arg-type]


def test_a_recurrence_from_a_year_starts_then() -> None:
    assert only_when("Kết nạp đảng viên: thực hiện hằng năm từ năm 2022.") == When(
        start=date(2022, 1, 1), recurrence="yearly"
    )


def test_a_trailing_time_note_is_the_window_and_a_recurrence_inside_the_sentence_stays_apart() -> None:
    found = find_time_expressions(
        "- Đưa nội dung vào chương trình giám sát hằng năm. (Thời gian thực hiện từ năm 2023)."
    )
    assert [e.when for e in found] == [When(recurrence="yearly"), When(start=date(2023, 1, 1))]


@pytest.mark.parametrize(
    ("sentence", "condition"),
    [
        ("(Thời gian thực hiện sau khi có văn bản của Trung ương).", "sau khi có văn bản của Trung ương"),
        ("Ban hành quy chế sau khi có quy định của Trung ương.", "sau khi có quy định của Trung ương"),
        ("Sửa đổi sau khi có quy chế, quy định của Trung ương, bảo đảm dân chủ.",
         "sau khi có quy chế, quy định của Trung ương"),
        ("Cài đặt phần mềm khi Trung ương triển khai.", "khi Trung ương triển khai"),
        ("Sắp xếp tổ chức theo lộ trình tại Quyết định số 12/QĐ-TTg ngày 03/01/2022 của Thủ tướng.",
         "theo lộ trình tại Quyết định số 12/QĐ-TTg ngày 03/01/2022 của Thủ tướng"),
    ],
)  # fmt: skip
def test_conditions(sentence: str, condition: str) -> None:
    assert only_when(sentence) == When(condition=condition)


def test_the_plans_own_sequencing_is_not_a_condition() -> None:
    assert find_time_expressions("Sau khi kiểm điểm, chi ủy báo cáo kết quả với Đảng ủy.") == []
    assert find_time_expressions("Khi có tình hình phức tạp, chi ủy họp bất thường.") == []


def test_two_expressions_in_one_paragraph_are_two() -> None:
    found = find_time_expressions(
        "Hoàn thành kiểm điểm trước ngày 25 tháng 11 năm 2023; nộp hồ sơ trước ngày 02/12/2023."
    )
    assert [(e.text, e.when) for e in found] == [
        ("trước ngày 25 tháng 11 năm 2023", window(None, date(2023, 11, 25))),
        ("trước ngày 02/12/2023", window(None, date(2023, 12, 2))),
    ]


def test_the_time_words_are_kept_as_written() -> None:
    (found,) = find_time_expressions("- Hội nghị cán bộ chủ chốt (Thời gian thực hiện trong tháng 4/2012).")
    assert found.text == "trong tháng 4/2012"


@pytest.mark.parametrize(
    "sentence",
    [
        "Thực hiện Kết luận số 21-KL/TW, ngày 25/10/2021 của Ban Chấp hành Trung ương.",
        "Theo Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập.",
        "Căn cứ Quyết định 99-QĐ/TW ngày 03 tháng 10 năm 2017 của Ban Bí thư.",
        "Thực hiện Quyết định số 33/2011/QĐ-UBND ngày 03/11/2011 của Ủy ban nhân dân tỉnh.",
        "Theo Kế hoạch 28-KH/TU của Ban Thường vụ Thành ủy ngày 02/4/2012 về việc kiểm điểm.",
        "Thực hiện Hướng dẫn số 12-HD/BTCTW ngày 01/9/2021 về kiểm điểm hằng năm; chi bộ triển khai.",
        "Thực hiện Kế hoạch số 7-KH/TU ngày 2/3/2021 về học tập từ nay đến năm 2025.",
        "Rà soát quy hoạch cán bộ nhiệm kỳ 2015 - 2020 và nhiệm kỳ 2020 – 2025.",
        "Chương trình hành động giai đoạn 2021-2025 của Đảng ủy.",
        "Khen thưởng đảng viên xuất sắc 03 năm liên tục (năm 2019 – 2021).",
        "Báo cáo tổng kết công tác chi bộ năm 2014.",
        "Phải có trên 2/3 số đảng viên chính thức tán thành, trên 1/2 số phiếu.",
        "Không vượt quá 15% số đảng viên; đạt từ 70 đến dưới 90 điểm.",
        "Đảng viên nghỉ ốm từ 3 tháng trở lên; kết nạp chưa đủ 6 tháng.",
        "Nội dung nêu tại Điểm 2.2, Mục B của Kế hoạch này.",
        "Phải thường xuyên tự giác xem xét, kiên trì, thường xuyên, liên tục.",
        "Hội nghị lần thứ tư Ban Chấp hành Trung ương khóa XI.",
        "Vắng sinh hoạt chi bộ 03 lần trong năm.",
        "Ngày 31/02/2022 không có thật.",
    ],
)
def test_citations_terms_and_numbers_are_not_tasks(sentence: str) -> None:
    assert find_time_expressions(sentence, 2022) == []


def test_nfd_input_reads_like_nfc() -> None:
    sentence = "Chi bộ họp trước ngày 30 tháng 11 năm 2014; Hàng năm tổng kết."
    nfd = unicodedata.normalize("NFD", sentence)
    assert [e.when for e in find_time_expressions(nfd)] == [e.when for e in find_time_expressions(sentence)]
    assert find_time_expressions(nfd)[0].text == "trước ngày 30 tháng 11 năm 2014"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Chi bo hop trong thang 3/2022.", window(date(2022, 3, 1), date(2022, 3, 31))),
        ("Nop bao cao truoc ngay 05/12/2014.", window(None, date(2014, 12, 5))),
        ("Hoan thanh trong quy II/2022.", window(date(2022, 4, 1), date(2022, 6, 30))),
        ("Bao cao hang nam.", When(recurrence="yearly")),
        ("Thực hiện sau khi có văn bản của Tỉnh uỷ.", When(condition="sau khi có văn bản của Tỉnh uỷ")),
    ],
)
def test_text_without_diacritics_or_with_old_tone_marks(sentence: str, expected: When) -> None:
    assert only_when(sentence) == expected


def test_another_accent_is_another_word() -> None:
    # "thứ tư" is Wednesday, not "từ" (from): the date is the day itself, not an open start.
    assert only_when("Họp vào thứ tư, ngày 05/11/2014.") == window(date(2014, 11, 5), date(2014, 11, 5))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Đại hội chi bộ ngày 15 và 16/3/2022.", window(date(2022, 3, 15), date(2022, 3, 16))),
        ("Thời gian: từ 01/3/2022 đến 15/3/2022.", window(date(2022, 3, 1), date(2022, 3, 15))),
        ("Hoàn thành trước 31/12/2022.", window(None, date(2022, 12, 31))),
        ("Thời gian thực hiện: Quý I, II/2023.", window(date(2023, 1, 1), date(2023, 6, 30))),
        ("Sơ kết vào tháng 6-2023.", window(date(2023, 6, 1), date(2023, 6, 30))),
        ("Báo cáo khi có hướng dẫn của cấp trên.", When(condition="khi có hướng dẫn của cấp trên")),
    ],
)
def test_other_spellings_of_the_families(sentence: str, expected: When) -> None:
    assert only_when(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a clock time inside a range is read past
        ("Nộp hồ sơ từ ngày 17/12/2025 đến 17 giờ 00, ngày 01/02/2026.", window(date(2025, 12, 17), date(2026, 2, 1))),
        ("Vận động từ ngày 26/02/2026 đến 07 giờ 30 ngày 14/3/2026.", window(date(2026, 2, 26), date(2026, 3, 14))),
        # a named day with its date, and the year of an open month taken from it
        ("Từ tháng 01 đến ngày đại hội 20/3/2026", window(date(2026, 1, 1), date(2026, 3, 20))),
        ("Sau ngày đại hội 20/3/2026", When(start=date(2026, 3, 21))),
        ("Hoàn thành sau ngày 31/12/2025.", When(start=date(2026, 1, 1))),
        # two quarters across years
        ("Thời gian hoàn thành: Quý IV/2025 và Quý I/2026;", window(date(2025, 10, 1), date(2026, 3, 31))),
        # years alone in a parenthesis or a cell; "trở đi" opens them
        ("Xây dựng đề án (2026 - 2030).", window(date(2026, 1, 1), date(2030, 12, 31))),
        ("Duy trì mô hình (2026 trở đi).", When(start=date(2026, 1, 1))),
        ("Sửa nhà văn hóa | Năm 2026 - 2027 | Ban Quản lý", window(date(2026, 1, 1), date(2027, 12, 31))),
        # a yearly deadline
        ("Định kỳ hằng năm (trước ngày 15 tháng 12) báo cáo.", When(due=date(2026, 12, 15), recurrence="yearly")),
    ],
)
def test_shapes_of_todays_plans(sentence: str, expected: When) -> None:
    assert only_when(sentence, 2026) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Luật Bầu cử năm 2015 quy định rõ quyền của cử tri.",  # a bare year in a sentence names a law's edition
        "Chi bộ đạt trong sạch vững mạnh 03 năm liền (năm 2023 – 2025).",  # a record, before the plan's year
        "Tiêu chuẩn theo Luật số 83/2025/QH15, ngày 24/6/2025 của Quốc hội.",
        "Theo Nghị quyết số 101/2025/UBTVQH15 ngày 26/9/2025 của Ủy ban Thường vụ Quốc hội.",
        "Thực hiện Quyết định số 178/QĐ-TTg ngày 28/01/2016 của Thủ tướng.",
        "Căn cứ Luật Quy hoạch ngày 24 tháng 11 năm 2017.",
        "Theo Thông tri số 04/TT-MTTW-BTT Ngày 04/11/2025 của Ủy ban.",
    ],
)
def test_laws_lower_case_codes_and_records_are_no_windows(sentence: str) -> None:
    assert [e.when for e in find_time_expressions(sentence, 2026) if e.when.has_window] == []


@pytest.mark.parametrize(
    ("sentence", "condition"),
    [
        ("Gửi biên bản về Thường trực ngay sau khi kết thúc hội nghị.", "ngay sau khi kết thúc hội nghị"),
        ("- Sau hội nghị lần thứ hai, chi ủy lập danh sách.", "Sau hội nghị lần thứ hai"),
        ("Trả lời (trong thời hạn 10 ngày kể từ ngày nhận đơn).", "trong thời hạn 10 ngày kể từ ngày nhận đơn"),
        ("Báo cáo ngay với Đảng ủy khi có phát sinh vụ việc phức tạp.", "khi có phát sinh vụ việc phức tạp"),
        ("Cử đại diện tham gia khi có yêu cầu.", "khi có yêu cầu"),
        ("Từ khi thành lập đến khi kết thúc nhiệm vụ của Tổ.", "Từ khi thành lập đến khi kết thúc nhiệm vụ của Tổ"),
        ("Từ ngày thành lập Ban đến ngày kết thúc đại hội.", "Từ ngày thành lập Ban đến ngày kết thúc đại hội"),
        ("5. Kết thúc đợt kiểm tra, Ban Thường vụ tổng hợp báo cáo.", "Kết thúc đợt kiểm tra"),
        ("Tổ chức sơ kết vào năm thứ 3 nhiệm kỳ đại hội.", "năm thứ 3 nhiệm kỳ đại hội"),
    ],
)
def test_events_and_delays_are_conditions(sentence: str, condition: str) -> None:
    assert only_when(sentence, 2026) == When(condition=condition)


@pytest.mark.parametrize(
    ("sentence", "recurrence"),
    [
        ("a) Thường xuyên rà soát, bổ sung quy hoạch cán bộ.", "continuous"),
        ("Danh sách được cập nhật thường xuyên.", "continuous"),
        ("- Thời gian: Duy trì thường xuyên trong giờ hành chính.", "continuous"),
        ("Định kỳ hằng quý báo cáo Đảng ủy.", "quarterly"),
    ],
)
def test_frequencies_in_other_shapes(sentence: str, recurrence: str) -> None:
    assert only_when(sentence) == When(recurrence=recurrence)  # type: ignore[arg-type]


def test_a_manner_adverb_is_no_frequency() -> None:
    assert find_time_expressions("Phối hợp chặt chẽ, thường xuyên với các đoàn thể.") == []
