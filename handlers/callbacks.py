"""Callback data of every inline button. aiogram refuses payloads of the wrong shape; ids are
checked against the actor's branch by the services, so forged data changes nothing."""

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.domain.roster import Role, Status


class Go(StrEnum):
    CREATE_BRANCH = "create_branch"
    SKIP = "skip"
    ROSTER = "roster"
    ADD_MEMBER = "add"
    PASTE_ROSTER = "paste"
    INVITE_SUPERVISOR = "invite_sup"
    LINK_CHANNEL = "link_ch"  # /toi: a code to reach the same entry from the other channel


class MemberAction(StrEnum):
    OPEN = "open"
    NAME = "name"
    STATUS = "status"
    DATE = "date"
    ROLE = "role"
    EXEMPT = "exempt"
    SUSPENDED = "suspended"
    INVITE = "invite"
    REMOVE = "remove"
    REMOVE_CONFIRMED = "remove_ok"


class Nav(CallbackData, prefix="go"):
    to: Go


class RosterPage(CallbackData, prefix="rp"):
    page: int


class MemberCb(CallbackData, prefix="m"):
    id: int
    act: MemberAction


class MemberRole(CallbackData, prefix="mr"):
    id: int
    role: Role


class NewStatus(CallbackData, prefix="ns"):
    status: Status


class NewRole(CallbackData, prefix="nr"):
    role: Role


class DraftAction(StrEnum):
    PAGE = "page"
    ITEM = "item"
    TOGGLE = "toggle"
    DATES = "dates"
    OWNER = "owner"
    TASK = "task"  # a target (chỉ tiêu) made a task
    SAVE = "save"
    DISCARD = "discard"


class DraftCb(CallbackData, prefix="pi"):
    id: int
    act: DraftAction
    n: int = 0  # the item index, or the page for PAGE


class PartsAction(StrEnum):
    DONE = "done"
    CANCEL = "cancel"
    ADD = "add"  # the short message held back (it read as a question) is a piece after all


class PartsCb(CallbackData, prefix="pt"):
    """The pieces of a plan still arriving: read them now, or drop them."""

    act: PartsAction


class PeriodCb(CallbackData, prefix="cal"):
    """A period is carried by its bounds, so an answer can be redrawn exactly as it was asked."""

    kind: str
    start: str  # yyyymmdd
    end: str
    all: bool = False


class TaskDone(CallbackData, prefix="td"):
    id: int
    done: bool
    kind: str
    start: str
    end: str
    all: bool = False


class CalendarGo(StrEnum):
    THIS_MONTH = "this_month"
    NEXT_MONTH = "next_month"
    THIS_WEEK = "this_week"
    UPCOMING = "upcoming"
    OVERDUE = "overdue"
    EXPORT = "export"
    ADD_TASK = "add_task"


class CalendarNav(CallbackData, prefix="cg"):
    to: CalendarGo


class ReviewAction(StrEnum):
    PROGRESS = "progress"
    SET_MEETING = "meeting"
    TICK = "tick"  # n: the calendar task of a procedure step done by hand
    MEMBERS = "members"
    MEMBERS_PAGE = "members_page"  # n: the page of the members, drawn in place
    VOTE_PAGE = "vote_page"  # n: the page of the members to record a vote for, drawn in place
    SECRETARY_PAGE = "secretary_page"  # n: the page of those present to pick the meeting's secretary from
    MEMBER = "member"  # n: membership id
    PAPER = "paper"
    RESIDENCE_OUT = "res_out"
    RESIDENCE_IN = "res_in"
    ABSENT = "absent"
    PRESENT = "present"
    REMIND = "remind"
    READ = "read"  # n: the member whose self-review to read
    MISSED = "missed"
    SICK = "sick"
    DISCIPLINE = "discipline"
    FEEDBACK = "feedback"
    START_MEETING = "start"
    NEXT = "next"
    BACK = "back"
    VOTE = "vote"
    RESULTS = "results"
    DOCUMENTS = "docs"
    PLANNED_MEETING = "planned"  # n: the day the imported plan gives, as yyyymmdd
    ANSWERS = "answers"  # the feedback to answer
    ANSWER = "answer"  # n: one feedback
    START_CONFIRMED = "start_ok"  # the meeting opened after the word on an early start or missing self-reviews
    SECRETARY = "secretary"  # n: the meeting's secretary (thư ký) picked, 0: list the members present
    END = "end"  # asks to confirm, saying what is still missing
    END_CONFIRMED = "end_ok"
    REOPEN = "reopen"  # a meeting ended by mistake
    CLOSE_VOTES = "close_votes"  # the member vote round closed: the quota is judged
    MEETING_CONFIRMED = "meeting_ok"  # a meeting date the bot warned about, kept
    DISMISS = "dismiss"  # a risky move not made: the question's buttons go
    OUTSTANDING = "outstanding"  # the branch's outstanding results (the larger HTXSNV quota), toggled
    LOCALITY = "locality"  # the locality on the papers' place line, asked (again)
    LOCALITY_BLANK = "locality_blank"  # the papers' place left blank, kept: not asked again


