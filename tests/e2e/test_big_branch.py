"""A branch of 150 members, as a large ward branch has, and a supervisor over 60 branches: every list stays within
Telegram's message limit."""

import re

from bot.domain.review.levels import MemberLevel as L
from bot.services import supervision_admin
from bot.services.actor import load_actor
from bot.services.demo_supervision import BranchSpec, Stage, build_branch, confirm, link
from handlers.supervisor import SupervisorAction, SupervisorCb
from tests.conftest import NOW
from tests.e2e.chat import buttons
from tests.e2e.test_onboarding import SECRETARY, create_branch, paste
from tests.e2e.test_supervisor import forge
from tests.integration.test_supervision import TZ

GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga", "Oanh", "Phúc", "Quang",
         "Sơn", "Tâm"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
NAMES = [f"{family} Văn {given}" for family in FAMILY for given in GIVEN]  # 150 distinct names


def rows(names: list[str]) -> str:
    """As copied from the branch's spreadsheet: a header row, an STT column, tabs between the cells."""
    header = "STT\tHọ và tên\tTình trạng\tNgày vào Đảng"
    return "\n".join([header, *(f"{n}\t{name}\tchính thức\t01/02/2010" for n, name in enumerate(names, 1))])


async def test_a_roster_of_150_pages_within_the_limit_and_every_member_can_be_opened(tg):
    await create_branch(tg)
    assert "Đã thêm 100 đảng viên" in await paste(tg, rows(NAMES[:100]))
    assert "Đã thêm 50 đảng viên" in await paste(tg, rows(NAMES[100:]))

    await tg.send(SECRETARY, "/doanvien")
    first = (await tg.messages(SECRETARY))[-1]
    assert "Đảng viên: 151 (151 chính thức, 0 dự bị)" in first["text"]
    assert len(first["text"]) <= 4096 and "Trang 1/8" in first["text"]
    shown = [name for name in NAMES if name in first["text"]]
    assert len(shown) == 19  # the page's 20 entries: the secretary and 19 members

    seen = set(shown)
    for page in range(2, 9):
        await tg.click_button(SECRETARY, "Sau ▶️")
        text = await tg.last_text(SECRETARY)
        assert len(text) <= 4096 and f"Trang {page}/8" in text
        on_page = {name for name in NAMES if f". {name} —" in text}
        assert on_page and not on_page & seen
        seen |= on_page
    assert seen == set(NAMES)
    last = (await tg.messages(SECRETARY))[-1]
    assert "151. " in last["text"]
    member = next(b for b in buttons(last) if "Văn Tâm" in b)
    await tg.click_button(SECRETARY, member)
    assert member.removeprefix("○ ") in await tg.last_text(SECRETARY)


# --- a supervisor over 60 branches, as a ward's party committee has ------------------------------------------

SUPERVISOR = 900
MEMBERS = ("Trần Văn Hải", "Lê Thị Thu", "Phạm Văn Long")
# A fifth of the branches in each state; the names longer than a line (the summary shortens them to 60).
STATES = (Stage.NONE, Stage.STARTED, Stage.COLLECTING, Stage.MET, Stage.REPORTED)


def ward_branch(n: int) -> BranchSpec:
    stage = STATES[n % len(STATES)]
    return BranchSpec(
        f"Chi bộ Khu dân cư số {n:02d} — Đảng bộ phường Tân Định, quận 1, Thành phố Hồ Chí Minh",
        (3000 + n, f"Bí thư Chi bộ Số {n:02d}"), MEMBERS, stage,
        meeting_in_days=-3 if stage in (Stage.MET, Stage.REPORTED) else 10, self_reviews=1 + n % 4,
        levels=(L.HTTNV, L.HTTNV, L.HTNV, L.HTTNV), overdue_tasks=(3, 1, 0, 0, 0)[n % len(STATES)],
        # the reported branches' members decided: only the branch's own level awaits the superior
        confirmed=len(MEMBERS) + 1 if stage == Stage.REPORTED else 0)


async def ward(uow_factory) -> dict[int, str]:
    """60 branches supervised by one; their ids → the name's first words, unique and kept by the summary."""
    specs = [ward_branch(n) for n in range(1, 61)]
    ids = {}
    for spec in specs:
        async with uow_factory() as uow:
            ids[await build_branch(uow, spec, None, NOW, TZ)] = spec.name.split(" — ")[0]
    async with uow_factory() as uow:
        await supervision_admin.person_by_telegram(uow, SUPERVISOR, "Phan Văn Quang", NOW)
        await link(uow, SUPERVISOR, list(ids), NOW)
        superior = await load_actor(uow, SUPERVISOR)
        for (branch_id, _), spec in zip(ids.items(), specs, strict=True):
            await confirm(uow, superior, branch_id, spec.confirmed, NOW, TZ)
    return ids


