"""`kill -9` the real `chibo run` at random points of a review walkthrough: after each restart nothing is lost
and the walkthrough goes on.

The walkthrough (a branch, a roster, invitations, /kiemdiem, the meeting date, self-reviews, feedback,
attendance, the live meeting's votes and levels, its end, the answer to the feedback, the papers) runs twice
on a fresh database: once with the bot in this process and never stopped — the reference — and once
against `chibo run` subprocesses that are SIGKILLed at 3–4 random steps. At a kill point the step's update
is sent without waiting, the process dies 0–300 ms later (before, while or after it handles the update),
and a new one starts; Telegram's rule (an update is delivered until getUpdates confirms it) brings the
update back if it was not confirmed. Then both runs must agree: every stored row (ids and times aside), the
papers, and each step's answers — except that the step in flight at a kill may be answered twice.

CHIBO_RESTART_SEED=<n> replays a run: it fixes the kill points and delays (the seed is printed).

Random kills land in a given few milliseconds of an update only now and then; two tests put the kill there
every time, with the sandbox holding the bot's answer until it is dead: after the update's changes were made,
and after its screen was changed.
"""

import asyncio
import contextlib
import io
import json
import os
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from sqlalchemy import DateTime, Integer, func, inspect, select

# Every model module, so that Base.metadata holds every table.
import storage.reminder_models
import storage.review_models
import storage.runtime_models
import storage.supervision_models
from bot.app import SANDBOX_TOKEN, utc_now
from bot.config import Settings
from bot.domain.review.levels import MemberLevel
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import start_sandbox
from bot.sandbox.state import ChatMessage, SandboxState
from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import Base, Membership, Person
from storage.review_models import Review, ReviewMember, ReviewVote
from storage.types import UtcDateTime
from tests.databases import BACKENDS, create_postgres_database, drop_postgres_database, require_postgres
from tests.e2e.chibo_process import ChiboProcess
from tests.e2e.conftest import polling_bot
from tests.helpers import DUC, LINK, MINH, SECRETARY, create_branch

CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
START_TOKEN = re.compile(r"/start [\w-]+")
SEED = int(os.environ.get("CHIBO_RESTART_SEED") or random.SystemRandom().randrange(1_000_000))
WAIT = 90.0  # seconds for one update, a restart included (`chibo run` starts in ~6 s on a busy 2-core box)
# Seconds between sending the update in flight and the kill: up to 0.3, and for half the kills up to 0.06, the
# time it takes to handle one update (20–150 ms on a busy machine), so that kills land as often while the
# update is being handled as after.
MAX_DELAY, HANDLING = 0.3, 0.06
SELF_REVIEWS = {
    MINH: "Bản tự kiểm điểm: hoàn thành nhiệm vụ được giao, giữ mối liên hệ với nơi cư trú.",
    DUC: "Bản tự kiểm điểm: hoàn thành tốt nhiệm vụ, còn chậm nộp báo cáo tháng.",
}
# (name, level button, counts): 6 full members present of 7 (Ngô Văn Phúc is absent). Nobody is proposed as
# excellent: with 6 rated "good", the 15% quota leaves no place.
GOOD, DONE = "Tốt (HTTNV)", "Hoàn thành (HTNV)"
LEVELS = (("Nguyễn Thị Lan", GOOD, "5 1 0"), ("Trần Văn Minh", GOOD, "6 0 0"), ("Lê Thị Hà", GOOD, "5 0 1"),
          ("Phạm Văn Đức", GOOD, "6 0 0"), ("Hoàng Thị Mai", GOOD, "5 1 0"), ("Vũ Văn Hùng", DONE, "4 2 0"),
          ("Lý Văn Khoa", GOOD, "6 0 0"))
# Rows that depend on when the reminder jobs ran rather than on what the users did.
TIMING_TABLES = {"reminder", "reminder_chat", "reminder_pace", "reminder_replan", "supervisor_snapshot"}


