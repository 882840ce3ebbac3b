"""What the tiers share: the test clock, the people who talk to the bot (named, not magic numbers), the
branches tests build, and the steps a test takes through the bot (`tg`: the HTTP sandbox's client or the
handler tier's in-process one, which have the same interface)."""

import re
import socket
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, text, update

from bot.config import Settings
from bot.domain.calendar.model import CalendarTask
from bot.domain.review.levels import MemberLevel
from bot.domain.roster import parse_roster
from bot.services import onboarding, reminders, review, roster, supervision_admin
from bot.services.actor import load_actor
from bot.services.demo_supervision import BranchSpec, Stage, build_branch, link
from storage.models import Person
from storage.reminder_models import Reminder

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = NOW.astimezone(TZ).date()
SETTINGS = Settings(_env_file=None)


@dataclass
class Clock:
    """The bot's clock; tests move it to check expiries."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


# -- the people ----------------------------------------------------------------------------------------------
# Chi bộ Khu phố 7, as the tests build it (through the bot: create_branch; or by the use cases): its secretary
# Nguyễn Thị Lan, a member who joins by a link, someone who never joins, another branch's secretary.
SECRETARY, MEMBER, STRANGER, OTHER_SECRETARY = 501, 502, 504, 505
# Members of the branch who use the bot: Trần Văn Minh (the deputy), Lê Thị Hà, Phạm Văn Đức.
MINH, HA, DUC = 601, 602, 603
# The supervisors (đảng ủy viên phụ trách) of the supervision tests; the first also joins Khu phố 7 by its link.
SUPERVISOR, SUPERVISOR_NAME = 900, "Phan Văn Quang"
OTHER_SUPERVISOR, OTHER_SUPERVISOR_NAME = 901, "Đoàn Thị Kim"
# The superior unit's office (văn phòng cấp ủy cấp trên), and the secretary it makes a branch for.
UNIT_ADMIN, UNIT_ADMIN_NAME = 950, "Lê Văn Tâm"
NEW_SECRETARY = 960
# Hồ Văn Lợi, on the roster of the supervision world's branches (DONE's second), linked to Telegram where a test
# needs a member who hears the superior's decision.
LOI = 2001
# A second bot (another token) on the same database: its updates are numbered from its own start.
ANOTHER_BOT = "300000003:another-bot-token-not-a-secret"

# -- steps through the bot ----------------------------------------------------------------------------------

FIVE = """Trần Văn Minh, chính thức, 01/02/2011, phó bí thư
Lê Thị Hà, chính thức, 03/04/2012, chi ủy viên
Phạm Văn Đức, chính thức, 05/06/1996
Hoàng Thị Mai, dự bị, 07/08/2026
Vũ Văn Hùng, chính thức"""
LINK = re.compile(r"https://t\.me/chibo_sandbox_bot\?start=([\w-]+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def buttons(message: dict) -> dict[str, str]:
    """A message's inline buttons: text → callback data (or url)."""
    return {b["text"]: b.get("data") or b.get("url") for row in message["buttons"] for b in row}


async def create_branch(tg) -> None:
    await tg.send(SECRETARY, "/start", first_name="Lan")
    assert "tạo chi bộ" in (await tg.last_text(SECRETARY)).lower()
    await tg.click_button(SECRETARY, "Tạo chi bộ mới")
    assert "Tên chi bộ" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "Chi bộ Khu phố 7")
    await tg.click_button(SECRETARY, "Bỏ qua")
    assert "Họ và tên" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "Nguyễn Thị Lan")
    assert "Đã tạo Chi bộ Khu phố 7" in await tg.last_text(SECRETARY)


async def paste(tg, text: str) -> str:
    """The secretary pastes a roster (/nhapds); the bot's answer."""
    await tg.send(SECRETARY, "/nhapds")
    await tg.send(SECRETARY, text)
    return await tg.last_text(SECRETARY)


async def member_link(tg, name: str) -> str:
    """The invitation token of the roster's `name`, as the secretary gets it from the member's card."""
    await tg.send(SECRETARY, "/doanvien")
    await tg.click_button(SECRETARY, name)
    await tg.click_button(SECRETARY, "Link mời")
    return LINK.search(await tg.last_text(SECRETARY)).group(1)


async def last_answer(tg, user: int) -> str:
    """The text of the newest answer to a button `user` pressed (an alert or a toast)."""
    return (await tg.callback_answers(user))[-1]["text"]


