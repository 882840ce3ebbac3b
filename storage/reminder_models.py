"""Reminder tables: the outbox, delivery pacing, people's reminder settings and re-plan requests.

The outbox row is the durable state of a reminder: planned (pending), claimed by a delivery process just
before the send (sending), then sent, cancelled or failed. Its key is deterministic and unique, so planning
twice creates nothing new.

A use case that changes what a branch's reminders are planned from (its tasks, roster, review) leaves a
ReplanRequest in its own transaction, stamped by its own clock (`ReminderRepo.request_replan`; the changes
are listed in bot/domain/reminders/features.py), so a task marked done or moved stops its pending reminders
even if the process dies right after the commit: the scheduler's re-plan job picks the request up within
seconds.
"""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.types import UtcDateTime

PENDING, SENDING, SENT, CANCELLED, FAILED = "pending", "sending", "sent", "cancelled", "failed"


class Reminder(Base):
    __tablename__ = "reminder"
    __table_args__ = (
        Index("ix_reminder_status_send_at", "status", "send_at"),  # the delivery claim
        Index("ix_reminder_person_status", "person_id", "status", "send_at"),  # /nhacviec
        Index("ix_reminder_branch_source", "branch_id", "source", "status"),  # re-planning a branch
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    source: Mapped[str] = mapped_column(String(20))  # a feature's namespace (bot/domain/reminders/features.py)
    kind: Mapped[str] = mapped_column(String(20))  # one of its kinds (features.Kind)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    send_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    subject: Mapped[str] = mapped_column(String(200))  # one line for the /nhacviec list
    text: Mapped[str] = mapped_column(Text)  # the message, HTML, rendered when planned
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReminderChat(Base):
    """When a chat may get its next message: its own pace, and a 429's retry_after."""

    __tablename__ = "reminder_chat"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    next_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReminderPace(Base):
    """Where the overall send pace of all delivery processes has got to (one row, "global")."""

    __tablename__ = "reminder_pace"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReminderPrefs(Base):
    """A person's reminder settings; no row, or a null, means the configured default."""

    __tablename__ = "reminder_prefs"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    opted_out: Mapped[str] = mapped_column(String(200), default="")  # comma-separated kinds
    quiet_start: Mapped[int | None] = mapped_column(Integer)  # minutes after local midnight
    quiet_end: Mapped[int | None] = mapped_column(Integer)
    timezone: Mapped[str | None] = mapped_column(String(64))
    unreachable_since: Mapped[datetime | None] = mapped_column(UtcDateTime())  # blocked the bot (403)


class ReplanRequest(Base):
    __tablename__ = "reminder_replan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())