@dataclass(frozen=True)
class Dates:
    """The bot runs on the real clock: every date is relative to today in the branch's zone."""

    meeting: date

    @classmethod
    def from_today(cls) -> "Dates":
        return cls(datetime.now(ZoneInfo(Settings(_env_file=None).timezone)).date() + timedelta(days=21))

    @property
    def roster(self) -> str:
        def day(days_before_meeting: int) -> str:
            return f"{self.meeting - timedelta(days=days_before_meeting):%d/%m/%Y}"

        return "\n".join((
            "Trần Văn Minh, chính thức, 01/02/2011, phó bí thư",
            "Lê Thị Hà, chính thức, 03/04/2012, chi ủy viên",
            "Phạm Văn Đức, chính thức, 05/06/1996",
            "Hoàng Thị Mai, chính thức, 07/08/2005",
            "Vũ Văn Hùng, chính thức, 09/10/2008",
            "Ngô Văn Phúc, chính thức, 17/03/2018",
            f"Dương Thị Thảo, dự bị, {day(120)}",  # admitted under 6 months before the meeting: not reviewed
            f"Lý Văn Khoa, dự bị, {day(280)}",
        ))


# --- what the bot showed, step by step -----------------------------------------------------------------


INVITE_CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")  # the code typed on Zalo


def normalize(text: str) -> str:
    """What may differ between two equal runs: invitation tokens and the codes typed on Zalo, and clock times
    (the live meeting's expected times follow the moment it was opened)."""
    text = INVITE_CODE.sub("<code>", LINK.sub("https://t.me/chibo_sandbox_bot?start=<token>", text))
    return CLOCK.sub("hh:mm", text)


def view(message: ChatMessage) -> str:
    """A bot message as the user sees it (invitation tokens aside)."""
    parts = [message.text or message.caption or ""]
    if message.document is not None:
        parts.append(f"[file {message.document.file_name}]")
    if message.reply_markup:
        parts.append("[" + " | ".join(b["text"] for row in message.reply_markup.get("inline_keyboard", [])
                                      for b in row) + "]")
    return normalize(" ".join(parts))


@dataclass(frozen=True)
class Screen:
    """Every bot message of every chat and the callback answers so far, read from the sandbox's state."""

    messages: dict[tuple[int, int], ChatMessage]
    views: dict[tuple[int, int], str]
    callback_answers: dict[int, int]

    @classmethod
    def of(cls, state: SandboxState) -> "Screen":
        messages = {(chat_id, message_id): message for chat_id, chat in state.chats.items()
                    for message_id, message in chat.messages.items() if message.from_bot}
        return cls(messages, {key: view(m) for key, m in messages.items()},
                   {chat_id: len(chat.callback_answers) for chat_id, chat in state.chats.items()})


@dataclass
class Kill:
    delay: float
    marked: bool = False  # the update was marked handled (committed) when the process died
    confirmed: bool = False  # the bot had confirmed it (getUpdates offset): it is not delivered again
    answered: bool = False  # the dead process had shown something for it

    @property
    def moment(self) -> str:
        if self.confirmed:
            return "after handling and confirming"
        if self.marked:
            return "after committing, before confirming" + ("" if self.answered else " (and before answering)")
        return "while handling (answered in part)" if self.answered else "before handling (or early in it)"


@dataclass(frozen=True)
class Shown:
    view: str
    text: str
    html: str | None  # as the bot sent it: tells reminders (sent by the scheduler whenever due) apart


@dataclass
class Step:
    index: int
    user: int
    action: str
    update_id: int
    new: dict[int, list[Shown]] = field(default_factory=dict)  # chat → new bot messages, in order
    edited: dict[int, list[Shown]] = field(default_factory=dict)  # chat → bot messages changed
    callback_answers: int = 0
    kill: Kill | None = None

    def new_views(self, chat_id: int, reminders: set[str] = frozenset()) -> list[str]:
        return [m.view for m in self.new.get(chat_id, []) if m.html not in reminders]

    def edited_views(self, chat_id: int) -> list[str]:
        return [m.view for m in self.edited.get(chat_id, [])]

    def texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.new.get(chat_id, []) + self.edited.get(chat_id, [])]

    def record(self, before: Screen, after: Screen) -> None:
        for (chat_id, message_id), message in after.messages.items():
            shown = Shown(after.views[chat_id, message_id], message.text or message.caption or "", message.html)
            if (chat_id, message_id) not in before.messages:
                self.new.setdefault(chat_id, []).append(shown)
            elif before.views[chat_id, message_id] != shown.view:
                self.edited.setdefault(chat_id, []).append(shown)
        self.callback_answers = sum(after.callback_answers.values()) - sum(before.callback_answers.values())


