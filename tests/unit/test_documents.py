"""The review paperwork as a reader sees it: render from a realistic 12-member branch, open with python-docx.

The branch: a secretary, a deputy, 2 committee members and 8 members, of whom 2 are probationary (one admitted
4 months before the meeting, so not reviewed) and 1 is absent with a reason (classified at the next meeting).
"""

import io
import unicodedata
from dataclasses import replace
from datetime import date, datetime

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from bot.documents import (
    DocumentKind,
    file_name,
    render_classification_list,
    render_feedback_notice,
    render_minutes,
    render_report,
)
from bot.documents.model import (
    AbsentMember,
    BranchBallot,
    BranchInfo,
    ClassificationListData,
    ClassifiedMember,
    CollectiveItem,
    FeedbackNoticeData,
    FeedbackPoint,
    FeedbackTaken,
    LevelCount,
    LevelGroup,
    MemberResultRow,
    MinutesData,
    NotClassifiedRow,
    Person,
    ReportData,
    ResidenceComment,
    RuleSetInfo,
    SelfReviewItem,
    Signer,
    VoteCount,
)

XS, TOT, HT = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"
KHT = "Không hoàn thành nhiệm vụ"
BRANCH = BranchInfo("Chi bộ Khu phố 3", superior="Đảng bộ phường Bến Thành", place="TP. Hồ Chí Minh")
MEETING_START = datetime(2026, 11, 25, 8, 0)
MEETING_END = datetime(2026, 11, 25, 11, 30)

# name, role, status, proposed, votes (of 9 full members present; 10 in the branch), result, reason
RESULTS = [
    ("Nguyễn Thị Lan", "Bí thư chi bộ", "Chính thức", TOT, (8, 1, 0), TOT, "8/10 phiếu tán thành — đạt “trên 1/2”"),
    ("Trần Văn Hùng", "Phó Bí thư chi bộ", "Chính thức", TOT, (9, 0, 0), TOT, "9/10 phiếu tán thành — đạt “trên 1/2”"),
    ("Lê Minh Tuấn", "Chi ủy viên", "Chính thức", XS, (9, 0, 0), XS,
     "9/10 phiếu tán thành — đạt “trên 2/3”; trong tỷ lệ 15% của 7 đảng viên HTTNV"),
    ("Phạm Thu Hà", "Chi ủy viên", "Chính thức", TOT, (9, 0, 0), TOT, "9/10 phiếu tán thành — đạt “trên 1/2”"),
    ("Hoàng Văn Bình", "Đảng viên", "Chính thức", TOT, (8, 0, 1), TOT, "8/10 phiếu tán thành — đạt “trên 1/2”"),
    ("Vũ Thị Mai", "Đảng viên", "Chính thức", TOT, (9, 0, 0), TOT, "9/10 phiếu tán thành — đạt “trên 1/2”"),
    ("Đặng Quốc Khánh", "Đảng viên", "Chính thức", XS, (6, 3, 0), TOT,
     "6/10 phiếu tán thành mức HTXSNV — chưa đạt “trên 2/3”; xếp mức Hoàn thành tốt nhiệm vụ"),
    ("Bùi Thị Ngọc Ánh", "Đảng viên", "Chính thức", TOT, (7, 2, 0), TOT, "7/10 phiếu tán thành — đạt “trên 1/2”"),
    ("Ngô Đức Thắng", "Đảng viên", "Chính thức", HT, (9, 0, 0), HT, "9/10 phiếu tán thành — đạt “trên 1/2”"),
    ("Lý Thị Hồng", "Đảng viên", "Dự bị", HT, (7, 2, 0), HT, "7/10 phiếu tán thành — đạt “trên 1/2”"),
]
ABSENT = AbsentMember("Đỗ Văn Nam", "Đi công tác tại Hà Nội, có báo cáo chi bộ")
NEW_MEMBER = NotClassifiedRow(
    "Châu Minh Khoa",
    "Đảng viên dự bị",
    "Kết nạp ngày 25/07/2026, chưa đủ 6 tháng tính đến ngày hội nghị",
    "Không kiểm điểm năm 2026",
)
ABSENT_ROW = NotClassifiedRow(
    "Đỗ Văn Nam", "Đảng viên chính thức", "Vắng mặt có lý do", "Đánh giá, xếp loại tại cuộc họp chi bộ gần nhất"
)


