"""Supervision tables: superior units (đảng ủy cơ sở) with their administrators and branches, the nudges a
supervisor sent to secretaries (at most one a day per branch), and each supervisor's last weekly snapshot."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.types import UtcDateTime


class SuperiorUnit(Base):
    """A superior committee whose office creates branches and invites their secretaries."""

    __tablename__ = "superior_unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class UnitAdmin(Base):
    """A person who administers a superior unit: creates its branches, invites secretaries, reads them all."""

    __tablename__ = "unit_admin"
    __table_args__ = (UniqueConstraint("unit_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("superior_unit.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class UnitBranch(Base):
    """A branch under a superior unit (a branch has at most one)."""

    __tablename__ = "unit_branch"

    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("superior_unit.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BranchNudge(Base):
    """A supervisor's nudge to a branch's secretary; the unique day makes it once a day per branch."""

    __tablename__ = "branch_nudge"
    __table_args__ = (UniqueConstraint("branch_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    day: Mapped[date] = mapped_column(Date)  # in the configured time zone
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SupervisorSnapshot(Base):
    """Where a supervisor's branches stood at the last weekly summary (JSON of bot.domain.supervision.snapshot)."""

    __tablename__ = "supervisor_snapshot"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    week: Mapped[str] = mapped_column(String(10))  # ISO week of the summary, e.g. "2026-W47"
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime())
    data: Mapped[str] = mapped_column(Text)
