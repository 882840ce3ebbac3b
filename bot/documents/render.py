"""Render the review documents as .docx bytes from the Word templates in templates/documents/ (docxtpl).

The templates hold all the wording; this module passes the dataclasses of model.py as they are. User-typed
text is escaped (autoescape), normalised to NFC and cleared of characters XML cannot hold, so a name with
`<` or `&` renders as typed; a line break in a comment becomes a line break in Word.
"""

import io
import re
import unicodedata
from dataclasses import fields
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from bot.documents.model import (
    BranchInfo,
    ClassificationListData,
    FeedbackNoticeData,
    MinutesData,
    ReportData,
)

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "documents"


class DocumentKind(StrEnum):
    MINUTES = "minutes"
    CLASSIFICATION_LIST = "classification_list"
    REPORT = "report"
    FEEDBACK_NOTICE = "feedback_notice"


_FILE_STEMS = {
    DocumentKind.MINUTES: "bien-ban-kiem-diem",
    DocumentKind.CLASSIFICATION_LIST: "danh-sach-phan-loai-dang-vien",
    DocumentKind.REPORT: "bao-cao-ket-qua-kiem-diem",
    DocumentKind.FEEDBACK_NOTICE: "thong-bao-tiep-thu-y-kien",
}

# XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF; docxtpl also turns \a and \f in the
# rendered text into paragraph and page breaks, so those go too. \t and \n stay (a tab, a line break).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_IN_XML.sub("", unicodedata.normalize("NFC", text))


def _finalize(value: object) -> object:
    """Applied to every {{ … }} before escaping."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, date):  # a datetime is a date too
        raise TypeError(f"format {value!r} in the template with |d or |hm")
    if isinstance(value, str):
        return _clean(value)
    return value


def format_day(value: date | None) -> str:
    """dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_time(value: datetime | None) -> str:
    """HH:MM."""
    return value.strftime("%H:%M") if value else ""


def two_digits(value: int) -> str:
    return f"{value:02d}"


@cache
def _environment() -> Environment:
    env = Environment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    env.filters["d"] = format_day
    env.filters["hm"] = format_time
    env.filters["two"] = two_digits
    return env


@cache
def template_bytes(kind: DocumentKind) -> bytes:
    """The template of `kind`, read once per process."""
    return (TEMPLATES / f"{kind.value}.docx").read_bytes()


def _render(kind: DocumentKind, data: object) -> bytes:
    from docxtpl import DocxTemplate  # here, not at the top: ~0.25 s of every start, and most runs make no paper

    template = DocxTemplate(io.BytesIO(template_bytes(kind)))
    context = {field.name: getattr(data, field.name) for field in fields(data)}
    template.render(context, _environment(), autoescape=True)
    properties = template.docx.core_properties
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def render_minutes(data: MinutesData) -> bytes:
    """Biên bản hội nghị kiểm điểm."""
    return _render(DocumentKind.MINUTES, data)


def render_classification_list(data: ClassificationListData) -> bytes:
    """Danh sách đánh giá, xếp loại chất lượng đảng viên."""
    return _render(DocumentKind.CLASSIFICATION_LIST, data)


def render_report(data: ReportData) -> bytes:
    """Báo cáo kết quả kiểm điểm, đánh giá, xếp loại, to the superior committee."""
    return _render(DocumentKind.REPORT, data)


def render_feedback_notice(data: FeedbackNoticeData) -> bytes:
    """Thông báo tiếp thu ý kiến, to one feedback source."""
    return _render(DocumentKind.FEEDBACK_NOTICE, data)


def ascii_slug(text: str, *, limit: int = 60) -> str:
    """'Chi bộ Khu phố 3' -> 'chi-bo-khu-pho-3'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return slug[:limit].rstrip("-")


def file_name(kind: DocumentKind | str, branch: BranchInfo | str, year: int, *, part: str = "") -> str:
    """An ASCII file name: 'bien-ban-kiem-diem-chi-bo-khu-pho-3-2026.docx'. `part` tells apart documents of one
    kind in a year, such as the feedback notices: one per source."""
    name = branch.name if isinstance(branch, BranchInfo) else branch
    pieces = [_FILE_STEMS[DocumentKind(kind)], ascii_slug(name), str(year), ascii_slug(part, limit=40)]
    return "-".join(piece for piece in pieces if piece) + ".docx"