def results() -> tuple[MemberResultRow, ...]:
    return tuple(
        MemberResultRow(name, role, status, proposed, VoteCount(*votes), result, reason)
        for name, role, status, proposed, votes, result, reason in RESULTS
    )


def minutes_data(**changes) -> MinutesData:
    reviews = tuple(
        SelfReviewItem(
            name=row.name,
            role=row.role,
            comments=f"Các đồng chí góp ý đồng chí {row.name} cần chủ động hơn trong công tác được giao.",
            acceptance=f"Đồng chí {row.name} tiếp thu, hứa khắc phục trong năm 2027.",
            chaired_by="Trần Văn Hùng" if row.role == "Bí thư chi bộ" else "",
        )
        for row in results()
    )
    data = MinutesData(
        branch=BRANCH,
        year=2026,
        number="05-BB/CB",
        venue="Hội trường Văn phòng khu phố 3",
        started_at=MEETING_START,
        ended_at=MEETING_END,
        chair=Person("Nguyễn Thị Lan", "Bí thư chi bộ"),
        deputy_chair=Person("Trần Văn Hùng", "Phó Bí thư chi bộ"),
        clerk=Person("Phạm Thu Hà", "Chi ủy viên"),
        supervisor=Person("Võ Thanh Sơn", "Đảng ủy viên phụ trách chi bộ"),
        members_total=12,
        full_members_total=10,
        members_present=11,
        full_members_present=9,
        absent=(ABSENT,),
        not_reviewed=(NEW_MEMBER,),
        committee_report=CollectiveItem(
            presenter="Nguyễn Thị Lan",
            comments="Báo cáo cần nêu rõ hơn nguyên nhân chủ quan của hạn chế trong sinh hoạt chuyên đề.",
            conclusion="Tiếp thu, bổ sung nguyên nhân và giải pháp khắc phục vào báo cáo.",
            vote=VoteCount(9, 0, 0),
        ),
        annual_summary=CollectiveItem(
            presenter="Nguyễn Thị Lan",
            comments="Thống nhất với kết quả tự chấm điểm.",
            conclusion="Chi bộ hoàn thành tốt các nhiệm vụ năm 2026.",
        ),
        branch_ballot=BranchBallot(
            proposed_level=TOT,
            vote=VoteCount(8, 1, 0),
            result="Chi bộ đề nghị Đảng ủy phường công nhận mức “Hoàn thành tốt nhiệm vụ”",
            score="86,5",
        ),
        self_reviews=reviews,
        cadre_evaluation="các đồng chí là cán bộ, công chức đều hoàn thành tốt nhiệm vụ trở lên.",
        residence_comments=(
            ResidenceComment("Vũ Thị Mai", "Chi ủy chi bộ khu phố 5, phường Tân Định", "Gương mẫu nơi cư trú."),
            ResidenceComment(
                "Ngô Đức Thắng", "Chi ủy chi bộ khu phố 1, phường Đa Kao", "Chưa tham gia họp tổ dân phố."
            ),
        ),
        residence_received=2,
        residence_total=10,
        results=results(),
    )
    return replace(data, **changes)


def groups() -> tuple[LevelGroup, ...]:
    by_level: dict[str, list[ClassifiedMember]] = {XS: [], TOT: [], HT: [], KHT: []}
    for row in results():
        by_level[row.result_level].append(ClassifiedMember(row.name, row.role, row.status))
    percents = {XS: "10,0%", TOT: "70,0%", HT: "20,0%", KHT: "0%"}
    return tuple(
        LevelGroup(level, len(members), percents[level], tuple(members)) for level, members in by_level.items()
    )


SIGNER = Signer("Nguyễn Thị Lan")


def classification_data(**changes) -> ClassificationListData:
    data = ClassificationListData(
        branch=BRANCH,
        year=2026,
        issued_on=date(2026, 11, 26),
        number="06-DS/CB",
        members_total=12,
        classified_total=10,
        groups=groups(),
        percent_base="10 đảng viên được đánh giá, xếp loại",
        not_classified=(NEW_MEMBER, ABSENT_ROW),
        signer=SIGNER,
    )
    return replace(data, **changes)