def opened(message: dict) -> dict[int, str]:
    """The page's 🔎 buttons: branch id → label."""
    return {SupervisorCb.unpack(data).b: text for text, data in buttons(message).items() if data.startswith("sv:open")}


def branch_lines(text: str) -> list[str]:
    """The page's entries, one string each (its numbered line and the indented lines under it)."""
    return re.findall(r"^\d+\. .*(?:\n   .*)*", text, flags=re.MULTILINE)


async def test_a_supervisor_of_60_branches_pages_through_them_in_place_with_the_totals_on_every_page(tg, uow_factory):
    ids = await ward(uow_factory)
    await tg.send(SUPERVISOR, "/tinhhinh")
    [summary] = await tg.messages(SUPERVISOR)
    text = summary["text"]
    assert "Tình hình kiểm điểm năm 2026 — 60 chi bộ" in text and "trang 1/6" in text
    totals = text[:text.index("Từng chi bộ")]
    assert "Chưa bắt đầu: 12 · Bước 1: 24 · Bước 2: 0 · Bước 3: 12 · Xong: 12" in totals
    assert "🎙 Đã họp: 24/60" in totals and "📨 Đã báo cáo: 12/60" in totals
    # 12 met branches: their 4 members and their own level; 12 reported ones: only their own level.
    assert "⚖️ Chờ cấp trên quyết định: 48 đảng viên ở 12 chi bộ; xếp loại của 24 chi bộ" in totals
    behind = re.search(r"Có việc trễ hạn: (\d+)/60 chi bộ \((\d+) mục kiểm điểm trễ, 48 việc quá hạn", totals)

    seen: dict[int, str] = {}
    entries: list[str] = []
    for page in range(1, 7):
        if page > 1:
            await tg.click_button(SUPERVISOR, "Sau ▶️")
        [shown] = await tg.messages(SUPERVISOR)  # redrawn in place: still one message
        assert len(shown["text"]) <= 4096 and f"trang {page}/6" in shown["text"]
        assert shown["text"].startswith(totals)  # the same totals on every page
        on_page = opened(shown)
        assert len(on_page) == 10 and not on_page.keys() & seen.keys()
        for branch_id in on_page:
            assert shown["text"].count(ids[branch_id] + " —") == 1
        seen |= on_page
        entries += branch_lines(shown["text"])
        assert ("Sau ▶️" in buttons(shown)) == (page < 6) and ("◀️ Trước" in buttons(shown)) == (page > 1)
    assert seen.keys() == ids.keys()  # every branch once, across the pages, numbered 1 to 60
    assert [int(label.split(".")[0].removeprefix("🔎 ")) for label in seen.values()] == list(range(1, 61))
    assert [int(e.split(".")[0]) for e in entries] == list(range(1, 61))

    # The totals are the sums of what the pages show branch by branch.
    assert sum(". ⚠️ " in e for e in entries) == int(behind.group(1))
    assert sum(int(n) for e in entries for n in re.findall(r"⏰ (\d+) việc quá hạn", e)) == 48
    assert sum(int(n) for e in entries for n in re.findall(r"Chờ quyết định: (\d+) đảng viên", e)) == 48
    assert sum("Chờ quyết định: " in e and "xếp loại chi bộ" in e for e in entries) == 24
    assert sum("Chưa bắt đầu kiểm điểm" in e for e in entries) == 12
    assert sum("🎙 đã họp" in e for e in entries) == 24 and sum("📨 đã báo cáo" in e for e in entries) == 12

    # Forged pages are refused in Vietnamese; the page shown stays as it was.
    for forged in (6, -1, 99):
        answer = await forge(tg, SUPERVISOR, SupervisorCb(act=SupervisorAction.PAGE, n=forged).pack())
        assert answer == "Danh sách không có trang này (hiện có 6 trang). Hãy mở lại danh sách."
    [shown] = await tg.messages(SUPERVISOR)
    assert "trang 6/6" in shown["text"]

    # Back from a branch returns to the page it was opened from.
    await tg.click_button(SUPERVISOR, "◀️ Trước")
    await tg.click_button(SUPERVISOR, "◀️ Trước")
    page_4 = opened((await tg.messages(SUPERVISOR))[0])
    await tg.click_button(SUPERVISOR, next(iter(page_4.values())))
    assert "— chỉ xem" in (await tg.messages(SUPERVISOR))[-2]["text"]
    await tg.click_button(SUPERVISOR, "⬅️ Tình hình chung")
    back = (await tg.messages(SUPERVISOR))[-1]
    assert "trang 4/6" in back["text"] and opened(back) == page_4
