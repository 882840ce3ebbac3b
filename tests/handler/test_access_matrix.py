"""The access matrix of docs/access.md, cell by cell.

Every command and every kind of button is used by each role — a stranger, a member, the deputy secretary,
the branch's secretary, the secretary of another branch and the branch's supervisor — through the real
dispatcher, fed in process (tests/handler). Buttons are pressed as a forger would press them: the callback data is sent
as-is on a message of the user's own chat, whether or not the bot ever showed it to them. A cell checks what
the user sees, that a refusal or a read changed nothing in the database (every table is compared), that a
refusal is logged with the user's id and what was refused, and that nothing crashed.

The world (the demo branch with its review under way, an open plan draft, another branch, a supervisor) is
built once per database backend; a cell that writes is undone by putting back the tables it changed, so every
cell starts from the same world. Forged button data (another branch's ids, cut, padded, garbage) has its own
tests at the end.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
)
from aiogram.methods.base import Response
from sqlalchemy import Table, select, text

import storage.reminder_models
import storage.review_models
import storage.supervision_models
from bot.config import Settings
from bot.domain.plans.structure import split_lines
from bot.domain.review.levels import MemberLevel
from bot.domain.roster import RosterEntry, Status
from bot.services import (
    demo,
    invitations,
    plan_import,
    review,
    review_assessment,
    review_ballot,
    review_meeting,
    review_progress,
    supervision_admin,
)
from bot.services import roster as roster_service
from bot.services.actor import load_actor
from bot.services.demo_supervision import build_branch, link
from handlers import setup_routers
from handlers.callbacks import (
    AssessAction,
    AssessCb,
    BallotAction,
    BallotAdmin,
    BallotCb,
    CalendarGo,
    CalendarNav,
    DraftAction,
    DraftCb,
    FeedbackAbout,
    FeedbackKindCb,
    Go,
    LevelCb,
    MemberAction,
    MemberCb,
    MemberRole,
    Nav,
    NewRole,
    NewStatus,
    PartsAction,
    PartsCb,
    PeriodCb,
    PrivacyAction,
    PrivacyCb,
    ProposeCb,
    ReviewAction,
    ReviewCb,
    RosterPage,
    RuleSetCb,
    TaskDone,
)
from handlers.commands import COMMANDS, Who
from handlers.reminders import KindToggle, QuietChoice, ReminderGo, ReminderNav
from handlers.review_decision import DecisionAction, DecisionCb
from handlers.supervisor import SupervisorAction, SupervisorCb, UnitAction, UnitCb
from handlers.unit_options import OptionAction, OptionCb
from storage.db import create_sessionmaker
from storage.models import Base
from storage.review_models import ReviewVote
from storage.uow import UnitOfWork
from tests.databases import BACKENDS, database_url, ready_engine
from tests.handler.telegram import TelegramInProcess, running
from tests.helpers import COLLECTING, NOW

pytestmark = pytest.mark.asyncio(loop_scope="module")

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ACCESS_MD = Path(__file__).resolve().parents[2] / "docs" / "access.md"
SAMPLE_PLAN = Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "ke_hoach_chi_bo_mau.txt"
# The bot's own bookkeeping (updates handled, dialogs open) is not what an access check protects.
RUNTIME_TABLES = frozenset({"handled_update", "dialog_state"})
_ = (storage.reminder_models, storage.review_models, storage.supervision_models)  # every table in Base.metadata
# aiogram reads each Bot API answer as Response[T]; pydantic caches such classes only weakly, so after a garbage
# collection the next call builds the class again (~10 ms of CPU). Kept alive here, the matrix runs in half the time.
RESPONSE_TYPES = [Response[m.__returning__] for m in (AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText,
                                                      SendDocument, SendMessage, SendPhoto)]


class Role(StrEnum):
    STRANGER = "stranger"
    MEMBER = "member"
    DEPUTY = "deputy"
    SECRETARY = "secretary"
    OTHER_SECRETARY = "other-secretary"
    SUPERVISOR = "supervisor"


ROLES = tuple(Role)
# The demo branch (Chi bộ Khu phố 3) is "this branch": 1001 its secretary, 1002 the deputy, 1004 a member.
# 912 runs Chi bộ Bình Minh; 903 supervises Khu phố 3 only; 1999 has never used the bot.
USERS = {Role.STRANGER: 1999, Role.MEMBER: 1004, Role.DEPUTY: 1002, Role.SECRETARY: 1001,
         Role.OTHER_SECRETARY: COLLECTING.secretary[0], Role.SUPERVISOR: 903}
SUPERVISOR_NAME = "Phan Văn Giám"
NEW_MEMBER = "Đinh Văn Long"  # added to this branch's roster, not linked to Telegram yet
# An assessment sheet (QĐ 366, 83 points) for the members of this branch who have none.
PAPERS_MISSING = "hồ sơ hội nghị còn thiếu"
SHEET = {"common": 25, "results": 58, "tasks_total": 10, "tasks_done": 10, "tasks_on_time": 10, "tasks_exceeded": 1}


# -- what a cell expects ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    kind: str  # read, write, ro (read-only), no (refused, logged), rule (refused by a business rule), na (stale)
    marker: str  # a piece of what the user sees
    offers: str = ""  # allowed: the prefix of a button that must be offered

    @property
    def symbol(self) -> str:
        """How docs/access.md writes this cell."""
        return {"read": "✅", "write": "✅", "ro": "👁", "no": "⛔️", "rule": "✖", "na": "n.a."}[self.kind]


def read(marker: str, offers: str = "") -> Expect:
    """Allowed; changes nothing."""
    return Expect("read", marker, offers)


def write(marker: str, offers: str = "") -> Expect:
    """Allowed; changes the database."""
    return Expect("write", marker, offers)


def ro(marker: str) -> Expect:
    """Read-only: shown, nothing changes, and no button that would change the branch is offered."""
    return Expect("ro", marker)


def no(marker: str) -> Expect:
    """Refused for this role, logged with the user's id; nothing changes."""
    return Expect("no", marker)


def rule(marker: str) -> Expect:
    """Refused by a rule of the domain, whoever asks: nothing changes."""
    return Expect("rule", marker)


# Buttons that change a branch: a read-only view offers none of them.
CHANGES = ("go:add", "go:paste", "go:invite_sup", "m:", "mr:", "pi:", "td:", "cg:add_task", "rv:", "fa:", "fk:",
           "rs:", "lv:", "pp:", "ba:", "un:", "pv:", "ad:")
STALE_TEXT = "Nút này không còn hiệu lực"
NA = Expect("na", STALE_TEXT)
NOT_SECRETARY = no("⛔️ Chỉ bí thư chi bộ mới làm được việc này")
NO_BRANCH = no("Bạn chưa thuộc chi bộ nào")
FOREIGN_MEMBER = no("⛔️ Đảng viên này không thuộc chi bộ của bạn")
FOREIGN_DRAFT = no("⛔️ Bản xem trước này không thuộc chi bộ của bạn")
FOREIGN_TASK = no("⛔️ Việc này không thuộc lịch chi bộ của bạn")
FOREIGN_FEEDBACK = no("⛔️ Góp ý này không thuộc chi bộ của bạn")
NOT_SUPERVISOR = no("⛔️ Chỉ đảng ủy viên phụ trách")
NOT_UNIT_ADMIN = no("⛔️ Chỉ văn phòng cấp ủy cấp trên")
NOT_SUPERIOR = no("⛔️ Chỉ đảng ủy viên phụ trách chi bộ (hoặc văn phòng cấp ủy cấp trên) mới quyết định xếp loại")
BALLOT_NOT_YOURS = no("⛔️ Phiếu này không thuộc chi bộ của đồng chí")
IN_A_BRANCH = rule("Bạn đã thuộc một chi bộ")
OTHER_PERSON = rule("không thể nhận link mời của người khác")
ONLY_SECRETARY = rule("❌ Không xoá được: đồng chí đang là bí thư duy nhất")
ERASE_SELF, ERASED_SELF = "Xoá dữ liệu cá nhân của đồng chí?", "Đã xoá dữ liệu cá nhân của đồng chí"



# -- the world ----------------------------------------------------------------------------------------------


@dataclass
class Ids:
    branch: int = 0
    other_branch: int = 0
    unit: int = 0
    new_member: int = 0  # this branch's unlinked member (roster buttons act on them)
    member: int = 0  # the member's own membership (review buttons act on them)
    draft: int = 0
    task: int = 0  # a plan task of this branch
    step_task: int = 0  # a review procedure task of this branch
    feedback: int = 0
    planned_day: int = 0  # yyyymmdd: the meeting day this branch's imported plan gives
    invite_token: str = ""
    other_member: int = 0  # a member of the other branch
    other_task: int = 0  # a task of the other branch
    tickets: dict[int, BallotCb] = field(default_factory=dict)  # user → their first ballot button


