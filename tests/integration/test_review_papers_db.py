"""The papers from rows stored by the real services (SQLite and PostgreSQL): what the loader
(bot/services/review_record.py) reads is what was recorded, and each contradiction of issue 12 point 7 is gone.

A branch of 9: the secretary, the deputy, a committee member, five members (one absent with a reason, one never
voted on) and a probationary member admitted three months before the meeting. Residence comments came in for
everyone who reviews, two named feedbacks were answered; the meeting starts at 00:30 local time (17:30 UTC the
day before) and its secretary is the committee member.
"""

import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from bot.domain.review.levels import MemberLevel
from bot.domain.roster import Role, Status
from bot.services import (
    privacy,
    review,
    review_assessment,
    review_collect,
    review_documents,
    review_meeting,
    supervision,
    supervision_admin,
)
from bot.services.actor import load_actor
from bot.services.demo_supervision import link
from bot.services.errors import ServiceError
from bot.services.review_meeting import BRANCH, COMMITTEE_REPORT, Counts
from bot.services.review_progress import progress
from storage.models import Branch, Membership, Person

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SECRETARY_TG, SUPERVISOR_TG = 700, 900
PLANNED = datetime(2026, 12, 20, 8, 0, tzinfo=TZ)
STARTED = datetime(2026, 12, 20, 17, 30, tzinfo=UTC)  # 00:30 on 21/12 local: later than planned, another day
PREPARED = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
VENUE = "Hội trường khu phố 7"
PEOPLE = [  # name, role, status, admitted
    ("Nguyễn Thị Lan", Role.SECRETARY, Status.FULL, date(2001, 5, 1)),
    ("Trần Văn Minh", Role.DEPUTY, Status.FULL, date(2005, 3, 2)),
    ("Lê Thị Hà", Role.COMMITTEE, Status.FULL, date(2010, 7, 3)),
    ("Phạm Văn Đức", Role.MEMBER, Status.FULL, date(1996, 6, 5)),
    ("Hoàng Thị Mai", Role.MEMBER, Status.FULL, date(2005, 8, 7)),
    ("Vũ Văn Hùng", Role.MEMBER, Status.FULL, date(2008, 10, 9)),
    ("Ngô Văn Phúc", Role.MEMBER, Status.FULL, date(2018, 3, 17)),  # absent
    ("Bùi Văn Tư", Role.MEMBER, Status.FULL, date(2000, 1, 13)),  # never voted on
    ("Dương Thị Thảo", Role.MEMBER, Status.PROBATIONARY, date(2026, 9, 20)),  # under 6 months: does not review
]


async def branch_with_a_review(uow_factory, rule_set: str = "kh146_2014") -> dict[str, int]:
    async with uow_factory() as uow:
        branch = Branch(name="Chi bộ Khu phố 7", superior_unit="Đảng bộ phường Bến Thành", created_at=PREPARED)
        uow.branches.add(branch)
        for name, role, status, admitted in PEOPLE:
            uow.branches.add(Membership(
                branch=branch, role=role, status=status, admitted_on=admitted, created_at=PREPARED,
                person=Person(full_name=name, telegram_user_id=SECRETARY_TG if role == Role.SECRETARY else None,
                              created_at=PREPARED)))
        await uow.flush()
        uow.reminders.request_replan(branch.id, PREPARED)  # as every roster change does
        await uow.commit()
        ids = {m.person.full_name: m.id for m in await uow.branches.roster(branch.id)}
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY_TG)
        await review.start_review(uow, secretary, 2026, PREPARED)
        await review.set_rule_set(uow, secretary, rule_set, PREPARED)
        await review.set_meeting(uow, secretary, at=PLANNED, place=VENUE, now=PREPARED)
        for name, membership_id in ids.items():
            if name != "Dương Thị Thảo":
                await review_collect.mark(uow, secretary, membership_id, review_collect.Mark.RESIDENCE_RECEIVED,
                                          PREPARED, comment="Gương mẫu nơi cư trú." if name == "Vũ Văn Hùng" else None)
        for source, kind, about, content, answer in (
            ("Hội Cựu chiến binh khu phố 7", review_collect.FeedbackKind.ORGANISATION, None,
             "Đề nghị chi ủy sinh hoạt đúng giờ.", "Chi ủy tiếp thu, từ tháng 1 sinh hoạt đúng 19 giờ."),
            ("Đồng chí Lê Văn Tám", review_collect.FeedbackKind.PERSON, ids["Phạm Văn Đức"],
             "Đồng chí Đức cần tham gia sinh hoạt tổ dân phố.", "Đồng chí Đức tiếp thu."),
        ):
            feedback = await review_collect.add_feedback(uow, secretary, source=source, kind=kind,
                                                         about_membership_id=about, content=content, now=PREPARED)
            await review_collect.answer_feedback(uow, secretary, feedback.id, answer, PREPARED)
        await review_collect.add_feedback(  # the superior's review hints are not named feedback
            uow, secretary, source="Đảng ủy phường", kind=review_collect.FeedbackKind.SUPERIOR_HINT,
            about_membership_id=None, content="Gợi ý kiểm điểm: làm rõ trách nhiệm người đứng đầu.", now=PREPARED)
        await review_meeting.set_attendance(uow, secretary, ids["Ngô Văn Phúc"], present=False,
                                            reason="ốm, có báo cáo", now=PREPARED)
    return ids