async def forge(tg, user: int, data: str) -> str:
    """Presses a button that was never shown to `user`, on their last message; returns the alert."""
    await tg.click(user, (await tg.messages(user))[-1]["message_id"], data)
    return await last_answer(tg, user)




# -- Zalo: string ids, numbered replies --------------------------------------------------------------------
ZALO_SECRETARY = "zl-secretary-1"
# A member on Zalo, and the Telegram account she links to the same roster entry.
ZALO_MEMBER, ZALO_MEMBER_TELEGRAM = "zl-member-2", 9002
ZALO_CODE = re.compile(r"nhắn mã ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})")  # the invitation code a Zalo user types


def number_of(text: str, words: str) -> str:
    """The number a numbered list gives the choice with these words."""
    found = re.search(rf"^(\d+)\. [^\n]*{re.escape(words)}", text, re.MULTILINE)
    assert found, f"no numbered choice {words!r} in:\n{text}"
    return found.group(1)


async def zalo_branch(zl, user: str = ZALO_SECRETARY) -> None:
    """create_branch, on Zalo: the welcome's numbered choice, the button's words typed without diacritics."""
    welcome = await zl.answer_to(user, "/start", display_name="Lan")
    assert "<b>" not in welcome and "tạo chi bộ" in welcome.lower()
    assert "trên Zalo: nhắn cho tôi mã mời đi kèm link, dạng K7QM-2XPD-9RTA" in welcome
    assert welcome.endswith("1. 🏛 Tạo chi bộ mới\n👉 Nhắn số 1 để chọn.")
    asked = await zl.answer_to(user, number_of(welcome, "Tạo chi bộ mới"))
    assert "Tên chi bộ" in asked
    superior = await zl.answer_to(user, "Chi bộ Khu phố 7")
    assert number_of(superior, "Bỏ qua") == "1"
    assert "Họ và tên" in await zl.answer_to(user, "bo qua")  # the button's words, without diacritics
    assert "Đã tạo Chi bộ Khu phố 7" in await zl.answer_to(user, "Nguyễn Thị Lan")


# -- a person's data ----------------------------------------------------------------------------------------
ERASED_PLACEHOLDER = "Đảng viên đã xoá dữ liệu"  # how the roster names a member who erased their data


async def branch_with_member(tg) -> None:
    """Khu phố 7 with FIVE on its roster, Trần Văn Minh linked as MEMBER."""
    await create_branch(tg)
    await paste(tg, FIVE)
    token = await member_link(tg, "Trần Văn Minh")
    await tg.send(MEMBER, f"/start {token}", first_name="Minh")


async def card_data(tg, name: str) -> dict[str, str]:
    """The secretary's member card buttons for `name`: label → callback data."""
    await tg.send(SECRETARY, "/doanvien")
    await tg.click_button(SECRETARY, name)
    return buttons((await tg.messages(SECRETARY))[-1])


# -- the review -------------------------------------------------------------------------------------------------
# A 12-member branch: 10 full members (one the secretary, who is not in the paste), 2 probationary (one admitted
# 4 months before the meeting, who does not review).
REVIEW_ROSTER = """Trần Văn Minh, chính thức, 01/02/2011, phó bí thư
Lê Thị Hà, chính thức, 03/04/2012, chi ủy viên
Phạm Văn Đức, chính thức, 05/06/1996
Hoàng Thị Mai, chính thức, 07/08/2005
Vũ Văn Hùng, chính thức, 09/10/2008
Đặng Thị Ngọc, chính thức, 11/12/2010
Bùi Văn Tư, chính thức, 13/01/2000
Đỗ Thị Hương, chính thức, 15/02/2015
Ngô Văn Phúc, chính thức, 17/03/2018
Dương Thị Thảo, dự bị, 20/08/2026
Lý Văn Khoa, dự bị, 10/03/2026"""


async def last(tg) -> dict:
    """The secretary's newest message from the bot."""
    return (await tg.messages(SECRETARY))[-1]


async def open_member(tg, name: str) -> None:
    """From the review's walkthrough, the member's own page."""
    await tg.click_button(SECRETARY, "Đảng viên (tự kiểm điểm")
    await tg.click_button(SECRETARY, name)


async def until_item(tg, title: str) -> str:
    """The live meeting moved on ("Mục tiếp") until its item `title`; that screen's text."""
    for _ in range(60):
        text = await tg.last_text(SECRETARY)
        if title in text.split("\n")[1]:
            return text
        await tg.click_button(SECRETARY, "Mục tiếp")
    raise AssertionError(f"no agenda item {title!r}")


