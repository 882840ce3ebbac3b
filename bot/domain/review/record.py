"""The review's record: every figure a paper or a status line states, derived once from the stored facts.

`derive` takes plain facts (members with status, role, exemption, presence and absence reason; votes and their
outcomes; secret ballots; named feedback and its answers; the meeting's real start and end; the clerk; the
superior's decisions) and returns a `Record`. The minutes, the classification list, the report, `/buoc` and
`/tinhhinh` read their numbers from it, so no two of them can disagree (issue 12 point 8).

Who counts as what, in one place:
- present: not marked absent, and not excused from branch activity (miễn sinh hoạt) or suspended from it
  (đình chỉ sinh hoạt) — those do not attend (issue 12 point 5);
- full members present: present and full (đảng viên chính thức), the ones who vote;
- the vote base: the full members, less those exempt from activity and the suspended ones. "Số thành viên của
  … hội nghị đảng viên là tổng số đảng viên chính thức trong đảng bộ, chi bộ, trừ số đảng viên … đã được miễn
  công tác và sinh hoạt đảng không có mặt" (QĐ 23-QĐ/TW 2006 điểm 12.3b, kept in QĐ 45-QĐ/TW 2011 điểm 16.3a);
  those members are not reviewed either (QĐ 366 Điều 5 §2.1: "trừ đảng viên được miễn công tác và sinh hoạt
  đảng; đảng viên bị đình chỉ sinh hoạt đảng…"), and here they never attend, so they never count;
- reviewing this year: not exempt, not suspended, not admitted less than 6 months before the meeting
  (plan 003 §II.1.1.b);
- reviewed at this meeting: reviewing and present; a reviewing member absent is classified at the next
  meeting ("đảng viên vắng mặt … đánh giá, xếp loại tại cuộc họp chi bộ gần nhất");
- classified: reviewed, with a vote whose outcome is a level and no secret ballot still open on them;
  every other member reviewed here is not yet classified, with why (never voted, ballot open, no level reached);
- under a rule set where the superior decides (QĐ 366), a level is a proposal (đề xuất) until the superior's
  decision confirms or changes it; the decided level is the one counted then.
Shares are exact Fractions of the members classified; `percent` formats one, the only place that does.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from fractions import Fraction

from bot.domain.review.decision import Decided
from bot.domain.review.exemptions import EXEMPT, NEW_MEMBER, SUSPENDED
from bot.domain.review.levels import MEMBER_LEVELS
from bot.domain.roster import ROLE_ORDER, Role, Status, name_order

COMMITTEE_REPORT, BRANCH, MEMBER_PREFIX = "committee_report", "branch", "member:"
NAMED_KINDS = frozenset({"organisation", "person"})  # the superior's review hints are not named feedback


def member_subject(membership_id: int) -> str:
    return f"{MEMBER_PREFIX}{membership_id}"


# --- the facts, as stored -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberFact:
    membership_id: int
    name: str
    role: str  # a Role value
    status: str  # a Status value
    exemption: str | None = None  # exemptions.SUSPENDED / EXEMPT / NEW_MEMBER, or None: reviews this year
    present: bool | None = None  # None until attendance is taken
    absence_reason: str | None = None
    self_review: bool = False
    residence_requested: bool = False
    residence_received: bool = False
    residence_comment: str | None = None


@dataclass(frozen=True)
class VoteFact:
    subject: str  # COMMITTEE_REPORT, BRANCH or member_subject(id)
    proposed: str | None = None
    approve: int = 0
    disapprove: int = 0
    other: int = 0
    outcome: str | None = None  # a level, "adopted", or None: not reached
    reasons: tuple[Mapping, ...] = ()  # the engine's reasons as stored ({"code", "params"})
    held: bool = True  # False: a sheet's proposal recorded without a vote (không biểu quyết) — see `vote_held`


# The reasons the engine gives a vote that was held: an adoption, a threshold met or missed, a count recorded, or
# (under a score-based set) the branch's opinion beside the sheet's proposal. A proposal recorded without a vote
# has none of them: its counts are stored as 0/0/0, and only the reasons tell it from a ballot that counted 0/0/0
# (bot/services/review_meeting.py stores no count for it; classification._from_sheet: "no ballot: the proposal
# recorded without a vote").
VOTE_REASONS = frozenset({"adoption", "threshold_met", "threshold_missed", "votes_recorded", "vote_opinion"})


def vote_held(reasons: tuple[Mapping, ...]) -> bool:
    """A vote was held on the subject: its stored reasons count one (QĐ 366 lets a sheet's proposal stand
    without one, Điều 12 §1 Bước 1)."""
    return any(r.get("code") in VOTE_REASONS for r in reasons)


@dataclass(frozen=True)
class BallotFact:
    subject: str
    closed: bool


@dataclass(frozen=True)
class FeedbackFact:
    """A piece of feedback. A summary over many branches loads only its kind and whether it was answered."""

    feedback_id: int
    kind: str  # "organisation", "person" or "superior_hint"
    answered: bool  # how it was taken in (tiếp thu) is recorded
    source: str = ""
    about: int | None = None  # membership id; None: the collective
    content: str = ""
    answer: str | None = None
    received_at: datetime | None = None


@dataclass(frozen=True)
class StoredReview:
    """Everything stored about one review that a figure is derived from."""

    members: tuple[MemberFact, ...]
    votes: tuple[VoteFact, ...] = ()
    ballots: tuple[BallotFact, ...] = ()
    feedback: tuple[FeedbackFact, ...] = ()
    decisions: Mapping[str, Decided] = field(default_factory=dict)  # subject → the superior's decision
    started_at: datetime | None = None  # the meeting's real start and end
    ended_at: datetime | None = None
    clerk: str | None = None  # the meeting's secretary (thư ký hội nghị), as recorded
    superior_decides: bool = False  # the rule set makes the branch's levels proposals for the superior


# --- the record ---------------------------------------------------------------------------------------------


class Why(StrEnum):
    """Why a member has no level from this meeting."""

    SUSPENDED = SUSPENDED
    EXEMPT = EXEMPT
    NEW_MEMBER = NEW_MEMBER
    ABSENT = "absent"  # classified at the next meeting
    NOT_VOTED = "not_voted"  # reviewed, never voted on
    BALLOT_OPEN = "ballot_open"  # a secret ballot on them is still open
    NO_LEVEL = "no_level"  # voted, no level reached (the reasons say why, e.g. a revote)


@dataclass(frozen=True)
class Unclassified:
    member: MemberFact
    why: Why
    vote: VoteFact | None = None  # the vote held, for NO_LEVEL and BALLOT_OPEN

    @property
    def next_meeting(self) -> bool:
        """Classified at the branch's next meeting: absent now, or reviewed but not yet classified."""
        return self.why not in (Why.SUSPENDED, Why.EXEMPT, Why.NEW_MEMBER)