FEEDBACK = (
    FeedbackTaken(
        "Ban Chấp hành Công đoàn cơ sở",
        "Tập thể chi ủy",
        "Chi ủy cần quan tâm hơn đến đời sống đoàn viên.",
        "Chi ủy tiếp thu, đưa vào chương trình công tác năm 2027.",
    ),
    FeedbackTaken(
        "Đồng chí Lê Văn Tám",
        "Ngô Đức Thắng",
        "Đồng chí Thắng chưa tham gia đầy đủ sinh hoạt tổ dân phố.",
        "Đồng chí Thắng tiếp thu và cam kết tham gia đầy đủ.",
    ),
)
RULES = RuleSetInfo(
    "Tiêu chí phân loại của Kế hoạch 146-KH/ĐU (2014)",
    "Kế hoạch số 146-KH/ĐU ngày 04/11/2014 của Đảng ủy Thanh tra thành phố",
)


def report_data(**changes) -> ReportData:
    level_counts = tuple(LevelCount(g.level, g.count, g.percent) for g in groups())
    data = ReportData(
        branch=BRANCH,
        year=2026,
        issued_on=date(2026, 11, 28),
        number="07-BC/CB",
        addressee="Đảng ủy phường Bến Thành",
        meeting_on=date(2026, 11, 25),
        members_total=12,
        full_members_total=10,
        probationary_total=2,
        reviewed=10,
        not_reviewed=2,
        classified=10,
        unclassified=0,
        members_present=11,
        level_counts=level_counts,
        branch_ballot=minutes_data().branch_ballot,
        committee_report_vote=VoteCount(9, 0, 0),
        rule_set=RULES,
        not_classified=(NEW_MEMBER, ABSENT_ROW),
        feedback=FEEDBACK,
        to_confirm=("Đồng chí Đỗ Văn Nam vắng mặt, chi bộ sẽ đánh giá, xếp loại tại cuộc họp tháng 12/2026.",),
        signer=SIGNER,
    )
    return replace(data, **changes)


def notice_data(**changes) -> FeedbackNoticeData:
    data = FeedbackNoticeData(
        branch=BRANCH,
        year=2026,
        issued_on=date(2026, 11, 30),
        recipient="Ban Chấp hành Công đoàn cơ sở",
        received_on=date(2026, 11, 10),
        meeting_on=date(2026, 11, 25),
        points=(FeedbackPoint(FEEDBACK[0].about, FEEDBACK[0].content, FEEDBACK[0].response),),
        signer=SIGNER,
    )
    return replace(data, **changes)


# --- reading the result -----------------------------------------------------------------------------------------


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def lines(document) -> list[str]:
    """Every paragraph's text in reading order, table cells included."""
    return [Paragraph(p, document).text for p in document.element.body.iter(qn("w:p"))]


def text(document) -> str:
    return "\n".join(lines(document))


def index_of(all_lines: list[str], fragment: str, start: int = 0) -> int:
    for number in range(start, len(all_lines)):
        if fragment in all_lines[number]:
            return number
    raise AssertionError(f"{fragment!r} not found after line {start}")


def table_with(document, header: str):
    for table in document.tables:
        if header in [cell.text for cell in table.rows[0].cells]:
            return table
    raise AssertionError(f"no table headed {header!r}")


def row_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def assert_clean(document) -> None:
    """No template syntax left, no ISO dates, all NFC."""
    content = text(document)
    for leftover in ("{{", "}}", "{%", "%}", "2026-11-", "None"):
        assert leftover not in content
    assert unicodedata.is_normalized("NFC", content)