async def vote_member(tg, name: str, level: str, counts: str) -> str:
    """In the meeting's vote screen: the member, the level, the counts typed; the bot's verdict on the vote."""
    await tg.click_button(SECRETARY, name)
    await tg.click_button(SECRETARY, level)
    await tg.send(SECRETARY, counts)
    return (await tg.messages(SECRETARY))[-2]["text"]


# -- branches built by the use cases ---------------------------------------------------------------------------
# The outbox's tests plan at 10:00 in Hà Nội on 25/11.
REMINDER_NOW = datetime(2026, 11, 25, 3, tzinfo=UTC)


async def branch_with_leaders(uow_factory, now: datetime = REMINDER_NOW):
    """Khu phố 7 whose secretary and deputy (Minh) use the bot, and one member who does too (Hà); the secretary."""
    async with uow_factory() as uow:
        await onboarding.create_branch(uow, telegram_user_id=SECRETARY, full_name="Nguyễn Thị Lan",
                                       branch_name="Chi bộ Khu phố 7", superior_unit=None, now=now)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        lines = "Trần Văn Minh, chính thức, 01/02/2011, phó bí thư\nLê Thị Hà, chính thức"
        await roster.add_members(uow, secretary, parse_roster(lines, now.date()).accepted, now)
    await link_telegram(uow_factory, {"Trần Văn Minh": MINH, "Lê Thị Hà": HA})
    async with uow_factory() as uow:
        return await load_actor(uow, SECRETARY)


async def link_telegram(uow_factory, people: dict[str, int]) -> None:
    """Roster entries (by full name) linked to Telegram accounts, as opening an invitation would."""
    async with uow_factory() as uow:
        for name, user_id in people.items():
            await uow.session.execute(update(Person).where(Person.full_name == name).values(telegram_user_id=user_id))
        await uow.commit()


async def reminder_rows(uow_factory, *where) -> list[Reminder]:
    """The outbox's rows, by send time."""
    async with uow_factory() as uow:
        found = list(await uow.session.scalars(select(Reminder).where(*where).order_by(Reminder.send_at, Reminder.id)))
        uow.session.expunge_all()  # readable after the unit of work closes
        return found


async def plan(uow_factory, actor, now: datetime = REMINDER_NOW):
    """The actor's branch planned into the outbox."""
    async with uow_factory() as uow:
        return await reminders.plan_branch(uow, actor.home.branch_id, now, SETTINGS)


# An assessment sheet (QĐ 366) every figure of which is filled.
FULL_SHEET = {"common": 27, "results": 65, "tasks_total": 10, "tasks_done": 10, "tasks_on_time": 10,
              "tasks_exceeded": 4}


async def assessment_branch(uow_factory, year: int = 2026):
    """Secretary Lan, member Hà (uses the bot), member Đức (no phone); a review of `year` with its meeting date."""
    async with uow_factory() as uow:
        await onboarding.create_branch(uow, telegram_user_id=SECRETARY, full_name="Nguyễn Thị Lan",
                                       branch_name="Chi bộ Khu phố 7", superior_unit=None, now=REMINDER_NOW)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        lines = "Lê Thị Hà, chính thức, 03/04/2012\nPhạm Văn Đức, chính thức, 05/06/1996"
        await roster.add_members(uow, secretary, parse_roster(lines, REMINDER_NOW.date()).accepted, REMINDER_NOW)
    await link_telegram(uow_factory, {"Lê Thị Hà": HA})
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        started = await review.start_review(uow, secretary, year, REMINDER_NOW)
        await review.set_meeting(uow, secretary, at=datetime(year, 12, 20, 8, tzinfo=SETTINGS.tz), place=None,
                                 now=REMINDER_NOW)
        ids = {m.person.full_name: m.id for m in await uow.branches.roster(secretary.home.branch_id)}
    return started, ids


# -- the supervision world (bot.services.demo_supervision) ------------------------------------------------------
# Three branches in different states, as the supervisor sees them; and one she does not supervise.
DONE = BranchSpec("Chi bộ An Phú", (911, "Trương Thị Bích"),
                  ("Hồ Văn Lợi", "Mai Thị Xuân", "Tạ Văn Sơn", "Kiều Thị Yến"), Stage.REPORTED,
                  meeting_in_days=-6, self_reviews=5, branch_score=93,
                  levels=(MemberLevel.HTTNV, MemberLevel.HTTNV, MemberLevel.HTNV, MemberLevel.HTTNV,
                          MemberLevel.KHTNV))
