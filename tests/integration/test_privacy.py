"""A person's data on a real database (SQLite and PostgreSQL): the export holds everything stored about them and
no ballot choice; erasing drops what identifies them and keeps every count the branch's records add up to;
who may do either; the command line."""

import asyncio
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.channels.ids import zalo_row
from bot.channels.render import Choice
from bot.channels.zalo_chats import Shown, ZaloChats
from bot.cli import main
from bot.config import Settings
from bot.domain.review.levels import MemberLevel as L
from bot.domain.roster import Role, Status
from bot.services import (
    invitations,
    plan_import,
    privacy,
    reminders,
    review,
    review_ballot,
    review_collect,
    review_documents,
    review_meeting,
    roster,
    supervision_admin,
)
from bot.services.actor import Actor, load_actor
from bot.services.demo_supervision import BranchSpec, Stage, add_branch, link
from bot.services.errors import AccessDenied, ServiceError
from bot.services.review_meeting import BRANCH, COMMITTEE_REPORT, Counts
from bot.services.review_progress import progress
from storage.channel_models import ZaloChat
from storage.models import AuditEntry, Invitation, Person, PlanPart
from storage.reminder_models import PENDING, Reminder, ReminderPrefs
from storage.review_models import BallotTally, BallotVoter, ReviewFeedback, ReviewMember, ReviewVote
from storage.runtime_models import DialogState
from tests.helpers import NOW

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SECRETARY, MINH, DUC, OTHER_SECRETARY, SUPERVISOR, STRANGER = 700, 701, 703, 800, 900, 999
OLD_NAME, NAME = "Trần Minh", "Trần Văn Minh"
HOME = BranchSpec("Chi bộ Khu phố 7", (SECRETARY, "Nguyễn Thị Lan"),
                  (OLD_NAME, "Lê Thị Hà", "Phạm Văn Đức", "Vũ Văn Hùng"), Stage.NONE)
OTHER = BranchSpec("Chi bộ Khu phố 9", (OTHER_SECRETARY, "Đỗ Văn Nam"), ("Mai Thị Xuân",), Stage.NONE)
SELF_REVIEW = ("Trong năm đồng chí Trần Văn Minh đã hoàn thành tốt nhiệm vụ được giao, giữ gìn phẩm chất đạo "
               "đức, lối sống; còn hạn chế về thời gian tham gia sinh hoạt.")
RESIDENCE = "Gương mẫu ở khu dân cư, tham gia tốt phong trào."
FEEDBACK_GIVEN = "Đề nghị chi ủy tổ chức sinh hoạt chuyên đề đúng kỳ."
FEEDBACK_ABOUT = "Đồng chí Minh cần dành nhiều thời gian hơn cho công tác đoàn thể."


async def actor(uow_factory, user_id: int) -> Actor:
    async with uow_factory() as uow:
        return await load_actor(uow, user_id)


async def membership_id(uow_factory, name: str) -> int:
    async with uow_factory() as uow:
        view = await roster.roster(uow, await load_actor(uow, SECRETARY))
    return next(m.membership_id for m in view.members if m.full_name == name)


