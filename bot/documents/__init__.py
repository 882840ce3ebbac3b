"""The review paperwork as .docx: minutes, classification list, report to the superior, feedback notices.

`model` holds what each document shows (plain frozen data, decided by the caller); `render` fills the Word
templates of templates/documents/ with it.
"""

from bot.documents.render import (
    DocumentKind,
    file_name,
    render_classification_list,
    render_feedback_notice,
    render_minutes,
    render_report,
)

__all__ = [
    "DocumentKind",
    "file_name",
    "render_classification_list",
    "render_feedback_notice",
    "render_minutes",
    "render_report",
]