# --- the bot as a process that can be killed ---------------------------------------------------------------


def bot_process(sandbox_url: str, database_url: str, workdir: Path) -> ChiboProcess:
    """`chibo run` against the sandbox (which it then handles one update at a time)."""
    return ChiboProcess(workdir, {"CHIBO_BOT_TOKEN": SANDBOX_TOKEN, "CHIBO_API_BASE_URL": sandbox_url,
                                  "CHIBO_DATABASE_URL": database_url})


async def marked(database_url: str, update_id: int) -> bool:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            if not await connection.run_sync(lambda sync: inspect(sync).has_table("handled_update")):
                return False  # killed while starting, before its migrations
            found = await connection.scalar(select(storage.runtime_models.HandledUpdate.update_id).where(
                storage.runtime_models.HandledUpdate.update_id == update_id))
        return found is not None
    finally:
        await engine.dispose()


# --- the walkthrough -------------------------------------------------------------------------------------


class Walk:
    """Plays the users' side one update at a time and records what each update brought."""

    def __init__(self, tg: SandboxClient, state: SandboxState, *, bot: ChiboProcess | None = None,
                 database_url: str = "", kill_at: frozenset[int] = frozenset(), rng: random.Random | None = None):
        self.tg, self.state, self.bot, self.database_url = tg, state, bot, database_url
        self.kill_at, self.rng = kill_at, rng
        self.steps: list[Step] = []

    async def send(self, user: int, text: str, *, first_name: str | None = None, expect: str | None = None) -> None:
        await self._step(user, f"send {text!r}", lambda wait: self.tg.send(user, text, first_name, wait=wait),
                         expect)

    async def click(self, user: int, button: str, *, expect: str | None = None) -> None:
        await self._step(user, f"click {button!r}", lambda wait: self.tg.click_button(user, button, wait=wait),
                         expect)

    async def last_text(self, user: int) -> str:
        """The bot's last message to user, leaving out reminders (the scheduler sends them when they are due)."""
        reminders = await reminder_texts(self.database_url) if self.bot else set()
        shown = [m for m in self.state.chats[user].messages.values() if m.from_bot and m.html not in reminders]
        return shown[-1].text or shown[-1].caption or ""

    async def _step(self, user: int, action: str, post, expect: str | None) -> None:
        before = Screen.of(self.state)
        step = Step(len(self.steps), user, START_TOKEN.sub("/start <token>", action), await post(False))
        self.steps.append(step)
        if step.index in self.kill_at:
            step.kill = await self._kill(step, before)
        try:
            await self.tg.wait(step.update_id, WAIT)
        except TimeoutError as error:
            log = f"\n--- {self.bot.log}:\n{self.bot.tail()}" if self.bot else ""
            raise AssertionError(f"step {step.index} ({action}) was not handled: {error}{log}") from None
        step.record(before, Screen.of(self.state))
        if expect is not None:
            assert any(expect in text for text in step.texts(user)), (
                f"step {step.index} ({action}): no answer with {expect!r} in {step.texts(user)}")

    async def _kill(self, step: Step, before: Screen) -> Kill:
        kill = Kill(delay=self.rng.uniform(0, self.rng.choice((HANDLING, MAX_DELAY))))
        await asyncio.sleep(kill.delay)
        await self.bot.kill()
        kill.confirmed = self.state.is_processed(step.update_id)
        kill.marked = await marked(self.database_url, step.update_id)
        now = Screen.of(self.state)
        kill.answered = (now.views.items() != before.views.items() or now.callback_answers != before.callback_answers)
        print(f"  kill at step {step.index} ({step.action}) after {kill.delay * 1000:.0f} ms: {kill.moment}")
        await self.bot.start()
        return kill


async def until_item(w: Walk, title: str) -> None:
    for _ in range(30):
        if title in (await w.last_text(SECRETARY)).split("\n")[1]:
            return
        await w.click(SECRETARY, "Mục tiếp")
    raise AssertionError(f"no agenda item {title!r}")