async def history(uow_factory) -> dict[str, int]:
    """A branch whose review is over, with Minh in every corner of it; another branch; a supervisor."""
    async with uow_factory() as uow:
        home = await add_branch(uow, HOME, None, NOW)
    async with uow_factory() as uow:
        other = await add_branch(uow, OTHER, None, NOW)
    ttl = timedelta(days=14)
    minh, duc = await membership_id(uow_factory, OLD_NAME), await membership_id(uow_factory, "Phạm Văn Đức")
    lan = await actor(uow_factory, SECRETARY)
    async with uow_factory() as uow:
        await roster.update_member(uow, lan, minh, NOW, full_name=NAME)  # the audit log keeps the old name
        await invitations.invite_member(uow, lan, minh, NOW, ttl)  # a link left unused
        used = await invitations.invite_member(uow, lan, minh, NOW, ttl)
        await invitations.accept(uow, telegram_user_id=MINH, display_name="Minh", token=used.token, now=NOW)
        token = (await invitations.invite_member(uow, lan, duc, NOW, ttl)).token
        await invitations.accept(uow, telegram_user_id=DUC, display_name="Đức", token=token, now=NOW)
        await supervision_admin.person_by_chat(uow, SUPERVISOR, "Phan Văn Quang", NOW)
        await link(uow, SUPERVISOR, [home], NOW)
        await review.start_review(uow, lan, 2026, NOW)
        await review.set_rule_set(uow, lan, "kh146_2014", NOW)  # counts typed in, no sheets (QĐ 366's)
        await review.set_meeting(uow, lan, at=NOW + timedelta(days=3), place="Nhà văn hóa", now=NOW)
    minh_actor = await actor(uow_factory, MINH)
    settings = Settings(_env_file=None, database_url="sqlite+aiosqlite://")
    async with uow_factory() as uow:
        await review_collect.submit_self_review(uow, minh_actor, text=SELF_REVIEW, file_name=None, now=NOW)
        await reminders.set_timezone(uow, minh_actor, "Asia/Bangkok", NOW, settings)
        await uow.reminders.add_new([{
            "key": f"test:{minh}", "source": "task", "kind": "deadline", "branch_id": home, "person_id":
            minh_actor.person_id, "chat_id": MINH, "send_at": NOW + timedelta(days=1), "status": PENDING,
            "subject": "Nộp bản tự kiểm điểm", "text": f"Đồng chí {NAME} ơi, sắp đến hạn.", "attempts": 0,
            "created_at": NOW}])
        await uow.commit()
        await review_collect.mark(uow, lan, minh, review_collect.Mark.RESIDENCE_RECEIVED, NOW, comment=RESIDENCE)
        given = await review_collect.add_feedback(uow, lan, source=NAME, kind=review_collect.FeedbackKind.PERSON,
                                                  about_membership_id=None, content=FEEDBACK_GIVEN, now=NOW)
        about = await review_collect.add_feedback(
            uow, lan, source="Hội Cựu chiến binh khu phố", kind=review_collect.FeedbackKind.ORGANISATION,
            about_membership_id=minh, content=FEEDBACK_ABOUT, now=NOW)
        for f in (given, about):
            await review_collect.answer_feedback(uow, lan, f.id, "Chi ủy tiếp thu.", NOW)
        await review_collect.set_facts(uow, lan, minh, NOW, meetings_missed=1)
        for name in ("Lê Thị Hà", "Phạm Văn Đức", "Vũ Văn Hùng"):
            await review_collect.mark(uow, lan, await membership_id(uow_factory, name),
                                      review_collect.Mark.PAPER, NOW)
        await review_meeting.start_meeting(uow, lan, NOW)
        hung = await membership_id(uow_factory, "Vũ Văn Hùng")
        await review_meeting.set_attendance(uow, lan, hung, present=False, reason="Ốm, nằm viện", now=NOW)
        await review_meeting.record_collective(uow, lan, COMMITTEE_REPORT, Counts(4, 0, 0), NOW)
        await review_meeting.record_collective(uow, lan, BRANCH, Counts(4, 0, 0), NOW, score=92)
        levels = {await membership_id(uow_factory, n): L.HTTNV for n in ("Nguyễn Thị Lan", NAME, "Lê Thị Hà")}
        levels[duc] = L.HTNV
        opened = await review_ballot.open_ballots(uow, lan, levels, NOW)
    # Minh votes on Hà's secret ballot; then the branch types everyone's counts (the papers' figures).
    ticket = next(t for user_id, t in opened.tickets if user_id == MINH and t.subject_name == "Lê Thị Hà")
    async with uow_factory() as uow:
        await review_ballot.cast(uow, minh_actor, ticket.ballot_id, review_ballot.Choice.APPROVE, ticket.current,
                                 ticket.version, ticket.seal, NOW)
    async with uow_factory() as uow:
        await review_ballot.close_ballots(uow, lan, NOW)
        for member, level in levels.items():
            await review_meeting.record_member(uow, lan, member, level, Counts(4, 0, 0), NOW)
        await review_meeting.end_meeting(uow, lan, NOW)
        await review_documents.set_locality(uow, lan, "Phường Bến Thành", NOW)  # asked with the first papers
    return {"home": home, "other": other, "minh": minh, "duc": duc, "minh_person": minh_actor.person_id}