async def build_world(uows: Callable[[], UnitOfWork]) -> Ids:
    """The demo branch (review under way, a plan imported), an unlinked member with an invitation, an open
    draft, another branch collecting self-reviews, and a supervisor of the demo branch only."""
    ids = Ids()
    async with uows() as uow:
        await demo.load_demo(uow, NOW, TZ)
    async with uows() as uow:
        ids.other_branch = await build_branch(uow, COLLECTING, None, NOW, TZ)
    async with uows() as uow:
        secretary = await load_actor(uow, USERS[Role.SECRETARY])
        ids.branch = secretary.home.branch_id
        added = await roster_service.add_members(
            uow, secretary, [(1, RosterEntry(NEW_MEMBER, Status.FULL, None, roster_service.Role.MEMBER))], NOW)
        ids.new_member = added.added[0].membership_id
        invite = await invitations.invite_member(uow, secretary, ids.new_member, NOW,
                                                 timedelta(days=14))
        ids.invite_token = invite.token
        draft = await plan_import.read_plan(uow, secretary, lines=split_lines(SAMPLE_PLAN.read_text()),
                                            source_name="ke-hoach-07.txt", now=NOW)
        ids.draft = draft.id
        await supervision_admin.person_by_chat(uow, USERS[Role.SUPERVISOR], SUPERVISOR_NAME, NOW)
        await link(uow, USERS[Role.SUPERVISOR], [ids.branch], NOW)
    async with uows() as uow:
        secretary = await load_actor(uow, USERS[Role.SECRETARY])
        member = await load_actor(uow, USERS[Role.MEMBER])
        ids.member = member.home.membership_id
        ids.task = min(t.id for t in await uow.calendar.tasks(ids.branch) if t.plan_id is not None)
        p = await review_progress.progress(uow, secretary, manage=True)  # the new member joins the review
        ids.step_task = next(i.task_id for s in p.steps for i in s.items if i.task_id is not None)
        ids.feedback = (await uow.reviews.feedback(p.review_id))[0].id
        day = await review.planned_meeting_day(uow, secretary)
        ids.planned_day = int(day.strftime("%Y%m%d"))
        ids.unit = (await supervision_admin.find_unit(uow, demo.DEMO_SUPERIOR)).id
    await fill_sheets(uows)
    async with uows() as uow:
        other = await load_actor(uow, USERS[Role.OTHER_SECRETARY])
        await review_progress.progress(uow, other, manage=True)
        ids.other_member = max(m.id for m in await uow.branches.roster(ids.other_branch))
        ids.other_task = min(t.id for t in await uow.calendar.tasks(ids.other_branch))
    return ids


async def fill_sheets(uows: Callable[[], UnitOfWork]) -> None:
    """QĐ 366 classifies from assessment sheets: every member of both secretaries' branches who reviews and has
    none fills one (the member without the bot's by the secretary), so the meeting and the secret ballot can take
    everyone (the other branch's cells are the same actions on its own members)."""
    for role in (Role.SECRETARY, Role.OTHER_SECRETARY):
        async with uows() as uow:
            await _fill_sheets(uow, await load_actor(uow, USERS[role]))


async def _fill_sheets(uow: UnitOfWork, secretary) -> None:
    missing = [m for m in (await review_progress.progress(uow, secretary, manage=True)).members
               if m.assessment == "missing"]
    for m in missing:
        if m.telegram_user_id is None:
            await review_assessment.save_for(uow, secretary, review_assessment.member_subject(m.membership_id),
                                             SHEET, None, NOW)
        else:
            await review_assessment.save_own(uow, await load_actor(uow, m.telegram_user_id), SHEET, None, NOW)


async def start_meetings(uows: Callable[[], UnitOfWork]) -> None:
    for role in (Role.SECRETARY, Role.OTHER_SECRETARY):
        async with uows() as uow:
            await review_meeting.start_meeting(uow, await load_actor(uow, USERS[role]), NOW)


async def open_ballot(uows: Callable[[], UnitOfWork], ids: Ids) -> None:
    """The secret ballot of this branch's meeting, open: every reviewed member on «hoàn thành tốt nhiệm vụ»."""
    async with uows() as uow:
        secretary = await load_actor(uow, USERS[Role.SECRETARY])
        p = await review_progress.progress(uow, secretary, manage=True)
        proposals = {m.membership_id: MemberLevel.HTTNV for m in review_meeting.reviewed_here(list(p.members))}
        opened = await review_ballot.open_ballots(uow, secretary, proposals, NOW)
    for user_id, t in opened.tickets:
        ids.tickets.setdefault(user_id, BallotCb(b=t.ballot_id, c="a", p=t.current, v=t.version, s=t.seal))


async def end_meetings(uows: Callable[[], UnitOfWork]) -> None:
    for role in (Role.SECRETARY, Role.OTHER_SECRETARY):
        async with uows() as uow:
            await review_meeting.end_meeting(uow, await load_actor(uow, USERS[role]), NOW)


async def propose(uows: Callable[[], UnitOfWork], ids: Ids) -> None:
    """The ended meeting's proposal for the member, as the meeting records it, for the superior to decide."""
    async with uows() as uow:
        latest = await uow.reviews.latest(ids.branch)
        uow.session.add(ReviewVote(review_id=latest.id, subject=f"member:{ids.member}", proposed="httnv", approve=10,
                                   disapprove=0, other=0, outcome="httnv", reasons="[]", recorded_at=NOW))
        await uow.commit()


Rows = dict[str, list[tuple]]  # table → its rows, by primary key
Prints = dict[str, str]  # table → a fingerprint of its rows


def domain_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in RUNTIME_TABLES]


def fingerprint_sql(tables: list[Table], dialect: str) -> str:
    """One query: every table's rows, in primary-key order, as one string (PostgreSQL: its md5)."""
    parts = []
    for t in tables:
        key = ", ".join(f'x."{c.name}"' for c in t.primary_key.columns)
        if dialect == "postgresql":
            parts.append(f"SELECT '{t.name}', md5(coalesce(string_agg(x::text, chr(30) ORDER BY {key}), '')) "
                         f'FROM "{t.name}" x')
        else:
            row = " || char(31) || ".join(f'quote(x."{c.name}")' for c in t.columns)
            parts.append(f"SELECT '{t.name}', (SELECT coalesce(group_concat(r, char(30)), '') FROM "
                         f'(SELECT {row} AS r FROM "{t.name}" x ORDER BY {key}))')
    return " UNION ALL ".join(parts)


def dependents(tables: list[Table], changed: set[str]) -> set[str]:
    """The changed tables and every table that refers to one of them: put back together, they stay valid."""
    found = set(changed)
    grew = True
    while grew:
        grew = False
        for t in tables:
            if t.name not in found and any(fk.column.table.name in found for fk in t.foreign_keys):
                found.add(t.name)
                grew = True
    return found


@dataclass
class Stage:
    rows: Rows
    prints: Prints


@dataclass
class Seen:
    """What a user saw after one action: alerts, new messages, the message their button was on if it changed."""

    texts: list[str]
    buttons: list[str]  # callback data of the buttons shown
    changed: list[str]  # tables whose rows changed

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def shown_text(m: dict) -> str:
    """A message as the user sees it: text or caption, the attached file's name, the buttons' labels."""
    extra = [f"[{m['document']['file_name']}]"] if m["document"] else []
    extra += ["[photo]"] if m["photo"] else []
    extra += [f"[{b['text']}]" for r in m["buttons"] for b in r]
    return " ".join([m["text"], *extra])


