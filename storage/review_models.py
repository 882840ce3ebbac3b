"""The annual review (kiểm điểm): per-member collection state, named feedback, votes and secret ballots.

A secret ballot keeps who has voted apart from what was chosen: `ballot_voter` has no choice and
`ballot_tally` has no voter, so no row or join links a voter to a choice.
"""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Membership, Task
from storage.types import UtcDateTime


class Review(Base):
    __tablename__ = "review"
    __table_args__ = (UniqueConstraint("branch_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    rule_set: Mapped[str] = mapped_column(String(40))
    meeting_on: Mapped[date | None] = mapped_column(Date)
    meeting_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    meeting_place: Mapped[str | None] = mapped_column(String(200))
    secret_ballot: Mapped[bool] = mapped_column(Boolean, default=False)
    meeting_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    meeting_ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    current_item: Mapped[str | None] = mapped_column(String(60))  # the live meeting's position
    branch_score: Mapped[int | None] = mapped_column(Integer)
    # "chi bộ có thành tích đặc biệt xuất sắc" / "đơn vị có thành tích nổi trội": the larger HTXSNV quota
    outstanding: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The meeting's secretary (thư ký hội nghị), picked from the members present when it starts.
    meeting_secretary_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id", ondelete="SET NULL"))
    # A meeting ended by mistake can be reopened: how many times, and the last time (meeting_ended_at is the last end).
    meeting_reopened: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    meeting_reopened_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The secretary closed the member vote round (or ended the meeting): the quota is judged from then on.
    votes_closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    started_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class ReviewMember(Base):
    """One roster entry's review: self-review, residence comments, attendance, the facts the rules use."""

    __tablename__ = "review_member"
    __table_args__ = (UniqueConstraint("review_id", "membership_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    self_review: Mapped[str | None] = mapped_column(String(10))  # "bot" or "paper" once received
    self_review_text: Mapped[str | None] = mapped_column(Text)
    self_review_file: Mapped[str | None] = mapped_column(String(200))
    self_review_file_id: Mapped[str | None] = mapped_column(String(200))  # Telegram's id: the bot can resend it
    self_review_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    residence_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    residence_received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    residence_comment: Mapped[str | None] = mapped_column(Text)
    present: Mapped[bool | None] = mapped_column(Boolean)
    absence_reason: Mapped[str | None] = mapped_column(String(200))
    meetings_missed: Mapped[int] = mapped_column(Integer, default=0)
    sick_leave_months: Mapped[int] = mapped_column(Integer, default=0)
    disciplined: Mapped[bool] = mapped_column(Boolean, default=False)

    membership: Mapped[Membership] = relationship(lazy="joined")


class ReviewFeedback(Base):
    """Named feedback (góp ý) from an organisation or a person, or the superior's review hints."""

    __tablename__ = "review_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(200))  # required: feedback is named ("ghi rõ họ tên")
    kind: Mapped[str] = mapped_column(String(20))  # "organisation", "person" or "superior_hint"
    about_membership_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id", ondelete="SET NULL"))
    content: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)  # how it was taken in (tiếp thu)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class ReviewVote(Base):
    """An open vote's counts: adoption of the committee report, the branch's level, or a member's level."""

    __tablename__ = "review_vote"
    __table_args__ = (UniqueConstraint("review_id", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(40))  # "committee_report", "branch", "member:<membership id>"
    proposed: Mapped[str | None] = mapped_column(String(20))
    approve: Mapped[int] = mapped_column(Integer)
    disapprove: Mapped[int] = mapped_column(Integer)
    other: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(20))
    reasons: Mapped[str] = mapped_column(Text, default="[]")  # JSON: the engine's reasons, to explain it later
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Ballot(Base):
    """A secret e-ballot on one subject; counts only, changeable until it closes."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("review_id", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(40))
    proposed: Mapped[str | None] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class BallotVoter(Base):
    """That someone voted (and how many times they changed it), never what they chose."""

    __tablename__ = "ballot_voter"
    __table_args__ = (UniqueConstraint("ballot_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer, default=1)


class BallotTally(Base):
    """How many ballots carry each choice, and nothing else."""

    __tablename__ = "ballot_tally"
    __table_args__ = (UniqueConstraint("ballot_id", "choice"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"), index=True)
    choice: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer, default=0)


class ReviewTask(Base):
    """A calendar task that is a step of the review procedure, so the walkthrough can tick it."""

    __tablename__ = "review_task"
    __table_args__ = (UniqueConstraint("review_id", "procedure_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), unique=True)
    procedure_key: Mapped[str] = mapped_column(String(60))

    task: Mapped[Task] = relationship(lazy="joined")


class BallotKey(Base):
    """The server's key that seals a voter's current choice inside their own ballot buttons (see review_ballot)."""

    __tablename__ = "ballot_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReviewAssessment(Base):
    """One assessment sheet (phiếu tự đánh giá) on the 30 + 70 point frame: a member's ("member:<membership id>")
    or the branch's own ("branch"); the facts that make KHTNV regardless of score; who filled it and when; the
    committee's check (Chi ủy thẩm định) with its corrections; and the level it proposes, with the reasons."""

    __tablename__ = "review_assessment"
    __table_args__ = (UniqueConstraint("review_id", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(40))
    common: Mapped[int] = mapped_column(Integer)  # nhóm tiêu chí chung, of 30
    results: Mapped[int] = mapped_column(Integer)  # kết quả thực hiện nhiệm vụ, of 70
    tasks_total: Mapped[int] = mapped_column(Integer)
    tasks_done: Mapped[int] = mapped_column(Integer)
    tasks_on_time: Mapped[int] = mapped_column(Integer)
    tasks_exceeded: Mapped[int] = mapped_column(Integer)
    shortcomings_remedied: Mapped[bool | None] = mapped_column(Boolean)  # None: none were pointed out
    discipline: Mapped[str | None] = mapped_column(String(20))  # None, khien_trach, canh_cao, cach_chuc, khai_tru
    degradation: Mapped[bool] = mapped_column(Boolean, default=False)
    self_admitted: Mapped[bool] = mapped_column(Boolean, default=False)
    leadership_disciplined: Mapped[bool] = mapped_column(Boolean, default=False)  # the branch's sheet only
    filled_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    filled_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    corrections: Mapped[str] = mapped_column(Text, default="[]")  # JSON: field, old, new, reason, by, at
    proposed: Mapped[str | None] = mapped_column(String(20))
    reasons: Mapped[str] = mapped_column(Text, default="[]")  # JSON: the domain's reasons, to explain it later
    superior_decides: Mapped[bool] = mapped_column(Boolean, default=False)
