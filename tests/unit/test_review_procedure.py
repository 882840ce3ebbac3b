"""The annual review's procedure as data: three steps, tasks with owners and relative deadlines."""

from datetime import date
from pathlib import Path

import pytest

from bot.domain.review.procedure import (
    PROCEDURES_DIR,
    MissingAnchor,
    ProcedureError,
    Who,
    dated_tasks,
    load_procedure,
    load_procedure_file,
)

TEXT = (PROCEDURES_DIR / "annual_review.toml").read_text(encoding="utf-8")


def test_three_steps_with_checklists():
    procedure = load_procedure()
    assert [step.key for step in procedure.steps] == ["prepare", "meeting", "report"]
    assert all(step.title.startswith(f"Bước {i}:") for i, step in enumerate(procedure.steps, start=1))
    for step in procedure.steps:
        assert step.checklist_keys
        assert set(step.checklist_keys) <= {task.key for task in step.tasks}
    assert {task.who for step in procedure.steps for task in step.tasks} == set(Who)
    assert procedure.task("self_reviews").per_member
    assert procedure.task("review_hints").optional


def test_the_2014_calendar_falls_out_of_the_offsets():
    """Plan 003 §VI with the meeting on 20/11/2014 and the review starting on 05/11/2014 (the default)."""
    tasks = {task.key: task for task in dated_tasks(load_procedure(), {"meeting": date(2014, 11, 20)})}
    assert (tasks["disseminate"].start, tasks["disseminate"].due) == (date(2014, 11, 5), date(2014, 11, 7))
    assert tasks["residence_forms_out"].due == date(2014, 11, 6)  # 14 days before; within 05–07/11
    assert tasks["self_reviews"].due == date(2014, 11, 13)  # 7 days before
    assert (tasks["supervisor_comments"].start, tasks["supervisor_comments"].due) == (
        date(2014, 11, 10), date(2014, 11, 12))  # 10–12/11
    assert tasks["drafts"].due < tasks["supervisor_comments"].start
    assert tasks["residence_comments_in"].due < date(2014, 11, 20)  # read at the meeting
    assert tasks["member_ballots"].due == date(2014, 11, 20)
    assert tasks["report_superior"].due == date(2014, 11, 25)  # plan: before 30/11 and 05/12
    assert tasks["report_superior"].step == "report" and tasks["report_superior"].who == Who.SECRETARY
    for task in tasks.values():
        assert task.start is None or task.start <= task.due


def test_an_explicit_start_moves_the_start_anchored_tasks_only():
    tasks = {t.key: t for t in dated_tasks(load_procedure(), {"meeting": date(2026, 12, 20),
                                                               "review_start": date(2026, 11, 1)})}
    assert tasks["disseminate"].start == date(2026, 11, 1)
    assert tasks["self_reviews"].start == date(2026, 11, 1) and tasks["self_reviews"].due == date(2026, 12, 13)


def test_a_late_start_is_clamped_to_the_due_date():
    tasks = {t.key: t for t in dated_tasks(load_procedure(), {"meeting": date(2026, 12, 20),
                                                               "review_start": date(2026, 12, 19)})}
    assert tasks["self_reviews"].start == tasks["self_reviews"].due == date(2026, 12, 13)


def test_anchors_must_be_set_and_known():
    with pytest.raises(MissingAnchor) as caught:
        dated_tasks(load_procedure(), {"review_start": date(2026, 11, 1)})
    assert caught.value.anchor == "meeting"
    with pytest.raises(ValueError, match="unknown anchors"):
        dated_tasks(load_procedure(), {"meeting": date(2026, 12, 20), "party": date(2026, 12, 31)})


def test_an_unknown_procedure_is_refused():
    with pytest.raises(ProcedureError):
        load_procedure("nope")


MALFORMED = [
    ('who = "supervisor"\n  anchor = "meeting"\n  start = -10', 'who = "boss"\n  anchor = "meeting"\n  start = -10',
     "steps[0].tasks[9].who", "not one of"),
    ('key = "disseminate"', 'key = "self_reviews"', "steps[0].tasks[1].key", "used twice"),
    ('anchor = "review_start"\n  start = 0\n  due = 2', 'anchor = "kickoff"\n  start = 0\n  due = 2',
     "steps[0].tasks[0].anchor", "not an anchor"),
    ("start = -10\n  due = -8", "start = -8\n  due = -10", "steps[0].tasks[9].start", "after it is due"),
    ("start = -10\n  due = -8", "start = -10", "steps[0].tasks[9].due", "missing"),
    ("start = -10\n  due = -8", 'start = -10\n  due = "-8"', "steps[0].tasks[9].due", "expected int"),
    ('checklist = ["report_superior", "feedback_answered"]', 'checklist = ["report_superior", "minutes"]',
     "steps[2].checklist", "not a task of this step"),
    ("  per_member = true\n\n  [[steps.tasks]]\n  key = \"residence_forms_out\"",
     "  per_member = true\n  deadline = 3\n\n  [[steps.tasks]]\n  key = \"residence_forms_out\"",
     "steps[0].tasks[3].deadline", "unknown field"),
    ('default_from = "meeting"', 'default_from = "election"', "anchors.review_start.default_from", "not an anchor"),
    ("default_days = -15", "", "anchors.review_start.default_days", "missing"),
    ('key = "annual_review"', 'key = "annual_review"\nkey = "twice"', "(toml)", ""),
]


@pytest.mark.parametrize(("old", "new", "field", "words"), MALFORMED)
def test_a_malformed_procedure_names_the_file_and_the_field(tmp_path: Path, old, new, field, words):
    assert old in TEXT, old
    path = tmp_path / "bad.toml"
    path.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ProcedureError) as caught:
        load_procedure_file(path)
    assert (caught.value.file, caught.value.field) == ("bad.toml", field)
    assert words in caught.value.message


def test_the_draft_goes_out_three_working_days_before_the_meeting():
    """annual_review draft_to_participants: "Dự thảo báo cáo kiểm điểm … gửi trước cho các thành viên tham gia hội
    nghị kiểm điểm ít nhất 03 ngày làm việc" (HD 43-HD/BTCTW mục 2): offsets in working days."""
    procedure = load_procedure()
    task = procedure.task("draft_to_participants")
    assert task.working_days and (task.start_days, task.due_days) == (-5, -3)
    dated = {t.key: t for t in dated_tasks(procedure, {"meeting": date(2025, 12, 22)})}  # a Monday
    assert dated["draft_to_participants"].due == date(2025, 12, 17)  # Wednesday: Thu, Fri, Mon are the 3 days
    assert dated["draft_to_participants"].start == date(2025, 12, 15)


def test_the_residence_comments_follow_quy_dinh_213():
    assert "Quy định 213-QĐ/TW" in load_procedure().task("residence_forms_out").title
