"""The supervisor's view, pure: worst first, totals, and what changed between two weekly snapshots."""

from datetime import date

import pytest

from bot.domain.supervision import BranchStatus, Change, changes, snapshot, totals, worst_first


def status(branch_id: int, name: str, phase: str = "prepare", **fields) -> BranchStatus:
    return BranchStatus(branch_id, name, phase, **({"year": 2026} | fields))


def test_the_most_late_comes_first_then_the_least_advanced_then_the_least_done_then_the_name():
    ordered = worst_first([
        status(1, "Chi bộ Đông", "done", checklist=(10, 10)),
        status(2, "Chi bộ Bắc", "prepare", checklist=(2, 10)),
        status(3, "Chi bộ An", "prepare", checklist=(2, 10)),
        status(4, "Chi bộ Tây", "meeting", checklist=(1, 10), late_items=("Dự thảo báo cáo",)),
        status(5, "Chi bộ Nam", "no_review", overdue_tasks=2),
        status(6, "Chi bộ Trung", "prepare", checklist=(5, 10)),
        status(7, "Chi bộ Ấp", "no_review"),
    ])
    # Nam: 2 late; Tây: 1 late; then by phase (not started first); then by share done; then the name
    # without diacritics ("Ấp" sorts as "Ap" before "Bac").
    assert [s.name for s in ordered] == ["Chi bộ Nam", "Chi bộ Tây", "Chi bộ Ấp", "Chi bộ An", "Chi bộ Bắc",
                                         "Chi bộ Trung", "Chi bộ Đông"]


def test_an_unknown_phase_is_refused():
    with pytest.raises(ValueError):
        BranchStatus(1, "Chi bộ A", "voting")


def test_totals_add_up_the_branches_and_pick_the_year_most_branches_review():
    items = [
        status(1, "A", "done", self_reviews=(9, 9), meeting_held=True, votes=(9, 9), report_filed=True,
               member_levels={"httnv": 8, "htxsnv": 1}, branch_level="tsvm"),
        status(2, "B", "report", self_reviews=(5, 6), meeting_held=True, votes=(6, 6), overdue_tasks=2,
               late_items=("Biên bản",), member_levels={"httnv": 5, "khtnv": 1}, branch_level="httnv"),
        status(3, "C", "no_meeting_date", self_reviews=(0, 4), votes=(0, 4), year=2025),
        status(4, "D", "no_review", year=None),
    ]
    t = totals(items)
    assert (t.branches, t.behind, t.meetings_held, t.reports_filed) == (4, 1, 2, 1)
    assert t.self_reviews == (14, 19) and t.votes == (15, 19)
    assert (t.overdue_tasks, t.late_items) == (2, 1)
    assert t.member_levels == {"httnv": 13, "htxsnv": 1, "khtnv": 1}
    assert t.branch_levels == {"tsvm": 1, "httnv": 1}
    assert t.by_phase == {"no_review": 1, "no_meeting_date": 1, "prepare": 0, "meeting": 0, "report": 1, "done": 1}
    assert t.year == 2026


def test_the_first_summary_has_nothing_to_compare_with():
    assert changes(None, snapshot([status(1, "A")])) == []


def test_what_changed_in_a_week_branch_by_branch():
    before = snapshot([
        status(1, "A", "prepare", self_reviews=(2, 9), votes=(0, 9)),
        status(2, "B", "meeting", meeting_held=True, votes=(3, 6), overdue_tasks=1),
        status(3, "C", "report", meeting_held=True, votes=(5, 5), late_items=("Báo cáo",)),
        status(4, "D", "no_review"),
    ])
    after = snapshot([
        status(1, "A", "prepare", self_reviews=(6, 9), votes=(0, 9), overdue_tasks=2),
        status(2, "B", "report", meeting_held=True, votes=(6, 6), branch_level="httnv"),
        status(3, "C", "done", meeting_held=True, votes=(5, 5), report_filed=True),
        status(5, "E", "no_review"),
    ])
    assert changes(before, after) == [
        Change(1, "A", "self_reviews", (2, 9), (6, 9)),
        Change(1, "A", "late_more", 0, 2),
        Change(2, "B", "phase", "meeting", "report"),
        Change(2, "B", "votes", (3, 6), (6, 6)),
        Change(2, "B", "branch_level", None, "httnv"),
        Change(2, "B", "late_fewer", 1, 0),
        Change(3, "C", "phase", "report", "done"),
        Change(3, "C", "report_filed"),
        Change(3, "C", "late_fewer", 1, 0),
        Change(5, "E", "new_branch"),
        Change(4, "D", "gone"),
    ]


def test_a_week_without_change_has_no_changes_and_the_snapshot_is_plain_json():
    import json

    items = [status(1, "A", "meeting", meeting_on=date(2026, 11, 20), meeting_held=True, votes=(2, 7))]
    stored = json.loads(json.dumps(snapshot(items)))
    assert changes(stored, snapshot(items)) == []
    assert stored["1"]["votes"] == [2, 7]


def test_the_levels_the_superior_decided_in_a_week_are_a_change():
    before = snapshot([status(1, "A", "report", awaiting_members=6, awaiting_branch=True)])
    after = snapshot([status(1, "A", "report", awaiting_members=1, awaiting_branch=True, decided=5)])
    assert changes(before, after) == [Change(1, "A", "decided", 0, 5)]
    del before["1"]["decided"]  # a snapshot stored before decisions were counted
    assert changes(before, after) == [Change(1, "A", "decided", 0, 5)]
    assert changes(after, after) == []
