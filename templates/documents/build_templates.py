"""Build the Word templates of the review documents (docxtpl: Jinja2 inside .docx) with python-docx.

Binary templates are hard to review, so this script is their source: edit the wording here, run

    uv run python templates/documents/build_templates.py

and commit the .docx files it writes beside it. tests/unit/test_documents_templates.py checks that the
committed files are exactly what this script builds.

Layout follows the Vietnamese party-document style (the reference plan 003): A4, Times New Roman 14 pt
(13/12 pt in tables), the header as two centred blocks ("ĐẢNG BỘ … / CHI BỘ … / *" on the left,
"ĐẢNG CỘNG SẢN VIỆT NAM" and the place-and-date line on the right), the title in capitals, and the
signature block "T/M CHI BỘ / BÍ THƯ". All the wording lives in this file; the data arrives already decided
(bot/documents/model.py), so a template never computes a rule.

Markup in the strings below: **bold**; a paragraph that is only a `{%p … %}` tag is a docxtpl paragraph tag;
a table row whose first cell is a `{%tr … %}` tag is a docxtpl row tag.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
TEXT_WIDTH_MM = 165  # A4 210 mm less 30 mm left and 15 mm right margins
FIXED_TIME = datetime(2026, 1, 1)  # core properties and zip entries carry no build time: the output is reproducible

LEFT, CENTER, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)


# --- building blocks ------------------------------------------------------------------------------------------


def _new_document(title: str) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(language)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.1

    _page_number_footer(section)

    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):  # python-docx's stock thumbnail shows an unrelated page
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rel_id)
    properties = doc.core_properties
    properties.title = title
    properties.author = "chibo"
    properties.last_modified_by = "chibo"
    properties.comments = ""
    properties.revision = 1
    properties.created = properties.modified = FIXED_TIME
    body = doc.element.body  # drop the stock empty paragraph
    for paragraph in body.findall(qn("w:p")):
        body.remove(paragraph)
    return doc


def _page_number_footer(section) -> None:
    """The page number, centred at the foot of each page."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "24")
    properties.append(size)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def para(
    container,
    text: str = "",
    *,
    align=JUSTIFY,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    indent: bool = False,
    before: float = 0,
    after: float | None = None,
    keep_with_next: bool = False,
):
    """A paragraph at the end of `container` (the document or a table cell); **…** marks bold runs."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if indent:
        fmt.first_line_indent = Cm(1)
    if before:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep_with_next:
        fmt.keep_with_next = True
    for index, chunk in enumerate(text.split("**")):
        if not chunk:
            continue
        run = paragraph.add_run(chunk)
        run.bold = bold or index % 2 == 1
        run.italic = italic or None
        run.underline = underline or None
        if size:
            run.font.size = Pt(size)
    return paragraph


def tag(container, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}); docxtpl removes the paragraph itself."""
    container.add_paragraph().add_run(text)


def body(doc, text: str, **options) -> None:
    para(doc, text, indent=True, **options)


def heading(doc, text: str) -> None:
    para(doc, f"**{text}**", before=6, keep_with_next=True)


def _cell_paragraphs(cell, lines: list[tuple[str, dict]]) -> None:
    for old in cell.paragraphs:
        old._element.getparent().remove(old._element)
    for text, options in lines:
        para(cell, text, **({"align": CENTER, "after": 0} | options))


def _fixed_widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _no_split(row) -> None:
    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    properties.append(header)


def header_block(doc, date_expression: str) -> None:
    """The two centred header blocks; `date_expression` is the Jinja expression of the document's date."""
    table = doc.add_table(rows=1, cols=2)  # no style: no borders; a little wider than the text, as is usual
    _fixed_widths(table, [75, 100])
    left, right = table.rows[0].cells
    _cell_paragraphs(
        left,
        [
            ("{{ branch.superior|upper }}", {"size": 13}),
            ("**{{ branch.name|upper }}**", {}),
            ("*", {}),
            ("{% if number %}Số: {{ number }}{% endif %}", {"size": 13}),
        ],
    )
    _cell_paragraphs(
        right,
        [
            ("ĐẢNG CỘNG SẢN VIỆT NAM", {"bold": True, "underline": True, "size": 15}),
            ("", {}),
            (
                (
                    "{% if branch.place %}{{ branch.place }}{% else %}……………{% endif %}, "  # a blank, never the venue
                    "ngày {{ DATE.day|two }} tháng {{ DATE.month|two }} năm {{ DATE.year }}"
                ).replace("DATE", date_expression),
                {"italic": True},
            ),
        ],
    )
    para(doc, "", after=6)


