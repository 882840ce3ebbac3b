"""Who a task belongs to, and whether that is the branch (shown first by the bot)."""

import pytest

from bot.domain.plans.owners import is_branch_owner, owner_of_cells, owner_of_heading, owner_of_line


@pytest.mark.parametrize(
    ("line", "owner"),
    [
        ("Chi bộ tổ chức hội nghị kiểm điểm.", "Chi bộ"),
        ("Bí thư chi bộ báo cáo đồng chí phụ trách.", "Bí thư chi bộ"),
        ("Cấp ủy chi bộ lấy ý kiến nơi cư trú.", "Cấp ủy chi bộ"),
        ("Đảng ủy tổ chức hội nghị quán triệt.", "Đảng ủy"),
        ("Ban Tổ chức Tỉnh ủy chủ trì, phối hợp.", "Ban Tổ chức Tỉnh ủy"),
        ("Ban Thường vụ Đảng ủy Khối chỉ đạo các chi bộ.", "Ban Thường vụ Đảng ủy Khối"),
        ("Đảng ủy và Lãnh đạo Sở phối hợp tổ chức.", "Đảng ủy và Lãnh đạo Sở"),
        ("Các đồng chí Ủy viên Ban Thường vụ Huyện ủy trực tiếp dự.", "Các đồng chí Ủy viên Ban Thường vụ Huyện ủy"),
        ("Hội Cựu chiến binh phường góp ý.", "Hội Cựu chiến binh phường"),
        ("Ban Thường vụ Tỉnh ủy: thực hiện trong tháng 7.", "Ban Thường vụ Tỉnh ủy"),
        ("Đ/c Trần Văn Hai, Phó Bí thư Đảng ủy: phụ trách Chi bộ 2.", "Đ/c Trần Văn Hai, Phó Bí thư Đảng ủy"),
        ("Sau khi Đảng ủy góp ý, Chi ủy hoàn thiện báo cáo.", "Chi ủy"),
        ("Giao Văn phòng Đảng ủy tổng hợp.", "Văn phòng Đảng ủy"),
        ("Ban hành quy chế làm việc.", None),
        ("Hội nghị do Bí thư chủ trì.", None),
        ("Lãnh đạo, chỉ đạo việc học tập.", None),
        ("Thông qua dự thảo báo cáo.", None),
        ("Phối hợp với Ban Dân vận, Ban Tuyên giáo tổ chức.", None),
    ],
)
def test_owner_of_line(line: str, owner: str | None) -> None:
    assert owner_of_line(line) == owner


def test_owner_of_heading() -> None:
    assert owner_of_heading("Ban Tuyên giáo Huyện ủy") == "Ban Tuyên giáo Huyện ủy"
    assert owner_of_heading("Giao cho Ủy ban Kiểm tra Đảng ủy:") == "Ủy ban Kiểm tra Đảng ủy"
    assert owner_of_heading("TỔ CHỨC HỌC TẬP NGHỊ QUYẾT") is None
    assert owner_of_heading("Đối với các đảng đoàn, ban cán sự đảng") is None


def test_owner_of_a_table_row_is_its_unit_cell() -> None:
    assert owner_of_cells(["1", "Tổng kết công tác năm", "Tháng 12/2022", "Chi ủy"]) == "Chi ủy"
    assert owner_of_cells(["1", "Tổng kết công tác năm", "Tháng 12/2022"]) is None


@pytest.mark.parametrize(
    ("owner", "branch"),
    [
        ("Chi bộ", True),
        ("Bí thư chi bộ", True),
        ("Bí thư", True),
        ("Bí thư, phó bí thư chi bộ", True),
        ("Chi ủy", True),
        ("Cấp ủy chi bộ", True),
        ("tập thể chi ủy", True),
        ("Đảng viên", True),
        ("Mỗi đảng viên", True),
        ("Đảng ủy, chi bộ trực thuộc", True),
        ("Bí thư Đảng ủy", False),
        ("Đảng ủy", False),
        ("Đảng ủy viên phụ trách chi bộ", False),
        ("Ban Tổ chức Tỉnh ủy", False),
        ("Ban Thường vụ Đảng ủy và Đảng ủy viên phụ trách chi bộ", False),
        ("Chi bo khu pho 3", True),
        (None, False),
    ],
)
def test_is_branch_owner(owner: str | None, branch: bool) -> None:
    assert is_branch_owner(owner) is branch