@dataclass
class World:
    tg: TelegramInProcess
    engine: Any
    dispatcher: Any
    bot_id: int
    ids: Ids
    stages: dict[str, Stage] = field(default_factory=dict)
    current: Prints = field(default_factory=dict)  # the database as last seen
    answers: dict[int, int] = field(default_factory=dict)  # user → callback answers seen so far

    async def prints(self) -> Prints:
        sql = fingerprint_sql(domain_tables(), self.engine.dialect.name)
        async with self.engine.connect() as connection:
            return dict((await connection.execute(text(sql))).all())

    async def keep_stage(self, name: str) -> None:
        async with self.engine.connect() as connection:
            rows = {t.name: [tuple(r) for r in await connection.execute(select(t).order_by(*t.primary_key.columns))]
                    for t in domain_tables()}
        self.current = await self.prints()
        self.stages[name] = Stage(rows, self.current)

    async def enter(self, name: str) -> None:
        """Puts back every table that differs from the stage, and the tables that refer to them."""
        stage, tables = self.stages[name], domain_tables()
        changed = dependents(tables, {t for t, p in stage.prints.items() if self.current.get(t) != p})
        if changed:
            async with self.engine.begin() as connection:
                for t in reversed(tables):
                    if t.name in changed:
                        await connection.execute(t.delete())
                for t in tables:
                    if t.name in changed and stage.rows[t.name]:
                        names = [c.name for c in t.columns]
                        await connection.execute(t.insert(), [dict(zip(names, r, strict=True))
                                                              for r in stage.rows[t.name]])
        self.current = stage.prints

    async def forget_dialog(self, user: int) -> None:
        key = StorageKey(bot_id=self.bot_id, chat_id=user, user_id=user)
        await self.dispatcher.fsm.storage.set_state(key, None)
        await self.dispatcher.fsm.storage.set_data(key, {})

    async def bot_messages(self, user: int) -> list[dict]:
        return [m for m in await self.tg.chat(user) if m["from"] == "bot"]

    async def press(self, user: int, data: str) -> None:
        """A tap on the newest message that shows this button, or (forged) on the newest message."""
        shown = await self.bot_messages(user)
        target = next((m for m in reversed(shown) if any(b.get("data") == data for r in m["buttons"] for b in r)),
                      shown[-1])
        await self.tg.click(user, target["message_id"], data)

    async def run(self, row: "Row", role: Role) -> Seen:
        """One cell: the role's user sends the command or presses the button; returns what they saw."""
        user, ids = USERS[role], self.ids
        await self.enter(row.stage)
        prelude = row.prelude.get(role, ())
        if row.is_button and not prelude and row.cells[role].kind in ("read", "write", "ro"):
            # A fresh message to press it on, which the answer may replace: never the same text twice.
            await self.tg.send(user, "/huy")
        else:
            await self.forget_dialog(user)
        for step in prelude:
            await (self.tg.send(user, step) if isinstance(step, str) else self.press(user, step.make(ids, user)))
        before = await self.prints() if prelude else self.current
        shown = await self.bot_messages(user)
        if prelude:
            self.answers[user] = len(await self.tg.callback_answers(user))
        last = shown[-1]["message_id"]
        target = None
        if isinstance(row.act, Button):
            data = row.act.make(ids, user)
            # A forger presses it on any message of theirs; in a dialog, the user presses the button shown.
            target = next((m for m in reversed(shown) if prelude and any(b.get("data") == data for r in m["buttons"]
                                                                          for b in r)), shown[-1])
            await self.tg.click(user, target["message_id"], data)
        else:
            await self.tg.send(user, row.act if isinstance(row.act, str) else row.act(ids))
        self.current = await self.prints()
        answers = await self.tg.callback_answers(user)
        texts, buttons = [a["text"] for a in answers[self.answers[user]:] if a["text"]], []
        self.answers[user] = len(answers)
        for m in await self.bot_messages(user):
            edited = target is not None and m["message_id"] == target["message_id"] and (
                m["text"], m["buttons"]) != (target["text"], target["buttons"])
            if m["message_id"] > last or edited:
                texts.append(shown_text(m))
                buttons += [b.get("data") or b.get("url") or "" for r in m["buttons"] for b in r]
        return Seen(texts, buttons, sorted(t for t, p in self.current.items() if before.get(t) != p))