async def hold_meeting(uow_factory, ids: dict[str, int], *, voted: bool = True) -> None:
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY_TG)
        await review_meeting.start_meeting(uow, secretary, STARTED)
        await review_meeting.set_secretary(uow, secretary, ids["Lê Thị Hà"], STARTED)
        if voted:
            await review_meeting.record_collective(uow, secretary, COMMITTEE_REPORT, Counts(7, 0, 0), STARTED)
            await review_meeting.record_collective(uow, secretary, BRANCH, Counts(6, 1, 0), STARTED, score=92)
            for name in ("Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thị Hà", "Phạm Văn Đức", "Hoàng Thị Mai",
                         "Vũ Văn Hùng"):
                await review_meeting.record_member(uow, secretary, ids[name], MemberLevel.HTTNV, Counts(6, 1, 0),
                                                   STARTED)
        await review_meeting.end_meeting(uow, secretary, STARTED + timedelta(hours=3))


def read(content: bytes) -> tuple[list[str], list[list[list[str]]]]:
    document = docx.Document(io.BytesIO(content))
    paragraphs = [Paragraph(p, document).text for p in document.element.body.iter(qn("w:p"))]
    return paragraphs, [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


async def the_papers(uow_factory, now: datetime, locality: str | None = "Phường Bến Thành") -> review_documents.Papers:
    """The papers, the locality answered first when the bot asks for it (None: left blank)."""
    async with uow_factory() as uow:
        actor = await load_actor(uow, SECRETARY_TG)
        if await review_documents.locality(uow, actor) is None:
            await review_documents.set_locality(uow, actor, locality, now)
    async with uow_factory() as uow:
        return await review_documents.documents(uow, await load_actor(uow, SECRETARY_TG), now, TZ)


async def test_the_papers_state_what_was_recorded(uow_factory):
    ids = await branch_with_a_review(uow_factory)
    await hold_meeting(uow_factory, ids)
    produced = await the_papers(uow_factory, STARTED + timedelta(days=2))
    files = {kind: content for kind, _, content in produced.files}
    assert [kind for kind, _, _ in produced.files] == ["minutes", "list", "report", "notice", "notice"]
    assert produced.withheld == ()
    minutes, minute_tables = read(files["minutes"])
    text = "\n".join(minutes)
    assert "Vào lúc 00:30 ngày 21/12/2026, tại Hội trường khu phố 7, Chi bộ Khu phố 7" in text
    assert "Có mặt: 8/9 đồng chí (7/8 đảng viên chính thức)" in text
    assert "- Thư ký hội nghị: đồng chí Lê Thị Hà, " not in text and "- Thư ký hội nghị: đồng chí Lê Thị Hà." in text
    assert "Chi bộ đã nhận được nhận xét của cấp ủy nơi cư trú đối với 8/8 đảng viên kiểm điểm." in text
    assert "- Đồng chí Vũ Văn Hùng: Gương mẫu nơi cư trú." in text
    assert "+ Đồng chí Ngô Văn Phúc: ốm, có báo cáo." in text
    assert "+ Đồng chí Bùi Văn Tư (Chính thức): Đã kiểm điểm, hội nghị chưa bỏ phiếu đánh giá, xếp loại" in text
    for paper in produced.files:  # the branch's locality, never the venue
        assert read(paper[2])[1][0][0][1].split("\n")[-1].startswith("Phường Bến Thành, ngày ")

    report = "\n".join(read(files["report"])[0])
    assert "Ngày 21/12/2026, Chi bộ Khu phố 7 đã tổ chức hội nghị" in report  # not the planned 20/12
    assert ("- Số đảng viên đã kiểm điểm tại hội nghị: 7 đồng chí (đã đánh giá, xếp loại: 6; chưa đánh giá, xếp "
            "loại: 1); số đảng viên không kiểm điểm tại hội nghị: 2 đồng chí.") in report
    assert "không nhận được ý kiến góp ý bằng văn bản" not in report
    feedback = next(t for t in read(files["report"])[1] if "Nơi góp ý" in t[0])
    assert [row[1:3] for row in feedback[1:]] == [["Hội Cựu chiến binh khu phố 7", "Tập thể chi ủy"],
                                                  ["Đồng chí Lê Văn Tám", "Phạm Văn Đức"]]
    listing = "\n".join(read(files["list"])[0])
    assert "số đảng viên được đánh giá, xếp loại: 6 đồng chí." in listing
    unclassified = next(t for t in read(files["list"])[1] if "Lý do" in t[0])
    assert [row[1] for row in unclassified[1:]] == ["Ngô Văn Phúc", "Dương Thị Thảo", "Bùi Văn Tư"]
    assert minute_tables[-1][0][0].split("\n")[-1] == "Lê Thị Hà"

    async with uow_factory() as uow:  # /buoc reads the same record
        p = await progress(uow, await load_actor(uow, SECRETARY_TG), manage=True)
    items = {i.key: (i.done, i.total) for s in p.steps for i in s.items}
    assert items["member_ballots"] == (6, 7) and items["residence_comments_in"] == (8, 8)
    assert items["named_feedback"] == (2, 0) and items["feedback_answered"] == (2, 2)
    assert p.record is not None and len(p.record.reviewed) == 7 and len(p.record.classified) == 6
    async with uow_factory() as uow:  # and so does the supervisor's drill-down, loaded for many branches at once
        branch_id = (await load_actor(uow, SECRETARY_TG)).home.branch_id
        await supervision_admin.person_by_chat(uow, SUPERVISOR_TG, "Phan Văn Quang", PREPARED)
        await link(uow, SUPERVISOR_TG, [branch_id], PREPARED)
        await uow.commit()
    async with uow_factory() as uow:
        view = await supervision.branch_view(uow, await load_actor(uow, SUPERVISOR_TG), branch_id, STARTED.date())
    assert {i.key: (i.done, i.total) for s in view.progress.steps for i in s.items} == items


async def test_a_meeting_with_no_votes_gets_no_papers_but_a_list_of_what_is_missing(uow_factory):
    ids = await branch_with_a_review(uow_factory)
    await hold_meeting(uow_factory, ids, voted=False)
    with pytest.raises(ServiceError) as refused:
        await the_papers(uow_factory, STARTED + timedelta(days=1))
    assert refused.value.code == "papers_incomplete"
    assert refused.value.params["missing"] == ["committee_report", "branch_ballot", "member_votes"]

    # reopened, the votes recorded, ended again: the papers come out, dated on the meeting's real start
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY_TG)
        await review_meeting.reopen_meeting(uow, secretary, STARTED + timedelta(days=1))
        await review_meeting.record_collective(uow, secretary, COMMITTEE_REPORT, Counts(7, 0, 0), STARTED)
        await review_meeting.record_collective(uow, secretary, BRANCH, Counts(6, 1, 0), STARTED, score=92)
        await review_meeting.record_member(uow, secretary, ids["Phạm Văn Đức"], MemberLevel.HTNV, Counts(5, 2, 0),
                                           STARTED + timedelta(days=1))
        await review_meeting.end_meeting(uow, secretary, STARTED + timedelta(days=1, hours=1))
    produced = await the_papers(uow_factory, STARTED + timedelta(days=2))
    minutes = "\n".join(read(produced.files[0][2])[0])
    assert "Vào lúc 00:30 ngày 21/12/2026" in minutes and "Hội nghị kết thúc lúc 01:30 ngày 22/12/2026." in minutes
    report = "\n".join(read(produced.files[2][2])[0])
    assert "Ngày 21/12/2026, Chi bộ Khu phố 7" in report
    assert "(đã đánh giá, xếp loại: 1; chưa đánh giá, xếp loại: 6)" in report


