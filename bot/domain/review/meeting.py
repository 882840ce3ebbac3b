"""The review meeting's order of business (plan 003 §V.3; domain.md "The review meeting").

Collective before individuals, leaders before members:
  a. the secretary presents the committee's draft review report → members comment → the secretary concludes →
     the meeting votes to adopt it (biểu quyết thông qua);
  b. the secretary presents the branch's annual summary → comments → conclusion → ballot to classify the branch;
  c. each person presents the self-review: the secretary, the deputy, committee members, then members (by
     Vietnamese given name); the deputy chairs the secretary's items;
  d. the secretary reports the cadre evaluation results and reads each member's residence-area comments;
  e. members comment on each person, who accepts them (tiếp thu) — the deputy chairs for the secretary;
  f. the ballot to classify each member.
Under Quy định 366-QĐ/TW the members (and the committee) are classified before the branch: "Hoàn thành đánh
giá, xếp loại tập thể cấp uỷ, tổ chức đảng, đảng viên trực thuộc trước khi đánh giá, xếp loại tổ chức đảng"
(Điều 12 §2(3)); with `branch_last=True` (the rule set's `branch_last`) the branch's ballot comes right after
the members' ballot; the report and the summary are still presented first (collective before individuals,
Điều 7 §3). The 2014 plan keeps its order (the branch's ballot in part b).
Parts c–f follow the plan's own sequence (all self-reviews, then the report and the residence comments, then
the comments, then the ballot), so the residence comments are always read before the ballot.

`members` are the attendees (those present); `reviewed` the ids that review this year (exemptions and
new members left out by the caller). A reviewer who is absent has no items: the branch classifies them at
its next meeting. Without the secretary the deputy chairs the meeting; without a deputy, the secretary's
items are chaired by the first committee member present (the plan names only the deputy).
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.roster import ROLE_ORDER, Role, Status, name_order


class ItemKind(StrEnum):
    COMMITTEE_REPORT = "committee_report"
    COMMITTEE_REPORT_COMMENTS = "committee_report_comments"
    COMMITTEE_REPORT_CONCLUSION = "committee_report_conclusion"
    COMMITTEE_REPORT_VOTE = "committee_report_vote"
    BRANCH_SUMMARY = "branch_summary"
    BRANCH_SUMMARY_COMMENTS = "branch_summary_comments"
    BRANCH_SUMMARY_CONCLUSION = "branch_summary_conclusion"
    BRANCH_BALLOT = "branch_ballot"
    SELF_REVIEW = "self_review"
    CADRE_RESULTS = "cadre_results"
    RESIDENCE_COMMENTS = "residence_comments"
    DISCUSSION = "discussion"
    MEMBER_BALLOT = "member_ballot"


# The plan's parts (a–f) for each kind.
PART = {
    ItemKind.COMMITTEE_REPORT: "a", ItemKind.COMMITTEE_REPORT_COMMENTS: "a",
    ItemKind.COMMITTEE_REPORT_CONCLUSION: "a", ItemKind.COMMITTEE_REPORT_VOTE: "a",
    ItemKind.BRANCH_SUMMARY: "b", ItemKind.BRANCH_SUMMARY_COMMENTS: "b",
    ItemKind.BRANCH_SUMMARY_CONCLUSION: "b", ItemKind.BRANCH_BALLOT: "b",
    ItemKind.SELF_REVIEW: "c", ItemKind.CADRE_RESULTS: "d", ItemKind.RESIDENCE_COMMENTS: "d",
    ItemKind.DISCUSSION: "e", ItemKind.MEMBER_BALLOT: "f",
}
PER_PERSON = frozenset({ItemKind.SELF_REVIEW, ItemKind.RESIDENCE_COMMENTS, ItemKind.DISCUSSION})


@dataclass(frozen=True)
class Attendee:
    membership_id: int
    full_name: str
    role: Role
    status: Status


@dataclass(frozen=True)
class Durations:
    """Expected minutes per item; per-person kinds are per person."""

    committee_report: int = 20
    committee_report_comments: int = 15
    committee_report_conclusion: int = 5
    committee_report_vote: int = 5
    branch_summary: int = 20
    branch_summary_comments: int = 15
    branch_summary_conclusion: int = 5
    branch_ballot: int = 10
    self_review: int = 10
    cadre_results: int = 10
    residence_comments: int = 3
    discussion: int = 10
    member_ballot: int = 15

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{item.name}: minutes must be a whole number of at least 0, not {value!r}")

    def minutes(self, kind: ItemKind) -> int:
        return getattr(self, kind.value)


@dataclass(frozen=True)
class AgendaItem:
    key: str  # stable: "committee_report", "self_review:12", "member_ballot"
    kind: ItemKind
    subject: int | None  # the membership reviewed in a per-person item
    chair: int | None  # who chairs this item (the deputy for the secretary's own items)
    presenter: int | None  # who speaks: the secretary for reports, the person for a self-review; None for the floor
    minutes: int

    @property
    def part(self) -> str:
        return PART[self.kind]


@dataclass(frozen=True)
class ScheduledItem:
    item: AgendaItem
    start: datetime
    end: datetime


def meeting_order(
    members: Sequence[Attendee], *, reviewed: set[int], durations: Durations | None = None, branch_last: bool = False
) -> list[AgendaItem]:
    """The meeting's items in order; see the module's docstring for the rules."""
    durations = durations or Durations()
    ids = [member.membership_id for member in members]
    if len(set(ids)) != len(ids):
        raise ValueError("an attendee appears twice")
    ordered = sorted(members, key=precedence)
    chair = _meeting_chair(ordered)
    secretary = next((m.membership_id for m in ordered if m.role == Role.SECRETARY), None)
    stand_in = next((m.membership_id for m in ordered if m.role in (Role.DEPUTY, Role.COMMITTEE)), None)

    def chair_for(subject: int | None) -> int | None:
        return stand_in if subject is not None and subject == secretary else chair

    def item(kind: ItemKind, subject: int | None = None, *, presenter: int | None = None) -> AgendaItem:
        key = f"{kind}:{subject}" if kind in PER_PERSON else str(kind)
        return AgendaItem(key, kind, subject, chair_for(subject), presenter, durations.minutes(kind))

    items = [
        item(ItemKind.COMMITTEE_REPORT, presenter=chair),
        item(ItemKind.COMMITTEE_REPORT_COMMENTS),
        item(ItemKind.COMMITTEE_REPORT_CONCLUSION, presenter=chair),
        item(ItemKind.COMMITTEE_REPORT_VOTE),
        item(ItemKind.BRANCH_SUMMARY, presenter=chair),
        item(ItemKind.BRANCH_SUMMARY_COMMENTS),
        item(ItemKind.BRANCH_SUMMARY_CONCLUSION, presenter=chair),
    ]
    branch_ballot = item(ItemKind.BRANCH_BALLOT)
    if not branch_last:
        items.append(branch_ballot)
    reviewers = [m.membership_id for m in ordered if m.membership_id in reviewed]
    if not reviewers:
        return [*items, branch_ballot] if branch_last else items
    items += [item(ItemKind.SELF_REVIEW, person, presenter=person) for person in reviewers]
    items.append(item(ItemKind.CADRE_RESULTS, presenter=chair))
    # The chair of the item reads the comments: the secretary, or the deputy for the secretary's own.
    items += [item(ItemKind.RESIDENCE_COMMENTS, person, presenter=chair_for(person)) for person in reviewers]
    items += [item(ItemKind.DISCUSSION, person, presenter=person) for person in reviewers]
    items.append(item(ItemKind.MEMBER_BALLOT))
    return [*items, branch_ballot] if branch_last else items


def schedule(items: Sequence[AgendaItem], start: datetime) -> list[ScheduledItem]:
    """Back-to-back times from `start`; the meeting ends when the last item does (see `meeting_end`)."""
    scheduled = []
    at = start
    for item in items:
        end = at + timedelta(minutes=item.minutes)
        scheduled.append(ScheduledItem(item, at, end))
        at = end
    return scheduled


def meeting_end(items: Sequence[AgendaItem], start: datetime) -> datetime:
    return start + timedelta(minutes=sum(item.minutes for item in items))


def precedence(member: Attendee) -> tuple:
    """Secretary, deputy, committee members, members; within a role by given name, Vietnamese order."""
    return (ROLE_ORDER[member.role], *name_order(member.full_name), member.membership_id)


def _meeting_chair(ordered: Sequence[Attendee]) -> int | None:
    """The secretary; without her the deputy, then the first committee member present."""
    leaders = [m for m in ordered if m.role != Role.MEMBER]
    return leaders[0].membership_id if leaders else None