def assert_header(document, day: str) -> None:
    top = row_texts(document.tables[0])[0]
    assert top[0].split("\n")[:3] == ["ĐẢNG BỘ PHƯỜNG BẾN THÀNH", "CHI BỘ KHU PHỐ 3", "*"]
    assert top[1].split("\n")[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert f"TP. Hồ Chí Minh, ngày {day}" in top[1]


# --- the minutes ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def minutes():
    return open_docx(render_minutes(minutes_data()))


def test_minutes_header_title_time_and_place(minutes):
    assert_header(minutes, "25 tháng 11 năm 2026")
    assert "Số: 05-BB/CB" in row_texts(minutes.tables[0])[0][0]
    all_lines = lines(minutes)
    assert "BIÊN BẢN" in all_lines
    assert any("đảng viên năm 2026" in line and line.startswith("Hội nghị kiểm điểm") for line in all_lines)
    content = text(minutes)
    assert "Vào lúc 08:00 ngày 25/11/2026, tại Hội trường Văn phòng khu phố 3, Chi bộ Khu phố 3" in content
    assert "Hội nghị kết thúc lúc 11:30 ngày 25/11/2026." in content
    assert_clean(minutes)


def test_minutes_attendance(minutes):
    content = text(minutes)
    assert "- Chủ trì hội nghị: đồng chí Nguyễn Thị Lan, Bí thư chi bộ." in content
    assert "- Chủ trì phần kiểm điểm của đồng chí Bí thư chi bộ: đồng chí Trần Văn Hùng, Phó Bí thư chi bộ." in content
    assert "- Thư ký hội nghị: đồng chí Phạm Thu Hà, Chi ủy viên." in content
    assert "- Đại biểu cấp trên dự hội nghị: đồng chí Võ Thanh Sơn, Đảng ủy viên phụ trách chi bộ." in content
    assert "Có mặt: 11/12 đồng chí (9/10 đảng viên chính thức)" in content
    assert "- Vắng mặt: 1 đồng chí:" in content
    assert "+ Đồng chí Đỗ Văn Nam: Đi công tác tại Hà Nội, có báo cáo chi bộ." in content
    assert (
        "+ Đồng chí Châu Minh Khoa (Đảng viên dự bị): Kết nạp ngày 25/07/2026, chưa đủ 6 tháng tính đến ngày "
        "hội nghị; Không kiểm điểm năm 2026." in content
    )


def test_minutes_proceedings_in_the_prescribed_order(minutes):
    all_lines = lines(minutes)
    committee = index_of(all_lines, "1. Kiểm điểm tập thể chi ủy")
    assert "trình bày dự thảo báo cáo kiểm điểm của tập thể chi ủy năm 2026" in all_lines[committee + 1]
    adopted = index_of(all_lines, "Hội nghị biểu quyết thông qua báo cáo kiểm điểm", committee)
    assert all_lines[adopted].endswith(": 9 tán thành, 0 không tán thành, 0 ý kiến khác.")
    summary = index_of(all_lines, "2. Tổng kết hoạt động và đánh giá, xếp loại chi bộ", adopted)
    assert "và bản tự chấm điểm của chi bộ (86,5 điểm)" in all_lines[summary + 1]
    branch_vote = index_of(all_lines, "bỏ phiếu đánh giá, xếp loại chi bộ ở mức “Hoàn thành tốt nhiệm vụ”", summary)
    assert all_lines[branch_vote].endswith("8 tán thành, 1 không tán thành, 0 ý kiến khác.")
    assert "thông qua báo cáo tổng kết" not in text(minutes)  # no adoption vote was held on the summary
    position = index_of(all_lines, "3. Kiểm điểm cá nhân", branch_vote)
    for number, (name, role, *_rest) in enumerate(RESULTS, start=1):
        position = index_of(all_lines, f"3.{number}. Đồng chí {name}, {role}", position)
        assert all_lines[position + 1] == f"Đồng chí {name} trình bày bản tự kiểm điểm năm 2026."
        assert all_lines[position + 2].startswith(f"- Ý kiến góp ý: Các đồng chí góp ý đồng chí {name} ")
        assert all_lines[position + 3].startswith(f"- Tiếp thu: Đồng chí {name} tiếp thu")
    secretary_item = index_of(all_lines, "3.1. Đồng chí Nguyễn Thị Lan")
    assert all_lines[secretary_item].endswith("(đồng chí Trần Văn Hùng chủ trì phần kiểm điểm này)")
    assert "chủ trì phần kiểm điểm này" not in all_lines[index_of(all_lines, "3.2. Đồng chí Trần Văn Hùng")]
    residence = index_of(all_lines, "4. Kết quả đánh giá cán bộ và nhận xét của cấp ủy nơi cư trú", position)
    assert "- Đồng chí Vũ Thị Mai (Chi ủy chi bộ khu phố 5, phường Tân Định): Gương mẫu nơi cư trú." in all_lines
    ballots = index_of(all_lines, "5. Bỏ phiếu đánh giá, xếp loại đảng viên", residence)
    assert "bỏ phiếu kín đánh giá" in all_lines[ballots + 1]
    assert index_of(all_lines, "Họ và tên", ballots) > ballots  # the results table comes after the ballot item
    assert "Không có" not in text(minutes)
    for absent in ("3.11.", "Đồng chí Đỗ Văn Nam, ", "Đồng chí Châu Minh Khoa, "):
        assert absent not in text(minutes)


def test_minutes_results_table(minutes):
    table = table_with(minutes, "Kết quả xếp loại")
    header, *body = row_texts(table)
    assert header == [
        "TT", "Họ và tên", "Chức vụ, đảng viên", "Mức đề xuất", "Tán thành", "Không tán thành", "Ý kiến khác",
        "Kết quả xếp loại",
    ]
    assert len(body) == 2 * len(RESULTS)  # a data row and a full-width reason row for each member
    for number, (name, role, status, proposed, votes, result, reason) in enumerate(RESULTS, start=1):
        data, because = body[2 * number - 2], body[2 * number - 1]
        assert data == [str(number), name, f"{role}\n{status}", proposed, *map(str, votes), result]
        assert because[0] == ""
        assert set(because[1:]) == {f"Căn cứ: {reason}"}
    assert body[4][:2] == ["3", "Lê Minh Tuấn"] and body[4][-1] == XS
    assert body[12][1] == "Đặng Quốc Khánh" and body[12][3] == XS and body[12][-1] == TOT
    assert "chưa đạt “trên 2/3”" in body[13][1]


def test_minutes_signature_block(minutes):
    clerk, chair = row_texts(minutes.tables[-1])[0]
    assert clerk.split("\n")[0] == "THƯ KÝ HỘI NGHỊ" and clerk.split("\n")[-1] == "Phạm Thu Hà"
    assert chair.split("\n")[0] == "CHỦ TRÌ HỘI NGHỊ" and chair.split("\n")[-1] == "Nguyễn Thị Lan"
    assert all(cell.paragraphs[-1].runs[0].bold for cell in minutes.tables[-1].rows[0].cells)


def test_minutes_page_and_font(minutes):
    section = minutes.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert minutes.styles["Normal"].font.name == "Times New Roman"
    assert minutes.styles["Normal"].font.size.pt == 14
    assert minutes.core_properties.title == "Biên bản hội nghị kiểm điểm năm 2026"


def test_minutes_without_optional_parts():
    data = minutes_data(
        deputy_chair=None,
        supervisor=None,
        absent=(),
        not_reviewed=(),
        residence_comments=(),
        residence_received=0,
        cadre_evaluation="",
        has_committee=False,
        e_ballot=True,
        members_present=12,
        number="",
        branch_ballot=replace(minutes_data().branch_ballot, score=""),
    )
    document = open_docx(render_minutes(data))
    content = text(document)
    assert "- Vắng mặt: không." in content
    for missing in ("Đại biểu cấp trên", "Chủ trì phần kiểm điểm của", "không kiểm điểm, chưa đánh giá", "Số:",
                    "bản tự chấm điểm", "báo cáo tóm tắt kết quả kiểm điểm"):
        assert missing not in content
    assert "1. Kiểm điểm tập thể bí thư, phó bí thư chi bộ" in content
    assert ("Chi bộ chưa nhận được nhận xét của cấp ủy nơi cư trú đối với đảng viên nào (0/10 đảng viên kiểm điểm)."
            in content)
    assert "Hội nghị bỏ phiếu kín trên ứng dụng chibo đánh giá" in content
    assert_clean(document)


# --- the classification list ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def classification():
    return open_docx(render_classification_list(classification_data()))


def test_classification_list_counts_per_level(classification):
    assert_header(classification, "26 tháng 11 năm 2026")
    content = text(classification)
    assert "DANH SÁCH" in lines(classification)
    assert "Tổng số đảng viên của chi bộ: 12 đồng chí; số đảng viên được đánh giá, xếp loại: 10 đồng chí." in content
    summary = row_texts(table_with(classification, "Mức xếp loại"))
    assert summary == [
        ["TT", "Mức xếp loại", "Số lượng", "Tỷ lệ"],
        ["1", XS, "1", "10,0%"],
        ["2", TOT, "7", "70,0%"],
        ["3", HT, "2", "20,0%"],
        ["4", KHT, "0", "0%"],
    ]
    assert "Tỷ lệ tính trên 10 đảng viên được đánh giá, xếp loại." in content
    assert_clean(classification)


def test_classification_list_grouped_by_level(classification):
    rows = row_texts(table_with(classification, "Chức vụ"))
    assert rows[0] == ["TT", "Họ và tên", "Chức vụ", "Đảng viên", "Ghi chú"]
    headings = [row for row in rows[1:] if row[1] == row[-1]]  # a merged group heading
    assert [row[1] for row in headings] == [
        f"{XS}: 1 đồng chí (10,0%)",
        f"{TOT}: 7 đồng chí (70,0%)",
        f"{HT}: 2 đồng chí (20,0%)",
        f"{KHT}: 0 đồng chí (0%)",
    ]
    members = {row[1]: row for row in rows[1:] if row not in headings}
    assert len(members) == 10
    assert members["Lý Thị Hồng"] == ["2", "Lý Thị Hồng", "Đảng viên", "Dự bị", ""]
    heading_index = {row[1].split(":")[0]: rows.index(row) for row in headings}
    for name, _role, _status, _proposed, _votes, result, _reason in RESULTS:
        position = rows.index(members[name])
        assert max(i for i in heading_index.values() if i < position) == heading_index[result]
    assert "Châu Minh Khoa" not in members and "Đỗ Văn Nam" not in members


def test_classification_list_not_classified_and_signature(classification):
    rows = row_texts(table_with(classification, "Lý do"))
    assert rows[1:] == [
        ["1", "Châu Minh Khoa", "Đảng viên dự bị", NEW_MEMBER.reason, "Không kiểm điểm năm 2026"],
        ["2", "Đỗ Văn Nam", "Đảng viên chính thức", "Vắng mặt có lý do", ABSENT_ROW.note],
    ]
    recipients, signature = row_texts(classification.tables[-1])[0]
    assert recipients.startswith("Nơi nhận:")
    assert signature.split("\n")[:2] == ["T/M CHI BỘ", "BÍ THƯ"]
    assert signature.split("\n")[-1] == "Nguyễn Thị Lan"


def test_classification_list_with_everyone_classified_and_a_deputy_signing():
    data = classification_data(not_classified=(), signer=Signer("Trần Văn Hùng", "Phó Bí thư"), percent_base="")
    document = open_docx(render_classification_list(data))
    all_lines = lines(document)
    assert all_lines[index_of(all_lines, "III. ĐẢNG VIÊN CHƯA ĐÁNH GIÁ, XẾP LOẠI NĂM 2026") + 1] == "Không có."
    assert "Tỷ lệ tính trên" not in text(document)
    signature = row_texts(document.tables[-1])[0][1]
    assert signature.split("\n")[:2] == ["T/M CHI BỘ", "PHÓ BÍ THƯ"]


# --- the report to the superior ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report():
    return open_docx(render_report(report_data()))


def test_report_numbers_and_branch_proposal(report):
    assert_header(report, "28 tháng 11 năm 2026")
    content = text(report)
    assert "BÁO CÁO" in lines(report)
    assert "Kính gửi: Đảng ủy phường Bến Thành." in content
    assert "Ngày 25/11/2026, Chi bộ Khu phố 3 đã tổ chức hội nghị kiểm điểm" in content
    assert "- Tổng số đảng viên của chi bộ: 12 đồng chí (chính thức: 10; dự bị: 2)." in content
    assert "- Có mặt tại hội nghị: 11/12 đồng chí." in content
    assert (
        "- Số đảng viên đã kiểm điểm tại hội nghị: 10 đồng chí (đã đánh giá, xếp loại: 10; chưa đánh giá, xếp loại: "
        "0); số đảng viên không kiểm điểm tại hội nghị: 2 đồng chí." in content
    )
    assert (
        "1. Kiểm điểm tập thể chi ủy: báo cáo kiểm điểm được hội nghị biểu quyết thông qua với 9 tán thành, "
        "0 không tán thành, 0 ý kiến khác." in content
    )
    assert (
        "2. Tự đánh giá, xếp loại chi bộ: chi bộ tự chấm 86,5 điểm; hội nghị bỏ phiếu đề nghị xếp loại chi bộ ở "
        "mức “Hoàn thành tốt nhiệm vụ” với 8 tán thành, 1 không tán thành, 0 ý kiến khác. Chi bộ đề nghị Đảng ủy "
        "phường công nhận mức “Hoàn thành tốt nhiệm vụ”." in content
    )
    assert row_texts(table_with(report, "Mức xếp loại"))[1:] == [
        ["1", XS, "1", "10,0%"], ["2", TOT, "7", "70,0%"], ["3", HT, "2", "20,0%"], ["4", KHT, "0", "0%"]
    ]
    assert [row[1] for row in row_texts(table_with(report, "Lý do"))[1:]] == ["Châu Minh Khoa", "Đỗ Văn Nam"]
    assert_clean(report)


def test_report_feedback_rules_and_points_to_confirm(report):
    rows = row_texts(table_with(report, "Nơi góp ý"))
    assert rows[0] == ["TT", "Nơi góp ý", "Đối với", "Nội dung góp ý", "Tiếp thu, giải trình"]
    assert rows[1:] == [
        [str(number), item.source, item.about, item.content, item.response]
        for number, item in enumerate(FEEDBACK, start=1)
    ]
    all_lines = lines(report)
    rules = index_of(all_lines, "IV. CĂN CỨ ĐÁNH GIÁ, XẾP LOẠI")
    assert all_lines[rules + 1] == (
        "Chi bộ áp dụng tiêu chí, quy định: Tiêu chí phân loại của Kế hoạch 146-KH/ĐU (2014) (căn cứ: Kế hoạch "
        "số 146-KH/ĐU ngày 04/11/2014 của Đảng ủy Thanh tra thành phố)."
    )
    confirm = index_of(all_lines, "V. ĐỀ NGHỊ CẤP ỦY CẤP TRÊN XEM XÉT, XÁC NHẬN", rules)
    assert all_lines[confirm + 1] == f"- {report_data().to_confirm[0]}"
    recipients, signature = row_texts(report.tables[-1])[0]
    assert "- Đảng ủy phường Bến Thành (để báo cáo);" in recipients
    assert signature.split("\n")[:2] == ["T/M CHI BỘ", "BÍ THƯ"] and signature.endswith("Nguyễn Thị Lan")


def test_report_without_feedback_or_points():
    document = open_docx(render_report(report_data(feedback=(), to_confirm=(), not_classified=())))
    all_lines = lines(document)
    assert "Chi bộ không nhận được ý kiến góp ý bằng văn bản." in all_lines
    assert all_lines[index_of(all_lines, "V. ĐỀ NGHỊ CẤP ỦY CẤP TRÊN") + 1] == "Không có."
    assert "Nơi góp ý" not in text(document) and "Lý do" not in text(document)


# --- the feedback notices ---------------------------------------------------------------------------------------


def test_one_feedback_notice_per_source():
    sources = {item.source for item in FEEDBACK}
    for source in sorted(sources):
        points = tuple(FeedbackPoint(f.about, f.content, f.response) for f in FEEDBACK if f.source == source)
        document = open_docx(render_feedback_notice(notice_data(recipient=source, points=points)))
        assert_header(document, "30 tháng 11 năm 2026")
        content = text(document)
        assert "THÔNG BÁO" in lines(document)
        assert f"Kính gửi: {source}." in content
        assert (
            f"Chi bộ Khu phố 3 đã nhận được ý kiến góp ý của {source} ngày 10/11/2026 phục vụ kiểm điểm tập thể, "
            "cá nhân năm 2026. Tại hội nghị kiểm điểm ngày 25/11/2026, chi bộ đã xem xét và tiếp thu như sau:"
        ) in content
        rows = row_texts(table_with(document, "Nội dung góp ý"))
        assert rows[1:] == [["1", p.about, p.content, p.answer] for p in points]
        for other in sources - {source}:
            assert other not in content
        assert row_texts(document.tables[-1])[0][1].endswith("Nguyễn Thị Lan")
        assert_clean(document)


def test_feedback_notice_without_dates():
    content = text(open_docx(render_feedback_notice(notice_data(received_on=None, meeting_on=None))))
    assert "ý kiến góp ý của Ban Chấp hành Công đoàn cơ sở phục vụ kiểm điểm" in content
    assert "Chi bộ đã xem xét và tiếp thu như sau:" in content


# --- user-typed text --------------------------------------------------------------------------------------------


def test_markup_characters_in_names_render_as_typed():
    odd = "Trần <Văn> & \"Hùng\" ]]> {{ x }} {% if %}"
    rows = tuple(replace(row, name=odd) if row.name == "Trần Văn Hùng" else row for row in results())
    data = minutes_data(
        results=rows,
        deputy_chair=Person(odd, "Phó Bí thư & chi ủy viên"),
        venue="Nhà văn hóa <khu phố 3> & sân",
    )
    document = open_docx(render_minutes(data))
    content = text(document)
    assert f"đồng chí {odd}, Phó Bí thư & chi ủy viên." in content
    assert "tại Nhà văn hóa <khu phố 3> & sân," in content
    assert row_texts(table_with(document, "Kết quả xếp loại"))[3][1] == odd
    notice = open_docx(render_feedback_notice(notice_data(recipient="Đoàn Thanh niên & Hội Phụ nữ <cơ sở>")))
    assert "Kính gửi: Đoàn Thanh niên & Hội Phụ nữ <cơ sở>." in text(notice)


def test_control_characters_and_line_breaks():
    review = SelfReviewItem(
        "Vũ Thị Mai", "Đảng viên", "Ý kiến thứ nhất.\r\nÝ kiến thứ hai.\x07\x0b\x00", "Tiếp thu.\x0c"
    )
    document = open_docx(render_minutes(minutes_data(self_reviews=(review,))))
    content = text(document)
    assert "- Ý kiến góp ý: Ý kiến thứ nhất.\nÝ kiến thứ hai." in content  # a line break inside the paragraph
    assert "- Tiếp thu: Tiếp thu.\n" in content + "\n"


def test_vietnamese_survives_and_decomposed_input_is_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Lan")
    assert decomposed != "Nguyễn Thị Lan"
    data = minutes_data(chair=Person(decomposed, unicodedata.normalize("NFD", "Bí thư chi bộ")))
    document = open_docx(render_minutes(data))
    content = text(document)
    assert "- Chủ trì hội nghị: đồng chí Nguyễn Thị Lan, Bí thư chi bộ." in content
    assert row_texts(document.tables[-1])[0][1].endswith("Nguyễn Thị Lan")
    assert decomposed not in content
    assert_clean(document)
    for word in ("Đặng Quốc Khánh", "Bùi Thị Ngọc Ánh", "Ngô Đức Thắng", "ĐẢNG CỘNG SẢN VIỆT NAM", XS):
        assert word in content


# --- file names and speed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("minutes", "bien-ban-kiem-diem-chi-bo-khu-pho-3-2026.docx"),
        (DocumentKind.CLASSIFICATION_LIST, "danh-sach-phan-loai-dang-vien-chi-bo-khu-pho-3-2026.docx"),
        (DocumentKind.REPORT, "bao-cao-ket-qua-kiem-diem-chi-bo-khu-pho-3-2026.docx"),
        ("feedback_notice", "thong-bao-tiep-thu-y-kien-chi-bo-khu-pho-3-2026.docx"),
    ],
)
def test_file_names(kind, expected):
    assert file_name(kind, "Chi bộ Khu phố 3", 2026) == expected
    assert file_name(kind, BRANCH, 2026) == expected