@dataclass(frozen=True)
class Classified:
    member: MemberFact
    vote: VoteFact
    level: str  # the level that counts: the superior's decision where one exists, else the branch's outcome
    final: bool  # False: a proposal (đề xuất) awaiting the superior's decision
    decision: Decided | None = None  # the superior's, taken on this very proposal


@dataclass(frozen=True)
class LevelShare:
    level: str
    members: tuple[Classified, ...]
    share: Fraction  # of the members classified; 0 when nobody is

    @property
    def count(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Tally:
    """n of m: "10/10"."""

    done: int
    total: int


class Missing(StrEnum):
    """What keeps the papers from stating a result; the bot lists these instead of producing them."""

    MEETING_NOT_ENDED = "meeting_not_ended"
    COMMITTEE_REPORT = "committee_report"  # the adoption vote on the committee's report
    BRANCH_BALLOT = "branch_ballot"
    MEMBER_VOTES = "member_votes"  # no member has been voted on
    OPEN_BALLOTS = "open_ballots"


@dataclass(frozen=True)
class Record:
    members: tuple[MemberFact, ...]  # everyone, in meeting order (leaders first)
    full_members: tuple[MemberFact, ...]
    vote_base: tuple[MemberFact, ...]  # full members, less the exempt from activity and the suspended
    probationary: tuple[MemberFact, ...]
    present: tuple[MemberFact, ...]
    full_present: tuple[MemberFact, ...]
    absent: tuple[MemberFact, ...]  # not present: marked absent, or excused from or suspended from activity
    reviewing: tuple[MemberFact, ...]  # review this year
    reviewed: tuple[MemberFact, ...]  # reviewed at this meeting
    not_reviewed: tuple[Unclassified, ...]  # exempt, suspended, new, absent
    classified: tuple[Classified, ...]
    not_classified: tuple[Unclassified, ...]  # reviewed here, no level yet
    levels: tuple[LevelShare, ...]  # every member level, highest first
    member_votes: tuple[tuple[MemberFact, VoteFact], ...]  # every member vote held, meeting order
    committee_report: VoteFact | None
    branch: VoteFact | None
    branch_decision: Decided | None
    named_feedback: tuple[FeedbackFact, ...]
    answered: tuple[FeedbackFact, ...]
    self_reviews: Tally  # of those reviewing
    residence_requested: Tally
    residence_received: Tally
    open_ballots: tuple[str, ...]  # subjects
    started_at: datetime | None
    ended_at: datetime | None
    clerk: str | None
    superior_decides: bool

    @property
    def branch_awaits(self) -> bool:
        """The branch's own level is a proposal the superior has not decided on yet."""
        return (self.superior_decides and self.branch is not None and self.branch.outcome is not None
                and self.branch_decision is None)

    @property
    def final(self) -> bool:
        """Every level stated is final (no proposal awaits the superior)."""
        return all(c.final for c in self.classified) and not self.branch_awaits

    @property
    def missing(self) -> tuple[Missing, ...]:
        gaps = []
        if self.ended_at is None:
            gaps.append(Missing.MEETING_NOT_ENDED)
        if self.committee_report is None:
            gaps.append(Missing.COMMITTEE_REPORT)
        if self.branch is None:
            gaps.append(Missing.BRANCH_BALLOT)
        if not self.member_votes:
            gaps.append(Missing.MEMBER_VOTES)
        if self.open_ballots:
            gaps.append(Missing.OPEN_BALLOTS)
        return tuple(gaps)


def percent(share: Fraction) -> str:
    """'16,7%': one decimal, rounded half up, exact; Vietnamese decimal comma; a whole number without ',0'."""
    tenths = (share * 1000 + Fraction(1, 2)) // 1
    whole, tenth = divmod(tenths, 10)
    return f"{whole}%" if tenth == 0 else f"{whole},{tenth}%"


def meeting_order(member: MemberFact) -> tuple:
    """Secretary, deputy, committee members, members; within a role by given name (Vietnamese order)."""
    return (ROLE_ORDER[Role(member.role)], *name_order(member.name), member.membership_id)


def _present(m: MemberFact) -> bool:
    return m.present is not False and m.exemption not in (EXEMPT, SUSPENDED)


def _share(level: str, classified: list[Classified]) -> LevelShare:
    at = tuple([c for c in classified if c.level == level])
    return LevelShare(level, at, Fraction(len(at), len(classified)) if classified else Fraction(0))


def derive(facts: StoredReview) -> Record:
    # Lists, not generators, under tuple() and len(): one call each instead of one per member (a supervisor's
    # summary derives the record of every branch at each ask).
    members = tuple(sorted(facts.members, key=meeting_order))
    votes = {v.subject: v for v in facts.votes}
    # A decision answers the proposal it was taken on; once the proposal changes it awaits again (decision.py).
    decisions = {subject: d for subject, d in facts.decisions.items()
                 if (vote := votes.get(subject)) is not None and d.proposed == vote.outcome}
    open_ballots = tuple([b.subject for b in facts.ballots if not b.closed])
    reviewing = tuple([m for m in members if m.exemption is None])
    reviewed = tuple([m for m in reviewing if m.present is not False])
    not_reviewed = tuple([
        Unclassified(m, Why(m.exemption) if m.exemption else Why.ABSENT)
        for m in members if m.exemption is not None or m.present is False
    ])
    classified, not_classified, member_votes = [], [], []
    for m in reviewed:
        subject = member_subject(m.membership_id)
        vote = votes.get(subject)
        if vote is not None:
            member_votes.append((m, vote))
        if subject in open_ballots:
            not_classified.append(Unclassified(m, Why.BALLOT_OPEN, vote))
        elif vote is None:
            not_classified.append(Unclassified(m, Why.NOT_VOTED))
        elif vote.outcome not in MEMBER_LEVELS:
            not_classified.append(Unclassified(m, Why.NO_LEVEL, vote))
        else:
            decision = decisions.get(subject)
            classified.append(Classified(m, vote, decision.level if decision else vote.outcome,
                                         final=decision is not None or not facts.superior_decides,
                                         decision=decision))
    levels = tuple(_share(level, classified) for level in MEMBER_LEVELS)
    named = tuple([f for f in facts.feedback if f.kind in NAMED_KINDS])
    present = tuple([m for m in members if _present(m)])
    return Record(
        members=members,
        full_members=tuple([m for m in members if m.status == Status.FULL]),
        vote_base=tuple([m for m in members if m.status == Status.FULL and m.exemption not in (EXEMPT, SUSPENDED)]),
        probationary=tuple([m for m in members if m.status == Status.PROBATIONARY]),
        present=present,
        full_present=tuple([m for m in present if m.status == Status.FULL]),
        absent=tuple([m for m in members if not _present(m)]),
        reviewing=reviewing,
        reviewed=reviewed,
        not_reviewed=not_reviewed,
        classified=tuple(classified),
        not_classified=tuple(not_classified),
        levels=levels,
        member_votes=tuple(member_votes),
        committee_report=votes.get(COMMITTEE_REPORT),
        branch=votes.get(BRANCH),
        branch_decision=decisions.get(BRANCH),
        named_feedback=named,
        answered=tuple([f for f in named if f.answered]),
        self_reviews=Tally(len([m for m in reviewing if m.self_review]), len(reviewing)),
        residence_requested=Tally(len([m for m in reviewing if m.residence_requested]), len(reviewing)),
        residence_received=Tally(len([m for m in reviewing if m.residence_received]), len(reviewing)),
        open_ballots=open_ballots,
        started_at=facts.started_at,
        ended_at=facts.ended_at,
        clerk=facts.clerk,
        superior_decides=facts.superior_decides,
    )
