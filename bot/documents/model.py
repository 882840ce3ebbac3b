"""What each review document shows: plain frozen data, already decided.

The caller (the review service) computes every count, percentage, level and reason; these classes only carry
the results to the Word templates in templates/documents/, which hold all the wording. Level names, roles,
statuses and reason sentences arrive as Vietnamese strings ("Hoàn thành tốt nhiệm vụ", "Chi ủy viên",
"8/12 phiếu tán thành — chưa đạt 'trên 2/3'"); percentages arrive formatted ("16,7%"). Dates are `date`s and
times are `datetime`s: the templates format them dd/mm/yyyy and HH:MM.
"""

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class BranchInfo:
    """The issuing branch, as the document header shows it."""

    name: str  # "Chi bộ Khu phố 3" — the header prints it in capitals
    superior: str  # "Đảng bộ phường Bến Thành" — the line above the branch
    place: str  # "TP. Hồ Chí Minh" — the locality on the place-and-date line; "" leaves a blank to fill


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""  # "Bí thư chi bộ", "Đảng ủy viên phụ trách chi bộ"


@dataclass(frozen=True)
class Signer:
    """Who signs for the branch: 'T/M CHI BỘ' above the position in capitals, then the name."""

    name: str
    position: str = "Bí thư"


@dataclass(frozen=True)
class VoteCount:
    """An adoption vote or a ballot: tán thành / không tán thành / ý kiến khác."""

    agree: int
    disagree: int
    other: int = 0


@dataclass(frozen=True)
class RuleSetInfo:
    name: str  # "Hướng dẫn của Kế hoạch 146-KH/ĐU (2014)"
    source: str  # "Kế hoạch số 146-KH/ĐU ngày 04/11/2014 của Đảng ủy Thanh tra thành phố"


# --- the minutes (biên bản hội nghị kiểm điểm) ---------------------------------------------------------------


@dataclass(frozen=True)
class AbsentMember:
    name: str
    reason: str  # "Đi công tác (có báo cáo)"; "" when none was given


@dataclass(frozen=True)
class NotClassifiedRow:
    """A member not reviewed or not classified this year, with why and what happens next."""

    name: str
    status: str  # "Đảng viên dự bị", "Đảng viên chính thức"
    reason: str  # "Kết nạp ngày 22/07/2026, chưa đủ 6 tháng tính đến ngày hội nghị"
    note: str = ""  # "Phân loại tại cuộc họp chi bộ gần nhất"


@dataclass(frozen=True)
class CollectiveItem:
    """The committee's review report or the branch's annual summary: presented, discussed, concluded, voted."""

    presenter: str
    comments: str  # summary of the members' comments
    conclusion: str  # the secretary's conclusion
    vote: VoteCount | None = None  # the adoption vote (biểu quyết thông qua), where one was held


@dataclass(frozen=True)
class BranchBallot:
    """The ballot classifying the branch itself (xếp loại chi bộ)."""

    proposed_level: str  # "Hoàn thành tốt nhiệm vụ"
    vote: VoteCount | None  # None: the sheet's proposal recorded without a vote (không biểu quyết)
    result: str  # the outcome sentence: "Chi bộ đề nghị cấp trên công nhận mức Hoàn thành tốt nhiệm vụ"
    score: str = ""  # the self-scored points, formatted: "86,5"
    basis: str = ""  # without a vote, the sheet's one line: "86 điểm; … → Hoàn thành tốt nhiệm vụ"


@dataclass(frozen=True)
class SelfReviewItem:
    """One person's self-review at the meeting, in meeting order."""

    name: str
    role: str  # "Bí thư chi bộ", "Đảng viên"
    comments: str  # summary of the comments the members made
    acceptance: str  # how the person took them in (tiếp thu)
    chaired_by: str = ""  # set when someone other than the chair led this item: the deputy for the secretary


@dataclass(frozen=True)
class ResidenceComment:
    """Written comments of the party committee where a member lives (Quy định 76), read at the meeting."""

    member: str
    source: str  # "Chi ủy chi bộ khu phố 5, phường Tân Định"; "" when not recorded
    summary: str  # "" when the comments came on paper and were not typed in


@dataclass(frozen=True)
class MemberResultRow:
    """One member's classification ballot and its outcome."""

    name: str
    role: str  # "Phó Bí thư chi bộ"
    status: str  # "Chính thức" / "Dự bị"
    proposed_level: str
    vote: VoteCount | None  # None: the sheet's proposal recorded without a vote (không biểu quyết)
    result_level: str  # "" when no level was reached; the reason then says why
    reason: str
    final: bool = True  # False: the level is the branch's proposal (đề xuất), awaiting the superior's decision