def title_block(doc, title: str, subtitle: str) -> None:
    para(doc, title, align=CENTER, bold=True, size=16, before=6, after=0, keep_with_next=True)
    para(doc, subtitle, align=CENTER, bold=True, after=12, keep_with_next=True)


def grid_table(
    doc,
    columns: list[tuple[str, float]],
    rows: list[list[str]],
    *,
    merged: set[int] = frozenset(),
    kept: set[int] = frozenset(),
    header_size: float = TABLE_PT,
    size: float = TABLE_PT,
):
    """A bordered table: a bold header row, then `rows` (cells of Jinja text); rows whose index is in `merged`
    have their cells after the first joined into one (a full-width line under a member, a group heading); rows
    whose index is in `kept` stay on the page of the row after them. A cell text starting with '<' is aligned
    left, others are centred; '\n' separates paragraphs in a cell."""
    table = doc.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = doc.styles["Table Grid"]
    _fixed_widths(table, [width for _, width in columns])
    header = table.rows[0]
    _repeat_header(header)
    for cell, (label, _) in zip(header.cells, columns, strict=True):
        _cell_paragraphs(cell, [(label, {"bold": True, "size": header_size})])
    for row_index, texts in enumerate(rows):
        row = table.rows[1 + row_index]
        _no_split(row)
        cells = row.cells
        if row_index in merged:
            joined = cells[1].merge(cells[-1])
            cells = [cells[0], joined]
        for cell, text in zip(cells, texts, strict=True):
            align = LEFT if text.startswith("<") else CENTER
            text = text.removeprefix("<")
            lines = text.split("\n") if text else [""]
            options = {"size": size, "align": align, "keep_with_next": row_index in kept}
            _cell_paragraphs(cell, [(line, options) for line in lines])
    return table


def loop_rows(tag_open: str, *rows: list[str], tag_close: str = "{%tr endfor %}", width: int) -> list[list[str]]:
    """Rows for a docxtpl row loop: the opening tag row, the repeated rows, the closing tag row."""
    return [[tag_open, *[""] * (width - 1)], *rows, [tag_close, *[""] * (width - 1)]]


def signature_block(doc, left: list[tuple[str, dict]], right: list[tuple[str, dict]]) -> None:
    para(doc, "", after=0)
    table = doc.add_table(rows=1, cols=2)
    _fixed_widths(table, [80, 85])
    _cell_paragraphs(table.rows[0].cells[0], left)
    _cell_paragraphs(table.rows[0].cells[1], right)


def branch_signature(doc, recipients: list[str]) -> None:
    """'Nơi nhận' on the left; T/M CHI BỘ, the signer's position in capitals and name on the right."""
    left = [("Nơi nhận:", {"bold": True, "italic": True, "align": LEFT, "size": 12})]
    left += [(line, {"align": LEFT, "size": 11}) for line in recipients]
    right = [
        ("T/M CHI BỘ", {"bold": True}),
        ("{{ signer.position|upper }}", {"bold": True}),
        ("", {}),
        ("", {}),
        ("", {}),
        ("{{ signer.name }}", {"bold": True}),
    ]
    signature_block(doc, left, right)


# --- the four templates ---------------------------------------------------------------------------------------

PROPOSALS = (
    "Mức xếp loại chưa có quyết định của cấp ủy cấp trên là mức chi bộ đề xuất, chờ cấp ủy cấp trên xem xét, "
    "quyết định."
)
COLLECTIVE = "{% if has_committee %}chi ủy{% else %}bí thư, phó bí thư chi bộ{% endif %}"


def votes(path: str) -> str:
    return (
        f"{{{{ {path}.agree }}}} tán thành, {{{{ {path}.disagree }}}} không tán thành, "
        f"{{{{ {path}.other }}}} ý kiến khác"
    )


