"""The superior's side of the review: its decision on each level the branch proposed (QĐ 366 Điều 12 §1 Bước 3,
Điều 13: the branch proposes, the superior decides), and the named options of a rule set a superior unit sets
for its branches."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.types import UtcDateTime


class ReviewDecision(Base):
    """The superior's level for one subject of a review ("member:<membership id>" or "branch"). A level is final
    only once this row exists; `proposed` is what the branch proposed when the superior decided."""

    __tablename__ = "review_decision"
    __table_args__ = (UniqueConstraint("review_id", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(40))
    proposed: Mapped[str] = mapped_column(String(20))
    decided: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)  # required when decided differs from proposed
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())


class UnitOption(Base):
    """A superior unit's value for one named option of a rule set (templates/rules/*.toml `options`)."""

    __tablename__ = "unit_option"
    __table_args__ = (UniqueConstraint("unit_id", "rule_set", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("superior_unit.id", ondelete="CASCADE"), index=True)
    rule_set: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(200))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())
