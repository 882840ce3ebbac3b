"""A branch of 150 members, as a large ward branch has, and a supervisor over 60 branches: every list stays within
Telegram's message limit (which the handler tier's recording session enforces as Telegram does), page by page."""

import re
from dataclasses import replace

from sqlalchemy import text

from bot.domain.review.levels import MemberLevel as L
from bot.services import supervision_admin
from bot.services.actor import load_actor
from bot.services.demo_supervision import BranchSpec, Stage, assess, build_branch, confirm, link
from handlers.callbacks import AssessAction, AssessCb, BallotAction, BallotAdmin, ReviewAction, ReviewCb
from handlers.review_decision import DecisionAction, DecisionCb
from handlers.supervisor import SupervisorAction, SupervisorCb
from tests.helpers import NOW, SECRETARY, SUPERVISOR, SUPERVISOR_NAME, TZ, buttons, create_branch, forge, paste

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
        await supervision_admin.person_by_chat(uow, SUPERVISOR, SUPERVISOR_NAME, NOW)
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


# --- the review of a branch of 150 ---------------------------------------------------------------------------

REVIEWER = 1500  # the big branch's secretary
BIG = BranchSpec("Chi bộ Khu phố 7", (REVIEWER, "Nguyễn Thị Lan"), tuple(NAMES[:149]), Stage.COLLECTING,
                 self_reviews=30)


async def page_through(tg, user: int, pages: int, entry: str) -> tuple[list[dict], list[str]]:
    """Every page of the list on the user's last message, ▶️ by ▶️; each page drawn in place of the last. Returns
    the pages as shown, and the entries of all pages (lines matching `entry`)."""
    shown, entries = [], []
    for page in range(1, pages + 1):
        if page > 1:
            before = len(await tg.messages(user))
            await tg.click_button(user, "Sau ▶️")
            assert len(await tg.messages(user)) == before  # in place
        last = (await tg.messages(user))[-1]
        assert len(last["text"]) <= 4096 and f"trang {page}/{pages}" in last["text"].lower()
        assert sum(len(row) for row in last["buttons"]) <= 100
        assert ("Sau ▶️" in buttons(last)) == (page < pages) and ("◀️ Trước" in buttons(last)) == (page > 1)
        shown.append(last)
        entries += re.findall(entry, last["text"], flags=re.MULTILINE)
    return shown, entries