async def walkthrough(w: Walk, d: Dates) -> None:
    await w.send(SECRETARY, "/start", first_name="Lan")
    await w.click(SECRETARY, "Tạo chi bộ mới")
    await w.send(SECRETARY, "Chi bộ Khu phố 7")
    await w.click(SECRETARY, "Bỏ qua")
    await w.send(SECRETARY, "Nguyễn Thị Lan", expect="Đã tạo Chi bộ Khu phố 7")
    await w.send(SECRETARY, "/nhapds")
    await w.send(SECRETARY, d.roster, expect="Đã thêm 8 đảng viên")
    for user, name in ((MINH, "Trần Văn Minh"), (DUC, "Phạm Văn Đức")):
        await w.send(SECRETARY, "/doanvien")
        await w.click(SECRETARY, name)
        await w.click(SECRETARY, "Link mời")
        token = LINK.search(await w.last_text(SECRETARY)).group(1)
        await w.send(user, f"/start {token}", expect=f"Chào đồng chí {name}")

    await w.send(SECRETARY, "/kiemdiem", expect="(9 đảng viên)")
    # The 2014 set, picked as a secretary replaying it would: its typed counts and thresholds are the dialogs
    # a restart can cut through most (QĐ 366's sheets are walked in test_review_qd366.py).
    await w.click(SECRETARY, "Quy định áp dụng")
    await w.click(SECRETARY, "146", expect="Kế hoạch 146")
    await w.click(SECRETARY, "Đặt ngày hội nghị")
    await w.send(SECRETARY, f"{d.meeting:%d/%m/%Y} 08:00, Hội trường khu phố 7",
                 expect=f"Hội nghị: 08:00 ngày {d.meeting:%d/%m/%Y}, Hội trường khu phố 7")

    for user, text in SELF_REVIEWS.items():
        await w.send(user, "/tukiemdiem")
        await w.send(user, text, expect="Đã nhận bản tự kiểm điểm")
    await w.send(SECRETARY, "/buoc", expect="(theo mẫu): 2/8")
    await w.click(SECRETARY, "Đảng viên (tự kiểm điểm")
    await w.click(SECRETARY, "Hoàng Thị Mai")
    await w.click(SECRETARY, "Đã nhận bản giấy", expect="Bản tự kiểm điểm: đã nhận bản giấy")
    await w.send(SECRETARY, "/buoc", expect="(theo mẫu): 3/8")
    await w.click(SECRETARY, "Nhắc người còn thiếu", expect="Đã nhắc")

    await w.click(SECRETARY, "Ghi góp ý")
    await w.send(SECRETARY, "Hội Cựu chiến binh khu phố 7")
    await w.click(SECRETARY, "Tổ chức, đoàn thể")
    await w.click(SECRETARY, "Tập thể chi ủy")
    await w.send(SECRETARY, "Đề nghị chi ủy sinh hoạt đúng giờ.",
                 expect="Đã ghi nhận góp ý của Hội Cựu chiến binh khu phố 7")

    await w.send(SECRETARY, "/buoc")
    await w.click(SECRETARY, "Đảng viên (tự kiểm điểm")
    await w.click(SECRETARY, "Ngô Văn Phúc")
    await w.click(SECRETARY, "Vắng mặt")
    await w.send(SECRETARY, "ốm, có báo cáo", expect="vắng mặt (ốm, có báo cáo)")

    await w.send(SECRETARY, "/buoc")
    await w.click(SECRETARY, "Bắt đầu hội nghị", expect="Bắt đầu hội nghị bây giờ?")
    await w.click(SECRETARY, "Vẫn bắt đầu hội nghị", expect="Báo cáo kiểm điểm của tập thể chi ủy")
    await until_item(w, "Biểu quyết thông qua báo cáo kiểm điểm")
    await w.click(SECRETARY, "Ghi kết quả biểu quyết", expect="Số đảng viên chính thức có mặt: 6")
    await w.send(SECRETARY, "6 0 0", expect="6/7 đảng viên chính thức tán thành")
    await until_item(w, "Bỏ phiếu đánh giá, xếp loại chi bộ")
    await w.click(SECRETARY, "Ghi kết quả biểu quyết")
    await w.send(SECRETARY, "92")
    await w.send(SECRETARY, "5 1 0", expect="Trong sạch vững mạnh")
    await until_item(w, "Bỏ phiếu đánh giá, phân loại đảng viên")
    await w.click(SECRETARY, "Ghi kết quả biểu quyết")
    for name, level, counts in LEVELS:
        await w.click(SECRETARY, name)
        await w.click(SECRETARY, level)
        await w.send(SECRETARY, counts, expect=f"{counts.split()[0]}/7 phiếu tán thành")

    await w.send(SECRETARY, "/buoc")
    await w.click(SECRETARY, "Tiếp tục hội nghị")
    await w.click(SECRETARY, "Kết quả phân loại", expect="Vũ Văn Hùng: «Hoàn thành nhiệm vụ» (4/7")
    await w.click(SECRETARY, "Kết thúc hội nghị", expect="Kết thúc hội nghị?")
    await w.click(SECRETARY, "Đúng, kết thúc hội nghị", expect="Hội nghị đã kết thúc")
    await w.send(SECRETARY, "/buoc", expect="👉 Bước 3")
    await w.click(SECRETARY, "Trả lời góp ý")
    await w.click(SECRETARY, "Hội Cựu chiến binh khu phố 7")
    await w.send(SECRETARY, "Chi ủy tiếp thu, từ tháng sau sinh hoạt đúng 19 giờ.", expect="Đã ghi câu trả lời")
    await w.send(SECRETARY, "/buoc")
    await w.click(SECRETARY, "Biên bản, danh sách, báo cáo", expect="Địa danh trên giấy tờ")  # asked once
    await w.send(SECRETARY, "Phường Bến Thành", expect="Biên bản hội nghị kiểm điểm")