def test_file_name_is_ascii_and_tells_notices_apart():
    name = file_name("feedback_notice", "Chi bộ Đường Lê Lợi <A&B>", 2026, part="Hội Cựu chiến binh")
    assert name == "thong-bao-tiep-thu-y-kien-chi-bo-duong-le-loi-a-b-2026-hoi-cuu-chien-binh.docx"
    assert file_name("minutes", "!!!", 2026) == "bien-ban-kiem-diem-2026.docx"
    assert file_name("minutes", "Chi bộ " + "rất dài " * 30, 2026).isascii()
    with pytest.raises(ValueError):
        file_name("agenda", "Chi bộ Khu phố 3", 2026)


def test_fifty_members_all_appear():
    many = tuple(
        replace(RESULTS_ROW, name=f"Đảng viên Nguyễn Văn Số {number}") for number in range(50)
        for RESULTS_ROW in results()[:1]
    )
    reviews = tuple(SelfReviewItem(row.name, row.role, "Góp ý.", "Tiếp thu.") for row in many)
    members = tuple(ClassifiedMember(row.name, row.role, row.status) for row in many)
    listed = render_classification_list(
        classification_data(groups=(LevelGroup(TOT, 50, "100%", members),), classified_total=50))
    assert text(open_docx(listed)).count("Đảng viên Nguyễn Văn Số") == 50
    assert text(open_docx(render_minutes(minutes_data(results=many, self_reviews=reviews)))).count("Số 49") == 3