@dataclass(frozen=True)
class MinutesData:
    branch: BranchInfo
    year: int
    venue: str
    started_at: datetime
    ended_at: datetime
    chair: Person
    clerk: Person  # the meeting's secretary (thư ký hội nghị)
    members_total: int
    full_members_total: int
    members_present: int
    full_members_present: int
    committee_report: CollectiveItem
    annual_summary: CollectiveItem
    branch_ballot: BranchBallot
    self_reviews: tuple[SelfReviewItem, ...]
    results: tuple[MemberResultRow, ...]
    ballots_held: bool = True  # False: every member's level was recorded from their sheet without a vote
    has_committee: bool = True  # False: the collective reviewed is the secretary and the deputy
    deputy_chair: Person | None = None  # chaired the secretary's own review
    absent: tuple[AbsentMember, ...] = ()
    supervisor: Person | None = None  # the superior's committee member in charge, if present
    not_reviewed: tuple[NotClassifiedRow, ...] = ()
    cadre_evaluation: str = ""  # summary of the cadre (cán bộ, công chức) evaluation results reported
    residence_comments: tuple[ResidenceComment, ...] = ()  # one per member whose comments were received
    residence_received: int = 0  # members reviewing whose residence-area comments were received …
    residence_total: int = 0  # … of the members reviewing
    e_ballot: bool = False  # the secret ballot was held in the bot
    proposals: bool = False  # the rule set makes the levels proposals for the superior to decide (QĐ 366)
    number: str = ""  # "01-BB/CB"


# --- the classification list (danh sách phân loại đảng viên) -------------------------------------------------


@dataclass(frozen=True)
class ClassifiedMember:
    name: str
    role: str
    status: str  # "Chính thức" / "Dự bị"
    note: str = ""


@dataclass(frozen=True)
class LevelGroup:
    """One level with its members; count and percentage computed by the caller."""

    level: str
    count: int
    percent: str  # "16,7%"
    members: tuple[ClassifiedMember, ...]


@dataclass(frozen=True)
class ClassificationListData:
    branch: BranchInfo
    year: int
    issued_on: date
    members_total: int
    classified_total: int
    groups: tuple[LevelGroup, ...]
    signer: Signer
    not_classified: tuple[NotClassifiedRow, ...] = ()
    percent_base: str = ""  # what the percentages are of: "10 đảng viên được đánh giá, xếp loại"
    proposals: bool = False  # some level stated still awaits the superior's decision
    number: str = ""


# --- the report to the superior (báo cáo kết quả kiểm điểm, đánh giá, xếp loại) ------------------------------


@dataclass(frozen=True)
class LevelCount:
    level: str
    count: int
    percent: str


@dataclass(frozen=True)
class FeedbackTaken:
    """Feedback received from an organisation or a person, and how it was taken in."""

    source: str  # "Ban Chấp hành Công đoàn cơ sở", "Đồng chí Lê Văn Tám"
    about: str  # "Tập thể chi ủy", a member's name
    content: str
    response: str


@dataclass(frozen=True)
class ReportData:
    branch: BranchInfo
    year: int
    issued_on: date
    addressee: str  # "Đảng ủy phường Bến Thành"
    meeting_on: date  # the day the meeting was really held
    members_total: int
    full_members_total: int
    probationary_total: int
    reviewed: int  # reviewed at the meeting
    not_reviewed: int  # not reviewed at the meeting: exempt, suspended, new members, absent
    classified: int  # of those reviewed, classified
    unclassified: int  # of those reviewed, not yet classified
    members_present: int
    level_counts: tuple[LevelCount, ...]
    branch_ballot: BranchBallot
    committee_report_vote: VoteCount
    rule_set: RuleSetInfo
    signer: Signer
    has_committee: bool = True  # False: the collective reviewed is the secretary and the deputy
    not_classified: tuple[NotClassifiedRow, ...] = ()
    feedback: tuple[FeedbackTaken, ...] = ()
    to_confirm: tuple[str, ...] = ()  # points the superior must confirm, one sentence each
    proposals: bool = False  # some level stated still awaits the superior's decision
    number: str = ""


# --- the notice of how feedback was taken in (thông báo tiếp thu ý kiến) -------------------------------------


@dataclass(frozen=True)
class FeedbackPoint:
    about: str  # "Tập thể chi ủy", a member's name
    content: str
    answer: str


@dataclass(frozen=True)
class FeedbackNoticeData:
    branch: BranchInfo
    year: int
    issued_on: date
    recipient: str  # the named organisation or person who gave the feedback
    points: tuple[FeedbackPoint, ...]
    signer: Signer
    received_on: date | None = None
    meeting_on: date | None = None
    number: str = ""
