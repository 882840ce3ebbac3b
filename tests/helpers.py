"""What the tiers share: the test clock, the people who talk to the bot (named, not magic numbers), and the
steps a test takes through the bot (`tg`: the HTTP sandbox's client or the handler tier's in-process one, which
have the same interface)."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


@dataclass
class Clock:
    """The bot's clock; tests move it to check expiries."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


# -- the people ----------------------------------------------------------------------------------------------
# The branch a test builds through the bot (create_branch: Chi bộ Khu phố 7, its secretary Nguyễn Thị Lan),
# who joins it by link, and who never does.
SECRETARY, MEMBER, SUPERVISOR, STRANGER, OTHER_SECRETARY = 501, 502, 503, 504, 505
# Members of that branch who open their invitation links in the review's tests.
MINH, HA, DUC = 601, 602, 603

# -- steps through the bot ----------------------------------------------------------------------------------

FIVE = """Trần Văn Minh, chính thức, 01/02/2011, phó bí thư
Lê Thị Hà, chính thức, 03/04/2012, chi ủy viên
Phạm Văn Đức, chính thức, 05/06/1996
Hoàng Thị Mai, dự bị, 07/08/2026
Vũ Văn Hùng, chính thức"""
LINK = re.compile(r"https://t\.me/chibo_sandbox_bot\?start=([\w-]+)")


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

# -- what is stored -----------------------------------------------------------------------------------------

STORED_TABLES = ("plan", "task", "plan_import", "membership", "person", "audit_log")


async def stored(engine) -> dict[str, int]:
    """The rows of the tables a refused file or paste must leave alone, counted."""
    async with engine.connect() as connection:
        return {t: (await connection.execute(text(f'SELECT count(*) FROM "{t}"'))).scalar_one() for t in STORED_TABLES}