@pytest.fixture(scope="module", params=BACKENDS)
def matrix_db_url(request, tmp_path_factory) -> str:
    return database_url(request.param, tmp_path_factory.mktemp("access"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(matrix_db_url):
    """The bot in process, as the `tg` fixture runs it, but once for the whole module."""
    engine = await ready_engine(matrix_db_url)
    sessionmaker = create_sessionmaker(engine)
    uows = lambda: UnitOfWork(sessionmaker)  # noqa: E731
    ids = await build_world(uows)
    settings = Settings(_env_file=None, database_url=matrix_db_url)
    try:
        async with running(settings, sessionmaker, lambda: NOW) as tg:
            w = World(tg, engine, tg.dispatcher, tg.bot.id, ids)
            for user in USERS.values():
                await tg.send(user, "/help")  # everyone has opened the chat, so the bot can write to them
            for user in USERS.values():
                w.answers[user] = 0
            await w.keep_stage("prepare")
            await start_meetings(uows)
            await w.keep_stage("meeting")
            await open_ballot(uows, ids)
            await w.keep_stage("ballot")
            await w.enter("meeting")
            await end_meetings(uows)
            await w.keep_stage("ended")
            await propose(uows, ids)
            await w.keep_stage("decide")
            yield w
    finally:
        await engine.dispose()


# -- the matrix ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Button:
    """Callback data to press, made from the world's ids and the pressing user."""

    make: Callable[[Ids, int], str]


Act = str | Callable[[Ids], str] | Button  # a message (fixed, or made from the ids), or a button
Step = str | Button


@dataclass(frozen=True)
class Row:
    key: str  # the command, or the button as prefix:action
    act: Act
    cells: dict[Role, Expect]
    # prepare: before the review meeting; meeting, ballot (secret ballot open), ended, decide (ended, with a proposal)
    stage: str = "prepare"
    prelude: dict[Role, tuple[Step, ...]] = field(default_factory=dict)  # how a role gets into a dialog

    @property
    def is_button(self) -> bool:
        return isinstance(self.act, Button)


def row(key: str, act: Act, *cells: Expect, stage: str = "prepare",
        prelude: dict[Role, tuple[Step, ...]] | None = None) -> Row:
    assert len(cells) == len(ROLES), key
    return Row(key, act, dict(zip(ROLES, cells, strict=True)), stage, prelude or {})


def packed(make: Callable[[Ids], CallbackData]) -> Button:
    return Button(lambda ids, user: make(ids).pack())


MONTH = {"kind": "month", "start": "20261101", "end": "20261130"}
S = (Role.SECRETARY, Role.OTHER_SECRETARY)
ADD_MEMBER = ("/themdv", "Đinh Văn Mới")
NEW_BRANCH = ("/start", packed(lambda i: Nav(to=Go.CREATE_BRANCH)), "Chi bộ Khu phố 9")
FEEDBACK = (packed(lambda i: ReviewCb(act=ReviewAction.FEEDBACK)), "Hội Cựu chiến binh khu phố")
HOME_BRANCH, OTHER_BRANCH = "Chi bộ Khu phố 3 (demo)", "Chi bộ Bình Minh"
SHEET_INTRO = "Phiếu tự đánh giá năm 2026 (Quy định 366-QĐ/TW"
SHEET_FIGURES = ("/tudanhgia", "27", "60", "10", "10", "10", "2")  # the six figures; the last answer is a button
OUTSTANDING = "Chi bộ có thành tích đặc biệt xuất sắc: có"
SHEET_LIST = "✅ chi ủy đã thẩm định · 🟡 đã điền"


def readers(marker: str, other: str, *, stranger: Expect = NO_BRANCH, offers: str = "") -> tuple[Expect, ...]:
    """A view of the branch: members, the deputy and the supervisor read it; its secretary can act on it; the
    other secretary gets her own branch's."""
    return stranger, ro(marker), ro(marker), read(marker, offers), read(other), ro(marker)


def secretaries(mine: Expect, other: Expect, refused: Expect = NOT_SECRETARY) -> tuple[Expect, ...]:
    """The secretary's alone: refused to everyone else; the other secretary acts on her own branch (or, with this
    branch's ids, is refused)."""
    return refused, refused, refused, mine, other, refused


def own(marker: str, *, kind=read) -> tuple[Expect, ...]:
    """One's own settings: anyone the bot knows."""
    return (NO_BRANCH, *[kind(marker)] * 5)


# Columns: stranger, member, deputy, secretary (this branch), secretary of another branch, supervisor.
TABLE: tuple[Row, ...] = (
    # --- commands ---------------------------------------------------------------------------------------
    row("/start", "/start", read("hãy tạo chi bộ"), read("Chào đồng chí Phạm Văn Đức"),
        read("Chào đồng chí Trần Văn Minh"), read("Chào bí thư Nguyễn Thị Hồng Lan"), read("Chào bí thư Đinh Văn Toàn"),
        read(f"Phụ trách {HOME_BRANCH}")),
    row("/start <invitation>", lambda i: f"/start {i.invite_token}",
        write(f"liên kết với danh sách của {HOME_BRANCH}"), *[OTHER_PERSON] * 5),
    row("/help", "/help", read("/start — tạo chi bộ mới"), read("/tukiemdiem"), read("/tukiemdiem"), read("/nhapds"),
        read("/nhapds"), read("/tinhhinh")),
    row("/huy", "/huy", *[read("Không có thao tác nào đang làm")] * 6),
    row("/cancel", "/cancel", *[read("Không có thao tác nào đang làm")] * 6),
    row("/toi", "/toi", read("Số tài khoản của bạn trên chibo"), read(f"{HOME_BRANCH}: Đảng viên"),
        read(f"{HOME_BRANCH}: Phó Bí thư"),
        read(f"{HOME_BRANCH}: Bí thư"), read(f"{OTHER_BRANCH}: Bí thư"), read(f"Phụ trách {HOME_BRANCH} (chỉ xem)")),
    row("/doanvien", "/doanvien", NO_BRANCH, NOT_SECRETARY, ro(f"{HOME_BRANCH} —"), read(f"{HOME_BRANCH} —", "m:"),
        read(OTHER_BRANCH), NO_BRANCH),
    row("/themdv", "/themdv", *secretaries(read("Họ và tên đảng viên mới"), read("Họ và tên đảng viên mới"))),
    row("/nhapds", "/nhapds", *secretaries(read("mỗi dòng một người"), read("mỗi dòng một người"))),
    row("/moigiamsat", "/moigiamsat", *secretaries(write("Link mời đảng ủy viên phụ trách"),
                                                   write("Link mời đảng ủy viên phụ trách"))),
    row("/nhapkehoach", "/nhapkehoach", *secretaries(read("Gửi cho tôi kế hoạch"), read("Gửi cho tôi kế hoạch"))),
    row("/themviec", "/themviec", *secretaries(read("Việc cần làm là gì"), read("Việc cần làm là gì"))),
    row("/kiemdiem", "/kiemdiem", *secretaries(read("kiểm điểm năm 2026 (13 đảng viên)", "rv:"),
                                               read("kiểm điểm năm 2026 (6 đảng viên)"))),
    row("/buoc", "/buoc", NOT_SECRETARY, NOT_SECRETARY, ro(f"Kiểm điểm năm 2026 — {HOME_BRANCH}"),
        read(f"Kiểm điểm năm 2026 — {HOME_BRANCH}", "rv:"), read(f"Kiểm điểm năm 2026 — {OTHER_BRANCH}"),
        NOT_SECRETARY),
    row("/thangnay", "/thangnay", *readers(f"Việc tháng 11/2026 — {HOME_BRANCH}", OTHER_BRANCH, offers="td:")),
    row("/thangsau", "/thangsau", *readers(f"Việc tháng 12/2026 — {HOME_BRANCH}", OTHER_BRANCH, offers="td:")),
    row("/lich", "/lich", *readers("Lịch chi bộ — chọn khoảng thời gian", "Lịch chi bộ", offers="cg:add_task")),
    row("/xuatlich", "/xuatlich", *readers(f"Lịch {HOME_BRANCH} (.ics)", f"Lịch {OTHER_BRANCH} (.ics)")),
    row("/nhacviec", "/nhacviec", *own("Nhắc việc — đồng chí")),
    row("/tukiemdiem", "/tukiemdiem", NO_BRANCH, *[read("Gửi bản tự kiểm điểm")] * 4, NO_BRANCH),
    row("/tudanhgia", "/tudanhgia", NO_BRANCH, *[read(SHEET_INTRO)] * 4, NO_BRANCH),
    row("/tinhhinh", "/tinhhinh", *[NOT_SUPERVISOR] * 5, ro("Tình hình kiểm điểm năm 2026 — 1 chi bộ")),
    row("/donvi", "/donvi", *[NOT_UNIT_ADMIN] * 6),
    # --- navigation buttons -----------------------------------------------------------------------------
    row("go:create_branch", packed(lambda i: Nav(to=Go.CREATE_BRANCH)), read("Tên chi bộ của bạn là gì"),
        *[IN_A_BRANCH] * 4, read("Tên chi bộ của bạn là gì")),
    row("go:skip", packed(lambda i: Nav(to=Go.SKIP)), read("Họ và tên đầy đủ của bạn"), NA, NA,
        read("Chức vụ của Đinh Văn Mới"), read("Chức vụ của Đinh Văn Mới"), read("Họ và tên đầy đủ của bạn"),
        prelude={Role.STRANGER: NEW_BRANCH, Role.SUPERVISOR: NEW_BRANCH,
                 **dict.fromkeys(S, (*ADD_MEMBER, packed(lambda i: NewStatus(status=Status.FULL))))}),
    row("go:roster", packed(lambda i: Nav(to=Go.ROSTER)), NO_BRANCH, NOT_SECRETARY, ro(f"{HOME_BRANCH} —"),
        read(f"{HOME_BRANCH} —", "m:"), read(OTHER_BRANCH), NO_BRANCH),
    row("go:add", packed(lambda i: Nav(to=Go.ADD_MEMBER)),
        *secretaries(read("Họ và tên đảng viên mới"), read("Họ và tên đảng viên mới"))),
    row("go:paste", packed(lambda i: Nav(to=Go.PASTE_ROSTER)),
        *secretaries(read("mỗi dòng một người"), read("mỗi dòng một người"))),
    row("go:invite_sup", packed(lambda i: Nav(to=Go.INVITE_SUPERVISOR)),
        *secretaries(write("Link mời đảng ủy viên phụ trách"), write("Link mời đảng ủy viên phụ trách"))),
    row("rp", packed(lambda i: RosterPage(page=0)), NO_BRANCH, NOT_SECRETARY, ro(f"{HOME_BRANCH} —"),
        read(f"{HOME_BRANCH} —", "m:"), read(OTHER_BRANCH), NO_BRANCH),
    # --- the roster: a member's card, on this branch's member ---------------------------------------------
    *(row(f"m:{act.value}", packed(lambda i, act=act: MemberCb(id=i.new_member, act=act)),
          *secretaries(mine, FOREIGN_MEMBER))
      for act, mine in ((MemberAction.OPEN, read(f"{NEW_MEMBER}\nChức vụ", "m:")),
                        (MemberAction.NAME, read(f"Họ tên mới cho {NEW_MEMBER}")),
                        (MemberAction.STATUS, write("Trạng thái: đảng viên dự bị")),
                        (MemberAction.DATE, read(f"Ngày vào Đảng của {NEW_MEMBER}")),
                        (MemberAction.ROLE, read("[Chi ủy viên]", "mr:")),
                        (MemberAction.EXEMPT, write("Miễn sinh hoạt: có")),
                        (MemberAction.SUSPENDED, write("Đình chỉ sinh hoạt: có")),
                        (MemberAction.INVITE, write(f"Link mời cho {NEW_MEMBER}")),
                        (MemberAction.REMOVE, read(f"Xóa {NEW_MEMBER} khỏi danh sách")),
                        (MemberAction.REMOVE_CONFIRMED, write(f"Đã xóa {NEW_MEMBER}")))),
    row("mr", packed(lambda i: MemberRole(id=i.new_member, role=roster_service.Role.COMMITTEE)),
        *secretaries(write("Chức vụ: Chi ủy viên"), FOREIGN_MEMBER)),
    row("ns", packed(lambda i: NewStatus(status=Status.FULL)), NA, NA, NA, read("Ngày vào Đảng của Đinh Văn Mới"),
        read("Ngày vào Đảng của Đinh Văn Mới"), NA, prelude=dict.fromkeys(S, ADD_MEMBER)),
    row("nr", packed(lambda i: NewRole(role=roster_service.Role.MEMBER)), NA, NA, NA,
        write("Đã thêm 1 đảng viên"), write("Đã thêm 1 đảng viên"), NA,
        prelude=dict.fromkeys(S, (*ADD_MEMBER, packed(lambda i: NewStatus(status=Status.FULL)),
                                  packed(lambda i: Nav(to=Go.SKIP))))),
    # --- an imported plan's preview, this branch's draft -------------------------------------------------
    *(row(f"pi:{act.value}", packed(lambda i, act=act: DraftCb(id=i.draft, act=act, n=0)),
          *secretaries(mine, FOREIGN_DRAFT))
      for act, mine in ((DraftAction.PAGE, read("Kế hoạch số 07-KH/CB", "pi:")),
                        (DraftAction.ITEM, read("Việc 1\n", "pi:")),
                        (DraftAction.TOGGLE, write("Việc 1 (đã bỏ)")),
                        (DraftAction.DATES, read("Ngày mới cho việc 1")),
                        (DraftAction.OWNER, read("Đơn vị thực hiện việc 1")),
                        (DraftAction.TASK, read("Không có việc này trong bản xem trước")),  # item 1 is no target
                        (DraftAction.SAVE, write("Đã lưu 17 việc")),
                        (DraftAction.DISCARD, write("Đã hủy, không lưu gì")))),
    # --- the pieces of a plan still arriving (none here: the secretaries are told so) --------------------
    row("pt:done", packed(lambda i: PartsCb(act=PartsAction.DONE)),
        *secretaries(read("Không có phần kế hoạch nào đang chờ"), read("Không có phần kế hoạch nào đang chờ"))),
    row("pt:cancel", packed(lambda i: PartsCb(act=PartsAction.CANCEL)),
        *secretaries(read("Đã bỏ các phần kế hoạch đã gửi"), read("Đã bỏ các phần kế hoạch đã gửi"))),
    row("pt:add", packed(lambda i: PartsCb(act=PartsAction.ADD)),
        *secretaries(read("Không còn tin nào đang chờ"), read("Không còn tin nào đang chờ"))),
    # --- the calendar -------------------------------------------------------------------------------------
    row("cal", packed(lambda i: PeriodCb(**MONTH)),
        *readers(f"Việc tháng 11/2026 — {HOME_BRANCH}", OTHER_BRANCH, offers="td:")),
    row("td", packed(lambda i: TaskDone(id=i.task, done=True, **MONTH)),
        *secretaries(write(f"Việc tháng 11/2026 — {HOME_BRANCH}"), FOREIGN_TASK)),
    *(row(f"cg:{go.value}", packed(lambda i, go=go: CalendarNav(to=go)),
          *readers(f"{title} — {HOME_BRANCH}", OTHER_BRANCH, offers="td:"))
      for go, title in ((CalendarGo.THIS_MONTH, "Việc tháng 11/2026"), (CalendarGo.NEXT_MONTH, "Việc tháng 12/2026"),
                        (CalendarGo.THIS_WEEK, "Việc tuần 16/11/2026–22/11/2026"),
                        (CalendarGo.UPCOMING, "Việc sắp đến hạn (đến 06/12/2026)"),
                        (CalendarGo.OVERDUE, "Việc quá hạn"))),
    row("cg:export", packed(lambda i: CalendarNav(to=CalendarGo.EXPORT)),
        *readers(f"Lịch {HOME_BRANCH} (.ics)", f"Lịch {OTHER_BRANCH} (.ics)")),
    row("cg:add_task", packed(lambda i: CalendarNav(to=CalendarGo.ADD_TASK)),
        *secretaries(read("Việc cần làm là gì"), read("Việc cần làm là gì"))),
    # --- the review walkthrough, on this branch's review -----------------------------------------------------
    row("rv:progress", packed(lambda i: ReviewCb(act=ReviewAction.PROGRESS)), NOT_SECRETARY, NOT_SECRETARY,
        ro(f"Kiểm điểm năm 2026 — {HOME_BRANCH}"), read(f"Kiểm điểm năm 2026 — {HOME_BRANCH}", "rv:"),
        read(f"Kiểm điểm năm 2026 — {OTHER_BRANCH}"), NOT_SECRETARY),
    *(row(f"rv:{act.value}", packed(lambda i, act=act: ReviewCb(act=act)), *secretaries(mine, other), stage=stage)
      for act, mine, other, stage in (
          (ReviewAction.SET_MEETING, read("Ngày giờ và địa điểm hội nghị", "rv:planned"),
           read("Ngày giờ và địa điểm hội nghị"), "prepare"),
          (ReviewAction.MEMBERS, read("Đảng viên — kiểm điểm năm 2026", "rv:member"),
           read("Đảng viên — kiểm điểm năm 2026"), "prepare"),
          (ReviewAction.MEMBERS_PAGE, read("Đảng viên — kiểm điểm năm 2026", "rv:member"),
           read("Đảng viên — kiểm điểm năm 2026"), "prepare"),
          (ReviewAction.REMIND, read("Đã nhắc"), read("Đã nhắc"), "prepare"),
          (ReviewAction.FEEDBACK, read("Ý kiến góp ý của"), read("Ý kiến góp ý của"), "prepare"),
          (ReviewAction.ANSWERS, read("Góp ý đã nhận", "rv:answer"), read("Chưa có góp ý nào"), "prepare"),
          (ReviewAction.START_MEETING, read("Bắt đầu hội nghị bây giờ?", "rv:start_ok"),
           read("Bắt đầu hội nghị bây giờ?", "rv:start_ok"), "prepare"),
          (ReviewAction.START_CONFIRMED, write("Hội nghị kiểm điểm — mục 1/40"),
           write("Hội nghị kiểm điểm — mục 1/28"), "prepare"),
          (ReviewAction.SECRETARY, read("Thư ký hội nghị là đồng chí nào?", "rv:secretary"),
           read("Thư ký hội nghị là đồng chí nào?"), "meeting"),
          (ReviewAction.SECRETARY_PAGE, read("Thư ký hội nghị là đồng chí nào?", "rv:secretary"),
           read("Thư ký hội nghị là đồng chí nào?"), "meeting"),
          (ReviewAction.END, read("Kết thúc hội nghị?", "rv:end_ok"), read("Kết thúc hội nghị?"), "meeting"),
          (ReviewAction.END_CONFIRMED, write("Hội nghị đã kết thúc", "rv:reopen"), write("Hội nghị đã kết thúc"),
           "meeting"),
          (ReviewAction.CLOSE_VOTES, write("Đã chốt vòng bỏ phiếu"), write("Đã chốt vòng bỏ phiếu"), "meeting"),
          (ReviewAction.REOPEN, write("Đã mở lại hội nghị"), write("Đã mở lại hội nghị"), "ended"),
          (ReviewAction.DISMISS, read("Chưa làm gì cả"), read("Chưa làm gì cả"), "meeting"),
          (ReviewAction.NEXT, write("mục 2/40"), write("mục 2/28"), "meeting"),
          (ReviewAction.BACK, write("mục 1/40"), write("mục 1/28"), "meeting"),
          (ReviewAction.VOTE, read("Chọn đảng viên để ghi kết quả", "lv:"), read("Chọn đảng viên để ghi kết quả"),
           "meeting"),
          (ReviewAction.VOTE_PAGE, read("Chọn đảng viên để ghi kết quả", "lv:"),
           read("Chọn đảng viên để ghi kết quả"), "meeting"),
          (ReviewAction.RESULTS, read("Kết quả đánh giá, phân loại"), read("Kết quả đánh giá, phân loại"), "ended"),
          # The meeting ended with nothing voted: the papers are withheld and the answer lists what is missing
          # (review_documents: a paper never states an empty result) — the allowed answer to an allowed role.
          (ReviewAction.DOCUMENTS, read(PAPERS_MISSING), read(PAPERS_MISSING), "ended"),
          (ReviewAction.LOCALITY, read("Địa danh trên giấy tờ", "rv:locality_blank"), read("Địa danh trên giấy tờ"),
           "ended"),
          (ReviewAction.LOCALITY_BLANK, write(PAPERS_MISSING), write(PAPERS_MISSING), "ended"))),
    *(row(f"rv:{act.value}", packed(lambda i, act=act, n=n: ReviewCb(act=act, n=n(i))), *secretaries(mine, foreign))
      for act, n, mine, foreign in (
          (ReviewAction.TICK, lambda i: i.step_task, write(f"Kiểm điểm năm 2026 — {HOME_BRANCH}"), FOREIGN_TASK),
          (ReviewAction.MEMBER, lambda i: i.member, read("Phạm Văn Đức — Đảng viên, chính thức", "rv:"),
           FOREIGN_MEMBER),
          (ReviewAction.PAPER, lambda i: i.member, write("Bản tự kiểm điểm: đã nhận bản giấy"), FOREIGN_MEMBER),
          (ReviewAction.RESIDENCE_OUT, lambda i: i.member, write("Phạm Văn Đức — Đảng viên"), FOREIGN_MEMBER),
          (ReviewAction.RESIDENCE_IN, lambda i: i.member, write("đã gửi phiếu, chưa nhận"), FOREIGN_MEMBER),
          (ReviewAction.ABSENT, lambda i: i.member, write("Lý do vắng mặt của Phạm Văn Đức"), FOREIGN_MEMBER),
          (ReviewAction.PRESENT, lambda i: i.member, write("Hội nghị: có mặt"), FOREIGN_MEMBER),
          (ReviewAction.READ, lambda i: i.member, read("Bản tự kiểm điểm của đồng chí Phạm Văn Đức"), FOREIGN_MEMBER),
          (ReviewAction.MISSED, lambda i: i.member, read("Số buổi sinh hoạt chi bộ đồng chí Phạm Văn Đức vắng"),
           FOREIGN_MEMBER),
          (ReviewAction.SICK, lambda i: i.member, read("Số tháng đồng chí Phạm Văn Đức nghỉ ốm"), FOREIGN_MEMBER),
          (ReviewAction.DISCIPLINE, lambda i: i.member, write("đang chịu"), FOREIGN_MEMBER),
          (ReviewAction.ANSWER, lambda i: i.feedback, read("Chi bộ tiếp thu thế nào"), FOREIGN_FEEDBACK))),
    row("rv:meeting_ok", packed(lambda i: ReviewCb(act=ReviewAction.MEETING_CONFIRMED)), *[NA] * 6),
    row("rv:planned", packed(lambda i: ReviewCb(act=ReviewAction.PLANNED_MEETING, n=i.planned_day)),
        NA, NA, NA, write("Hội nghị kiểm điểm: 08:00 ngày 28/11/2026"), NA, NA,
        prelude=dict.fromkeys(S, (packed(lambda i: ReviewCb(act=ReviewAction.SET_MEETING)),))),
    row("fk", packed(lambda i: FeedbackKindCb(kind="person")), NA, NA, NA, read("Góp ý cho ai?", "fa:"),
        read("Góp ý cho ai?", "fa:"), NA, prelude=dict.fromkeys(S, FEEDBACK)),
    row("fa", packed(lambda i: FeedbackAbout(membership_id=i.member)), NA, NA, NA, read("Nội dung góp ý?"),
        FOREIGN_MEMBER, NA, prelude=dict.fromkeys(S, (*FEEDBACK, packed(lambda i: FeedbackKindCb(kind="person"))))),
    row("rs", packed(lambda i: RuleSetCb(key="")),
        *secretaries(read("Quy định đánh giá, xếp loại", "rs:"), read("Quy định đánh giá, xếp loại"))),
    row("rs:<key>", packed(lambda i: RuleSetCb(key="qd366_2025")),
        *secretaries(write("Chi bộ áp dụng: Quy định 366-QĐ/TW"), write("Chi bộ áp dụng: Quy định 366-QĐ/TW"))),
    row("rv:outstanding", packed(lambda i: ReviewCb(act=ReviewAction.OUTSTANDING)),
        *secretaries(write(OUTSTANDING), write(OUTSTANDING))),
    # --- the assessment sheet (QĐ 366): one's own, and the secretary's (committee's) on this branch's member ------
    row("ad:self", packed(lambda i: AssessCb(act=AssessAction.SELF)), NO_BRANCH, *[read(SHEET_INTRO)] * 4,
        NO_BRANCH),
    row("ad:remedied", packed(lambda i: AssessCb(act=AssessAction.REMEDIED, v=2)), NA,
        *[write("✅ Đã lưu phiếu tự đánh giá")] * 4, NA,
        prelude=dict.fromkeys((Role.MEMBER, Role.DEPUTY, *S), SHEET_FIGURES)),
    row("ad:list", packed(lambda i: AssessCb(act=AssessAction.LIST)),
        *secretaries(read(SHEET_LIST, "ad:open"), read(SHEET_LIST))),
    row("ad:page", packed(lambda i: AssessCb(act=AssessAction.PAGE)),
        *secretaries(read(SHEET_LIST, "ad:open"), read(SHEET_LIST))),
    row("ad:fill", packed(lambda i: AssessCb(act=AssessAction.FILL, n=i.new_member)),
        *secretaries(read(f"Phiếu tự đánh giá năm 2026 — {NEW_MEMBER}"), FOREIGN_MEMBER)),
    *(row(f"ad:{act.value}", packed(lambda i, act=act, v=v: AssessCb(act=act, n=i.member, v=v)),
          *secretaries(mine, FOREIGN_MEMBER), stage=stage)
      for act, v, mine, stage in (
          (AssessAction.OPEN, 0, read("Phiếu tự đánh giá — Phạm Văn Đức", "ad:accept"), "prepare"),
          (AssessAction.ACCEPT, 0, write("✅ Chi ủy đã thẩm định"), "prepare"),
          (AssessAction.CORRECT, 0, read("Sửa số liệu nào trong phiếu của Phạm Văn Đức", "ad:correct"), "prepare"),
          (AssessAction.GRAVE, 0, read("dù điểm cao", "ad:discipline"), "prepare"),
          (AssessAction.DISCIPLINE, 1, write("Kỷ luật từ khiển trách trở lên: khiển trách"), "prepare"),
          (AssessAction.FLAG, 0, write("Bị cấp có thẩm quyền kết luận suy thoái: có"), "prepare"),
          (AssessAction.PROPOSE, 0, write("Đã ghi đề xuất cho đồng chí Phạm Văn Đức (không biểu quyết)"),
           "meeting"))),
    # --- the meeting: votes typed as counts, and the secret ballot -------------------------------------------
    row("lv", packed(lambda i: LevelCb(membership_id=i.member, level="")),
        *secretaries(read("Mức đề xuất cho đồng chí Phạm Văn Đức", "lv:"), FOREIGN_MEMBER), stage="meeting"),
    row("lv:<level>", packed(lambda i: LevelCb(membership_id=i.member, level="httnv")),
        *secretaries(read("Gõ số phiếu"), FOREIGN_MEMBER), stage="meeting"),
    row("pp", packed(lambda i: ProposeCb(membership_id=i.member)),
        # QĐ 366: the levels the member's sheet leaves open (Đức's 80 points: no HTXSNV)
        *secretaries(read("[Hoàn thành (HTNV)]", "pp:"), FOREIGN_MEMBER), stage="meeting"),
    row("pp:<level>", packed(lambda i: ProposeCb(membership_id=i.member, level="htnv")),
        *secretaries(read("Phạm Văn Đức: «Hoàn thành nhiệm vụ»", "ba:open"), FOREIGN_MEMBER), stage="meeting"),
    row("ba:secret", packed(lambda i: BallotAdmin(act=BallotAction.SECRET)),
        *secretaries(read("Bỏ phiếu kín trên bot", "pp:"), read("Bỏ phiếu kín trên bot")), stage="meeting"),
    row("ba:open", packed(lambda i: BallotAdmin(act=BallotAction.OPEN)),
        *secretaries(write("Đã gửi phiếu kín cho", "ba:close"), write("Đã gửi phiếu kín cho")), stage="meeting"),
    row("ba:page", packed(lambda i: BallotAdmin(act=BallotAction.PAGE)),
        *secretaries(read("Bỏ phiếu kín trên bot", "pp:"), read("Bỏ phiếu kín trên bot")), stage="meeting"),
    row("ba:pick", packed(lambda i: BallotAdmin(act=BallotAction.PICK, m=i.member)),
        *secretaries(read("Bỏ phiếu kín trên bot", "ba:open"), FOREIGN_MEMBER), stage="meeting"),
    row("ba:open_ok", packed(lambda i: BallotAdmin(act=BallotAction.OPEN_CONFIRMED)),
        *secretaries(write("Đã gửi phiếu kín cho", "ba:close"), write("Đã gửi phiếu kín cho")), stage="meeting"),
    row("ba:close", packed(lambda i: BallotAdmin(act=BallotAction.CLOSE)),
        *secretaries(read("Đóng phiếu kín?", "ba:close_ok"), read("Đóng phiếu kín?")), stage="ballot"),
    row("ba:close_ok", packed(lambda i: BallotAdmin(act=BallotAction.CLOSE_CONFIRMED)),
        *secretaries(write("Đã đóng phiếu kín"), write("Đã đóng phiếu kín")), stage="ballot"),
    row("ba:status", packed(lambda i: BallotAdmin(act=BallotAction.STATUS)), *[NA] * 6, stage="ballot"),
    # A voter presses their own ballot's button; those who got no ballot press the member's.
    row("bv", Button(lambda i, user: i.tickets.get(user, i.tickets[USERS[Role.MEMBER]]).pack()), BALLOT_NOT_YOURS,
        *[write("Đồng chí đã chọn: Tán thành", "bv:")] * 3, BALLOT_NOT_YOURS, BALLOT_NOT_YOURS, stage="ballot"),
    # --- reminders: one's own settings ----------------------------------------------------------------------
    row("rn:o", packed(lambda i: ReminderNav(to=ReminderGo.OVERVIEW)), *own("Nhắc việc — đồng chí")),
    row("rn:q", packed(lambda i: ReminderNav(to=ReminderGo.QUIET)), *own("Giờ yên tĩnh: trong khoảng này")),
    row("rn:tq", packed(lambda i: ReminderNav(to=ReminderGo.TYPE_QUIET)), *own("Gõ giờ yên tĩnh theo mẫu")),
    row("rn:tz", packed(lambda i: ReminderNav(to=ReminderGo.TIMEZONE)), *own("Múi giờ hiện tại")),
    row("rn:hz", packed(lambda i: ReminderNav(to=ReminderGo.HOME_ZONE)), *own("Nhắc việc — đồng chí", kind=write)),
    row("rk", packed(lambda i: KindToggle(kind="digest")), *own("🔕", kind=write)),
    row("rq", packed(lambda i: QuietChoice(start=22 * 60, end=6 * 60)), *own("Giờ yên tĩnh: 22:00–06:00", kind=write)),
    # --- one's own data under /toi (m=0), and a member's from the secretary's member card ----------------------
    row("pv:export", packed(lambda i: PrivacyCb(act=PrivacyAction.EXPORT)),
        no("⛔️ Tôi không lưu dữ liệu nào về tài khoản này"), *[write("[du-lieu-ca-nhan-")] * 5),
    row("pv:erase", packed(lambda i: PrivacyCb(act=PrivacyAction.ERASE)),
        no("⛔️ Tôi không lưu dữ liệu nào về tài khoản này"), read(ERASE_SELF), read(ERASE_SELF), ONLY_SECRETARY,
        ONLY_SECRETARY, read(ERASE_SELF)),
    row("pv:erase_ok", packed(lambda i: PrivacyCb(act=PrivacyAction.ERASE_CONFIRMED)),
        no("⛔️ Tôi không lưu dữ liệu nào về tài khoản này"), write(ERASED_SELF), write(ERASED_SELF), ONLY_SECRETARY,
        ONLY_SECRETARY, write(ERASED_SELF)),
    row("pv:keep", packed(lambda i: PrivacyCb(act=PrivacyAction.KEEP)), *[read("Đã giữ nguyên, không xoá gì")] * 6),
    row("go:link_ch", packed(lambda i: Nav(to=Go.LINK_CHANNEL)), NO_BRANCH,
        *[write("Dùng chibo ở cả Telegram và Zalo: từ tài khoản kia, nhắn mã")] * 4, NO_BRANCH),
    row("pv:export <member>", packed(lambda i: PrivacyCb(act=PrivacyAction.EXPORT, m=i.new_member)),
        *secretaries(write("[du-lieu-ca-nhan-"), FOREIGN_MEMBER)),
    row("pv:erase <member>", packed(lambda i: PrivacyCb(act=PrivacyAction.ERASE, m=i.new_member)),
        *secretaries(read(f"Xoá dữ liệu cá nhân của đồng chí {NEW_MEMBER}?", "pv:erase_ok"), FOREIGN_MEMBER)),
    row("pv:erase_ok <member>", packed(lambda i: PrivacyCb(act=PrivacyAction.ERASE_CONFIRMED, m=i.new_member)),
        *secretaries(write("Đã xoá dữ liệu cá nhân. Trong danh sách chi bộ"), FOREIGN_MEMBER)),
    # --- the supervisor's summary, and the superior unit's office ------------------------------------------
    row("sv:page", packed(lambda i: SupervisorCb(act=SupervisorAction.PAGE)), *[NOT_SUPERVISOR] * 5,
        ro("Tình hình kiểm điểm năm 2026 — 1 chi bộ")),
    row("sv:open", packed(lambda i: SupervisorCb(act=SupervisorAction.OPEN, b=i.branch)), *[NOT_SUPERVISOR] * 5,
        ro(f"{HOME_BRANCH} — chỉ xem")),
    row("sv:nudge", packed(lambda i: SupervisorCb(act=SupervisorAction.NUDGE, b=i.branch)), *[NOT_SUPERVISOR] * 5,
        write("Đã nhắc bí thư Nguyễn Thị Hồng Lan")),
    row("sv:chart", packed(lambda i: SupervisorCb(act=SupervisorAction.CHART)), *[NOT_SUPERVISOR] * 5,
        ro("Biểu đồ tiến độ và xếp loại năm 2026 — 1 chi bộ (trang 2/2). [photo]")),
    row("sv:xlsx", packed(lambda i: SupervisorCb(act=SupervisorAction.WORKBOOK)), *[NOT_SUPERVISOR] * 5,
        ro("[tinh-hinh-20261122.xlsx]")),
    row("un:new", packed(lambda i: UnitCb(act=UnitAction.NEW_BRANCH, id=i.unit)), *[NOT_UNIT_ADMIN] * 6),
    row("un:link", packed(lambda i: UnitCb(act=UnitAction.SECRETARY_LINK, id=i.branch)), *[NOT_UNIT_ADMIN] * 6),
    row("un:page", packed(lambda i: UnitCb(act=UnitAction.PAGE, id=1)), *[NOT_UNIT_ADMIN] * 6),
    row("uo:list", packed(lambda i: OptionCb(act=OptionAction.LIST, u=i.unit)), *[NOT_UNIT_ADMIN] * 6),
    row("uo:set", packed(lambda i: OptionCb(act=OptionAction.SET, u=i.unit, k=1, v=1)), *[NOT_UNIT_ADMIN] * 6),
    # --- the superior's decision on the branch's proposals (after the meeting) --------------------------------
    *(row(key, packed(lambda i, act=act, lv=lv: DecisionCb(act=act, b=i.branch, m=i.member, lv=lv)),
          *[NOT_SUPERIOR] * 5, cell, stage="decide")
      for key, act, lv, cell in (
          ("dq:open", DecisionAction.OPEN, "", read("Quyết định xếp loại — Chi bộ Khu phố 3 (demo)", "dq:pick")),
          ("dq:pick", DecisionAction.PICK, "", read("chi bộ đề xuất «Hoàn thành tốt nhiệm vụ»", "dq:set")),
          ("dq:set", DecisionAction.SET, "httnv", write("Đã quyết định: Phạm Văn Đức — «Hoàn thành tốt nhiệm vụ»")),
          ("dq:set <other level>", DecisionAction.SET, "htnv", read("Gõ lý do (bắt buộc")),
          ("dq:note", DecisionAction.NOTE, "", read("Gõ lý do hoặc ghi chú kèm theo")),
          ("dq:all", DecisionAction.ALL, "", read("cho 1 đề xuất còn lại", "dq:all_ok")),
          ("dq:all_ok", DecisionAction.ALL_OK, "", write("Đã xác nhận 1 đề xuất")))),
    row("dq:page", packed(lambda i: DecisionCb(act=DecisionAction.PAGE, b=i.branch)), *[NOT_SUPERIOR] * 5,
        read("Quyết định xếp loại — Chi bộ Khu phố 3 (demo)", "dq:pick"), stage="decide"),
)

CELLS = [pytest.param(r, role, id=f"{r.key}|{role}") for r in TABLE for role in ROLES]
STAGE_ORDER = ("prepare", "meeting", "ballot", "ended", "decide")
CELLS.sort(key=lambda p: STAGE_ORDER.index(p.values[0].stage))  # fewer restores between stages


def refusal_logged(caplog, user: int, what: str) -> bool:
    return any(r.levelno == logging.WARNING and f"user {user}" in r.getMessage() and what in r.getMessage()
               for r in caplog.records)


def what_of(r: Row, world: World, user: int) -> str:
    """How the log names what was refused: the button's prefix, or the command."""
    if r.is_button:
        return f"button {r.act.make(world.ids, user).split(':', 1)[0]!r}"
    return f"command {r.key.split()[0]}"


@pytest.mark.parametrize(("r", "role"), CELLS)
async def test_cell(world: World, caplog, r: Row, role: Role):
    await check(world, caplog, r, role)


async def check(world: World, caplog, r: Row, role: Role) -> None:
    """What the user saw matches the cell; nothing crashed; a refusal changed nothing and was logged."""
    expect = r.cells[role]
    user = USERS[role]
    caplog.set_level(logging.INFO)
    seen = await world.run(r, role)
    crashes = [rec.getMessage() for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert not crashes, crashes
    assert expect.marker in seen.text, seen.text
    if expect.kind in ("read", "write", "ro"):
        assert "⛔️" not in seen.text and STALE_TEXT not in seen.text, seen.text
    if expect.kind == "write":
        assert seen.changed, "allowed, and expected to change the database"
    else:
        assert not seen.changed, f"changed {seen.changed}"
    if expect.kind == "ro":
        offered = [b for b in seen.buttons if b.startswith(CHANGES)]
        assert not offered, f"a read-only view offers {offered}"
    if expect.offers:
        assert any(b.startswith(expect.offers) for b in seen.buttons), seen.buttons
    if expect.kind in ("no", "na"):
        assert refusal_logged(caplog, user, what_of(r, world, user)), [rec.getMessage() for rec in caplog.records]


# -- forged button data ---------------------------------------------------------------------------------------

FORGED_IDS = (
    # this branch's secretary, with the other branch's ids
    ("member-card", Role.SECRETARY, lambda i: MemberCb(id=i.other_member, act=MemberAction.REMOVE_CONFIRMED),
     FOREIGN_MEMBER, "prepare"),
    ("member-role", Role.SECRETARY, lambda i: MemberRole(id=i.other_member, role=roster_service.Role.DEPUTY),
     FOREIGN_MEMBER, "prepare"),
    ("task-done", Role.SECRETARY, lambda i: TaskDone(id=i.other_task, done=True, **MONTH), FOREIGN_TASK, "prepare"),
    ("review-tick", Role.SECRETARY, lambda i: ReviewCb(act=ReviewAction.TICK, n=i.other_task), FOREIGN_TASK, "prepare"),
    ("review-absent", Role.SECRETARY, lambda i: ReviewCb(act=ReviewAction.ABSENT, n=i.other_member), FOREIGN_MEMBER,
     "prepare"),
    ("review-paper", Role.SECRETARY, lambda i: ReviewCb(act=ReviewAction.PAPER, n=i.other_member), FOREIGN_MEMBER,
     "prepare"),
    ("review-read", Role.SECRETARY, lambda i: ReviewCb(act=ReviewAction.READ, n=i.other_member), FOREIGN_MEMBER,
     "prepare"),
    ("level", Role.SECRETARY, lambda i: LevelCb(membership_id=i.other_member, level="htxsnv"), FOREIGN_MEMBER,
     "meeting"),
    ("proposal", Role.SECRETARY, lambda i: ProposeCb(membership_id=i.other_member, level="htxsnv"), FOREIGN_MEMBER,
     "meeting"),
    # the supervisor, on a branch they do not supervise
    ("supervisor-open", Role.SUPERVISOR, lambda i: SupervisorCb(act=SupervisorAction.OPEN, b=i.other_branch),
     no("⛔️ Chi bộ này không thuộc các chi bộ đồng chí phụ trách"), "prepare"),
    ("decision-open", Role.SUPERVISOR, lambda i: DecisionCb(act=DecisionAction.OPEN, b=i.other_branch),
     no("⛔️ Chi bộ này không thuộc các chi bộ đồng chí phụ trách"), "decide"),
    ("decision-set", Role.SUPERVISOR,
     lambda i: DecisionCb(act=DecisionAction.SET, b=i.other_branch, m=i.other_member, lv="httnv"),
     no("⛔️ Chi bộ này không thuộc các chi bộ đồng chí phụ trách"), "decide"),
    ("decision-all", Role.SUPERVISOR, lambda i: DecisionCb(act=DecisionAction.ALL_OK, b=i.other_branch),
     no("⛔️ Chi bộ này không thuộc các chi bộ đồng chí phụ trách"), "decide"),
    ("supervisor-nudge", Role.SUPERVISOR, lambda i: SupervisorCb(act=SupervisorAction.NUDGE, b=i.other_branch),
     no("⛔️ Chi bộ này không thuộc các chi bộ đồng chí phụ trách"), "prepare"),
    # a voter pressing another voter's ballot button (the seal is the other voter's)
    ("ballot-of-another-voter", Role.MEMBER, lambda i: i.tickets[USERS[Role.DEPUTY]],
     no("Nút này đã cũ: hãy dùng tin nhắn phiếu mới nhất"), "ballot"),
    ("ballot-resealed", Role.MEMBER,
     lambda i: i.tickets[USERS[Role.MEMBER]].model_copy(update={"s": "0" * 16}),
     no("Nút này đã cũ: hãy dùng tin nhắn phiếu mới nhất"), "ballot"),
)


@pytest.mark.parametrize(("name", "role", "make", "expect", "stage"), [pytest.param(*f, id=f[0]) for f in FORGED_IDS])
async def test_forged_ids_are_refused_and_logged(world: World, caplog, name, role, make, expect, stage):
    r = Row(name, packed(make), {role: expect}, stage)
    await check(world, caplog, r, role)


def button_rows() -> dict[str, Row]:
    """One row per kind of button (its prefix), for payloads cut or padded from a real one."""
    rows: dict[str, Row] = {}
    for r in TABLE:
        if r.is_button and r.key != "bv":
            rows.setdefault(r.key.split(":")[0], r)
    return rows


@pytest.mark.parametrize("shape", ["cut", "padded"])
@pytest.mark.parametrize("prefix", sorted(button_rows()))
async def test_cut_and_padded_payloads_are_refused_and_logged(world: World, caplog, prefix: str, shape: str):
    source = button_rows()[prefix]
    user = USERS[Role.SECRETARY]
    data = source.act.make(world.ids, user)
    forged = data.rsplit(":", 1)[0] if shape == "cut" else f"{data}:x"
    r = Row(f"{prefix} {shape}", Button(lambda i, u: forged), {Role.SECRETARY: NA}, source.stage)
    await check(world, caplog, r, Role.SECRETARY)
    assert refusal_logged(caplog, user, f"{shape} payload")


GARBAGE = (
    ("empty", "", "unknown kind"),
    ("no-prefix", "x", "unknown kind"),
    ("separators", "::::", "unknown kind"),
    ("unknown-kind", "zz:1:open", "unknown kind"),
    ("bad-number", "m:1e3:open", "bad value"),
    ("bad-action", "m:1:drop_table", "bad value"),
    ("trailing-junk", "rv:tick:7;", "bad value"),
    ("huge-id", "m:99999999999999999999:open", "bad value"),
    ("huge-page", "rp:-99999999999999999999", "bad value"),
    ("long", "m:" + "9" * 55 + ":open", "bad value"),
    ("ballot-bad-choice", "bv:1:z:-:0:0000000000000000", "no such choice"),
)


@pytest.mark.parametrize("role", [Role.SECRETARY, Role.STRANGER])
@pytest.mark.parametrize(("data", "why"), [pytest.param(d, w, id=n) for n, d, w in GARBAGE])
async def test_garbage_is_refused_and_logged(world: World, caplog, data: str, why: str, role: Role):
    r = Row(data, Button(lambda i, u: data), {role: NA})
    await check(world, caplog, r, role)
    assert refusal_logged(caplog, USERS[role], why)


# -- the matrix is complete, and docs/access.md says what the tests check ------------------------------------------


def commands_handled() -> set[str]:
    found = set()
    for router in setup_routers():
        for handler in router.message.handlers:
            for f in handler.filters or ():
                if isinstance(f.callback, Command):
                    found |= {c if isinstance(c, str) else c.pattern for c in f.callback.commands}
    return found


def button_types() -> dict[str, type[CallbackData]]:
    setup_routers()  # every handler module imported
    found, todo = {}, list(CallbackData.__subclasses__())
    while todo:
        kind = todo.pop()
        todo += kind.__subclasses__()
        found[kind.__prefix__] = kind
    return found


COMMAND_NAMES = {f"/{name}" for c in COMMANDS for name in c.names}
# The roles whose cells are not ⛔️ for a command the table (handlers/commands.py) gives to `who`.
MAY_USE = {
    Who.ANYONE: set(ROLES),
    Who.KNOWN: set(ROLES) - {Role.STRANGER},
    Who.MEMBER: {Role.MEMBER, Role.DEPUTY, Role.SECRETARY, Role.OTHER_SECRETARY},
    Who.LEADERS: {Role.DEPUTY, Role.SECRETARY, Role.OTHER_SECRETARY},
    Who.SECRETARY: {Role.SECRETARY, Role.OTHER_SECRETARY},
    Who.SUPERVISOR: {Role.SUPERVISOR},
    Who.UNIT_ADMIN: set(),
}


async def test_the_handlers_take_exactly_the_table_of_commands():
    assert {f"/{c}" for c in commands_handled()} == COMMAND_NAMES


async def test_the_matrix_gives_each_command_to_whom_the_table_says():
    rows = {r.key: r for r in TABLE}
    assert {k for k in rows if k.startswith("/")} == COMMAND_NAMES | {"/start <invitation>"}
    for c in COMMANDS:
        for name in c.names:
            allowed = {role for role, e in rows[f"/{name}"].cells.items() if e.kind != "no"}
            assert allowed == MAY_USE[c.who], name


async def test_every_button_has_a_row():
    """Every command has one too: test_the_matrix_gives_each_command_to_whom_the_table_says."""
    keys = {r.key for r in TABLE}
    for prefix, kind in button_types().items():
        actions = [f for name, f in kind.model_fields.items() if name in ("act", "to")]
        if actions:
            wanted = {f"{prefix}:{value}" for value in actions[0].annotation}
            assert wanted <= keys, (prefix, wanted - keys)
        else:
            assert any(k == prefix or k.startswith(f"{prefix}:") for k in keys), prefix


def documented() -> dict[str, list[str]]:
    """docs/access.md's matrix rows: `key` → the six cells' symbols."""
    rows = {}
    for line in ACCESS_MD.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == len(ROLES) + 2:
            for key in re.findall(r"`([^`]+)`", cells[0]):
                rows[key] = [c.split()[0] if c else "" for c in cells[1:-1]]
    return rows


async def test_docs_access_md_matches_the_matrix():
    docs = documented()
    assert set(docs) == {r.key for r in TABLE}, set(docs) ^ {r.key for r in TABLE}
    for r in TABLE:
        assert docs[r.key] == [r.cells[role].symbol for role in ROLES], r.key
