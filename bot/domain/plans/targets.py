"""Targets (chỉ tiêu): what a plan aims to reach by a date, not a task to do. They are worth showing,
apart from the tasks: "Chỉ tiêu 2: … đạt 40% vào năm 2025", "phấn đấu đến năm 2025 có 20% …"."""

from typing import Literal

from bot.domain.plans.vietnamese import compile_loose, matching_view

Kind = Literal["task", "target"]

_FIGURE = (
    r"\d+(?:[,.]\d+)?\s*%"
    r"|\d+\s+(?:xã|phường|thôn|đơn\s+vị|chi\s+bộ|đảng\s+viên|người|hộ)"
)
_TARGET = compile_loose(
    r"^[\W\d_]*(?:[a-zđ]\s*[.)]\s*)?chỉ\s+tiêu(?!\w)"  # "Chỉ tiêu 2: …", "- Chỉ tiêu: …"
    rf"|phấn\s+đấu(?:\s+[^\W\d_]+){{0,12}}?[\s,:]+(?:{_FIGURE})"  # "phấn đấu đến năm 2025 có 20% …"
    rf"|phấn\s+đấu\s+(?:đến|tới|vào|trong)\s+năm\s+\d{{4}}[^.;]{{0,80}}?(?:{_FIGURE})"
    rf"|(?:đạt|đạt\s+tỷ\s+lệ|đạt\s+tỉ\s+lệ|đạt\s+trên|đạt\s+từ)\s+(?:{_FIGURE})[^.;]{{0,40}}?(?:vào|đến|trong)\s+năm\s+\d{{4}}"
)


def kind_of(text: str) -> Kind:
    return "target" if _TARGET.search(matching_view(text)) else "task"