SHEET = {"common": 27, "results": 65, "tasks_total": 10, "tasks_done": 10, "tasks_on_time": 10, "tasks_exceeded": 4}


async def test_under_qd366_a_proposal_recorded_without_a_vote_is_told_apart_from_a_vote(uow_factory):
    """'Ghi đề xuất theo phiếu (không biểu quyết)' stores the counts 0/0/0 (handlers/review_assessment.py): the
    papers say no vote was held and give the sheet's line, where a vote held beside a sheet keeps its counts."""
    ids = await branch_with_a_review(uow_factory, "qd366_2025")
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY_TG)
        for subject in ("branch", f"member:{ids['Trần Văn Minh']}", f"member:{ids['Phạm Văn Đức']}"):
            await review_assessment.save_for(uow, secretary, subject, SHEET, None, PREPARED)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY_TG)
        await review_meeting.start_meeting(uow, secretary, STARTED)
        await review_meeting.record_collective(uow, secretary, COMMITTEE_REPORT, Counts(7, 0, 0), STARTED)
        branch_line = await review_meeting.branch_offer(uow, secretary)
        await review_meeting.record_collective(uow, secretary, BRANCH, None, STARTED)  # the button: no vote
        minh = await review_assessment.ballot_offer(uow, secretary, ids["Trần Văn Minh"])
        await review_meeting.record_member(uow, secretary, minh.membership_id, minh.level, Counts(0, 0, 0), STARTED)
        duc = await review_assessment.ballot_offer(uow, secretary, ids["Phạm Văn Đức"])
        await review_meeting.record_member(uow, secretary, duc.membership_id, duc.level, Counts(6, 1, 0), STARTED)
        await review_meeting.end_meeting(uow, secretary, STARTED + timedelta(hours=3))
    produced = await the_papers(uow_factory, STARTED + timedelta(days=1))
    minutes, minute_tables = read(produced.files[0][2])
    text, report = "\n".join(minutes), "\n".join(read(produced.files[2][2])[0])
    assert "0 tán thành" not in text and "0 tán thành" not in report
    assert ("- Hội nghị không biểu quyết xếp loại chi bộ; chi bộ đề xuất mức “Hoàn thành xuất sắc nhiệm vụ” theo "
            f"phiếu tự đánh giá, xếp loại: {branch_line}.") in text
    assert f"theo phiếu tự đánh giá, xếp loại ({branch_line})." in report
    rows = next(t for t in minute_tables if "Kết quả xếp loại" in t[0])
    by_name = {rows[i][1]: (rows[i], rows[i + 1][1]) for i in range(1, len(rows), 2)}
    row, basis = by_name["Trần Văn Minh"]
    assert row[4:7] == ["—", "—", "—"] and row[-1] == "Hoàn thành xuất sắc nhiệm vụ (đề xuất)"
    assert basis == f"Căn cứ: Không biểu quyết; đề xuất theo phiếu đánh giá: {minh.line}"
    row, basis = by_name["Phạm Văn Đức"]
    assert row[4:7] == ["6", "1", "0"] and "Không biểu quyết" not in basis


