"""What the secretary can do in the review now, read from its progress (pure): the one next action, every action
the walkthrough (/buoc) offers in its phase, and whom a reminder is for. handlers/review.py draws them as buttons."""

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.review.rules import load_rule_set
from bot.services.review_collect import MemberState
from bot.services.review_progress import Progress


class Act(StrEnum):
    SET_MEETING = "set_meeting"
    START_MEETING = "start_meeting"
    CONTINUE_MEETING = "continue_meeting"  # the meeting has begun: back into its live order
    MEMBERS = "members"
    FEEDBACK = "feedback"
    REMIND = "remind"
    RULE_SET = "rule_set"
    SHEETS = "sheets"
    OUTSTANDING = "outstanding"
    TICK = "tick"  # a procedure task done by hand
    DOCUMENTS = "documents"
    ANSWERS = "answers"


@dataclass(frozen=True)
class Action:
    act: Act
    task_id: int | None = None  # TICK: the calendar task
    title: str = ""  # TICK: its title


# Checklist items done through another screen than a tick: the action that leads there.
_ITEM_ACTS = {"self_reviews": Act.REMIND, "assessment_sheets": Act.REMIND, "assessment_checked": Act.SHEETS,
              "residence_forms_out": Act.MEMBERS, "residence_comments_in": Act.MEMBERS,
              "named_feedback": Act.FEEDBACK}


def next_action(p: Progress) -> Action:
    """The one thing to do now: by the phase, then the current step's first open item; the meeting when none."""
    if p.phase == "no_meeting_date":
        return Action(Act.SET_MEETING)
    if p.phase == "meeting":
        return Action(Act.CONTINUE_MEETING)
    if p.phase == "report" and any(i.key == "feedback_answered" and not i.complete for i in p.current.items):
        return Action(Act.ANSWERS)
    if p.phase in ("report", "done"):
        return Action(Act.DOCUMENTS)
    for item in p.current.items:
        if item.complete or item.optional:
            continue
        if item.key in _ITEM_ACTS:
            return Action(_ITEM_ACTS[item.key])
        if item.task_id is not None:
            return Action(Act.TICK, item.task_id, item.title)
    return Action(Act.START_MEETING)


def actions(p: Progress) -> list[Action]:
    """The walkthrough's actions in their order: the next one first, then what the phase allows."""
    first = next_action(p)
    found = [first]
    if p.phase in ("prepare", "no_meeting_date"):
        found += [Action(Act.MEMBERS), Action(Act.FEEDBACK), Action(Act.REMIND), Action(Act.RULE_SET)]
        rules = load_rule_set(p.rule_set)
        if rules.uses_scores:
            found.append(Action(Act.SHEETS))
        if rules.quota is not None and rules.quota.outstanding_percent:
            found.append(Action(Act.OUTSTANDING))
        if p.phase == "prepare":
            found.append(Action(Act.SET_MEETING))
            # The day may come before every preparation is ticked: the meeting can always be opened.
            if first.act != Act.START_MEETING:
                found.append(Action(Act.START_MEETING))
    if p.phase in ("report", "done"):
        found += [Action(Act.DOCUMENTS), Action(Act.ANSWERS)]
        found += [Action(Act.TICK, item.task_id, item.title) for item in (p.current.items if p.current else ())
                  if item.task_id is not None and not item.complete]
    return found


def to_remind(p: Progress) -> list[MemberState]:
    """Exactly those reviewed this year who still miss something, in the roster's order."""
    return [m for m in p.reviewing if m.missing]