# --- comparing the two runs ------------------------------------------------------------------------------


def compare_steps(reference: list[Step], run: list[Step], reminders: set[str]) -> tuple[list[str], Counter]:
    """Problems (a step whose answer is missing or differs), and how many answers came twice, per step."""
    problems: list[str] = []
    duplicates: Counter[int] = Counter()
    for ref, got in zip(reference, run, strict=True):
        where = f"step {got.index} ({got.action})"
        if ref.action != got.action:
            problems.append(f"{where}: the walkthrough went another way; the reference did {ref.action}")
            break
        for chat_id in sorted(set(ref.new) | set(got.new)):
            expected, shown = ref.new_views(chat_id), got.new_views(chat_id, reminders)
            if got.kill is None:
                if shown != expected:
                    problems.append(f"{where}, chat {chat_id}: answered {shown}, the reference {expected}")
                continue
            missing = Counter(expected) - Counter(shown)
            extra = Counter(shown) - Counter(expected)
            if missing:
                problems.append(f"{where} (killed {got.kill.moment}), chat {chat_id}: missing {list(missing)}")
            if set(extra) - set(expected):
                problems.append(f"{where} (killed), chat {chat_id}: unexpected {list(set(extra) - set(expected))}")
            if extra:
                duplicates[got.index] += sum(extra.values())
        for chat_id in sorted(set(ref.edited) | set(got.edited)):
            expected, shown = ref.edited_views(chat_id), got.edited_views(chat_id)
            if (shown != expected) if got.kill is None else not set(expected) <= set(shown):
                problems.append(f"{where}, chat {chat_id}: changed messages to {shown}, the reference {expected}")
        if got.callback_answers < ref.callback_answers or (got.kill is None
                                                            and got.callback_answers != ref.callback_answers):
            problems.append(f"{where}: {got.callback_answers} callback answers, the reference "
                            f"{ref.callback_answers}")
    return problems, duplicates


def skipped(column) -> bool:
    """Columns that differ between two equal runs: generated ids, times, random tokens, ids in JSON."""
    generated_id = column.primary_key and isinstance(column.type, Integer) and not column.foreign_keys and (
        column.autoincrement is not False)
    return generated_id or isinstance(column.type, DateTime | UtcDateTime) or column.name == "token"