async def test_the_locality_is_asked_once_kept_on_the_branch_and_changeable(uow_factory):
    ids = await branch_with_a_review(uow_factory)
    await hold_meeting(uow_factory, ids)
    now = STARTED + timedelta(days=2)
    async with uow_factory() as uow:
        actor = await load_actor(uow, SECRETARY_TG)
        with pytest.raises(ServiceError) as asked:  # never asked: the papers wait for the locality
            await review_documents.documents(uow, actor, now, TZ)
        assert asked.value.code == "locality_missing"
        for bad in ("/huy", "   ", "P" * 101):
            with pytest.raises(ServiceError) as refused:
                await review_documents.set_locality(uow, actor, bad, now)
            assert refused.value.code == "bad_locality"
    async with uow_factory() as uow:
        assert await review_documents.locality(uow, await load_actor(uow, SECRETARY_TG)) is None  # nothing lost
    produced = await the_papers(uow_factory, now, locality=None)  # left blank by choice: kept, not asked again
    async with uow_factory() as uow:
        branch = await uow.branches.get((await load_actor(uow, SECRETARY_TG)).home.branch_id)
        assert branch.locality == ""
    for paper in produced.files:
        assert read(paper[2])[1][0][0][1].split("\n")[-1].startswith("……………, ngày ")
    async with uow_factory() as uow:
        actor = await load_actor(uow, SECRETARY_TG)
        assert await review_documents.set_locality(uow, actor, "  TP.  Hồ Chí Minh ", now) == "TP. Hồ Chí Minh"
    async with uow_factory() as uow:
        changed = await review_documents.documents(uow, await load_actor(uow, SECRETARY_TG), now, TZ)
        person = (await load_actor(uow, SECRETARY_TG)).person_id
        export = json.loads((await privacy.export_data(uow, privacy.OPERATOR, now, person_id=person)).content)
    for paper in changed.files:
        assert read(paper[2])[1][0][0][1].split("\n")[-1].startswith("TP. Hồ Chí Minh, ngày ")
    assert export["memberships"][0]["branch"]["locality"] == "TP. Hồ Chí Minh"