async def branch_figures(uow_factory) -> dict:
    """Every count the branch's records show: the roster, /buoc's checklist, the results, the ballots."""
    lan = await actor(uow_factory, SECRETARY)
    async with uow_factory() as uow:
        view = await roster.roster(uow, lan)
        p = await progress(uow, lan, manage=True)
        rows = await review_meeting.results(uow, lan)
        papers = await review_documents.documents(uow, lan, NOW, TZ)
        tallies = (await uow.session.execute(select(BallotTally.choice, func.sum(BallotTally.count))
                                             .group_by(BallotTally.choice).order_by(BallotTally.choice))).all()
        voters = await uow.session.scalar(select(func.count(BallotVoter.id)))
        feedback = await uow.session.scalar(select(func.count(ReviewFeedback.id)))
    return {
        "members": (len(view.members), view.full_count, sorted((m.role, m.status) for m in view.members)),
        "checklist": [(i.key, i.done, i.total) for s in p.steps for i in s.items],
        "reviewing": [(m.membership_id, m.self_review, m.present, m.meetings_missed) for m in p.members],
        "results": sorted((r.membership_id, r.proposed, r.approve, r.disapprove, r.other, r.outcome) for r in rows),
        "papers": sorted(kind for kind, _, _ in papers.files), "tallies": tallies, "voters": voters,
        "feedback": feedback,
    }


async def export_of(uow_factory, who, **target) -> dict:
    async with uow_factory() as uow:
        found = await privacy.export_data(uow, who, NOW, **target)
    assert found.file_name.endswith(".json")
    return json.loads(found.content.decode("utf-8"))


async def test_the_export_holds_everything_about_the_person_and_no_ballot_choice(uow_factory):
    ids = await history(uow_factory)
    data = await export_of(uow_factory, await actor(uow_factory, MINH))

    assert data["person"] == {"id": ids["minh_person"], "full_name": NAME, "telegram_user_id": MINH,
                              "zalo_chat_id": None, "reminders_channel": "telegram", "known_since": NOW.isoformat()}
    assert (data["zalo_account"], data["plan_pieces_waiting"]) == (None, [])
    (m,) = data["memberships"]
    assert (m["membership_id"], m["role"], m["role_name"], m["status"]) == (ids["minh"], Role.MEMBER, "Đảng viên",
                                                                          Status.FULL)
    assert m["branch"]["name"] == HOME.name and m["admitted_on"]
    assert sorted(i["used_by_this_person"] for i in data["invitations"]) == [False, True]
    assert all("token" not in i for i in data["invitations"])  # a link is a key, not data about anyone
    assert data["reminder_settings"]["time_zone"] == "Asia/Bangkok"
    assert any(r["text"] == f"Đồng chí {NAME} ơi, sắp đến hạn." for r in data["reminders"])
    (entry,) = data["reviews"]
    assert entry["self_review"]["text"] == SELF_REVIEW and entry["self_review"]["handed_in"] == "bot"
    assert entry["residence_area"]["comment"] == RESIDENCE
    assert entry["facts_for_the_rules"]["meetings_missed"] == 1
    assert entry["classification"]["proposed"] == L.HTTNV and entry["classification"]["outcome"] == L.HTTNV
    assert entry["classification"]["outcome_name"] == "Hoàn thành tốt nhiệm vụ"
    assert [(f["content"], f["answer"]) for f in data["feedback_given"]] == [(FEEDBACK_GIVEN, "Chi ủy tiếp thu.")]
    assert [f["content"] for f in data["feedback_about_them"]] == [FEEDBACK_ABOUT]
    (ballot,) = data["secret_ballots_voted_in"]
    assert set(ballot) == {"ballot_id", "review_year", "branch_id", "subject", "opened_at", "closed_at",
                           "times_changed", "note"}
    assert {"review.self_review", "invite.accept.member", "reminder.settings"} <= {
        a["action"] for a in data["audit_entries_as_actor"]}
    text = json.dumps(data, ensure_ascii=False)
    assert '"choice"' not in text and "tally" not in text

    # The secretary gets the same document from the member card; the operator too.
    by_secretary = await export_of(uow_factory, await actor(uow_factory, SECRETARY), membership_id=ids["minh"])
    by_operator = await export_of(uow_factory, privacy.OPERATOR, person_id=ids["minh_person"])
    assert by_secretary["reviews"] == by_operator["reviews"] == data["reviews"]
    assert by_secretary["person"] == data["person"]