async def stored_rows(database_url: str) -> dict[str, Counter]:
    """Every table's rows with ids replaced by what they point at, as a multiset (duplicates count)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            raw = {table.name: [dict(row._mapping) for row in await connection.execute(select(table))]
                   for table in Base.metadata.sorted_tables if table.name not in TIMING_TABLES}
    finally:
        await engine.dispose()
    tables = {table.name: table for table in Base.metadata.sorted_tables}

    def label(table_name: str, column_name: str, value: object) -> object:
        row = next(r for r in raw[table_name] if r[column_name] == value)
        return canonical(tables[table_name], row)

    def subject(value: str) -> object:
        """A vote's subject: "member:<membership id>" as the member it names."""
        if value.startswith("member:"):
            return ("member", label("membership", "id", int(value.removeprefix("member:"))))
        return value

    def canonical(table, row: dict) -> tuple:
        out = []
        for column in table.columns:
            if skipped(column):
                continue
            value = row[column.name]
            target = next(iter(column.foreign_keys), None)
            if target is not None and value is not None:
                value = label(target.column.table.name, target.column.name, value)
            elif table.name == "review_vote" and column.name == "subject":
                value = subject(value)
            elif table.name == "audit_log" and column.name == "details":
                # Ids differ where a killed transaction took sequence numbers (PostgreSQL does not give them back).
                value = json.dumps({k: subject(v) if k == "subject" else v for k, v in json.loads(value).items()
                                    if not k.endswith("id")}, sort_keys=True, ensure_ascii=False, default=str)
            out.append((column.name, value))
        return tuple(out)

    return {name: Counter(canonical(tables[name], row) for row in rows) for name, rows in raw.items()}


def papers(state: SandboxState) -> dict[str, str]:
    """The text of each .docx the secretary got (the last copy of each file name)."""
    found = {}
    for message in state.chats[SECRETARY].messages.values():
        if message.from_bot and message.document is not None and message.document.file_name.endswith(".docx"):
            document = docx.Document(io.BytesIO(message.document.content))
            found[message.document.file_name] = normalize("\n".join(
                [p.text for p in document.paragraphs] + [c.text for t in document.tables for row in t.rows
                                                         for c in row.cells]))
    return found