class ReviewCb(CallbackData, prefix="rv"):
    act: ReviewAction
    n: int = 0


class FeedbackAbout(CallbackData, prefix="fa"):
    membership_id: int  # 0: the branch committee


class FeedbackKindCb(CallbackData, prefix="fk"):
    kind: str


class LevelCb(CallbackData, prefix="lv"):
    membership_id: int
    level: str


class ProposeCb(CallbackData, prefix="pp"):
    """The level the branch puts to the secret ballot for one member (empty level: choose it)."""

    membership_id: int
    level: str = ""


class BallotAction(StrEnum):
    SECRET = "secret"  # show the proposals before opening
    OPEN = "open"
    CLOSE = "close"  # asks to confirm, saying who has not voted
    CLOSE_CONFIRMED = "close_ok"
    STATUS = "status"
    PICK = "pick"  # m: a member put to the ballot or left out
    PAGE = "page"  # m: the page of the ballot screen, drawn in place
    OPEN_CONFIRMED = "open_ok"  # opened though it will replace recorded results, after saying whose


class BallotAdmin(CallbackData, prefix="ba"):
    act: BallotAction
    minutes: int = 0  # for OPEN: close by itself after this many minutes; 0: only by the secretary's button
    m: int = 0  # for PICK: the membership id


class BallotCb(CallbackData, prefix="bv"):
    """A voter's button: the new choice, and their current one sealed by the server (see review_ballot)."""

    b: int
    c: str
    p: str
    v: int
    s: str


class AssessAction(StrEnum):
    LIST = "list"  # every sheet of the review
    PAGE = "page"  # n: the page of the list, drawn in place
    OPEN = "open"  # n: the member's sheet (membership id), 0: the branch's
    SELF = "self"  # a member fills their own
    FILL = "fill"  # n: the secretary fills it (a member without a phone, 0: the branch)
    REMEDIED = "remedied"  # the dialog's last answer, v: 1 remedied, 0 not, 2 none pointed out
    ACCEPT = "accept"  # n: Chi ủy thẩm định, accepted as filled
    CORRECT = "correct"  # n, v: 0 choose the figure to correct, k: the k-th figure
    GRAVE = "grave"  # n: the facts that make KHTNV regardless of score
    DISCIPLINE = "discipline"  # n, v: 0 none, k: the k-th discipline from khiển trách up
    FLAG = "flag"  # n, v: the index of the flag toggled (suy thoái, tự giác nhận lỗi, cấp ủy bị kỷ luật)
    PROPOSE = "propose"  # n: at the meeting, the sheet's proposal recorded without a vote


class AssessCb(CallbackData, prefix="ad"):
    act: AssessAction
    n: int = 0
    v: int = 0


class RuleSetCb(CallbackData, prefix="rs"):
    key: str  # empty: list the rule sets


class PrivacyAction(StrEnum):
    EXPORT = "export"
    ERASE = "erase"  # asks for confirmation
    ERASE_CONFIRMED = "erase_ok"
    KEEP = "keep"  # the confirmation declined


class PrivacyCb(CallbackData, prefix="pv"):
    """A person's data: the presser's own (m=0), or a roster entry of the secretary's branch (m: membership id)."""

    act: PrivacyAction
    m: int = 0