def person(path: str) -> str:
    return f"đồng chí {{{{ {path}.name }}}}{{% if {path}.role %}}, {{{{ {path}.role }}}}{{% endif %}}"


def not_classified_table(doc) -> None:
    columns = [("TT", 10), ("Họ và tên", 45), ("Đảng viên", 28), ("Lý do", 52), ("Ghi chú", 30)]
    rows = loop_rows(
        "{%tr for r in not_classified %}",
        ["{{ loop.index }}", "<{{ r.name }}", "{{ r.status }}", "<{{ r.reason }}", "<{{ r.note }}"],
        width=len(columns),
    )
    grid_table(doc, columns, rows)


def level_counts_table(doc, items: str) -> None:
    columns = [("TT", 12), ("Mức xếp loại", 93), ("Số lượng", 30), ("Tỷ lệ", 30)]
    rows = loop_rows(
        f"{{%tr for g in {items} %}}",
        ["{{ loop.index }}", "<{{ g.level }}", "{{ g.count }}", "{{ g.percent }}"],
        width=len(columns),
    )
    grid_table(doc, columns, rows)


def build_minutes() -> DocumentObject:
    doc = _new_document("Biên bản hội nghị kiểm điểm năm {{ year }}")
    header_block(doc, "started_at")
    title_block(
        doc,
        "BIÊN BẢN",
        "Hội nghị kiểm điểm tập thể, cá nhân và đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm {{ year }}",
    )
    body(
        doc,
        "Vào lúc {{ started_at|hm }} ngày {{ started_at|d }}, tại {{ venue }}, {{ branch.name }} tổ chức hội nghị "
        "kiểm điểm tập thể, cá nhân và đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm {{ year }}.",
    )

    heading(doc, "I. THÀNH PHẦN HỘI NGHỊ")
    body(doc, f"- Chủ trì hội nghị: {person('chair')}.")
    tag(doc, "{%p if deputy_chair %}")
    body(doc, f"- Chủ trì phần kiểm điểm của đồng chí Bí thư chi bộ: {person('deputy_chair')}.")
    tag(doc, "{%p endif %}")
    body(doc, f"- Thư ký hội nghị: {person('clerk')}.")
    tag(doc, "{%p if supervisor %}")
    body(doc, f"- Đại biểu cấp trên dự hội nghị: {person('supervisor')}.")
    tag(doc, "{%p endif %}")
    body(
        doc,
        "- Tổng số đảng viên của chi bộ: {{ members_total }} đồng chí ({{ full_members_total }} đảng viên chính "
        "thức). Có mặt: {{ members_present }}/{{ members_total }} đồng chí ({{ full_members_present }}/"
        "{{ full_members_total }} đảng viên chính thức).",
    )
    tag(doc, "{%p if absent %}")
    body(doc, "- Vắng mặt: {{ absent|length }} đồng chí:")
    tag(doc, "{%p for a in absent %}")
    body(doc, "+ Đồng chí {{ a.name }}{% if a.reason %}: {{ a.reason }}{% endif %}.")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    body(doc, "- Vắng mặt: không.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if not_reviewed %}")
    body(doc, "- Đảng viên không kiểm điểm, chưa đánh giá, xếp loại tại hội nghị này:")
    tag(doc, "{%p for r in not_reviewed %}")
    body(doc, "+ Đồng chí {{ r.name }} ({{ r.status }}): {{ r.reason }}{% if r.note %}; {{ r.note }}{% endif %}.")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")

    heading(doc, "II. NỘI DUNG HỘI NGHỊ")
    body(
        doc,
        "Hội nghị tiến hành kiểm điểm theo trình tự: tập thể kiểm điểm trước, cá nhân kiểm điểm sau; cán bộ giữ "
        "chức vụ lãnh đạo kiểm điểm trước, đảng viên kiểm điểm sau.",
        italic=True,
    )

    heading(doc, f"1. Kiểm điểm tập thể {COLLECTIVE}")
    body(
        doc,
        "Đồng chí {{ committee_report.presenter }} trình bày dự thảo báo cáo kiểm điểm của tập thể "
        f"{COLLECTIVE} năm {{{{ year }}}}.",
    )
    body(doc, "- Ý kiến góp ý của đảng viên: {{ committee_report.comments }}")
    body(doc, "- Kết luận của chủ trì: {{ committee_report.conclusion }}")
    tag(doc, "{%p if committee_report.vote %}")
    body(doc, f"- Hội nghị biểu quyết thông qua báo cáo kiểm điểm: {votes('committee_report.vote')}.")
    tag(doc, "{%p endif %}")

    heading(doc, "2. Tổng kết hoạt động và đánh giá, xếp loại chi bộ")
    body(
        doc,
        "Đồng chí {{ annual_summary.presenter }} trình bày dự thảo báo cáo tổng kết hoạt động của chi bộ năm "
        "{{ year }}{% if branch_ballot.score %} và bản tự chấm điểm của chi bộ ({{ branch_ballot.score }} điểm)"
        "{% endif %}.",
    )
    body(doc, "- Ý kiến góp ý của đảng viên: {{ annual_summary.comments }}")
    body(doc, "- Kết luận của chủ trì: {{ annual_summary.conclusion }}")
    tag(doc, "{%p if annual_summary.vote %}")
    body(doc, f"- Hội nghị biểu quyết thông qua báo cáo tổng kết: {votes('annual_summary.vote')}.")
    tag(doc, "{%p endif %}")
    body(
        doc,
        "{% if branch_ballot.vote %}- Hội nghị bỏ phiếu đánh giá, xếp loại chi bộ ở mức "
        f"“{{{{ branch_ballot.proposed_level }}}}”: {votes('branch_ballot.vote')}."
        "{% else %}- Hội nghị không biểu quyết xếp loại chi bộ; chi bộ đề xuất mức "
        "“{{ branch_ballot.proposed_level }}” theo phiếu tự đánh giá, xếp loại: {{ branch_ballot.basis }}.{% endif %}",
    )
    body(doc, "- Kết quả: {{ branch_ballot.result }}.")

    heading(doc, "3. Kiểm điểm cá nhân")
    tag(doc, "{%p for r in self_reviews %}")
    body(
        doc,
        "**3.{{ loop.index }}. Đồng chí {{ r.name }}, {{ r.role }}**"
        "{% if r.chaired_by %} (đồng chí {{ r.chaired_by }} chủ trì phần kiểm điểm này){% endif %}",
        keep_with_next=True,
    )
    body(doc, "Đồng chí {{ r.name }} trình bày bản tự kiểm điểm năm {{ year }}.")
    body(doc, "- Ý kiến góp ý: {{ r.comments }}")
    body(doc, "- Tiếp thu: {{ r.acceptance }}")
    tag(doc, "{%p endfor %}")

    heading(doc, "4. Kết quả đánh giá cán bộ và nhận xét của cấp ủy nơi cư trú")
    tag(doc, "{%p if cadre_evaluation %}")
    body(
        doc,
        "Đồng chí Bí thư chi bộ báo cáo tóm tắt kết quả kiểm điểm, đánh giá cán bộ, công chức năm {{ year }}: "
        "{{ cadre_evaluation }}",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if residence_comments %}")
    body(
        doc,
        "Chi bộ đã nhận được nhận xét của cấp ủy nơi cư trú đối với {{ residence_received }}/{{ residence_total }} "
        "đảng viên kiểm điểm. Đồng chí Bí thư chi bộ đọc nhận xét của cấp ủy nơi cư trú đối với đảng viên:",
    )
    tag(doc, "{%p for c in residence_comments %}")
    body(
        doc,
        "- Đồng chí {{ c.member }}{% if c.source %} ({{ c.source }}){% endif %}: "
        "{% if c.summary %}{{ c.summary }}{% else %}nhận xét bằng văn bản, lưu kèm biên bản.{% endif %}",
    )
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    body(
        doc,
        "Chi bộ chưa nhận được nhận xét của cấp ủy nơi cư trú đối với đảng viên nào "
        "({{ residence_received }}/{{ residence_total }} đảng viên kiểm điểm).",
    )
    tag(doc, "{%p endif %}")

    heading(doc, "5. Bỏ phiếu đánh giá, xếp loại đảng viên")
    body(
        doc,
        "{% if ballots_held %}Hội nghị bỏ phiếu kín{% if e_ballot %} trên ứng dụng chibo{% endif %} đánh giá, xếp "
        "loại từng đảng viên{% else %}Hội nghị không biểu quyết; mức của từng đảng viên là mức đề xuất theo phiếu "
        "đánh giá, xếp loại{% endif %} ({{ full_members_present }} đảng viên chính thức có mặt). Kết quả như sau:",
        keep_with_next=True,
    )
    columns = [
        ("TT", 10),
        ("Họ và tên", 32),
        ("Chức vụ, đảng viên", 27),
        ("Mức đề xuất", 25),
        ("Tán thành", 15),
        ("Không tán thành", 17),
        ("Ý kiến khác", 14),
        ("Kết quả xếp loại", 25),
    ]
    rows = loop_rows(
        "{%tr for r in results %}",
        [
            "{{ loop.index }}",
            "<**{{ r.name }}**",
            "<{{ r.role }}\n{{ r.status }}",
            "<{{ r.proposed_level }}",
            "{% if r.vote %}{{ r.vote.agree }}{% else %}—{% endif %}",
            "{% if r.vote %}{{ r.vote.disagree }}{% else %}—{% endif %}",
            "{% if r.vote %}{{ r.vote.other }}{% else %}—{% endif %}",
            "<**{{ r.result_level }}**{% if r.result_level and not r.final %} (đề xuất){% endif %}",
        ],
        ["", "<Căn cứ: {{ r.reason }}"],
        width=len(columns),
    )
    grid_table(doc, columns, rows, merged={2}, kept={1}, header_size=11, size=11.5)
    tag(doc, "{%p if proposals %}")
    para(doc, PROPOSALS, italic=True, size=12, before=3)
    tag(doc, "{%p endif %}")

    body(
        doc,
        "Hội nghị kết thúc lúc {{ ended_at|hm }} ngày {{ ended_at|d }}. Biên bản đã được đọc lại trước hội nghị.",
        before=6,
    )
    signature_block(
        doc,
        [
            ("THƯ KÝ HỘI NGHỊ", {"bold": True}),
            ("(Ký, ghi rõ họ tên)", {"italic": True, "size": 12}),
            ("", {}),
            ("", {}),
            ("", {}),
            ("{{ clerk.name }}", {"bold": True}),
        ],
        [
            ("CHỦ TRÌ HỘI NGHỊ", {"bold": True}),
            ("(Ký, ghi rõ họ tên)", {"italic": True, "size": 12}),
            ("", {}),
            ("", {}),
            ("", {}),
            ("{{ chair.name }}", {"bold": True}),
        ],
    )
    return doc