async def test_the_review_of_150_members_lists_them_in_pages_and_sends_long_results_in_pieces(tg, uow_factory):
    async with uow_factory() as uow:
        await build_branch(uow, BIG, None, NOW, TZ)
    await tg.send(REVIEWER, "/start")
    await tg.send(REVIEWER, "/buoc")
    assert len(await tg.last_text(REVIEWER)) <= 4096

    # The members' self-reviews and residence comments: 8 pages of 20, each member once.
    await tg.click_button(REVIEWER, "👥 Đảng viên")
    _, entries = await page_through(tg, REVIEWER, 8, r"^(\d+)\. (.+?): ")
    assert [int(n) for n, _ in entries] == list(range(1, 151))
    assert sorted(name for _, name in entries) == sorted([BIG.secretary[1], *NAMES[:149]])
    answer = await forge(tg, REVIEWER, ReviewCb(act=ReviewAction.MEMBERS_PAGE, n=8).pack())
    assert answer == "Danh sách không có trang này (hiện có 8 trang). Hãy mở lại danh sách."
    await tg.click_button(REVIEWER, NAMES[148])  # the last page's member opens
    assert NAMES[148] in await tg.last_text(REVIEWER)

    # The reminder names the first 30 of the 149 it could not reach, and how many more.
    await tg.send(REVIEWER, "/buoc")
    await tg.click_button(REVIEWER, "🔔 Nhắc người còn thiếu")
    reminded = await tg.last_text(REVIEWER)
    assert len(reminded) <= 4096 and "và 119 đồng chí khác." in reminded

    # The assessment sheets: the branch's and 150 members', 8 pages.
    async with uow_factory() as uow:
        secretary = await load_actor(uow, REVIEWER)
        roster = [m.id for m in await uow.branches.roster(secretary.home.branch_id)]
        await assess(uow, secretary, {m: (L.HTTNV, L.HTXSNV, L.HTNV)[n % 3] for n, m in enumerate(roster)}, NOW)
    await tg.click(REVIEWER, (await tg.messages(REVIEWER))[-1]["message_id"], AssessCb(act=AssessAction.LIST).pack())
    _, sheets = await page_through(tg, REVIEWER, 8, r"^✅ (.+)$")
    assert sorted(sheets) == sorted([BIG.secretary[1], *NAMES[:149]])  # checked, each once

    # The secret ballot's screen: 15 pages of 10; a pick redraws the page it was made on.
    await tg.click(REVIEWER, (await tg.messages(REVIEWER))[-1]["message_id"],
                   ReviewCb(act=ReviewAction.START_CONFIRMED).pack())
    assert "Hội nghị kiểm điểm — mục 1/" in await tg.last_text(REVIEWER)

    # Whom to pick as the meeting's secretary, and whose vote to record: those present, 8 pages of 20 buttons.
    everyone = sorted([BIG.secretary[1], *NAMES[:149]])
    live = (await tg.messages(REVIEWER))[-1]
    for opens in (ReviewAction.SECRETARY, ReviewAction.VOTE):  # ✍️ Thư ký, and 🗳 as the members' ballot item has it
        await tg.click(REVIEWER, live["message_id"], ReviewCb(act=opens).pack())
        picked = []
        for page in range(1, 9):
            if page > 1:
                await tg.click_button(REVIEWER, "Sau ▶️")
            last = (await tg.messages(REVIEWER))[-1]
            assert f"trang {page}/8" in last["text"], opens
            picked += [name for name in buttons(last) if name not in ("◀️ Trước", "Sau ▶️")]
        assert sorted(picked) == everyone, opens
    await tg.click(REVIEWER, (await tg.messages(REVIEWER))[-1]["message_id"],
                   BallotAdmin(act=BallotAction.SECRET).pack())
    screens, proposed = await page_through(tg, REVIEWER, 15, r"^• (.+?): «")
    assert "Phiếu kín cho 150/150 đồng chí — trang 1/15" in screens[0]["text"]
    assert sorted(proposed) == sorted([BIG.secretary[1], *NAMES[:149]])
    await tg.click_button(REVIEWER, "◀️ Trước")
    await tg.click_button(REVIEWER, f"☑️ {NAMES[138]}")  # on page 14: left out of the ballot
    screen = (await tg.messages(REVIEWER))[-1]["text"]
    assert "Phiếu kín cho 149/150 đồng chí — trang 14/15" in screen
    assert f"Không bỏ phiếu kín lần này:\n• {NAMES[138]}" in screen

    # Opened: 149 tickets to the one voter in the bot; the 148 others not in the bot named 30 and counted.
    await tg.click_button(REVIEWER, "📨 Mở phiếu kín (đóng bằng nút)")
    opened = await tg.last_text(REVIEWER)
    assert "Đã gửi phiếu kín cho 1 đồng chí." in opened and "và 119 đồng chí khác." in opened
    assert len(opened) <= 4096

    # Closed: the 149 results come in pieces within the limit, each member once; so do the results so far.
    await tg.click_button(REVIEWER, "🔒 Đóng phiếu")
    before = len(await tg.messages(REVIEWER))
    await tg.click_button(REVIEWER, "🔒 Đúng, đóng phiếu và kiểm phiếu")
    closed = [m["text"] for m in (await tg.messages(REVIEWER))[before:]]
    assert len(closed) > 1 and all(len(text) <= 4096 for text in closed)
    assert closed[0].startswith("🔒 Đã đóng phiếu kín: 0/150 đồng chí đã bỏ phiếu.")
    counted = re.findall(r"^• (.+?) — mức «", "\n".join(closed), flags=re.MULTILINE)
    assert sorted(counted) == sorted(set([BIG.secretary[1], *NAMES[:149]]) - {NAMES[138]})
    before = len(await tg.messages(REVIEWER))
    await tg.click(REVIEWER, (await tg.messages(REVIEWER))[-1]["message_id"],
                   ReviewCb(act=ReviewAction.RESULTS).pack())
    results = [m["text"] for m in (await tg.messages(REVIEWER))[before:]]
    assert len(results) > 1 and all(len(text) <= 4096 for text in results)
    numbers = re.findall(r"^(\d+)\. ", "\n".join(results), flags=re.MULTILINE)
    assert [int(n) for n in numbers] == list(range(1, 150))  # the member left out of the ballot has no result


