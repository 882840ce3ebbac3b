"""The walkthrough's decisions (/buoc): the one next action and every action a phase offers, from the progress."""

import dataclasses
from datetime import date

import pytest

from bot.services.review_actions import Act, Action, actions, next_action, to_remind
from bot.services.review_collect import MemberState
from bot.services.review_progress import ChecklistItem, Progress, StepView

SCORES, VOTES = "qd366_2025", "kh146_2014"  # a rule set that reads sheets, and the 2014 plan's


def item(key: str, *, done: int = 0, total: int = 1, task_id: int | None = None, optional: bool = False,
         title: str = "") -> ChecklistItem:
    return ChecklistItem(key=key, title=title or key, done=done, total=total, due=date(2026, 12, 1), task_id=task_id,
                         optional=optional)


def member(membership_id: int, *, self_review: str | None = None, residence: bool = True,
           exemption: str | None = None, chat: int | None = None) -> MemberState:
    return MemberState(membership_id=membership_id, full_name=f"Đảng viên {membership_id}", role="member",
                       status="full", telegram_user_id=chat, exemption=exemption, self_review=self_review,
                       residence_requested=residence, residence_received=residence, present=None,
                       absence_reason=None, meetings_missed=0, sick_leave_months=0, disciplined=False)


def progress(phase: str, *, prepare: tuple[ChecklistItem, ...] = (), report: tuple[ChecklistItem, ...] = (),
             rule_set: str = VOTES, members: tuple[MemberState, ...] = ()) -> Progress:
    steps = (StepView("prepare", "Chuẩn bị", prepare), StepView("meeting", "Hội nghị", ()),
             StepView("report", "Báo cáo", report))
    return Progress(review_id=1, year=2026, branch_name="Chi bộ 1", meeting_at=None, meeting_place=None,
                    rule_set=rule_set, secret_ballot=False, outstanding=False, phase=phase, steps=steps,
                    members=members)


def acts(found: list[Action]) -> list[Act]:
    return [a.act for a in found]


def test_without_a_meeting_date_the_date_comes_first():
    assert next_action(progress("no_meeting_date", prepare=(item("self_reviews"),))) == Action(Act.SET_MEETING)


def test_a_meeting_under_way_is_continued():
    assert next_action(progress("meeting")) == Action(Act.CONTINUE_MEETING)


@pytest.mark.parametrize(("key", "act"), [
    ("self_reviews", Act.REMIND), ("assessment_sheets", Act.REMIND), ("assessment_checked", Act.SHEETS),
    ("residence_forms_out", Act.MEMBERS), ("residence_comments_in", Act.MEMBERS), ("named_feedback", Act.FEEDBACK)])
def test_the_first_open_item_of_the_preparation_leads_to_its_screen(key, act):
    done = item("self_reviews", done=3, total=3)
    assert next_action(progress("prepare", prepare=(done, item(key, total=3)))) == Action(act)


def test_an_item_done_by_hand_is_ticked_and_optional_ones_are_passed_over():
    p = progress("prepare", prepare=(item("hint", optional=True, task_id=7), item("draft", task_id=8, title="Dự thảo")))
    assert next_action(p) == Action(Act.TICK, 8, "Dự thảo")


def test_with_every_preparation_done_the_meeting_is_next():
    p = progress("prepare", prepare=(item("self_reviews", done=2, total=2), item("draft", done=1, task_id=8)))
    assert next_action(p) == Action(Act.START_MEETING)


def test_after_the_meeting_unanswered_feedback_comes_before_the_papers():
    assert next_action(progress("report", report=(item("feedback_answered", total=2),))) == Action(Act.ANSWERS)
    answered = item("feedback_answered", done=2, total=2)
    assert next_action(progress("report", report=(answered,))) == Action(Act.DOCUMENTS)
    assert next_action(progress("done", report=(answered,))) == Action(Act.DOCUMENTS)


def test_preparing_offers_the_screens_the_rule_set_needs_and_the_meeting_at_any_time():
    p = progress("prepare", prepare=(item("self_reviews", total=3),), rule_set=VOTES)
    assert acts(actions(p)) == [Act.REMIND, Act.MEMBERS, Act.FEEDBACK, Act.REMIND, Act.RULE_SET, Act.OUTSTANDING,
                                Act.SET_MEETING, Act.START_MEETING]
    scored = dataclasses.replace(p, rule_set=SCORES)
    assert acts(actions(scored))[4:7] == [Act.RULE_SET, Act.SHEETS, Act.OUTSTANDING]


def test_the_meeting_is_not_offered_twice_when_it_is_next():
    p = progress("prepare", prepare=(item("self_reviews", done=1),))
    assert acts(actions(p)).count(Act.START_MEETING) == 1


def test_without_a_date_the_meeting_cannot_be_opened():
    assert Act.START_MEETING not in acts(actions(progress("no_meeting_date")))


def test_after_the_meeting_the_papers_the_answers_and_the_report_tasks_left():
    report = (item("feedback_answered", done=1, total=1), item("sent", task_id=21, title="Gửi báo cáo"),
              item("filed", done=1, task_id=22))
    assert actions(progress("report", report=report)) == [
        Action(Act.DOCUMENTS), Action(Act.DOCUMENTS), Action(Act.ANSWERS), Action(Act.TICK, 21, "Gửi báo cáo")]


def test_during_the_meeting_only_the_meeting():
    assert acts(actions(progress("meeting"))) == [Act.CONTINUE_MEETING]


def test_a_reminder_goes_to_those_reviewed_who_miss_something():
    members = (member(1, self_review="bot"), member(2, chat=502), member(3, exemption="new_member"),
               member(4, self_review="paper", residence=False))
    assert [m.membership_id for m in to_remind(progress("prepare", members=members))] == [2, 4]
