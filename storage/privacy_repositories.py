"""Queries of the privacy use cases: everything stored about one person, and the rows an erasure touches."""

from collections.abc import Iterable

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.channel_models import ZaloChat
from storage.models import AuditEntry, Branch, Invitation, Membership, PlanPart, SupervisorLink
from storage.reminder_models import Reminder, ReminderChat, ReminderPrefs
from storage.review_models import Ballot, BallotVoter, Review, ReviewFeedback, ReviewMember, ReviewVote
from storage.runtime_models import DialogState
from storage.supervision_models import SuperiorUnit, SupervisorSnapshot, UnitAdmin


class PrivacyRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    # -- the person's ties ---------------------------------------------------------------------------------

    async def supervised(self, person_id: int) -> list[tuple[SupervisorLink, Branch]]:
        rows = await self.session.execute(
            select(SupervisorLink, Branch).join(Branch, Branch.id == SupervisorLink.branch_id)
            .where(SupervisorLink.person_id == person_id).order_by(SupervisorLink.id))
        return [(link, branch) for link, branch in rows]

    async def administered(self, person_id: int) -> list[tuple[UnitAdmin, SuperiorUnit]]:
        rows = await self.session.execute(
            select(UnitAdmin, SuperiorUnit).join(SuperiorUnit, SuperiorUnit.id == UnitAdmin.unit_id)
            .where(UnitAdmin.person_id == person_id).order_by(UnitAdmin.id))
        return [(admin, unit) for admin, unit in rows]

    async def holders(self, branch_id: int, role: str) -> int:
        """How many of the branch's roster entries hold `role`."""
        return await self.session.scalar(
            select(func.count(Membership.id)).where(Membership.branch_id == branch_id, Membership.role == role)) or 0

    # -- what is stored about them --------------------------------------------------------------------------

    async def invitations(self, person_id: int, membership_ids: list[int]) -> list[Invitation]:
        rows = await self.session.scalars(
            select(Invitation).where(or_(Invitation.membership_id.in_(membership_ids),
                                         Invitation.used_by == person_id)).order_by(Invitation.id))
        return list(rows)

    async def prefs(self, person_id: int) -> ReminderPrefs | None:
        return await self.session.get(ReminderPrefs, person_id)

    async def reminders(self, person_id: int) -> list[Reminder]:
        rows = await self.session.scalars(
            select(Reminder).where(Reminder.person_id == person_id).order_by(Reminder.send_at, Reminder.id))
        return list(rows)

    async def zalo_chat(self, row_id: int) -> ZaloChat | None:
        """The Zalo user behind a person's Zalo chat number (its row: bot.channels.ids.zalo_row)."""
        return await self.session.get(ZaloChat, row_id)

    async def plan_parts(self, person_id: int) -> list[PlanPart]:
        """Pieces of a plan the person sent that are still waiting to be read."""
        rows = await self.session.scalars(
            select(PlanPart).where(PlanPart.person_id == person_id).order_by(PlanPart.message_id, PlanPart.id))
        return list(rows)

    async def review_entries(self, membership_ids: list[int]) -> list[tuple[ReviewMember, Review]]:
        rows = await self.session.execute(
            select(ReviewMember, Review).join(Review, Review.id == ReviewMember.review_id)
            .where(ReviewMember.membership_id.in_(membership_ids)).order_by(Review.year, ReviewMember.id))
        return [(entry, review) for entry, review in rows]

    async def votes(self, review_ids: Iterable[int], subjects: Iterable[str]) -> list[ReviewVote]:
        rows = await self.session.scalars(
            select(ReviewVote).where(ReviewVote.review_id.in_(list(review_ids)),
                                     ReviewVote.subject.in_(list(subjects))).order_by(ReviewVote.id))
        return list(rows)

    async def feedback_about(self, membership_ids: list[int]) -> list[tuple[ReviewFeedback, Review]]:
        rows = await self.session.execute(
            select(ReviewFeedback, Review).join(Review, Review.id == ReviewFeedback.review_id)
            .where(ReviewFeedback.about_membership_id.in_(membership_ids)).order_by(ReviewFeedback.id))
        return [(f, r) for f, r in rows]

    async def person_feedback(self, branch_ids: list[int]) -> list[tuple[ReviewFeedback, Review]]:
        """Feedback from individuals in these branches' reviews; whose it is, the caller decides by name."""
        rows = await self.session.execute(
            select(ReviewFeedback, Review).join(Review, Review.id == ReviewFeedback.review_id)
            .where(Review.branch_id.in_(branch_ids), ReviewFeedback.kind == "person").order_by(ReviewFeedback.id))
        return [(f, r) for f, r in rows]

    async def ballots_voted(self, person_id: int) -> list[tuple[BallotVoter, Ballot, Review]]:
        """That the person voted, never what: ballot_voter holds no choice."""
        rows = await self.session.execute(
            select(BallotVoter, Ballot, Review).join(Ballot, Ballot.id == BallotVoter.ballot_id)
            .join(Review, Review.id == Ballot.review_id)
            .where(BallotVoter.person_id == person_id).order_by(Ballot.id))
        return [(v, b, r) for v, b, r in rows]

    async def audit_by(self, person_id: int) -> list[AuditEntry]:
        rows = await self.session.scalars(
            select(AuditEntry).where(AuditEntry.actor_person_id == person_id).order_by(AuditEntry.id))
        return list(rows)

    async def audit_of_members(self, branch_ids: list[int]) -> list[AuditEntry]:
        """The branches' entries about roster entries (added, changed, removed)."""
        rows = await self.session.scalars(
            select(AuditEntry).where(AuditEntry.branch_id.in_(branch_ids), AuditEntry.action.like("member.%"))
            .order_by(AuditEntry.id))
        return list(rows)

    async def audit_mentioning(self, person_id: int, branch_ids: list[int], texts: list[str]) -> list[AuditEntry]:
        """Entries of the person or of their branches whose details contain one of `texts`."""
        rows = await self.session.scalars(
            select(AuditEntry).where(
                or_(AuditEntry.actor_person_id == person_id, AuditEntry.branch_id.in_(branch_ids)),
                or_(*(AuditEntry.details.contains(t, autoescape=True) for t in texts)),
            ).order_by(AuditEntry.id))
        return list(rows)

    # -- erasing --------------------------------------------------------------------------------------------

    async def drop_reminders(self, person_id: int, chat_ids: list[int]) -> int:
        result = await self.session.execute(delete(Reminder).where(Reminder.person_id == person_id))
        await self.session.execute(delete(ReminderChat).where(ReminderChat.chat_id.in_(chat_ids)))
        await self.session.execute(delete(ReminderPrefs).where(ReminderPrefs.person_id == person_id))
        return result.rowcount

    async def drop_dialogs(self, chat_number: int) -> int:
        """Unfinished dialogs (FSM) of the user: keys end with the chat number (storage.dialogs, aiogram's key
        builder: `fsm:<chat>[:<thread>]:<user>`), as does what a Zalo chat was shown last (`zalo-shown:<chat>`)."""
        result = await self.session.execute(
            delete(DialogState).where(DialogState.key.like(f"%:{int(chat_number)}")))
        return result.rowcount

    async def blank_zalo_chat(self, row_id: int) -> None:
        """The Zalo user's ids and display name go: a later message from them comes from a stranger, who gets a
        new chat number. The row stays, blank, so its number is never given to anyone else."""
        await self.session.execute(update(ZaloChat).where(ZaloChat.id == row_id).values(
            zalo_user_id=f"erased:{row_id}", zalo_chat_id="", display_name=""))

    async def drop_plan_parts(self, person_id: int) -> int:
        result = await self.session.execute(delete(PlanPart).where(PlanPart.person_id == person_id))
        return result.rowcount

    async def drop_unused_invitations(self, membership_ids: list[int]) -> int:
        result = await self.session.execute(
            delete(Invitation).where(Invitation.membership_id.in_(membership_ids), Invitation.used_at.is_(None)))
        return result.rowcount

    async def drop_roles_above_branches(self, person_id: int) -> None:
        """Supervision and unit administration: read access, which a person without a name cannot hold."""
        for model in (SupervisorLink, UnitAdmin, SupervisorSnapshot):
            await self.session.execute(delete(model).where(model.person_id == person_id))