def build_classification_list() -> DocumentObject:
    doc = _new_document("Danh sách phân loại đảng viên năm {{ year }}")
    header_block(doc, "issued_on")
    title_block(doc, "DANH SÁCH", "Đánh giá, xếp loại chất lượng đảng viên năm {{ year }}")
    body(
        doc,
        "Tổng số đảng viên của chi bộ: {{ members_total }} đồng chí; số đảng viên được đánh giá, xếp loại: "
        "{{ classified_total }} đồng chí.",
    )

    heading(doc, "I. TỔNG HỢP KẾT QUẢ XẾP LOẠI")
    level_counts_table(doc, "groups")
    tag(doc, "{%p if percent_base %}")
    para(doc, "Tỷ lệ tính trên {{ percent_base }}.", italic=True, size=12, before=3)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if proposals %}")
    para(doc, PROPOSALS, italic=True, size=12, before=3)
    tag(doc, "{%p endif %}")

    heading(doc, "II. DANH SÁCH ĐẢNG VIÊN THEO MỨC XẾP LOẠI")
    columns = [("TT", 10), ("Họ và tên", 50), ("Chức vụ", 40), ("Đảng viên", 30), ("Ghi chú", 35)]
    rows = [
        ["{%tr for g in groups %}", "", "", "", ""],
        ["**{{ loop.index }}**", "<**{{ g.level }}: {{ g.count }} đồng chí ({{ g.percent }})**"],
        ["{%tr for m in g.members %}", "", "", "", ""],
        ["{{ loop.index }}", "<{{ m.name }}", "<{{ m.role }}", "{{ m.status }}", "<{{ m.note }}"],
        ["{%tr endfor %}", "", "", "", ""],
        ["{%tr endfor %}", "", "", "", ""],
    ]
    grid_table(doc, columns, rows, merged={1})

    heading(doc, "III. ĐẢNG VIÊN CHƯA ĐÁNH GIÁ, XẾP LOẠI NĂM {{ year }}")
    tag(doc, "{%p if not_classified %}")
    not_classified_table(doc)
    tag(doc, "{%p else %}")
    body(doc, "Không có.")
    tag(doc, "{%p endif %}")

    branch_signature(doc, ["- Cấp ủy cấp trên (để báo cáo);", "- Lưu chi bộ."])
    return doc


