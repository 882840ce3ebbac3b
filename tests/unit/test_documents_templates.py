"""The committed Word templates are exactly what templates/documents/build_templates.py builds, and carry the
tags the renderer fills."""

import io
import re
import unicodedata
import zipfile
from dataclasses import fields

import pytest

from bot.documents.model import ClassificationListData, FeedbackNoticeData, MinutesData, ReportData
from bot.documents.render import TEMPLATES, DocumentKind
from templates.documents import build_templates

MODELS = {
    DocumentKind.MINUTES: MinutesData,
    DocumentKind.CLASSIFICATION_LIST: ClassificationListData,
    DocumentKind.REPORT: ReportData,
    DocumentKind.FEEDBACK_NOTICE: FeedbackNoticeData,
}

COMMON_TAGS = [
    "{{ branch.superior|upper }}",
    "{{ branch.name|upper }}",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "{% if number %}Số: {{ number }}{% endif %}",
]
EXPECTED_TAGS = {
    DocumentKind.MINUTES: [
        "{{ started_at|hm }} ngày {{ started_at|d }}",
        "{{ ended_at|hm }} ngày {{ ended_at|d }}",
        "{%p if deputy_chair %}",
        "{%p for a in absent %}",
        "{%p if supervisor %}",
        "{{ committee_report.vote.agree }} tán thành, {{ committee_report.vote.disagree }} không tán thành",
        "{{ branch_ballot.proposed_level }}",
        "{%p for r in self_reviews %}",
        "{%p for c in residence_comments %}",
        "{%tr for r in results %}",
        "{{ r.vote.agree }}",
        "{{ r.reason }}",
        "THƯ KÝ HỘI NGHỊ",
        "CHỦ TRÌ HỘI NGHỊ",
    ],
    DocumentKind.CLASSIFICATION_LIST: [
        "{%tr for g in groups %}",
        "{%tr for m in g.members %}",
        "{{ g.percent }}",
        "{%tr for r in not_classified %}",
        "T/M CHI BỘ",
        "{{ signer.position|upper }}",
    ],
    DocumentKind.REPORT: [
        "Kính gửi: {{ addressee }}.",
        "{%tr for g in level_counts %}",
        "{%tr for f in feedback %}",
        "{{ rule_set.name }}",
        "{{ rule_set.source }}",
        "{%p for item in to_confirm %}",
        "T/M CHI BỘ",
    ],
    DocumentKind.FEEDBACK_NOTICE: [
        "Kính gửi: {{ recipient }}.",
        "{%tr for p in points %}",
        "{{ p.answer }}",
        "T/M CHI BỘ",
    ],
}


def document_text(data: bytes) -> str:
    """The text of word/document.xml with the markup between runs removed, as docxtpl joins it."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml.replace("</w:p>", "\n")).replace("&lt;", "<").replace("&gt;", ">")


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_committed_template_is_what_the_script_builds(kind):
    name = f"{kind.value}.docx"
    assert name in build_templates.BUILDERS
    committed = zipfile.ZipFile(TEMPLATES / name)
    built = zipfile.ZipFile(io.BytesIO(build_templates.build(name)))
    assert committed.namelist() == built.namelist()
    for member in built.namelist():
        assert committed.read(member) == built.read(member), (
            f"{name}:{member} differs: run `uv run python templates/documents/build_templates.py`"
        )


def test_the_script_builds_only_the_four_templates():
    assert set(build_templates.BUILDERS) == {f"{kind.value}.docx" for kind in DocumentKind}
    assert sorted(path.name for path in TEMPLATES.glob("*.docx")) == sorted(build_templates.BUILDERS)


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_template_has_the_expected_tags(kind):
    text = document_text((TEMPLATES / f"{kind.value}.docx").read_bytes())
    for tag in COMMON_TAGS + EXPECTED_TAGS[kind]:
        assert tag in text, tag
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_template_shows_exactly_the_fields_of_its_model(kind):
    """Every top-level name a template uses is a field of its dataclass (or a loop variable), and every field
    is shown somewhere."""
    text = document_text((TEMPLATES / f"{kind.value}.docx").read_bytes())
    expressions = re.findall(r"\{[{%]p?r?\s*(.*?)\s*[%}]\}", text)
    loop_names = set(re.findall(r"for (\w+) in", text)) | {"loop"}
    words = {m.group(1) for e in expressions for m in re.finditer(r"(?<![.\w|'])([a-z_]\w*)", e)}
    keywords = {"if", "else", "endif", "for", "endfor", "in", "not", "and", "or", "tr", "p"}
    used = words - keywords - loop_names
    assert used == {field.name for field in fields(MODELS[kind])}
