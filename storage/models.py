"""SQLAlchemy 2 models: the branch roster, supervisors, invitations and the audit log."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UtcDateTime

# Deterministic constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Branch(Base):
    """A chi bộ."""

    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    superior_unit: Mapped[str | None] = mapped_column(String(200))
    # The locality on the papers' place-and-date line ("Phường Bến Thành"): None never asked, "" left blank.
    locality: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    memberships: Mapped[list["Membership"]] = relationship(back_populates="branch")


class Person(Base):
    """A human being, linked to a Telegram and/or a Zalo user once they open an invitation."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # The Zalo chat number (bot.channels.ids): a person may be on Telegram, Zalo or both.
    zalo_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # Where reminders go when both are linked: "telegram" or "zalo" (the channel linked last).
    channel: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    def chat_id(self) -> int | None:
        """The chat the bot reaches this person at: the channel they use, else whichever is linked."""
        if self.channel == "zalo" and self.zalo_chat_id is not None:
            return self.zalo_chat_id
        return self.telegram_user_id if self.telegram_user_id is not None else self.zalo_chat_id


class Membership(Base):
    """A person's place in a branch roster: role, status and review-relevant flags."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("branch_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # bot.domain.roster.Role values
    status: Mapped[str] = mapped_column(String(20))  # bot.domain.roster.Status values
    admitted_on: Mapped[date | None] = mapped_column(Date)
    exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    branch: Mapped[Branch] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(lazy="joined")


class SupervisorLink(Base):
    """A superior-committee member (đảng ủy viên phụ trách) in charge of a branch; read-only access."""

    __tablename__ = "supervisor_link"
    __table_args__ = (UniqueConstraint("branch_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Invitation(Base):
    """A one-time deep-link token: opening it links the opener to a roster entry or a supervisor role."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "member" or "supervisor"
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    used_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class AuditEntry(Base):
    """Who changed what, when. Details are JSON text, never secret-ballot choices."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    details: Mapped[str] = mapped_column(Text, default="{}")


class Plan(Base):
    """A plan (Kế hoạch) imported into a branch calendar; the same text is imported once per branch."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("branch_id", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    number: Mapped[str | None] = mapped_column(String(60))
    issuer: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(String(500))
    source_name: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class Task(Base):
    """A dated duty in the branch calendar: from a plan item, or added by hand (plan_id null)."""

    __tablename__ = "task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    is_branch_task: Mapped[bool] = mapped_column(Boolean)
    start: Mapped[date | None] = mapped_column(Date)
    due: Mapped[date | None] = mapped_column(Date, index=True)
    recurrence: Mapped[str | None] = mapped_column(String(20))
    condition: Mapped[str | None] = mapped_column(String(300))
    time_text: Mapped[str] = mapped_column(String(300), default="")
    source_line: Mapped[int | None] = mapped_column(Integer)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    done_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    plan: Mapped[Plan | None] = relationship(lazy="joined")


class PlanImport(Base):
    """A plan read but not yet confirmed: kept as a row, so a preview survives a restart."""

    __tablename__ = "plan_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    source_name: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    header: Mapped[str] = mapped_column(Text)  # JSON of the plan header
    items: Mapped[str] = mapped_column(Text)  # JSON list of items, each with a "keep" flag
    state: Mapped[str] = mapped_column(String(12), default="draft")  # draft, saved, discarded
    # A revision of a plan already in the calendar: saving it changes that plan's tasks instead of adding one.
    revises_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"))


class PlanPart(Base):
    """A piece of a plan still arriving: a pasted message the messenger split, or a photo of one page.
    The pieces are read together, in the order they were sent, when the secretary taps "Xong"."""

    __tablename__ = "plan_part"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(BigInteger)  # the order the secretary sent them in
    text: Mapped[str | None] = mapped_column(Text)  # a pasted piece…
    file_id: Mapped[str | None] = mapped_column(String(300))  # …or a photo or image file, fetched when read
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