def build_report() -> DocumentObject:
    doc = _new_document("Báo cáo kết quả kiểm điểm, đánh giá, xếp loại năm {{ year }}")
    header_block(doc, "issued_on")
    title_block(
        doc,
        "BÁO CÁO",
        "Kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm {{ year }}",
    )
    para(doc, "Kính gửi: {{ addressee }}.", align=CENTER, after=9)
    body(
        doc,
        "Ngày {{ meeting_on|d }}, {{ branch.name }} đã tổ chức hội nghị kiểm điểm tập thể, cá nhân và đánh giá, "
        "xếp loại chất lượng tổ chức đảng, đảng viên năm {{ year }}. Chi bộ báo cáo kết quả như sau:",
    )

    heading(doc, "I. TÌNH HÌNH CHUNG")
    body(
        doc,
        "- Tổng số đảng viên của chi bộ: {{ members_total }} đồng chí (chính thức: {{ full_members_total }}; "
        "dự bị: {{ probationary_total }}).",
    )
    body(doc, "- Có mặt tại hội nghị: {{ members_present }}/{{ members_total }} đồng chí.")
    body(
        doc,
        "- Số đảng viên đã kiểm điểm tại hội nghị: {{ reviewed }} đồng chí (đã đánh giá, xếp loại: {{ classified }}; "
        "chưa đánh giá, xếp loại: {{ unclassified }}); số đảng viên không kiểm điểm tại hội nghị: "
        "{{ not_reviewed }} đồng chí.",
    )

    heading(doc, "II. KẾT QUẢ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI")
    body(
        doc,
        "**1. Kiểm điểm tập thể {% if has_committee %}chi ủy{% else %}bí thư, phó bí thư chi bộ{% endif %}:** "
        f"báo cáo kiểm điểm được hội nghị biểu quyết thông qua với {votes('committee_report_vote')}.",
    )
    body(
        doc,
        "**2. Tự đánh giá, xếp loại chi bộ:** {% if branch_ballot.score %}chi bộ tự chấm {{ branch_ballot.score }}"
        " điểm; {% endif %}{% if branch_ballot.vote %}hội nghị bỏ phiếu đề nghị xếp loại chi bộ ở mức "
        f"“{{{{ branch_ballot.proposed_level }}}}” với {votes('branch_ballot.vote')}.{{% else %}}hội nghị không biểu "
        "quyết; chi bộ đề xuất xếp loại chi bộ ở mức “{{ branch_ballot.proposed_level }}” theo phiếu tự đánh giá, "
        "xếp loại ({{ branch_ballot.basis }}).{% endif %} {{ branch_ballot.result }}.",
    )
    body(doc, "**3. Đánh giá, xếp loại đảng viên:**", keep_with_next=True)
    level_counts_table(doc, "level_counts")
    tag(doc, "{%p if proposals %}")
    para(doc, PROPOSALS, italic=True, size=12, before=3)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if not_classified %}")
    body(doc, "Đảng viên không kiểm điểm hoặc chưa đánh giá, xếp loại:", before=6, keep_with_next=True)
    not_classified_table(doc)
    tag(doc, "{%p endif %}")

    heading(doc, "III. TIẾP THU Ý KIẾN GÓP Ý")
    tag(doc, "{%p if feedback %}")
    body(doc, "Chi bộ đã nhận và tiếp thu các ý kiến góp ý sau:", keep_with_next=True)
    columns = [("TT", 9), ("Nơi góp ý", 33), ("Đối với", 28), ("Nội dung góp ý", 48), ("Tiếp thu, giải trình", 47)]
    rows = loop_rows(
        "{%tr for f in feedback %}",
        ["{{ loop.index }}", "<{{ f.source }}", "<{{ f.about }}", "<{{ f.content }}", "<{{ f.response }}"],
        width=len(columns),
    )
    grid_table(doc, columns, rows)
    tag(doc, "{%p else %}")
    body(doc, "Chi bộ không nhận được ý kiến góp ý bằng văn bản.")
    tag(doc, "{%p endif %}")

    heading(doc, "IV. CĂN CỨ ĐÁNH GIÁ, XẾP LOẠI")
    body(doc, "Chi bộ áp dụng tiêu chí, quy định: {{ rule_set.name }} (căn cứ: {{ rule_set.source }}).")

    heading(doc, "V. ĐỀ NGHỊ CẤP ỦY CẤP TRÊN XEM XÉT, XÁC NHẬN")
    tag(doc, "{%p if to_confirm %}")
    tag(doc, "{%p for item in to_confirm %}")
    body(doc, "- {{ item }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    body(doc, "Không có.")
    tag(doc, "{%p endif %}")

    branch_signature(
        doc,
        [
            "- {{ addressee }} (để báo cáo);",
            "- Kèm theo: biên bản hội nghị, danh sách phân loại đảng viên;",
            "- Lưu chi bộ.",
        ],
    )
    return doc


def build_feedback_notice() -> DocumentObject:
    doc = _new_document("Thông báo tiếp thu ý kiến góp ý năm {{ year }}")
    header_block(doc, "issued_on")
    title_block(doc, "THÔNG BÁO", "Tiếp thu ý kiến góp ý trong kiểm điểm tập thể, cá nhân năm {{ year }}")
    para(doc, "Kính gửi: {{ recipient }}.", align=CENTER, after=9)
    body(
        doc,
        "{{ branch.name }} đã nhận được ý kiến góp ý của {{ recipient }}{% if received_on %} ngày "
        "{{ received_on|d }}{% endif %} phục vụ kiểm điểm tập thể, cá nhân năm {{ year }}. "
        "{% if meeting_on %}Tại hội nghị kiểm điểm ngày {{ meeting_on|d }}, chi bộ{% else %}Chi bộ{% endif %} "
        "đã xem xét và tiếp thu như sau:",
    )
    columns = [("TT", 10), ("Đối với", 35), ("Nội dung góp ý", 60), ("Tiếp thu, giải trình", 60)]
    rows = loop_rows(
        "{%tr for p in points %}",
        ["{{ loop.index }}", "<{{ p.about }}", "<{{ p.content }}", "<{{ p.answer }}"],
        width=len(columns),
    )
    grid_table(doc, columns, rows)
    body(doc, "Chi bộ trân trọng cảm ơn những ý kiến đóng góp xây dựng.", before=6)
    branch_signature(doc, ["- Như kính gửi;", "- Lưu chi bộ."])
    return doc


BUILDERS: dict[str, Callable[[], DocumentObject]] = {
    "minutes.docx": build_minutes,
    "classification_list.docx": build_classification_list,
    "report.docx": build_report,
    "feedback_notice.docx": build_feedback_notice,
}


# --- reproducible output --------------------------------------------------------------------------------------


def _reproducible(data: bytes) -> bytes:
    """The same package with fixed zip timestamps, so a rebuild from the same source gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def build(name: str) -> bytes:
    """The bytes of template `name` (a key of BUILDERS)."""
    out = io.BytesIO()
    BUILDERS[name]().save(out)
    return _reproducible(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0]) if argv else HERE
    for name in BUILDERS:
        (target / name).write_bytes(build(name))
        print(f"wrote {target / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