COLLECTING = BranchSpec("Chi bộ Bình Minh", (912, "Đinh Văn Toàn"),
                        ("Phùng Thị Lụa", "Tôn Văn Bình", "Giang Thị Mận", "Khúc Văn Tài", "Ông Thị Huệ"),
                        Stage.COLLECTING, meeting_in_days=10, self_reviews=2, overdue_tasks=1)
NO_DATE = BranchSpec("Chi bộ Cửu Long", (913, "Lạc Thị Phương"), ("Âu Văn Cường", "Thân Thị Dung", "Văn Đức Long"),
                     Stage.STARTED, overdue_tasks=2)
OTHER = BranchSpec("Chi bộ Đồng Tâm", (914, "Nghiêm Văn Thành"), ("Viên Thị Trang", "Mạc Văn Quý"), Stage.NONE)
THREE = (DONE, COLLECTING, NO_DATE)


async def three_branches(uow_factory, now: datetime = NOW) -> dict[str, int]:
    """The three supervised branches and the other one, by the use cases; returns branch ids by name."""
    ids = {}
    for spec in (*THREE, OTHER):
        async with uow_factory() as uow:
            ids[spec.name] = await build_branch(uow, spec, None, now, TZ)
    async with uow_factory() as uow:
        await supervision_admin.person_by_chat(uow, SUPERVISOR, SUPERVISOR_NAME, now)
        await link(uow, SUPERVISOR, [ids[s.name] for s in THREE], now)
    return ids


SUPERVISED_ROSTER = """Trần Văn Minh, chính thức, 01/02/2011, phó bí thư
Lê Thị Hà, chính thức, 03/04/2012
Phạm Văn Đức, chính thức, 05/06/1996"""


async def supervised_through_the_bot(tg, uow_factory) -> dict[str, int]:
    """Khu phố 7 made in the bot (review started, meeting set), the supervisor joining through its secretary's
    link; An Phú done and Cửu Long without a meeting date built by the use cases; Đồng Tâm not hers."""
    await create_branch(tg)
    await paste(tg, SUPERVISED_ROSTER)
    await tg.send(SECRETARY, "/kiemdiem 2026")
    await tg.click_button(SECRETARY, "Đặt ngày hội nghị")
    await tg.send(SECRETARY, "20/12/2026 08:00, Hội trường khu phố 7")
    await tg.send(SECRETARY, "/moigiamsat")
    token = LINK.search(await tg.last_text(SECRETARY)).group(1)
    await tg.send(SUPERVISOR, f"/start {token}", first_name=SUPERVISOR_NAME)
    assert "đảng ủy viên phụ trách Chi bộ Khu phố 7" in await tg.last_text(SUPERVISOR)
    ids = {}
    for spec in (DONE, NO_DATE, OTHER):
        async with uow_factory() as uow:
            ids[spec.name] = await build_branch(uow, spec, None, NOW, TZ)
        await tg.send(spec.secretary[0], "/start")  # the secretaries have opened the bot
    async with uow_factory() as uow:
        await link(uow, SUPERVISOR, [ids[DONE.name], ids[NO_DATE.name]], NOW)
    return ids



# -- the calendar -------------------------------------------------------------------------------------------


def task(
    id: int,
    start: date | None = None,
    due: date | None = None,
    *,
    recurrence: str | None = None,
    condition: str | None = None,
    done: bool = False,
    branch: bool = True,
) -> CalendarTask:
    """Calendar task `id` ("việc <id>"), the branch's or the district's."""
    return CalendarTask(
        id=id,
        text=f"việc {id}",
        owner="Chi bộ" if branch else "Đảng ủy",
        is_branch_task=branch,
        start=start,
        due=due,
        recurrence=recurrence,
        condition=condition,
        time_text="",
        done=done,
    )


# -- what is stored -----------------------------------------------------------------------------------------

STORED_TABLES = ("plan", "task", "plan_import", "membership", "person", "audit_log")


async def stored(engine) -> dict[str, int]:
    """The rows of the tables a refused file or paste must leave alone, counted."""
    async with engine.connect() as connection:
        return {t: (await connection.execute(text(f'SELECT count(*) FROM "{t}"'))).scalar_one() for t in STORED_TABLES}


async def scalar(engine, sql: str):
    """One value a query reads."""
    async with engine.connect() as connection:
        return (await connection.execute(text(sql))).scalar_one()