async def review_summary(database_url: str) -> tuple[dict[str, tuple], dict[str, tuple], int | None]:
    """By name: each member's self-review and attendance, each vote's level and counts; the branch's score."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            names = dict((await connection.execute(
                select(Membership.id, Person.full_name).join(Person, Person.id == Membership.person_id))).all())
            members = {names[row.membership_id]: (row.self_review, row.present, row.absence_reason)
                       for row in await connection.execute(select(ReviewMember))}
            votes = {names.get(int(row.subject.removeprefix("member:")), row.subject) if row.subject.startswith(
                "member:") else row.subject: (row.proposed, row.approve, row.disapprove, row.other)
                for row in await connection.execute(select(ReviewVote))}
            score = await connection.scalar(select(Review.branch_score))
        return members, votes, score
    finally:
        await engine.dispose()


async def reminder_texts(database_url: str) -> set[str]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return set((await connection.scalars(select(storage.reminder_models.Reminder.text))).all())
    finally:
        await engine.dispose()


# --- the test --------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def fresh_databases(backend: str, tmp_path: Path, names: tuple[str, ...]):
    """Empty databases (the bot migrates them as it starts), one per name."""
    if backend == "sqlite":
        yield [f"sqlite+aiosqlite:///{tmp_path / name}.db" for name in names]
        return
    require_postgres()
    urls = []
    try:
        for _ in names:
            urls.append(await create_postgres_database())
        yield urls
    finally:
        for url in urls:
            await drop_postgres_database(url)


@pytest.fixture(params=BACKENDS)
async def databases(request, tmp_path):
    """The reference run's database and the killed run's."""
    async with fresh_databases(request.param, tmp_path, ("reference", "killed")) as urls:
        yield urls


@pytest.fixture(params=BACKENDS)
async def database(request, tmp_path):
    async with fresh_databases(request.param, tmp_path, ("chibo",)) as (url,):
        yield url


async def reference_run(database_url: str, d: Dates) -> tuple[list[Step], dict[str, str]]:
    """The walkthrough with the bot in this process, never stopped."""
    engine = create_engine(database_url)
    await upgrade(engine)
    sandbox = await start_sandbox("127.0.0.1", 0)
    try:
        async with polling_bot(sandbox, engine, database_url, utc_now), SandboxClient(sandbox.url) as tg:
            w = Walk(tg, sandbox.state)
            await walkthrough(w, d)
        return w.steps, papers(sandbox.state)
    finally:
        await sandbox.stop()
        await engine.dispose()


async def test_kill_9_at_random_steps_loses_nothing(databases, tmp_path):
    reference_url, killed_url = databases
    d = Dates.from_today()
    reference, reference_papers = await reference_run(reference_url, d)

    rng = random.Random(SEED)
    kill_at = frozenset(rng.sample(range(len(reference)), rng.randint(3, 4)))
    print(f"\nrestarts: CHIBO_RESTART_SEED={SEED}; {len(reference)} steps; kill -9 at steps {sorted(kill_at)}: "
          + ", ".join(reference[i].action for i in sorted(kill_at)))
    sandbox = await start_sandbox("127.0.0.1", 0)
    bot = bot_process(sandbox.url, killed_url, tmp_path)
    try:
        await bot.start()
        async with SandboxClient(sandbox.url) as tg:
            w = Walk(tg, sandbox.state, bot=bot, database_url=killed_url, kill_at=kill_at, rng=rng)
            await walkthrough(w, d)
        await bot.stop()
        run, run_papers = w.steps, papers(sandbox.state)
    finally:
        await bot.stop()
        await sandbox.stop()

    # Every step got its answers (the one in flight at a kill possibly twice), and nothing else changed.
    reminders = await reminder_texts(killed_url)
    problems, duplicates = compare_steps(reference, run, reminders)
    sent = sum(m.html in reminders for step in run for shown in step.new.values() for m in shown)
    print(f"restarts: {bot.starts} starts; {sent} reminders from the scheduler told apart from the answers; "
          "answers repeated by the steps in flight at a kill: "
          f"{duplicates.total()}" + "".join(f"\n  step {i}: {n} repeated" for i, n in sorted(duplicates.items())))
    assert not problems, f"CHIBO_RESTART_SEED={SEED}:\n" + "\n".join(problems)

    # The stored state is the reference's, row for row: nothing lost, nothing twice.
    expected, stored = await stored_rows(reference_url), await stored_rows(killed_url)
    for table in expected:
        assert stored[table] == expected[table], (
            f"CHIBO_RESTART_SEED={SEED}: table {table}: only in the killed run {list(stored[table] - expected[table])}"
            f"; only in the reference {list(expected[table] - stored[table])}")
    assert sum(stored["handled_update"].values()) == len(run)  # each update marked handled exactly once
    assert sum(stored["membership"].values()) == 9
    assert sum(stored["review_feedback"].values()) == 1
    audit = Counter(dict(row)["action"] for row in stored["audit_log"].elements())
    assert audit == Counter(dict(row)["action"] for row in expected["audit_log"].elements())
    members, votes, score = await review_summary(killed_url)
    assert {name: entry[0] for name, entry in members.items() if entry[0]} == {
        "Trần Văn Minh": "bot", "Phạm Văn Đức": "bot", "Hoàng Thị Mai": "paper"}
    assert {name: entry[1:] for name, entry in members.items() if entry[1] is False} == {
        "Ngô Văn Phúc": (False, "ốm, có báo cáo")}
    levels = {GOOD: MemberLevel.HTTNV, DONE: MemberLevel.HTNV}
    assert votes == {"committee_report": (None, 6, 0, 0), "branch": (votes["branch"][0], 5, 1, 0)} | {
        name: (levels[level], *map(int, counts.split())) for name, level, counts in LEVELS}
    assert score == 92

    # The papers say the same, and what the walkthrough decided.
    assert run_papers == reference_papers
    minutes = next(text for name, text in run_papers.items() if name.startswith("bien-ban"))
    assert all(name in minutes for name, _, _ in LEVELS)
    assert "Có mặt: 8/9 đồng chí (6/7 đảng viên chính thức)" in minutes
    assert "thông qua báo cáo kiểm điểm: 6 tán thành, 0 không tán thành, 0 ý kiến khác" in minutes
    assert "+ Đồng chí Ngô Văn Phúc: ốm, có báo cáo." in minutes
    listing = next(text for name, text in run_papers.items() if name.startswith("danh-sach"))
    assert all(name in listing for name, _, _ in LEVELS)
    assert any(name.startswith("thong-bao-tiep-thu") for name in run_papers)


async def count_rows(database_url: str, model) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(select(func.count()).select_from(model))
    finally:
        await engine.dispose()


@pytest.fixture
async def chibo(database, tmp_path):
    """A running `chibo run` on a fresh database: (sandbox, client, process, database URL)."""
    database_url = database
    sandbox = await start_sandbox("127.0.0.1", 0)
    bot = bot_process(sandbox.url, database_url, tmp_path)
    try:
        await bot.start()
        async with SandboxClient(sandbox.url) as tg:
            await tg.wait(await tg.send(SECRETARY, "/help", wait=False), WAIT)  # started
            yield sandbox, tg, bot, database_url
    finally:
        await bot.stop()
        await sandbox.stop()


async def killed_while_answering(chibo, post) -> None:
    """Posts one update of the secretary's; the sandbox holds the bot's first message in answer to it, and the
    bot is killed while it waits there. A new process then handles whatever is left of the update."""
    sandbox, tg, bot, _ = chibo
    await tg.set_fault(SECRETARY, "timeout", seconds=WAIT, delivered=False)
    update_id = await post()
    async with asyncio.timeout(WAIT):
        while not sandbox.state.traffic.stats["timed_out"]:
            await asyncio.sleep(0.01)
    await bot.kill()
    await tg.set_fault(SECRETARY, "none")
    await bot.start()
    await tg.wait(update_id, WAIT)


async def test_killed_while_answering_a_stored_roster_the_answer_comes_and_the_members_are_there_once(chibo):
    """The bot has stored the pasted roster and is sending its answer when it dies. After the restart the
    secretary has her answer, the members are there once, and the dialog is over (a next message is not read
    as one more roster line)."""
    _, tg, bot, database_url = chibo
    await create_branch(tg)
    await tg.send(SECRETARY, "/nhapds")
    await killed_while_answering(chibo, lambda: tg.send(
        SECRETARY, "Trần Văn Minh, chính thức, 01/02/2011, phó bí thư\nLê Thị Hà, chính thức, 03/04/2012", wait=False))
    assert any("Đã thêm 2 đảng viên" in m["text"] for m in await tg.messages(SECRETARY)), (
        "no answer to the roster after the restart; the bot's log ends:\n" + bot.tail(5))
    await tg.send(SECRETARY, "Phạm Văn Đức, chính thức, 05/06/1996")
    await tg.send(SECRETARY, "/doanvien")
    assert "Đảng viên: 3 (3 chính thức" in await tg.last_text(SECRETARY)
    assert await count_rows(database_url, Membership) == 3


async def test_killed_after_a_screen_changed_the_dialog_goes_on(chibo):
    """Choosing whom a piece of feedback is about takes the buttons away, then asks for its content; the bot
    dies while asking. Handled again after the restart, the update finds the buttons already gone — which
    must not stop it — and the dialog goes on to the feedback, stored once."""
    _, tg, bot, database_url = chibo
    await create_branch(tg)
    await tg.send(SECRETARY, "/nhapds")
    await tg.send(SECRETARY, "Trần Văn Minh, chính thức, 01/02/2011, phó bí thư")
    await tg.send(SECRETARY, "/kiemdiem")
    await tg.click_button(SECRETARY, "Ghi góp ý")
    await tg.send(SECRETARY, "Hội Cựu chiến binh khu phố 7")
    await tg.click_button(SECRETARY, "Tổ chức, đoàn thể")
    await killed_while_answering(chibo, lambda: tg.click_button(SECRETARY, "Tập thể chi ủy", wait=False))
    assert await tg.last_text(SECRETARY) == "Nội dung góp ý?", bot.tail(5)
    await tg.send(SECRETARY, "Đề nghị chi ủy sinh hoạt đúng giờ.")
    assert "Đã ghi nhận góp ý của Hội Cựu chiến binh khu phố 7" in await tg.last_text(SECRETARY)
    assert await count_rows(database_url, storage.review_models.ReviewFeedback) == 1