async def test_erasing_drops_what_identifies_the_person_and_keeps_every_count(uow_factory):
    ids = await history(uow_factory)
    before = await branch_figures(uow_factory)
    async with uow_factory() as uow:
        done = await privacy.erase(uow, await actor(uow_factory, MINH), NOW)
    placeholder = f"Đảng viên đã xoá dữ liệu (mã {ids['minh_person']})"
    assert (done.by, done.placeholder, done.memberships_kept) == ("self", placeholder, 1)
    assert done.reminders_dropped >= 1 and done.invitations_dropped == 1 and done.feedback_given_erased == 1

    assert await branch_figures(uow_factory) == before  # the roster, /buoc, results, papers, tallies add up
    assert (await actor(uow_factory, MINH)).person_id is None  # the Telegram account is a stranger now
    async with uow_factory() as uow:  # read inside: the unit of work's rollback on leaving expires the rows
        person = await uow.session.get(Person, ids["minh_person"])
        assert (person.full_name, person.telegram_user_id) == (placeholder, None)
        view = await roster.roster(uow, await load_actor(uow, SECRETARY))
        names = [m.full_name for m in view.members]
        assert placeholder in names and "Lê Thị Hà" in names
        entry = await uow.session.scalar(select(ReviewMember).where(ReviewMember.membership_id == ids["minh"]))
        assert entry.self_review == "bot" and SELF_REVIEW not in (entry.self_review_text or "")
        assert entry.residence_comment is None and entry.meetings_missed == 1
        hung = await uow.session.scalar(select(ReviewMember).where(ReviewMember.present.is_(False)))
        assert hung.absence_reason == "Ốm, nằm viện"  # another member's data is left alone
        given, about = await uow.session.scalars(select(ReviewFeedback).order_by(ReviewFeedback.id))
        assert (given.source, given.kind) == (placeholder, "person")
        assert FEEDBACK_GIVEN not in given.content and FEEDBACK_ABOUT not in about.content
        assert about.source == "Hội Cựu chiến binh khu phố"
        left = await uow.session.scalar(select(func.count(Reminder.id)).where(
            Reminder.person_id == ids["minh_person"]))
        assert (left, await uow.session.get(ReminderPrefs, ids["minh_person"])) == (0, None)
        links = await uow.session.scalars(select(Invitation).where(Invitation.membership_id == ids["minh"]))
        assert [link.used_at is not None for link in links] == [True]  # the unused link can no longer be opened
        audit = [(a.action, a.branch_id, a.actor_person_id, a.details)
                 for a in await uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        reasons = list(await uow.session.scalars(select(ReviewVote.reasons)))
    for text in [details for *_, details in audit] + reasons:
        assert NAME not in text and OLD_NAME not in text
    (rename,) = [json.loads(details) for action, *_, details in audit if action == "member.update"]
    assert rename["before"] == rename["after"] == {"full_name": placeholder}  # the entry stays, the name goes
    erasure = [a for a in audit if a[0] == "person.erase"]
    assert [(branch, by) for _, branch, by, _ in erasure] == [(ids["home"], ids["minh_person"])]
    assert json.loads(erasure[0][3])["person_id"] == ids["minh_person"]

    after = json.dumps(await export_of(uow_factory, privacy.OPERATOR, person_id=ids["minh_person"]),
                       ensure_ascii=False)
    for gone in ("Minh", SELF_REVIEW, RESIDENCE, FEEDBACK_GIVEN, FEEDBACK_ABOUT, str(MINH), "Asia/Bangkok"):
        assert gone not in after


async def test_a_secretary_erases_a_member_of_her_branch_only(uow_factory):
    ids = await history(uow_factory)
    lan, nam = await actor(uow_factory, SECRETARY), await actor(uow_factory, OTHER_SECRETARY)
    duc, quang = await actor(uow_factory, DUC), await actor(uow_factory, SUPERVISOR)
    refused = [(nam, "foreign_member"), (duc, "not_secretary"), (quang, "not_secretary")]
    for who, code in refused:
        for call in (privacy.export_data, privacy.erase):
            async with uow_factory() as uow:
                with pytest.raises(AccessDenied) as error:
                    await call(uow, who, NOW, membership_id=ids["minh"])
            assert error.value.code == code
    async with uow_factory() as uow:
        with pytest.raises(AccessDenied, match="privacy_no_data"):
            await privacy.export_data(uow, Actor(telegram_user_id=STRANGER), NOW)
        with pytest.raises(AccessDenied, match="privacy_no_data"):  # a member naming someone else's person id
            await privacy.erase(uow, duc, NOW, person_id=ids["minh_person"])
    assert (await actor(uow_factory, MINH)).full_name == NAME  # nothing changed

    async with uow_factory() as uow:  # Minh is halfway through a dialog, and so is someone else
        for user_id in (MINH, 1701):
            await uow.runtime.save_dialog(f"fsm:{user_id}:{user_id}", "ReviewInput:self_review", {"draft": NAME})
        await uow.commit()
    async with uow_factory() as uow:
        assert (await privacy.preview_erase(uow, lan, membership_id=ids["minh"])).full_name == NAME
        done = await privacy.erase(uow, lan, NOW, membership_id=ids["minh"])
    assert done.by == "secretary"
    assert (await actor(uow_factory, MINH)).person_id is None
    async with uow_factory() as uow:
        erasure = await uow.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.erase"))
        assert erasure.actor_person_id == lan.person_id and json.loads(erasure.details)["by"] == "secretary"
        assert list(await uow.session.scalars(select(DialogState.key))) == ["fsm:1701:1701"]


async def test_the_only_secretary_and_a_person_tied_elsewhere_are_refused(uow_factory):
    ids = await history(uow_factory)
    lan = await actor(uow_factory, SECRETARY)
    own = lan.home.membership_id
    for target in ({}, {"membership_id": own}):
        async with uow_factory() as uow:
            with pytest.raises(ServiceError) as error:
                await privacy.preview_erase(uow, lan, **target)
            assert error.value.code == "privacy_only_secretary" and error.value.params["branch"] == HOME.name
            with pytest.raises(ServiceError, match="privacy_only_secretary"):
                await privacy.erase(uow, lan, NOW, **target)
    async with uow_factory() as uow:
        with pytest.raises(ServiceError, match="privacy_only_secretary"):
            await privacy.erase(uow, privacy.OPERATOR, NOW, person_id=lan.person_id)
    assert (await actor(uow_factory, SECRETARY)).full_name == "Nguyễn Thị Lan"
    # Her own data she may still download.
    assert (await export_of(uow_factory, lan))["memberships"][0]["role"] == Role.SECRETARY

    # Đức supervises the other branch as well: only he (or the operator) may export or erase his data.
    async with uow_factory() as uow:
        await link(uow, DUC, [ids["other"]], NOW)
    async with uow_factory() as uow:
        with pytest.raises(AccessDenied, match="privacy_person_elsewhere"):
            await privacy.export_data(uow, lan, NOW, membership_id=ids["duc"])
    data = await export_of(uow_factory, await actor(uow_factory, DUC))
    assert [b["name"] for b in data["supervises_branches"]] == [OTHER.name]
    async with uow_factory() as uow:
        done = await privacy.erase(uow, await actor(uow_factory, DUC), NOW)
    assert done.roles_dropped == [f"supervisor:{ids['other']}"]
    async with uow_factory() as uow:
        other_secretary = await load_actor(uow, OTHER_SECRETARY)
        assert await uow.branches.supervisor_names(ids["other"]) == []
        assert len((await roster.roster(uow, other_secretary)).members) == 2


async def test_the_command_line_exports_and_erases(db_url, uow_factory, monkeypatch, tmp_path):
    ids = await history(uow_factory)
    monkeypatch.setenv("CHIBO_DATABASE_URL", db_url)
    out = tmp_path / "minh.json"

    def cli(*args: str):
        return asyncio.to_thread(CliRunner().invoke, main, ["admin", *args])

    result = await cli("export-person", str(ids["minh_person"]), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["person"]["full_name"] == NAME
    by_telegram = await cli("export-person", str(MINH), "--telegram")
    assert json.loads(by_telegram.stdout)["person"]["id"] == ids["minh_person"]

    refused = await cli("delete-person", str(ids["minh_person"]))
    assert refused.exit_code == 2 and "--yes" in refused.output
    assert (await actor(uow_factory, MINH)).full_name == NAME
    lan = await actor(uow_factory, SECRETARY)
    only = await cli("delete-person", str(lan.person_id), "--yes")
    assert only.exit_code == 1 and "bí thư duy nhất" in only.output
    missing = await cli("delete-person", "999999", "--yes")
    assert missing.exit_code == 1 and "Không có người nào mã 999999" in missing.output

    done = await cli("delete-person", str(ids["minh_person"]), "--yes")
    assert done.exit_code == 0, done.output
    assert f"person {ids['minh_person']} erased" in done.output
    assert (await actor(uow_factory, MINH)).person_id is None


PLAN_PIECE = "KẾ HOẠCH công tác tháng 12 của Chi bộ Khu phố 7\n1. Họp chi bộ thường kỳ ngày 05/12 (đ/c Lan chủ trì)"
PAGE_PHOTO = "https://zalo.example/photos/lan-trang-2.jpg"


async def on_zalo(uow_factory, sessionmaker, user_id: int, zalo_user: str, display_name: str) -> Actor:
    """The person writes to the Zalo bot and links it to their roster entry from /toi on Telegram."""
    key = await ZaloChats(sessionmaker).key_for(zalo_user, f"chat-{zalo_user}", display_name, NOW)
    async with uow_factory() as uow:
        code = (await invitations.link_channel(uow, await load_actor(uow, user_id), NOW, timedelta(days=1))).token
        await invitations.accept(uow, telegram_user_id=key, display_name=display_name, token=code, now=NOW)
    return await actor(uow_factory, key)


async def test_the_export_holds_the_zalo_account_and_the_plan_pieces_waiting(uow_factory, sessionmaker):
    await history(uow_factory)
    lan = await on_zalo(uow_factory, sessionmaker, SECRETARY, "zalo-user-lan-7", "Lan KP7")
    async with uow_factory() as uow:  # half a plan sent on Zalo: a paste and a photo of page 2
        await plan_import.add_part(uow, lan, message_id=1, now=NOW, text=PLAN_PIECE, first=True)
        await plan_import.add_part(uow, lan, message_id=2, now=NOW, file_id=PAGE_PHOTO)
    data = await export_of(uow_factory, lan)
    assert (data["person"]["telegram_user_id"], data["person"]["zalo_chat_id"]) == (SECRETARY, lan.telegram_user_id)
    assert data["person"]["reminders_channel"] == "zalo"  # the channel linked last
    assert data["zalo_account"] == {"zalo_user_id": "zalo-user-lan-7", "zalo_chat_id": "chat-zalo-user-lan-7",
                                    "display_name": "Lan KP7", "first_message_at": NOW.isoformat()}
    assert [(p["branch_id"], p["text"], p["photo_or_file"]) for p in data["plan_pieces_waiting"]] == [
        (lan.home.branch_id, PLAN_PIECE, None), (lan.home.branch_id, None, PAGE_PHOTO)]


async def test_erasing_a_person_on_zalo_too_drops_the_zalo_account_and_what_its_chat_holds(
        uow_factory, sessionmaker):
    ids = await history(uow_factory)
    minh = await on_zalo(uow_factory, sessionmaker, MINH, "zalo-user-minh-123", "Minh Trần KP7")
    zalo = minh.telegram_user_id
    assert minh.person_id == ids["minh_person"]
    await ZaloChats(sessionmaker).show(zalo, Shown(7, f"Chọn đảng viên:\n1. {NAME}", (Choice(NAME, data="m:1"),)))
    async with uow_factory() as uow:
        await uow.runtime.save_dialog(f"fsm:{zalo}:{zalo}", "ReviewInput:self_review", {"draft": NAME})
        # Pieces of a plan are a secretary's; a branch never loses its only secretary, so these are pieces left
        # from a term that ended (the roster keeps one secretary, the operator hands the role over).
        uow.calendar.add_part(PlanPart(branch_id=ids["home"], person_id=minh.person_id, message_id=1,
                                       text=PLAN_PIECE, received_at=NOW))
        await uow.commit()

    async with uow_factory() as uow:
        done = await privacy.erase(uow, minh, NOW)
    assert (done.by, done.plan_pieces_dropped) == ("self", 1)
    assert (await actor(uow_factory, zalo)).person_id is None and (await actor(uow_factory, MINH)).person_id is None
    async with uow_factory() as uow:
        person = await uow.session.get(Person, ids["minh_person"])
        assert (person.telegram_user_id, person.zalo_chat_id, person.channel) == (None, None, None)
        chats = [(c.zalo_user_id, c.zalo_chat_id, c.display_name) for c in await uow.session.scalars(select(ZaloChat))]
        assert chats == [(f"erased:{zalo_row(zalo)}", "", "")]  # blank, so the number is never anyone else's
        assert await uow.session.scalar(select(func.count(PlanPart.id))) == 0
        assert [k for k in await uow.session.scalars(select(DialogState.key)) if str(zalo) in k] == []
    assert await ZaloChats(sessionmaker).shown(zalo) is None  # the choices shown to them went too
    assert await ZaloChats(sessionmaker).target(zalo) is None  # nothing can be sent there any more
    # Writing to the bot again, they are a stranger with a new number.
    again = await ZaloChats(sessionmaker).key_for("zalo-user-minh-123", "chat-zalo-user-minh-123", "Minh", NOW)
    assert again != zalo and (await actor(uow_factory, again)).person_id is None

    after = json.dumps(await export_of(uow_factory, privacy.OPERATOR, person_id=ids["minh_person"]),
                       ensure_ascii=False)
    for gone in ("Minh", "zalo-user-minh-123", PLAN_PIECE, str(zalo)):
        assert gone not in after
