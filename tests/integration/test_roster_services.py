"""Roster, onboarding and invitation use cases against a real database (SQLite and PostgreSQL)."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.roster import Role, Status, parse_roster
from bot.services import invitations, onboarding, roster
from bot.services.actor import load_actor
from bot.services.errors import AccessDenied, ServiceError
from storage.models import AuditEntry, Membership, SupervisorLink
from tests.helpers import NOW

TTL = timedelta(days=14)
PASTE = "\n".join([
    "Trần Văn Minh, chính thức, 01/02/2011, phó bí thư",
    "Lê Thị Hà, chính thức, 03/04/2012, chi ủy viên",
    "Phạm Văn Đức, chính thức, 05/06/1996",
    "Hoàng Thị Mai, dự bị, 07/08/2026",
    "Vũ Văn Hùng, chính thức",
])


async def new_branch(uow_factory, user_id=501):
    async with uow_factory() as uow:
        await onboarding.create_branch(uow, telegram_user_id=user_id, full_name="Nguyễn Thị Lan",
                                       branch_name="Chi bộ Khu phố 7", superior_unit="Đảng ủy phường 2", now=NOW)
    async with uow_factory() as uow:
        return await load_actor(uow, user_id)


async def with_members(uow_factory, user_id=501):
    secretary = await new_branch(uow_factory, user_id)
    async with uow_factory() as uow:
        await roster.add_members(uow, secretary, parse_roster(PASTE, NOW.date()).accepted, NOW)
    return secretary


async def test_creating_a_branch_makes_its_secretary(uow_factory):
    actor = await new_branch(uow_factory)
    assert actor.home.role == Role.SECRETARY and actor.home.branch_name == "Chi bộ Khu phố 7"
    async with uow_factory() as uow:
        view = await roster.roster(uow, actor)
        assert [(m.full_name, m.role, m.linked) for m in view.members] == [
            ("Nguyễn Thị Lan", Role.SECRETARY, True)]
        audit = await uow.session.scalar(select(AuditEntry).where(AuditEntry.action == "branch.create"))
        assert json.loads(audit.details)["name"] == "Chi bộ Khu phố 7"
        with pytest.raises(ServiceError, match="already_in_branch"):
            await onboarding.create_branch(uow, telegram_user_id=501, full_name="Nguyễn Thị Lan",
                                           branch_name="Chi bộ khác", superior_unit=None, now=NOW)


async def test_pasted_members_are_stored_in_roster_order(uow_factory):
    actor = await with_members(uow_factory)
    async with uow_factory() as uow:
        view = await roster.roster(uow, actor)
    assert [m.full_name for m in view.members] == [
        "Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thị Hà", "Phạm Văn Đức", "Vũ Văn Hùng", "Hoàng Thị Mai"]
    assert (len(view.members), view.full_count) == (6, 5)
    assert next(m for m in view.members if m.full_name == "Hoàng Thị Mai").status == Status.PROBATIONARY


async def test_conflicts_with_the_roster_are_reported_and_the_rest_kept(uow_factory):
    actor = await with_members(uow_factory)
    lines = "Trần Văn Minh, chính thức\nNgô Phúc, chính thức, bí thư\nĐỗ Hương, dự bị\nLý Khoa, chính thức, phó bí thư"
    async with uow_factory() as uow:
        result = await roster.add_members(uow, actor, parse_roster(lines, NOW.date()).accepted, NOW)
    assert [m.full_name for m in result.added] == ["Đỗ Hương"]
    assert [(r.line_no, r.problem.code) for r in result.rejected] == [
        (1, "already_in_roster"), (2, "role_taken"), (4, "role_taken")]


async def test_edit_and_remove_are_audited(uow_factory):
    actor = await with_members(uow_factory)
    async with uow_factory() as uow:
        view = await roster.roster(uow, actor)
        duc = next(m for m in view.members if m.full_name == "Phạm Văn Đức")
        updated = await roster.update_member(uow, actor, duc.membership_id, NOW, status=Status.PROBATIONARY,
                                             exempt=True)
    assert (updated.status, updated.exempt) == (Status.PROBATIONARY, True)
    async with uow_factory() as uow:
        assert await roster.remove_member(uow, actor, duc.membership_id, NOW) == "Phạm Văn Đức"
    async with uow_factory() as uow:
        actions = list(await uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions[-2:] == ["member.update", "member.remove"]
        assert await uow.session.get(Membership, duc.membership_id) is None


async def test_another_branch_and_members_are_refused(uow_factory):
    lan = await with_members(uow_factory, 501)
    other = await new_branch(uow_factory, 777)
    async with uow_factory() as uow:
        lan_roster = await roster.roster(uow, lan)
        target = lan_roster.members[-1].membership_id
        for call in (
            roster.member(uow, other, target),
            roster.update_member(uow, other, target, NOW, status=Status.FULL),
            roster.remove_member(uow, other, target, NOW),
            invitations.invite_member(uow, other, target, NOW, TTL),
            roster.roster(uow, other, lan_roster.branch_id),
        ):
            with pytest.raises(AccessDenied):
                await call
    async with uow_factory() as uow:
        assert len((await roster.roster(uow, lan)).members) == 6


async def test_member_invitation_links_once(uow_factory):
    actor = await with_members(uow_factory)
    async with uow_factory() as uow:
        minh = next(m for m in (await roster.roster(uow, actor)).members if m.full_name == "Trần Văn Minh")
        invite = await invitations.invite_member(uow, actor, minh.membership_id, NOW, TTL)
    async with uow_factory() as uow:
        accepted = await invitations.accept(uow, telegram_user_id=9001, display_name="Minh", token=invite.token,
                                            now=NOW + timedelta(hours=1))
    assert (accepted.full_name, accepted.inviter_telegram_id) == ("Trần Văn Minh", 501)
    async with uow_factory() as uow:
        minh_actor = await load_actor(uow, 9001)
        assert minh_actor.home.role == Role.DEPUTY
        with pytest.raises(ServiceError, match="invite_used"):
            await invitations.accept(uow, telegram_user_id=9002, display_name="X", token=invite.token, now=NOW)


async def test_expired_and_unknown_links_change_nothing(uow_factory):
    actor = await with_members(uow_factory)
    async with uow_factory() as uow:
        invite = await invitations.invite_supervisor(uow, actor, NOW, TTL)
    async with uow_factory() as uow:
        with pytest.raises(ServiceError, match="invite_expired"):
            await invitations.accept(uow, telegram_user_id=9100, display_name="Quang", token=invite.token,
                                     now=NOW + TTL)
        with pytest.raises(ServiceError, match="invite_unknown"):
            await invitations.accept(uow, telegram_user_id=9100, display_name="Quang", token="nope", now=NOW)
    async with uow_factory() as uow:
        assert await uow.session.scalar(select(func.count(SupervisorLink.id))) == 0
        assert await uow.people.by_telegram_id(9100) is None


async def test_supervisor_invitation_gives_read_only_access(uow_factory):
    actor = await with_members(uow_factory)
    async with uow_factory() as uow:
        invite = await invitations.invite_supervisor(uow, actor, NOW, TTL)
        accepted = await invitations.accept(uow, telegram_user_id=9200, display_name="Phan Văn Quang",
                                            token=invite.token, now=NOW)
    assert accepted.kind == invitations.InvitationKind.SUPERVISOR
    async with uow_factory() as uow:
        supervisor = await load_actor(uow, 9200)
        assert [s.branch_name for s in supervisor.supervised] == ["Chi bộ Khu phố 7"]
        view = await roster.roster(uow, supervisor, supervisor.supervised[0].branch_id)
        assert view.supervisors == ["Phan Văn Quang"]
        with pytest.raises(AccessDenied):
            await roster.add_members(uow, supervisor, parse_roster("A B, chính thức", NOW.date()).accepted, NOW)
