"""One-time deep-link invitations: a roster entry, a supervisor role, or a new branch's secretary, claimed by
whoever opens it."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.invitation_code import new_code
from bot.domain.roster import Role, Status, parse_name
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from bot.services.identity import identity, is_linked, link, linked_at, person_at
from bot.services.roster import own_membership
from storage.models import Invitation, Membership, Person, SupervisorLink
from storage.uow import UnitOfWork


class InvitationKind(StrEnum):
    MEMBER = "member"
    SUPERVISOR = "supervisor"
    SECRETARY = "secretary"  # issued by the superior unit for a branch it created: the opener runs the branch
    LINK = "link"  # a person's own code, to be sent from their other channel: the same roster entry there


@dataclass(frozen=True)
class Invite:
    token: str
    kind: InvitationKind
    full_name: str | None
    expires_at: datetime


@dataclass(frozen=True)
class Accepted:
    kind: InvitationKind
    branch_id: int
    branch_name: str
    full_name: str
    inviter_telegram_id: int | None


def _new_token() -> str:
    # A code a person can type to the Zalo bot, and a valid Telegram /start payload ([A-Za-z0-9_-]).
    return new_code(secrets.choice)


async def invite_member(
    uow: UnitOfWork, actor: Actor, membership_id: int, now: datetime, ttl: timedelta
) -> Invite:
    membership = await own_membership(uow, actor, membership_id)
    if is_linked(membership.person):
        raise ServiceError("already_linked_member", name=membership.person.full_name)
    invitation = Invitation(
        token=_new_token(), branch_id=membership.branch_id, kind=InvitationKind.MEMBER,
        membership_id=membership.id, created_by=actor.person_id, created_at=now, expires_at=now + ttl,
    )
    uow.invitations.add(invitation)
    uow.audit(now, actor.person_id, membership.branch_id, "invite.member", membership_id=membership.id)
    await uow.commit()
    return Invite(invitation.token, InvitationKind.MEMBER, membership.person.full_name, invitation.expires_at)


async def link_channel(uow: UnitOfWork, actor: Actor, now: datetime, ttl: timedelta) -> Invite:
    """A code the person sends to the bot from their other channel (Telegram or Zalo), so the same roster
    entry is reached there; reminders then go to that channel."""
    home = actor.home
    if home is None:
        raise AccessDenied("no_branch")
    invitation = Invitation(token=_new_token(), branch_id=home.branch_id, kind=InvitationKind.LINK,
                            membership_id=home.membership_id, created_by=actor.person_id, created_at=now,
                            expires_at=now + ttl)
    uow.invitations.add(invitation)
    uow.audit(now, actor.person_id, home.branch_id, "invite.link")
    await uow.commit()
    return Invite(invitation.token, InvitationKind.LINK, actor.full_name, invitation.expires_at)


async def invite_supervisor(uow: UnitOfWork, actor: Actor, now: datetime, ttl: timedelta) -> Invite:
    home = actor.secretary_branch()
    invitation = Invitation(
        token=_new_token(), branch_id=home.branch_id, kind=InvitationKind.SUPERVISOR,
        created_by=actor.person_id, created_at=now, expires_at=now + ttl,
    )
    uow.invitations.add(invitation)
    uow.audit(now, actor.person_id, home.branch_id, "invite.supervisor")
    await uow.commit()
    return Invite(invitation.token, InvitationKind.SUPERVISOR, None, invitation.expires_at)


async def invite_secretary(uow: UnitOfWork, branch_id: int, created_by: int | None, now: datetime,
                           ttl: timedelta) -> Invite:
    """A link whose opener becomes the secretary of a branch that has none; who may issue it (the superior
    unit's administrator) is the caller's to check. Committed by the caller."""
    invitation = Invitation(token=_new_token(), branch_id=branch_id, kind=InvitationKind.SECRETARY,
                            created_by=created_by, created_at=now, expires_at=now + ttl)
    uow.invitations.add(invitation)
    uow.audit(now, created_by, branch_id, "invite.secretary")
    return Invite(invitation.token, InvitationKind.SECRETARY, None, invitation.expires_at)


async def _opener(uow: UnitOfWork, person: Person | None, telegram_user_id: int, display_name: str,
                  now: datetime) -> Person:
    """The person who opened a link that names nobody: known already, or new under their Telegram name."""
    if person is None:
        try:
            name = parse_name(display_name)
        except ValueError:
            name = f"Người dùng {telegram_user_id}"
        person = Person(full_name=name, created_at=now, **identity(telegram_user_id))
        uow.people.add(person)
        await uow.flush()
    return person


async def _become_secretary(uow: UnitOfWork, branch_id: int, person: Person, now: datetime) -> None:
    roster = await uow.branches.roster(branch_id)
    if any(m.role == Role.SECRETARY for m in roster):
        raise ServiceError("secretary_taken")
    if any(m.person_id == person.id for m in roster):
        raise ServiceError("already_in_roster", name=person.full_name)
    uow.branches.add(Membership(branch_id=branch_id, person_id=person.id, role=Role.SECRETARY, status=Status.FULL,
                                created_at=now))
    uow.reminders.request_replan(branch_id, now)


async def accept(
    uow: UnitOfWork, *, telegram_user_id: int, display_name: str, token: str, now: datetime
) -> Accepted:
    """Links the opener; a used, expired or unknown token changes nothing."""
    invitation = await uow.invitations.by_token(token, for_update=True)
    if invitation is None:
        raise ServiceError("invite_unknown")
    if invitation.used_at is not None:
        raise ServiceError("invite_used")
    if invitation.expires_at <= now:
        raise ServiceError("invite_expired")
    branch = await uow.branches.get(invitation.branch_id)
    person = await person_at(uow, telegram_user_id)
    if invitation.kind in (InvitationKind.MEMBER, InvitationKind.LINK):
        membership = await uow.branches.membership(invitation.membership_id)
        if membership is None:
            raise ServiceError("invite_unknown")
        if person is not None and person.id != membership.person_id:
            raise ServiceError("invite_other_person", name=person.full_name)
        if linked_at(membership.person, telegram_user_id) not in (None, telegram_user_id):
            raise ServiceError("invite_used")
        link(membership.person, telegram_user_id)
        person, full_name = membership.person, membership.person.full_name
        for branch_id in {m.branch_id for m in await uow.people.memberships(person.id)}:
            uow.reminders.request_replan(branch_id, now)  # their reminders now go to this chat
    elif invitation.kind == InvitationKind.SECRETARY:
        person = await _opener(uow, person, telegram_user_id, display_name, now)
        await _become_secretary(uow, branch.id, person, now)
        full_name = person.full_name
    else:
        person = await _opener(uow, person, telegram_user_id, display_name, now)
        if await uow.branches.supervisor_link(branch.id, person.id) is None:
            uow.branches.add(SupervisorLink(branch_id=branch.id, person_id=person.id, created_at=now))
        full_name = person.full_name
    invitation.used_at = now
    invitation.used_by = person.id
    uow.audit(now, person.id, branch.id, f"invite.accept.{invitation.kind}", invitation_id=invitation.id)
    # A person linking their own other channel is not told about it a second time.
    told = invitation.created_by is not None and invitation.kind != InvitationKind.LINK
    inviter = await uow.people.get(invitation.created_by) if told else None
    await uow.commit()
    return Accepted(
        InvitationKind(invitation.kind), branch.id, branch.name, full_name,
        inviter.chat_id() if inviter else None,
    )