async def test_the_superior_decides_150_proposals_in_pages_and_the_notices_fit_a_message(tg, uow_factory, engine):
    met = replace(BIG, stage=Stage.MET, meeting_in_days=-2, self_reviews=0,
                  levels=tuple((L.HTTNV, L.HTNV, L.HTTNV)[n % 3] for n in range(150)))
    async with uow_factory() as uow:
        branch_id = await build_branch(uow, met, None, NOW, TZ)
        await supervision_admin.person_by_chat(uow, SUPERVISOR, SUPERVISOR_NAME, NOW)
        await link(uow, SUPERVISOR, [branch_id], NOW)
    await tg.send(REVIEWER, "/start")
    await tg.send(SUPERVISOR, "/tinhhinh")
    assert "⚖️ Chờ cấp trên quyết định: 150 đảng viên ở 1 chi bộ; xếp loại của 1 chi bộ" in await tg.last_text(
        SUPERVISOR)
    await tg.click_button(SUPERVISOR, "🔎 1. Chi bộ Khu phố 7")
    review = (await tg.messages(SUPERVISOR))[-2]
    assert len(review["text"]) <= 4096 and "Quyết định của cấp trên: 0/151 mức đã chính thức" in review["text"]

    # The 151 proposals (150 members and the branch), 8 a page: 19 pages, each proposal once.
    await tg.click_button(SUPERVISOR, "⚖️ Quyết định xếp loại (151 chờ)")
    _, proposals = await page_through(tg, SUPERVISOR, 19, r"^(\d+)\. (.+?) — đề xuất «")
    assert [int(n) for n, _ in proposals] == list(range(1, 152))
    assert sorted(name for _, name in proposals) == sorted([BIG.secretary[1], *NAMES[:149], "Tập thể chi bộ"])
    answer = await forge(tg, SUPERVISOR, DecisionCb(act=DecisionAction.PAGE, b=branch_id, m=19).pack())
    assert answer == "Danh sách không có trang này (hiện có 19 trang). Hãy mở lại danh sách."

    # Everything at once: the question names 20 and counts the rest; the secretary's notice fits one message.
    await tg.click_button(SUPERVISOR, "Xác nhận tất cả đề xuất còn lại")
    ask = await tg.last_text(SUPERVISOR)
    assert len(ask) <= 4096 and "cho 151 đề xuất còn lại" in ask and "… và 131 đề xuất khác" in ask
    await tg.click_button(SUPERVISOR, "✅ Đồng ý, xác nhận tất cả")
    confirmed, board = (await tg.messages(SUPERVISOR))[-2:]
    assert "Đã xác nhận 151 đề xuất" in confirmed["text"] and "✅ Đã quyết định tất cả đề xuất." in board["text"]
    async with engine.connect() as connection:
        notices = (await connection.execute(text("SELECT chat_id, text FROM reminder WHERE kind = 'decision'"))).all()
    [(chat, notice)] = notices  # the members are not in the bot: only the secretary is told
    assert chat == REVIEWER and len(notice) <= 4096 and "… và 131 mức khác." in notice
    await tg.send(REVIEWER, "/buoc")
    buoc = await tg.last_text(REVIEWER)
    assert len(buoc) <= 4096 and "151/151 mức đã chính thức" in buoc and "✅ … và 131 mức khác." in buoc
